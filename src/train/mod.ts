/**
 * Training the seven models: their configs and names (`config.ts`, `model_names.ts`), the data
 * (`dataset.ts`, `sampler.ts`, the trunk cache), the network and its losses (`network.ts`,
 * `losses/`), the optimizer, checkpoints and the training loop (`adam.ts`, `checkpoint.ts`,
 * `trainer.ts`, `schedule.ts`), and the `train` and `embed` stages with their tables.
 *
 * Stage modules import the files themselves, not this index: a stage's cache key hashes the code
 * its modules reach (docs/architecture.md, "mod.ts").
 *
 * @module
 */
export * from "./activations.ts";
export * from "./adam.ts";
export * from "./batch_loss.ts";
export * from "./checkpoint.ts";
export * from "./config.ts";
export * from "./dataset.ts";
export * from "./embed_stage.ts";
export * from "./embedding_tables.ts";
export * from "./losses/mod.ts";
export * from "./model_names.ts";
export * from "./network.ts";
export * from "./sampler.ts";
export * from "./schedule.ts";
export * from "./stage.ts";
export * from "./trainer.ts";
export * from "./trunk_cache.ts";
