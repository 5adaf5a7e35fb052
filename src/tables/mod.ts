/**
 * The pipeline's tables: one module per table under `outputs/tables/` (its path, columns,
 * metadata and typed `write…`/`read…` functions), the table names (`names.ts`), where a run's
 * artifacts live (`paths.ts`), the registry of every table with its module and producing stage
 * (`artifacts.ts`), typed column access to a table file (`reader.ts`, `columns.ts`) and Arrow →
 * plain rows (`rows.ts`). `docs/tables.md` documents the columns.
 *
 * @module
 */
export * from "./names.ts";
export * from "./paths.ts";
export * from "./artifacts.ts";
export * from "./reader.ts";
export * from "./columns.ts";
export * from "./rows.ts";
export * from "./concepts.ts";
export * from "./images.ts";
export * from "./human_similarity.ts";
export * from "./human_pairs.ts";
export * from "./triplets.ts";
export * from "./training.ts";
export * from "./embeddings.ts";
export * from "./models.ts";
export * from "./benchmark.ts";
export * from "./benchmark_items.ts";
export * from "./aligned.ts";
export * from "./aligned_glocal.ts";
export * from "./aligned_alignet.ts";
export * from "./gwot.ts";
export * from "./features.ts";
