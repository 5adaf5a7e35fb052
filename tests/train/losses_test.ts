/**
 * Cross-entropy, combinedLoss, the shared helpers and the no-leak / usable-in-optimiser
 * properties of every loss. Triplet, matrix and distillation losses have their own files;
 * the numerical gradient checks are in losses_gradcheck_test.ts.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import {
  batchPrototypes,
  batchPrototypeTripletLoss,
  combinedLoss,
  crossEntropyLoss,
  jsdTripletLoss,
  klTripletLoss,
  l2NormalizeRows,
  l2ToInit,
  matrixAlignmentLoss,
  prototypeTripletLoss,
  selectSubmatrix,
  stopGradient,
  uniqueConcepts,
} from "../../src/train/losses/mod.ts";
import { allClose, close, noLeak, value } from "./losses_helpers.ts";

Deno.test("crossEntropyLoss: hand-computed values", () => {
  // [0, 0] → ln 2; [1, 2, 3] label 2 → log(e + e² + e³) − 3
  close(value(crossEntropyLoss(tf.tensor2d([[0, 0]]), [0])), Math.LN2, 1e-6, "uniform");
  const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
  close(value(crossEntropyLoss(tf.tensor2d([[1, 2, 3]]), [2])), lse - 3, 1e-6, "C=3");
  // mean over the batch: (ln 2 + (lse − 1)) / 2 with the second row labelled 0
  const two = crossEntropyLoss(tf.tensor2d([[0, 0, 0], [1, 2, 3]]), new Int32Array([1, 0]));
  close(value(two), (Math.log(3) + lse - 1) / 2, 1e-6, "batch mean");
  // labels as an int32 tensor
  const labels = tf.tensor1d([2], "int32");
  close(value(crossEntropyLoss(tf.tensor2d([[1, 2, 3]]), labels)), lse - 3, 1e-6, "tensor labels");
  labels.dispose();
});

Deno.test("crossEntropyLoss: label smoothing", () => {
  // softmax([ln 3, 0]) = [3/4, 1/4]; ε = 0.2, C = 2 → q = [0.9, 0.1]
  const got = value(
    crossEntropyLoss(tf.tensor2d([[Math.log(3), 0]]), [0], { labelSmoothing: 0.2 }),
  );
  close(got, -0.9 * Math.log(0.75) - 0.1 * Math.log(0.25), 1e-6, "smoothed");
  // a uniform prediction costs ln C whatever the smoothing
  const u = crossEntropyLoss(tf.tensor2d([[0, 0, 0, 0]]), [1], { labelSmoothing: 0.5 });
  close(value(u), Math.log(4), 1e-6, "uniform");
});

Deno.test("crossEntropyLoss: stable for huge logits, gradient softmax − target", () => {
  const logits = tf.tensor2d([[1e4, 0], [-1e4, 1e4]]);
  // row 0 is right with certainty (0), row 1 wrong by 2e4 → mean 1e4
  close(value(crossEntropyLoss(logits, [0, 0])), 1e4, 1e-2, "huge logits");
  const g = tf.grad((z: tf.Tensor) => crossEntropyLoss(z as tf.Tensor2D, [0, 0]))(logits);
  // softmax ≈ [[1, 0], [0, 1]]; minus one-hot [[1, 0], [1, 0]]; / B = 2
  allClose(g.dataSync(), [0, 0, -0.5, 0.5], 1e-6, "grad");
  tf.dispose([logits, g]);
  // gradient on a small case: (softmax − q)/B
  const z = tf.tensor2d([[1, 2, 3]]);
  const g2 = tf.grad((t: tf.Tensor) =>
    crossEntropyLoss(t as tf.Tensor2D, [1], { labelSmoothing: 0.3 })
  )(z);
  const e = [Math.E, Math.E ** 2, Math.E ** 3], s = e[0] + e[1] + e[2];
  const q = [0.1, 0.8, 0.1];
  allClose(g2.dataSync(), e.map((v, k) => v / s - q[k]), 1e-6, "smoothed grad");
  tf.dispose([z, g2]);
});

Deno.test("crossEntropyLoss: rejects bad inputs", () => {
  const z = tf.tensor2d([[0, 1], [1, 0]]);
  assert.throws(() => crossEntropyLoss(z, [0]), /labels has 1 entries for 2 rows/);
  assert.throws(() => crossEntropyLoss(z, [0, 2]), /labels\[1\] = 2 is not an integer in \[0, 2\)/);
  assert.throws(() => crossEntropyLoss(z, [0, 0.5]), /labels\[1\]/);
  const floatLabels = tf.tensor1d([0, 1]);
  assert.throws(() => crossEntropyLoss(z, floatLabels as tf.Tensor1D), /must be int32/);
  assert.throws(() => crossEntropyLoss(z, [0, 1], { labelSmoothing: 1 }), /< 1/);
  assert.throws(() => crossEntropyLoss(z, [0, 1], { labelSmoothing: -0.1 }), /≥ 0/);
  const v = tf.tensor1d([1, 2]);
  assert.throws(() => crossEntropyLoss(v as unknown as tf.Tensor2D, [0, 1]), /rank 2/);
  tf.dispose([z, floatLabels, v]);
});

Deno.test("combinedLoss: weighted total, terms passed through", () => {
  const ce = tf.scalar(2), triplet = tf.scalar(0.5), matrix = tf.scalar(0.25);
  const before = tf.memory().numTensors;
  const { total, terms } = combinedLoss({ ce, triplet, matrix }, {
    weights: { ce: 0.5, triplet: 4, matrix: 0 },
  });
  close(value(total), 0.5 * 2 + 4 * 0.5 + 0, 1e-6, "total");
  assert.equal(tf.memory().numTensors, before, "only the total is new");
  assert.equal(terms.ce, ce);
  assert.equal(terms.triplet, triplet);
  assert.equal(terms.matrix, matrix, "zero-weight terms are still reported");
  // single term; custom term names
  const single = combinedLoss({ ce }, { weights: { ce: 1 } });
  close(value(single.total), 2, 0, "ce only");
  const kl = combinedLoss({ kl: triplet, l2init: matrix }, { weights: { kl: 1, l2init: 2 } });
  close(value(kl.total), 1, 1e-7, "custom names");
  tf.dispose([ce, triplet, matrix]);
});

Deno.test("combinedLoss: rejects inconsistent weights", () => {
  const ce = tf.scalar(1), vec = tf.tensor1d([1, 2]);
  const bad = (terms: Record<string, tf.Scalar>, weights: Record<string, number>) => () =>
    combinedLoss(terms, { weights });
  assert.throws(bad({ ce }, { ce: 1, triplet: 0.1 }), /weight for "triplet" but no "triplet" term/);
  assert.throws(bad({ ce, triplet: ce }, { ce: 1 }), /term "triplet" has no weight/);
  assert.throws(bad({ ce }, { ce: -1 }), /weights.ce must be ≥ 0/);
  assert.throws(bad({ ce }, { ce: NaN }), /finite/);
  assert.throws(bad({ ce: vec as unknown as tf.Scalar }, { ce: 1 }), /not a scalar/);
  assert.throws(bad({}, {}), /no loss terms/);
  tf.dispose([ce, vec]);
});

Deno.test("combinedLoss: gradients are the weighted sum, terms loggable from a minimize step", () => {
  const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.3], [-0.4, 1]]));
  const labels = [1, 0, 1];
  const protos = tf.tensor2d([[1, 0], [0, 1], [-1, -1]]);
  const tripletOptions = {
    anchorRows: [0, 1],
    positive: [2, 1],
    negative: [0, 2],
    margin: 0.5,
    distance: "sqeuclidean" as const,
  };
  const weights = { ce: 0.7, triplet: 0.2 };
  const separate = tf.tidy(() => {
    const gCe = tf.grad((x: tf.Tensor) => crossEntropyLoss(x as tf.Tensor2D, labels))(w);
    const gT = tf.grad((x: tf.Tensor) =>
      prototypeTripletLoss(x as tf.Tensor2D, protos, tripletOptions)
    )(w);
    return tf.add(tf.mul(gCe, weights.ce), tf.mul(gT, weights.triplet));
  });
  const before = tf.memory().numTensors;
  let logged: tf.Tensor1D | undefined;
  const { value: total, grads } = tf.variableGrads(() => {
    const ce = crossEntropyLoss(w, labels);
    const triplet = prototypeTripletLoss(w, protos, tripletOptions);
    const out = combinedLoss({ ce, triplet }, { weights });
    logged = tf.keep(tf.stack([out.total, out.terms.ce, out.terms.triplet]) as tf.Tensor1D);
    return out.total;
  }, [w]);
  const [t, ce, triplet] = logged!.dataSync();
  close(t, weights.ce * ce + weights.triplet * triplet, 1e-6, "logged total");
  close(value(total), t, 1e-6, "variableGrads value");
  allClose(grads[w.name].dataSync(), separate.dataSync(), 1e-6, "weighted grads");
  tf.dispose([logged!, grads[w.name]]);
  assert.equal(tf.memory().numTensors, before, "no leak from the step");
  tf.dispose([w, protos, separate]);
});

Deno.test("every loss: no tensors leaked, inside or outside tidy and under tf.grad", () => {
  const emb = tf.tensor2d([[1, 0.2], [0.1, 1], [-1, 0.3], [0.5, 0.5], [0.2, -0.7], [-0.3, -0.2]]);
  const conceptOfRow = [4, 4, 7, 7, 9, 11];
  const rowsTensor = tf.tensor1d(conceptOfRow, "int32");
  const anchorRows = tf.tensor1d([0, 2], "int32");
  const protos = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
  const h = tf.tensor2d([
    [1, 0.2, 0.5, 0.1],
    [0.2, 1, 0.3, 0.9],
    [0.5, 0.3, 1, 0.4],
    [0.1, 0.9, 0.4, 1],
  ]);
  const mask = tf.ones([4, 4]) as tf.Tensor2D;
  const h2 = tf.tensor2d([[1, 0], [0, 1]]);
  const p = tf.tensor2d([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]);
  const z = tf.tensor2d([[0.1, -1, 2], [1, 0, 0]]);
  const cases: [string, tf.Tensor2D, (x: tf.Tensor2D) => tf.Scalar][] = [
    ["ce", emb, (x) => crossEntropyLoss(x, [0, 1, 1, 0, 1, 0], { labelSmoothing: 0.1 })],
    ["prototype", emb, (x) =>
      prototypeTripletLoss(x, protos, {
        anchorRows,
        positive: [1, 2],
        negative: [2, 0],
        margin: 0.3,
      })],
    ["batch", emb, (x) =>
      batchPrototypeTripletLoss(x, rowsTensor, {
        triplets: { anchor: [4, 7], positive: [7, 9], negative: [9, 4] },
        margin: 0.3,
        distance: "sqeuclidean",
      })],
    [
      "matrix",
      emb,
      (x) => matrixAlignmentLoss(x, conceptOfRow, { humanSimilarity: h, mask, kind: "mse" }),
    ],
    ["matrix c<3", emb, (x) => matrixAlignmentLoss(x, [0, 0, 0, 1, 1, 1], { humanSimilarity: h2 })],
    ["kl", z, (x) => klTripletLoss(p, x)],
    ["jsd", z, (x) => jsdTripletLoss(p, x, { temperature: 0.5 })],
    ["l2ToInit", z, (x) => l2ToInit([x, protos], [p, protos], { lambda: 0.1 })],
  ];
  for (const [name, input, loss] of cases) {
    noLeak(`${name} outside tidy`, () => loss(input));
    noLeak(`${name} in tidy`, () => tf.tidy(() => loss(input)));
    noLeak(`${name} under tf.grad`, () => tf.grad((x: tf.Tensor) => loss(x as tf.Tensor2D))(input));
  }
  noLeak(
    "empty triplets",
    () =>
      prototypeTripletLoss(emb, protos, { anchorRows: [], positive: [], negative: [], margin: 1 }),
  );
  tf.dispose([emb, rowsTensor, anchorRows, protos, h, mask, h2, p, z]);
});

Deno.test("every loss: trains a variable with optimizer.minimize", () => {
  const w = tf.variable(tf.tensor2d([[1, 0.2], [0.1, 1], [-1, 0.3], [0.5, 0.5], [0.2, -0.7]]));
  const h = tf.tensor2d([[1, 0.9, 0.1], [0.9, 1, 0.2], [0.1, 0.2, 1]]);
  const conceptOfRow = [0, 0, 1, 1, 2];
  const opt = tf.train.sgd(0.1);
  const loss = () =>
    tf.tidy(() =>
      tf.addN([
        crossEntropyLoss(w, [0, 0, 1, 1, 0]),
        batchPrototypeTripletLoss(w, conceptOfRow, {
          triplets: { anchor: [0], positive: [1], negative: [2] },
          margin: 1,
        }),
        matrixAlignmentLoss(w, conceptOfRow, { humanSimilarity: h }),
      ]) as tf.Scalar
    );
  const first = value(loss());
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) opt.minimize(loss);
  assert.equal(tf.memory().numTensors, before, "minimize leaked");
  const last = value(loss());
  assert.ok(last < first, `loss went from ${first} to ${last}`);
  tf.dispose([w, h]);
  opt.dispose();
});

Deno.test("helpers: uniqueConcepts, batchPrototypes, selectSubmatrix, stopGradient, normalise", () => {
  assert.deepEqual(Array.from(uniqueConcepts([42, 7, 42, 13, 7])), [7, 13, 42]);
  const ids = tf.tensor1d([5, 1, 5], "int32");
  assert.deepEqual(Array.from(uniqueConcepts(ids)), [1, 5]);
  ids.dispose();
  assert.throws(() => uniqueConcepts([1, -1]), /non-negative integer/);

  const emb = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
  const { prototypes, concepts, rowOfConcept } = batchPrototypes(emb, [9, 2, 9, 9]);
  assert.deepEqual(Array.from(concepts), [2, 9]);
  assert.equal(rowOfConcept.get(9), 1);
  allClose(prototypes.dataSync(), [3, 4, 13 / 3, 16 / 3], 1e-6, "means");
  assert.throws(() => batchPrototypes(emb, [1, 2]), /2 entries for 4 embedding rows/);

  const m = tf.tensor2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
  const sub = selectSubmatrix(m, [2, 0]);
  assert.deepEqual(sub.arraySync(), [[8, 6], [2, 0]]);
  assert.throws(() => selectSubmatrix(m, [3]), /not an integer in \[0, 3\)/);

  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, stopGradient(b))))([
    emb,
    prototypes.concat(prototypes),
  ]);
  allClose(g[1].dataSync(), new Array(8).fill(0), 0, "stopGradient blocks");
  allClose(g[0].dataSync(), [3, 4, 13 / 3, 16 / 3, 3, 4, 13 / 3, 16 / 3], 1e-6, "other input");

  const unit = l2NormalizeRows(tf.tensor2d([[3, 4], [0, 0]]));
  allClose(unit.dataSync(), [0.6, 0.8, 0, 0], 1e-7, "unit rows; zero row stays 0");
  const gz = tf.grad((x: tf.Tensor) => tf.sum(l2NormalizeRows(x as tf.Tensor2D)))(
    tf.tensor2d([[0, 0]]),
  );
  assert.ok(Array.from(gz.dataSync()).every(Number.isFinite), "finite grad at 0");
  tf.dispose([emb, prototypes, m, sub, ...g, unit, gz]);
});
