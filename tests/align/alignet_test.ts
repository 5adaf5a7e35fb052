import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import {
  calibrateTemperature,
  meanTripletKl,
  nearestCenter,
  sampleTripletBatches,
  sampleTriplets,
  tripletLogits,
  tripletProbabilities,
} from "../../src/align/alignet.ts";
import { distillStudent, studentLogits } from "../../src/align/alignet_student.ts";
import { alignetModels, parseSamplings } from "../../src/align/alignet_stage.ts";
import { fitGlocal } from "../../src/align/glocal.ts";
import type { Triplets } from "../../src/metrics/types.ts";
import { initBackend } from "../../src/models/backend.ts";
import { memoryActivations } from "../../src/train/activations.ts";
import type { Network } from "../../src/train/trainer.ts";
import { runPython } from "../_helpers/python.ts";
import { gaussian, randomMatrix } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, gamma, U64 } from "../_helpers/numeric.ts";

await initBackend({ backend: "auto", log: false });

Deno.test("sampleTriplets: cluster/class-border triplets cross exactly one group border", () => {
  const groups = Int32Array.from({ length: 60 }, (_, i) => i % 5);
  const t = sampleTriplets(60, groups, { n: 500, seed: 3 });
  assert.equal(t.n, 500);
  for (let q = 0; q < t.n; q++) {
    assert.notEqual(t.a[q], t.b[q]);
    assert.equal(groups[t.a[q]], groups[t.b[q]]);
    assert.notEqual(groups[t.odd[q]], groups[t.a[q]]);
  }
  // deterministic per seed, different across seeds
  assert.deepEqual(sampleTriplets(60, groups, { n: 500, seed: 3 }), t);
  assert.notDeepEqual(sampleTriplets(60, groups, { n: 500, seed: 4 }).a, t.a);
  // singletons never anchor; every group with ≥ 2 members does
  const withSingleton = Int32Array.from([0, 0, 1, 2, 2, 2]);
  const s = sampleTriplets(6, withSingleton, { n: 300, seed: 1 });
  assert.ok(![...s.a.subarray(0, s.n)].some((i) => i === 2));
  assert.ok([...s.odd.subarray(0, s.n)].some((i) => i === 2));
  assert.throws(
    () => sampleTriplets(4, Int32Array.from([1, 1, 1, 1]), { n: 1, seed: 1 }),
    /groups/,
  );
  assert.throws(() => sampleTriplets(3, Int32Array.from([1, 2]), { n: 1, seed: 1 }), /labels/);
});

Deno.test("sampleTriplets: random sampling draws three distinct items, roughly uniformly", () => {
  const t = sampleTriplets(10, null, { n: 20000, seed: 5 });
  const counts = new Array(10).fill(0);
  for (let q = 0; q < t.n; q++) {
    assert.ok(t.a[q] !== t.b[q] && t.a[q] !== t.odd[q] && t.b[q] !== t.odd[q]);
    counts[t.a[q]]++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 300, `${counts}`);
  assert.throws(() => sampleTriplets(2, null, { n: 1, seed: 1 }), /≥ 3/);
});

Deno.test("sampleTripletBatches: triplets of a batch share its pairs' images and cross group borders", () => {
  const groups = Int32Array.from({ length: 80 }, (_, i) => i % 6);
  const t = sampleTripletBatches(80, groups, {
    batches: 5,
    pairsPerBatch: 8,
    oddsPerPair: 3,
    seed: 2,
  });
  assert.equal(t.batchStarts.length, 6);
  assert.equal(t.batchStarts[5], t.n);
  assert.ok(t.n > 5 * 8 * 2, `${t.n}`);
  for (let b = 0; b < 5; b++) {
    const [lo, hi] = [t.batchStarts[b], t.batchStarts[b + 1]];
    assert.ok(hi > lo && hi - lo <= 8 * 3);
    const pairImages = new Set<number>();
    for (let q = lo; q < hi; q++) pairImages.add(t.a[q]).add(t.b[q]);
    for (let q = lo; q < hi; q++) {
      assert.equal(groups[t.a[q]], groups[t.b[q]]);
      assert.notEqual(groups[t.odd[q]], groups[t.a[q]]);
      assert.ok(pairImages.has(t.odd[q]), "odd one from the batch's own images");
    }
  }
  assert.deepEqual(
    sampleTripletBatches(80, groups, { batches: 5, pairsPerBatch: 8, oddsPerPair: 3, seed: 2 }),
    t,
  );
  // random sampling: three distinct images, odd ones from the batch
  const r = sampleTripletBatches(30, null, {
    batches: 2,
    pairsPerBatch: 5,
    oddsPerPair: 2,
    seed: 1,
  });
  assert.equal(r.n, 2 * 5 * 2);
  for (let q = 0; q < r.n; q++) {
    assert.ok(r.a[q] !== r.b[q] && r.a[q] !== r.odd[q] && r.b[q] !== r.odd[q]);
  }
});

Deno.test("tripletLogits/tripletProbabilities/meanTripletKl: softmax rows, KL vs scipy, KL(p‖p) = 0", async () => {
  await withSeed("alignet-kl", async (rng) => {
    const v = randomMatrix(rng, 12, 5);
    const t: Triplets = sampleTriplets(12, null, { n: 40, seed: rng.int(1000) });
    const z = tripletLogits(v, t);
    // dot products by hand
    const dot = (i: number, j: number) => {
      let s = 0;
      for (let k = 0; k < 5; k++) s += v.data[i * 5 + k] * v.data[j * 5 + k];
      return s;
    };
    const dotAbs = (i: number, j: number) => {
      let s = 0;
      for (let k = 0; k < 5; k++) s += Math.abs(v.data[i * 5 + k] * v.data[j * 5 + k]);
      return s;
    };
    // float64 dot products of 5 terms, any order (float64 error model)
    const f64 = { terms: 5, arithmetic: ["float64", "float64"] as const };
    assertFloat32Close([z[3], z[5]], [dot(t.a[1], t.b[1]), dot(t.b[1], t.odd[1])], {
      ...f64,
      scale: [dotAbs(t.a[1], t.b[1]), dotAbs(t.b[1], t.odd[1])],
      label: "triplet logits",
    });
    // Cauchy–Schwarz, up to the float64 rounding of the dot product and the two norms
    // (2·5 + 6 operations)
    const cos = tripletLogits(v, t, { normalise: true });
    for (const c of cos) assert.ok(Math.abs(c) <= 1 + gamma(16, U64), `cosine ${c}`);
    const p = tripletProbabilities(z, 0.7);
    for (let q = 0; q < t.n; q++) {
      // three quotients e/s and their sum: each within γ(6) of its value in float64
      assertFloat32Close([p[q * 3] + p[q * 3 + 1] + p[q * 3 + 2]], [1], {
        scale: 1,
        terms: 8,
        label: `probabilities of triplet ${q} sum to 1`,
        arithmetic: ["float64", "float64"],
      });
    }
    assert.equal(meanTripletKl(p, z, 0.7), 0);
    const other = Float64Array.from(z, () => gaussian(rng));
    const ours = meanTripletKl(p, other, 1.3);
    const peer = await runPython<number>(
      `from scipy.special import softmax, rel_entr
p = inp["p"]; q = softmax(inp["z"] / 1.3, axis=1)
out(float(rel_entr(p, q).sum(axis=1).mean()))`,
      { p: { data: p, shape: [t.n, 3] }, z: { data: other, shape: [t.n, 3] } },
    );
    // float64 both sides: 3n terms p·(log p − log q), each after ≤ 12 roundings (z/τ, the max
    // shift, exp, the sum, the quotient, two logs, ...); a relative error of q is an absolute
    // one of log q, hence the + 1 in every term's scale
    const q64 = tripletProbabilities(other, 1.3);
    const klScale = p.reduce(
      (s, pk, k) => s + pk * (Math.abs(Math.log(pk)) + Math.abs(Math.log(q64[k])) + 1),
      0,
    ) / t.n;
    assertFloat32Close([ours], [peer], {
      scale: klScale,
      terms: 3 * t.n + 12,
      label: "mean triplet KL vs scipy",
      arithmetic: ["float64", "float64"],
    });
    assert.ok(ours > 0);
  });
});

Deno.test("calibrateTemperature recovers the temperature that generated the targets", async () => {
  await withSeed("alignet-calibrate", (rng) => {
    const z = Float64Array.from({ length: 3 * 300 }, () => 3 * gaussian(rng));
    for (const tau of [0.05, 0.8, 20]) {
      const fit = calibrateTemperature(tripletProbabilities(z, tau), z);
      assert.ok(Math.abs(Math.log(fit.tau / tau)) < 1e-3, `τ ${fit.tau} vs ${tau}`);
      assert.ok(fit.kl < 1e-6);
    }
  });
});

Deno.test("nearestCenter assigns rows to the closest centre", () => {
  const centers = { data: Float64Array.from([0, 0, 10, 10, -10, 5]), rows: 3, cols: 2 };
  const x = { data: Float64Array.from([1, 1, 9, 12, -8, 4, 0.1, -0.3]), rows: 4, cols: 2 };
  assert.deepEqual([...nearestCenter(x, centers)], [0, 1, 2, 0]);
  assert.throws(() => nearestCenter({ data: new Float64Array(3), rows: 1, cols: 3 }, centers));
});

Deno.test("fitGlocal with soft targets: one-hot targets equal the hard objective; soft SPoSE-like targets are fitted", async () => {
  await withSeed("alignet-soft-transform", async (rng) => {
    const concepts = randomMatrix(rng, 30, 6);
    const hidden = randomMatrix(rng, 30, 6);
    const train = sampleTriplets(30, null, { n: 600, seed: rng.int(1000) });
    const val = sampleTriplets(30, null, { n: 300, seed: rng.int(1000) });
    const oneHot = Float64Array.from({ length: train.n * 3 }, (_, j) => (j % 3 === 0 ? 1 : 0));
    const options = { lambda: 1e-3, alpha: 0, epochs: 2, seed: 9 };
    const hard = await fitGlocal({ concepts, train, val }, options);
    const soft = await fitGlocal({ concepts, train, val, targets: oneHot }, options);
    // exact by construction: with one-hot targets Σ targets·log p multiplies by 1 and 0 and adds
    // zeros, and its gradient places the same values where the hard objective's gather does
    assert.deepEqual(soft.losses, hard.losses);
    // soft targets from a hidden embedding: the fitted transform moves toward them
    const targets = tripletProbabilities(tripletLogits(hidden, train));
    const before = meanTripletKl(targets, tripletLogits(concepts, train));
    const fit = await fitGlocal({ concepts, train, val, targets }, { ...options, epochs: 30 });
    assert.ok(fit.losses.at(-1)! < fit.losses[0], `${fit.losses}`);
    assert.ok(Number.isFinite(before));
    await assert.rejects(
      () => fitGlocal({ concepts, train, val, targets: new Float64Array(5) }, options),
      /soft targets/,
    );
  });
});

/** A tiny student: trunk rows [n, 4] → dense(3) features; head unused. */
function tinyNetwork(seed: number): Network {
  const top = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 3,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: "zeros",
      }),
    ],
  });
  const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
  return { top, head };
}

Deno.test("distillStudent: a student taught by its own distribution stays put; a teacher is learned; decay-to-init holds weights", async () => {
  await withSeed("alignet-student", async (rng) => {
    const n = 60;
    const trunk = memoryActivations(
      Float32Array.from({ length: n * 4 }, () => gaussian(rng)),
      [4],
    );
    const train = sampleTriplets(40, null, { n: 400, seed: rng.int(1000) });
    const val: Triplets = (() => {
      const t = sampleTriplets(20, null, { n: 200, seed: rng.int(1000) });
      return {
        a: t.a.map((i) => i + 40),
        b: t.b.map((i) => i + 40),
        odd: t.odd.map((i) => i + 40),
        n: t.n,
      };
    })();
    const options = {
      loss: "kl" as const,
      tau: 0.2,
      lambdaInit: 0,
      epochs: 3,
      batchSize: 32,
      learningRate: 1e-2,
      seed: 1,
    };
    // teacher = the student's own distribution: KL(p‖p) = 0 and the weights do not move
    const self = tinyNetwork(1);
    const w0 = self.top.getWeights().map((w) => w.dataSync().slice());
    const selfTeacher = async (t: Triplets) => ({
      triplets: t,
      probabilities: tripletProbabilities(await studentLogits(self, trunk, t), options.tau),
    });
    const fixed = await distillStudent(
      self,
      { trunk, train: await selfTeacher(train), val: await selfTeacher(val) },
      options,
    );
    // exact by construction: the teacher's probabilities are tripletProbabilities of the very
    // logits (same network, same kernels) the validation KL computes, so log p − log q = 0
    assert.equal(fixed.initialValKl, 0);
    self.top.getWeights().forEach((w, i) => {
      const d = w.dataSync();
      for (let k = 0; k < d.length; k++) assert.ok(Math.abs(d[k] - w0[i][k]) < 1e-4);
    });
    // a different teacher network: validation KL falls
    const teacher = tinyNetwork(2);
    const teach = async (t: Triplets) => ({
      triplets: t,
      probabilities: tripletProbabilities(await studentLogits(teacher, trunk, t), options.tau),
    });
    const student = tinyNetwork(3);
    const learned = await distillStudent(student, {
      trunk,
      train: await teach(train),
      val: await teach(val),
    }, {
      ...options,
      epochs: 8,
    });
    assert.ok(learned.bestEpoch > 0);
    const bestKl = learned.epochs.find((e) => e.epoch === learned.bestEpoch)!.valKl;
    assert.ok(bestKl < 0.6 * learned.initialValKl, `${learned.initialValKl} → ${bestKl}`);
    // jsd runs too and also improves
    const jsd = await distillStudent(tinyNetwork(3), {
      trunk,
      train: await teach(train),
      val: await teach(val),
    }, {
      ...options,
      loss: "jsd",
      epochs: 4,
    });
    assert.ok(jsd.bestEpoch > 0);
    // a strong decay-to-init keeps the weights near their start
    const anchored = tinyNetwork(3);
    const a0 = anchored.top.getWeights().map((w) => w.dataSync().slice());
    await distillStudent(anchored, { trunk, train: await teach(train), val: await teach(val) }, {
      ...options,
      lambdaInit: 1e4,
      epochs: 2,
    });
    const drift = (net: Network, start: ArrayLike<number>[]) =>
      Math.max(
        ...net.top.getWeights().map((w, i) => {
          const d = w.dataSync();
          return Math.max(...Array.from(d, (v, k) => Math.abs(v - start[i][k])));
        }),
      );
    assert.ok(drift(anchored, a0) < 0.1 * drift(student, a0), `${drift(anchored, a0)}`);
    for (const net of [self, teacher, student, anchored]) {
      net.top.dispose();
      net.head.dispose();
    }
  });
});

Deno.test("align:alignet options: sampling names and model names", () => {
  assert.deepEqual(parseSamplings("cluster-border, random"), ["cluster-border", "random"]);
  assert.throws(() => parseSamplings("clusters"), /unknown triplet sampling "clusters"/);
  assert.deepEqual(alignetModels({ samplings: ["cluster-border", "class-border", "random"] }), [
    "alignet",
    "unalignet",
    "alignet_class_border",
    "alignet_random",
  ]);
});
