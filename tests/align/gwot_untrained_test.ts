/** The untrained-network baseline: seeded random weights from the layers' initializers. */
import { strict as assert } from "node:assert";
import {
  initialValues,
  randomizeWeights,
  untrainedPrototypes,
  weightFans,
} from "../../src/align/gwot_untrained.ts";
import { initBackend } from "../../src/models/backend.ts";
import { loadBackbone } from "../../src/models/backbones.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { createRng } from "../../src/stats/random.ts";

await initBackend({ backend: "auto", log: false });

Deno.test("weightFans follows Keras (dense, convolution, depthwise convolution)", () => {
  assert.deepEqual(weightFans([16, 8]), { fanIn: 16, fanOut: 8 });
  assert.deepEqual(weightFans([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
  assert.deepEqual(weightFans([3, 3, 96, 1]), { fanIn: 864, fanOut: 9 });
  assert.deepEqual(weightFans([7]), { fanIn: 7, fanOut: 7 });
});

Deno.test("initialValues: Glorot uniform bounds and variance, truncated normal within 2σ", () => {
  const shape = [3, 3, 32, 64];
  const { fanIn, fanOut } = weightFans(shape);
  const glorot = {
    className: "VarianceScaling",
    config: { scale: 1, mode: "fanAvg", distribution: "uniform" },
  };
  const v = initialValues(glorot, { shape, rng: createRng(1) });
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  assert.equal(v.length, 3 * 3 * 32 * 64);
  assert.ok(v.every((x) => Math.abs(x) <= limit));
  const variance = v.reduce((s, x) => s + x * x, 0) / v.length;
  assert.ok(Math.abs(variance / (limit ** 2 / 3) - 1) < 0.05, `variance ${variance}`);
  // the named form is the same draw
  assert.deepEqual(initialValues({ className: "GlorotUniform" }, { shape, rng: createRng(1) }), v);
  const he = initialValues({ className: "HeNormal" }, { shape, rng: createRng(2) });
  const sigma = Math.sqrt(2 / fanIn) / 0.87962566103423978;
  assert.ok(he.every((x) => Math.abs(x) <= 2 * sigma * (1 + 1e-6)));
  const heVariance = he.reduce((s, x) => s + x * x, 0) / he.length;
  assert.ok(Math.abs(heVariance / (2 / fanIn) - 1) < 0.05, `He variance ${heVariance}`);
  assert.deepEqual([...initialValues({ className: "Ones" }, { shape: [3], rng: createRng(1) })], [
    1,
    1,
    1,
  ]);
  assert.throws(
    () => initialValues({ className: "Orthogonal" }, { shape: [2, 2], rng: createRng(1) }),
    /unknown initializer Orthogonal/,
  );
});

/** Every weight of a model, by name. */
function weightValues(
  model: { weights: { originalName: string; read(): { dataSync(): unknown } }[] },
) {
  return new Map(
    model.weights.map((
      w,
    ) => [w.originalName, Float32Array.from(w.read().dataSync() as Float32Array)]),
  );
}

Deno.test("randomizeWeights: the backbone with seeded random weights, BatchNorm at its identity init", async () => {
  const a = await loadBackbone("mobilenet_v2_035");
  const b = await loadBackbone("mobilenet_v2_035");
  const c = await loadBackbone("mobilenet_v2_035");
  const imagenet = weightValues(a.model);
  const count = randomizeWeights(a.model, { seed: 7 });
  randomizeWeights(b.model, { seed: 7 });
  randomizeWeights(c.model, { seed: 8 });
  assert.equal(count, a.model.weights.length);
  const [wa, wb, wc] = [a, b, c].map((m) => weightValues(m.model));
  let kernels = 0;
  for (const [name, values] of wa) {
    assert.deepEqual(values, wb.get(name), `${name}: the same seed gives the same weights`);
    const local = name.split("/").pop()!;
    if (local === "gamma" || local === "moving_variance") {
      assert.ok(values.every((x) => x === 1), name);
    } else if (local === "beta" || local === "moving_mean" || local === "bias") {
      assert.ok(values.every((x) => x === 0), name);
    } else {
      kernels++;
      assert.notDeepEqual(values, wc.get(name), `${name}: another seed, other weights`);
      assert.notDeepEqual(values, imagenet.get(name), `${name}: not the ImageNet weights`);
    }
  }
  assert.equal(kernels, 52, "35 convolutions and 17 depthwise convolutions");
  for (const m of [a, b, c]) m.file.dispose();
});

Deno.test("untrainedPrototypes: deterministic per seed, unit rows, one row per concept", async () => {
  const paths = ["chelsea.png", "coffee.png", "chelsea.png"].map((f) =>
    repoPath(`tests/fixtures/photos/${f}`)
  );
  const images = { paths, concept: Int32Array.of(5, 2, 5) };
  const options = { backbone: "mobilenet_v2_035", seeds: [7, 8], batchSize: 2 };
  const first = await untrainedPrototypes(images, options);
  const again = await untrainedPrototypes(images, options);
  assert.deepEqual([...first.concepts], [2, 5]);
  assert.equal(first.dim, 1280);
  assert.equal(first.images, 3);
  assert.deepEqual(first.networks.map((n) => n.seed), [7, 8]);
  for (const [k, net] of first.networks.entries()) {
    assert.deepEqual(net.vectors, again.networks[k].vectors, "same seed, same prototypes");
    for (let r = 0; r < 2; r++) {
      let norm = 0;
      for (let d = 0; d < first.dim; d++) norm += net.vectors[r * first.dim + d] ** 2;
      assert.ok(Math.abs(norm - 1) < 1e-9, `row ${r} norm ${norm}`);
    }
  }
  assert.notDeepEqual(first.networks[0].vectors, first.networks[1].vectors);
  // seed 7 alone gives the network of seed 7 (networks do not depend on each other)
  const alone = await untrainedPrototypes(images, { ...options, seeds: [7] });
  assert.deepEqual(alone.networks[0].vectors, first.networks[0].vectors);
});
