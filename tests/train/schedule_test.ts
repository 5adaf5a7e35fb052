/** The schedule a run trains with: profile sections of the configs and the command line's overrides. */
import { strict as assert } from "node:assert";
import { loadTrainConfig, validateTrainConfig } from "../../src/train/config.ts";
import { effectiveConfig } from "../../src/train/schedule.ts";
import { MODEL_NAMES } from "../../src/train/model_names.ts";

Deno.test("effectiveConfig: the THINGS profile caps batch-prototype training at 1,200 batches (the seed's CPU run)", async () => {
  const config = await loadTrainConfig("batch_prototype_triplets");
  const embedded = effectiveConfig(config, "embedded");
  const things = effectiveConfig(config, "things");
  assert.equal(embedded.sampler.kind, "triplet-concepts");
  assert.equal(things.sampler.kind, "triplet-concepts");
  if (embedded.sampler.kind !== "triplet-concepts" || things.sampler.kind !== "triplet-concepts") {
    return;
  }
  assert.equal(embedded.sampler.maxBatches, 300);
  assert.equal(things.sampler.maxBatches, 1200);
  assert.equal(things.profiles, undefined, "the effective config has no profile sections");
  assert.ok(config.profiles?.things, "the input config is unchanged");
});

Deno.test("effectiveConfig: --head-epochs, --layer4-epochs and --max-train-batches override every model's schedule", async () => {
  for (const name of MODEL_NAMES) {
    const config = await loadTrainConfig(name);
    const out = effectiveConfig(config, "things", {
      headEpochs: 2,
      topEpochs: 3,
      maxTrainBatches: 50,
    });
    assert.equal(out.stages.length, config.stages.length);
    out.stages.forEach((stage, i) => {
      assert.equal(stage.epochs, stage.trainable === "head" ? 2 : 3, `${name} ${stage.name}`);
      assert.equal(stage.learningRate, config.stages[i].learningRate);
    });
    assert.equal(out.maxBatchesPerEpoch, 50);
    if (out.sampler.kind === "triplet-concepts") assert.equal(out.sampler.maxBatches, 50);
    // without overrides the config's own schedule stands
    const plain = effectiveConfig(config, "embedded");
    assert.deepEqual(plain.stages, config.stages);
    assert.equal(plain.maxBatchesPerEpoch, undefined);
  }
});

Deno.test("validateTrainConfig: a profile section must name sampler fields with integers ≥ 1", async () => {
  const config = await loadTrainConfig("baseline");
  assert.throws(
    () =>
      validateTrainConfig({ ...config, profiles: { things: { sampler: { maxBatches: 5 } } } }, {
        file: "x.json",
      }),
    /x\.json: entry profiles\.things\.sampler\.maxBatches: expected a field of the shuffle sampler/,
  );
  assert.throws(
    () =>
      validateTrainConfig({ ...config, profiles: { things: { sampler: { batchSize: 0 } } } }, {
        file: "x.json",
      }),
    /expected an integer ≥ 1, found 0/,
  );
  const ok = validateTrainConfig(
    { ...config, profiles: { things: { sampler: { batchSize: 32 } } } },
    { file: "x.json" },
  );
  const applied = effectiveConfig(ok, "things");
  assert.equal(applied.sampler.kind === "shuffle" && applied.sampler.batchSize, 32);
});

Deno.test("schedule flags: the seed's training flags parse into overrides, with clear errors", async () => {
  const { parseTaskArgs, UsageError } = await import("../../src/pipeline/cli.ts");
  const { SCHEDULE_FLAGS, scheduleFlags } = await import("../../src/train/cli.ts");
  const spec = { name: "train", summary: "", flags: SCHEDULE_FLAGS };
  const parse = (args: string[]) => scheduleFlags(parseTaskArgs(spec, args));
  assert.deepEqual(parse([]), {});
  assert.deepEqual(
    parse([
      "--head-epochs",
      "1",
      "--layer4-epochs",
      "2",
      "--max-train-batches",
      "50",
      "--triplets-per-batch",
      "8",
      "--images-per-concept",
      "2",
    ]),
    { headEpochs: 1, topEpochs: 2, maxTrainBatches: 50, tripletsPerBatch: 8, imagesPerConcept: 2 },
  );
  assert.deepEqual(parse(["--top-epochs", "3"]), { topEpochs: 3 }, "--top-epochs is an alias");
  assert.throws(() => parse(["--top-epochs", "3", "--layer4-epochs", "2"]), UsageError);
  assert.throws(() => parse(["--head-epochs", "0"]), /--head-epochs must be ≥ 1/);
  assert.throws(() => parse(["--images-per-concept", "0"]), /--images-per-concept must be ≥ 1/);
  assert.throws(() => parse(["--max-train-batches", "x"]), /must be an integer/);
  // the sampler overrides reach the samplers that have those fields, and only those
  const batch = effectiveConfig(await loadTrainConfig("batch_prototype_triplets"), "things", {
    tripletsPerBatch: 4,
    imagesPerConcept: 3,
  });
  assert.equal(batch.sampler.kind === "triplet-concepts" && batch.sampler.tripletsPerBatch, 4);
  assert.equal(batch.sampler.kind === "triplet-concepts" && batch.sampler.imagesPerConcept, 3);
  const baseline = effectiveConfig(await loadTrainConfig("baseline"), "things", {
    imagesPerConcept: 3,
  });
  assert.deepEqual(baseline.sampler, { kind: "shuffle", batchSize: 64 });
});
