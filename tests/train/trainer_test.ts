/**
 * The training loop on a tiny synthetic network (pure-JS cpu backend): it learns, stops early,
 * checkpoints every epoch, and a run stopped mid-epoch and resumed ends with bit-identical
 * weights; samplers are deterministic per (seed, epoch).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { memoryActivations } from "../../src/train/activations.ts";
import { loadCheckpoint } from "../../src/train/checkpoint.ts";
import { type TrainConfig, validateTrainConfig } from "../../src/train/config.ts";
import type { TrainData } from "../../src/train/dataset.ts";
import { epochBatches } from "../../src/train/sampler.ts";
import { type Network, trainModel, type TrunkActivations } from "../../src/train/trainer.ts";
import { createRng } from "../../src/stats/random.ts";

await tf.setBackend("cpu");

/** 6 concepts × 10 images of 6-d "trunk activations" around separated class centres. */
function syntheticData(): { data: TrainData; trunk: TrunkActivations } {
  const rng = createRng(1);
  const nConcepts = 6, per = 10, dim = 6;
  const n = nConcepts * per;
  const values = new Float32Array(n * dim);
  const imageConcept = new Int32Array(n);
  const imageSplit: string[] = [];
  for (let c = 0; c < nConcepts; c++) {
    for (let k = 0; k < per; k++) {
      const r = c * per + k;
      imageConcept[r] = c;
      imageSplit.push(k < 6 ? "train" : k < 8 ? "val" : "test");
      for (let d = 0; d < dim; d++) {
        values[r * dim + d] = (d === c ? 3 : 0) + (rng.next() - 0.5);
      }
    }
  }
  const rowsOf = (s: string) => Int32Array.from(imageSplit.flatMap((x, r) => (x === s ? [r] : [])));
  const data: TrainData = {
    conceptIds: Array.from({ length: nConcepts }, (_, c) => `c${c}`),
    imageConcept,
    imageIds: Array.from({ length: n }, (_, r) => `img${r}`),
    imagePaths: Array.from({ length: n }, (_, r) => `img${r}.png`),
    imageSplit,
    imageClass: Int32Array.from(imageConcept),
    classConcept: Int32Array.from({ length: nConcepts }, (_, c) => c),
    conceptClass: Int32Array.from({ length: nConcepts }, (_, c) => c),
    rows: {
      train: rowsOf("train"),
      val: rowsOf("val"),
      test: rowsOf("test"),
      stress: new Int32Array(0),
    },
  };
  return { data, trunk: memoryActivations(values, [dim]) };
}

function network(seed: number): Network {
  const top = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [6],
        units: 8,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  const head = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [8],
        units: 6,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
  return { top, head };
}

const config: TrainConfig = validateTrainConfig({
  name: "toy",
  description: "toy",
  init: "imagenet",
  sampler: { kind: "concepts", conceptsPerBatch: 3, imagesPerConcept: 2 },
  stages: [
    { name: "head", trainable: "head", epochs: 3, learningRate: 0.05 },
    { name: "top", trainable: "top+head", epochs: 4, learningRate: 0.01 },
  ],
  loss: { ce: 1, triplet: 0, matrix: 0.5 },
  matrix: { table: "human_similarity", kind: "pearson" },
  earlyStopping: { patience: 10 },
}, { file: "toy.json" });

const human = (() => {
  const n = 6;
  const data = new Float64Array(n * n);
  const trainMask = new Uint8Array(n * n).fill(1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      data[i * n + j] = i === j ? 1 : 1 / (1 + Math.abs(i - j));
    }
  }
  return { data, n, trainMask };
})();

async function run(dir: string, options: { resume: boolean; maxSteps?: number }) {
  const { data, trunk } = syntheticData();
  return await trainModel({
    config,
    seed: 7,
    data,
    trunk,
    net: network(3),
    human,
    checkpointDir: dir,
    ...options,
  });
}

Deno.test("trainer: learns the toy task and checkpoints every epoch", async () => {
  const dir = await Deno.makeTempDir();
  const result = await run(dir, { resume: false });
  assert.ok(result.finished);
  assert.equal(result.log.length, 7);
  assert.ok(result.log.at(-1)!.val_top1 > 0.8, `val top-1 ${result.log.at(-1)!.val_top1}`);
  assert.ok(result.log.at(-1)!.loss_ce < result.log[0].loss_ce);
  assert.ok(result.log.some((r) => r.loss_matrix > 0), "matrix term logged");
  for (const f of ["last.ckpt", "best.ckpt", "final.ckpt", "timings.json"]) {
    assert.ok(await Deno.stat(join(dir, f)), f);
  }
  // a finished run resumed does nothing
  const again = await run(dir, { resume: true });
  assert.equal(again.steps, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainer: stopped mid-epoch and resumed gives bit-identical final weights", async () => {
  const full = await Deno.makeTempDir();
  const split = await Deno.makeTempDir();
  await run(full, { resume: false });
  const reference = (await loadCheckpoint(join(full, "final.ckpt")))!;
  // stop inside an epoch of each stage, then resume from the last epoch checkpoint
  for (const stopAt of [5, 17]) {
    await Deno.remove(split, { recursive: true });
    await Deno.mkdir(split);
    const first = await run(split, { resume: false, maxSteps: stopAt });
    assert.equal(first.finished, false);
    const second = await run(split, { resume: true });
    assert.ok(second.finished);
    const resumed = (await loadCheckpoint(join(split, "final.ckpt")))!;
    for (const [name, t] of Object.entries(reference.tensors)) {
      assert.deepEqual(
        resumed.tensors[name].data,
        t.data,
        `${name} identical after stopping at step ${stopAt}`,
      );
    }
    assert.deepEqual(
      second.log.map((r) => r.val_top1),
      (await run(full, { resume: true })).log.map((r) => r.val_top1),
    );
  }
  await Deno.remove(full, { recursive: true });
  await Deno.remove(split, { recursive: true });
});

Deno.test("sampler: every training image once per epoch, deterministic per (seed, epoch)", () => {
  const { data } = syntheticData();
  const a = epochBatches(data, config.sampler, { seed: 7, epoch: 2 });
  const b = epochBatches(data, config.sampler, { seed: 7, epoch: 2 });
  const c = epochBatches(data, config.sampler, { seed: 7, epoch: 3 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const rows = a.flatMap((batch) => [...batch.rows]).sort((x, y) => x - y);
  assert.deepEqual(rows, [...data.rows.train].sort((x, y) => x - y));
  for (const batch of a) {
    const concepts = new Set(Array.from(batch.rows, (r) => data.imageConcept[r]));
    assert.ok(concepts.size <= 3);
  }
  const shuffled = epochBatches(data, { kind: "shuffle", batchSize: 16 }, { seed: 1, epoch: 0 });
  assert.deepEqual(shuffled.map((s) => s.rows.length), [16, 16, 4]);
});
