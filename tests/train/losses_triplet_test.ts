/** Fixed- and batch-prototype triplet losses on 2-D cases computed by hand. */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { batchPrototypeTripletLoss, prototypeTripletLoss } from "../../src/train/losses/mod.ts";
import { allClose, close, value } from "./losses_helpers.ts";

// x = [1, 0]; prototypes p0 = [1, 0], p1 = [0, 1], p2 = [-1, 0], p3 = [1, 1]
// squared distances from x: p1 → 2, p2 → 4, p3 → 1; cosine distances: p1 → 1, p2 → 2,
// p3 → 1 − 1/√2
const EMB = [[1, 0], [0, 2]];
const PROTOS = [[1, 0], [0, 1], [-1, 0], [1, 1]];

Deno.test("prototypeTripletLoss: sqeuclidean hinge inactive / active by hand", () => {
  const emb = tf.tensor2d(EMB), protos = tf.tensor2d(PROTOS);
  const loss = (positive: number[], negative: number[], margin: number) =>
    value(prototypeTripletLoss(emb, protos, {
      anchorRows: positive.map(() => 0),
      positive,
      negative,
      margin,
      distance: "sqeuclidean",
    }));
  close(loss([1], [2], 1), 0, 0, "2 − 4 + 1 < 0: inactive");
  close(loss([2], [1], 1), 3, 1e-6, "4 − 2 + 1 = 3");
  close(loss([1, 2], [2, 1], 1), 1.5, 1e-6, "mean of 0 and 3");
  close(loss([1], [2], 2), 0, 0, "2 − 4 + 2 = 0: exactly at the hinge");
  close(loss([3], [3], 0.25), 0.25, 1e-7, "same prototype: the margin");
  tf.dispose([emb, protos]);
});

Deno.test("prototypeTripletLoss: cosine distances by hand, scale-free", () => {
  const protos = tf.tensor2d(PROTOS);
  for (const scale of [1, 1000]) {
    const emb = tf.tensor2d(EMB.map((r) => r.map((v) => v * scale)));
    const loss = (positive: number, negative: number) =>
      value(prototypeTripletLoss(emb, protos, {
        anchorRows: [0],
        positive: [positive],
        negative: [negative],
        margin: 0.5,
        distance: "cosine",
      }));
    close(loss(3, 1), 0, 0, "(1 − 1/√2) − 1 + 0.5 < 0");
    close(loss(1, 3), 0.5 + Math.SQRT1_2, 1e-6, "1 − (1 − 1/√2) + 0.5");
    close(loss(2, 1), 1.5, 1e-6, "2 − 1 + 0.5");
    emb.dispose();
  }
  // the default distance is cosine
  const emb = tf.tensor2d(EMB);
  const d = prototypeTripletLoss(emb, protos, {
    anchorRows: [1],
    positive: [0],
    negative: [1],
    margin: 0,
  });
  close(value(d), 1, 1e-6, "row 1 = [0, 2]: d(p0) − d(p1) = 1 − 0");
  tf.dispose([emb, protos]);
});

Deno.test("prototypeTripletLoss: gradient by hand, only into anchor rows, none into prototypes", () => {
  const emb = tf.tensor2d([[1, 0], [0, 2], [5, 5]]), protos = tf.tensor2d(PROTOS);
  const options = {
    anchorRows: [0, 0, 1],
    positive: [2, 1, 0],
    negative: [1, 2, 1],
    margin: 1,
    distance: "sqeuclidean" as const,
  };
  // t0: active (3), t1: inactive, t2: x = [0, 2]: |x − p0|² = 5, |x − p1|² = 1 → 5 − 1 + 1 > 0
  // d/dx (|x − p⁺|² − |x − p⁻|²) = 2 (p⁻ − p⁺); mean over T = 3
  const [gEmb, gProtos] = tf.grads((e: tf.Tensor, p: tf.Tensor) =>
    prototypeTripletLoss(e as tf.Tensor2D, p as tf.Tensor2D, options)
  )([emb, protos]);
  const t0 = [2 * (0 - -1), 2 * (1 - 0)].map((v) => v / 3); // p⁻ = p1, p⁺ = p2
  const t2 = [2 * (0 - 1), 2 * (1 - 0)].map((v) => v / 3); // p⁻ = p1, p⁺ = p0
  allClose(gEmb.dataSync(), [...t0, ...t2, 0, 0], 1e-6, "embedding grad");
  allClose(gProtos.dataSync(), new Array(8).fill(0), 0, "prototype grad is zero");

  // a trainable variable passed as the prototypes is not moved by an optimiser
  const e = tf.variable(emb.clone()), p = tf.variable(protos.clone());
  const { value: v, grads } = tf.variableGrads(
    () => prototypeTripletLoss(e, p, options),
    [e, p],
  );
  allClose(grads[p.name].dataSync(), new Array(8).fill(0), 0, "variable prototypes");
  allClose(grads[e.name].dataSync(), gEmb.dataSync(), 1e-6, "variable embeddings");
  tf.dispose([emb, protos, gEmb, gProtos, e, p, v, grads[e.name], grads[p.name]]);
});

Deno.test("prototypeTripletLoss: no triplets gives a connected 0; bad inputs throw", () => {
  const emb = tf.tensor2d(EMB), protos = tf.tensor2d(PROTOS);
  const none = { anchorRows: [], positive: [], negative: [], margin: 1 };
  close(value(prototypeTripletLoss(emb, protos, none)), 0, 0, "empty");
  const g = tf.grad((x: tf.Tensor) => prototypeTripletLoss(x as tf.Tensor2D, protos, none))(emb);
  allClose(g.dataSync(), [0, 0, 0, 0], 0, "zero grad");
  const base = { anchorRows: [0], positive: [1], negative: [2], margin: 1 };
  assert.throws(
    () => prototypeTripletLoss(emb, protos, { ...base, positive: [1, 2] }),
    /positive has 2 entries, anchorRows 1/,
  );
  assert.throws(
    () => prototypeTripletLoss(emb, protos, { ...base, anchorRows: [2] }),
    /anchorRows\[0\] = 2 is not an integer in \[0, 2\)/,
  );
  assert.throws(
    () => prototypeTripletLoss(emb, protos, { ...base, negative: [4] }),
    /negative\[0\] = 4/,
  );
  assert.throws(() => prototypeTripletLoss(emb, protos, { ...base, margin: -1 }), /margin/);
  assert.throws(
    () =>
      prototypeTripletLoss(emb, protos, {
        ...base,
        distance: "euclid" as unknown as "cosine",
      }),
    /distance must be/,
  );
  const p3 = tf.tensor2d([[1, 2, 3]]);
  assert.throws(() => prototypeTripletLoss(emb, p3, base), /2 dims, prototypes 3/);
  tf.dispose([emb, protos, g, p3]);
});

// batch: concept 5 rows [1, 0], [3, 0] → P5 = [2, 0]; concept 7 rows [0, 1], [0, 3] → P7 =
// [0, 2]; concept 9 row [-2, 0] → P9 = [-2, 0]; concept 11 row [4, 4] is in no triplet.
const BATCH = [[1, 0], [0, 1], [3, 0], [-2, 0], [0, 3], [4, 4]];
const CONCEPTS = [5, 7, 5, 9, 7, 11];

Deno.test("batchPrototypeTripletLoss: hinge by hand and gradients through the prototypes", () => {
  const emb = tf.tensor2d(BATCH);
  // t0 (a 5, p 7, n 9): |P5 − P7|² = 8, |P5 − P9|² = 16 → 8 − 16 + 1 < 0, inactive
  // t1 (a 5, p 9, n 7): 16 − 8 + 1 = 9; mean over T = 2 → 4.5
  const options = {
    triplets: { anchor: [5, 5], positive: [7, 9], negative: [9, 7] },
    margin: 1,
    distance: "sqeuclidean" as const,
  };
  close(value(batchPrototypeTripletLoss(emb, CONCEPTS, options)), 4.5, 1e-6, "loss");
  // L = ½ (|Pa − Pp|² − |Pa − Pn|² + 1) with a = 5, p = 9, n = 7:
  // dL/dPa = Pn − Pp = [2, 2]; dL/dPp = −(Pa − Pp) = [−4, 0]; dL/dPn = Pa − Pn = [2, −2]
  // each row gets its prototype's gradient divided by the concept's row count
  const g = tf.grad((x: tf.Tensor) =>
    batchPrototypeTripletLoss(x as tf.Tensor2D, CONCEPTS, options)
  )(
    emb,
  );
  allClose(
    g.dataSync(),
    [1, 1, 1, -1, 1, 1, -4, 0, 1, -1, 0, 0],
    1e-6,
    "rows of the positive and negative concepts get gradient through the batch prototypes",
  );
  // the same with int32 tensors for the concept ids
  const rows = tf.tensor1d(CONCEPTS, "int32");
  const anchor = tf.tensor1d([5, 5], "int32");
  const t = batchPrototypeTripletLoss(emb, rows, {
    ...options,
    triplets: { ...options.triplets, anchor },
  });
  close(value(t), 4.5, 1e-6, "tensor ids");
  tf.dispose([emb, g, rows, anchor]);
});

Deno.test("batchPrototypeTripletLoss: cosine by hand", () => {
  const emb = tf.tensor2d(BATCH);
  // P5 = [2, 0], P7 = [0, 2], P9 = [-2, 0], P11 = [4, 4]: cos distances from P5:
  // P7 → 1, P9 → 2, P11 → 1 − 1/√2
  const loss = (positive: number, negative: number, margin: number) =>
    value(batchPrototypeTripletLoss(emb, CONCEPTS, {
      triplets: { anchor: [5], positive: [positive], negative: [negative] },
      margin,
    }));
  close(loss(11, 7, 0.2), 0, 0, "(1 − 1/√2) − 1 + 0.2 < 0");
  close(loss(7, 11, 0.2), 0.2 + Math.SQRT1_2, 1e-6, "1 − (1 − 1/√2) + 0.2");
  close(loss(9, 7, 0), 1, 1e-6, "2 − 1");
  emb.dispose();
});

Deno.test("batchPrototypeTripletLoss: empty, missing concepts, bad inputs", () => {
  const emb = tf.tensor2d(BATCH);
  const none = { triplets: { anchor: [], positive: [], negative: [] }, margin: 1 };
  close(value(batchPrototypeTripletLoss(emb, CONCEPTS, none)), 0, 0, "no triplets");
  const g = tf.grad((x: tf.Tensor) => batchPrototypeTripletLoss(x as tf.Tensor2D, CONCEPTS, none))(
    emb,
  );
  allClose(g.dataSync(), new Array(12).fill(0), 0, "zero grad");
  const one = (anchor: number, positive: number, negative: number) => ({
    triplets: { anchor: [anchor], positive: [positive], negative: [negative] },
    margin: 1,
  });
  assert.throws(
    () => batchPrototypeTripletLoss(emb, CONCEPTS, one(5, 8, 9)),
    /triplets.positive\[0\] = concept 8 has no row in the batch/,
  );
  assert.throws(
    () => batchPrototypeTripletLoss(emb, [5, 7], one(5, 7, 9)),
    /2 entries for 6 embedding rows/,
  );
  assert.throws(
    () =>
      batchPrototypeTripletLoss(emb, CONCEPTS, {
        triplets: { anchor: [5], positive: [7, 9], negative: [9] },
        margin: 1,
      }),
    /triplets.positive has 2 entries, triplets.anchor 1/,
  );
  assert.throws(
    () => batchPrototypeTripletLoss(emb, CONCEPTS, { ...one(5, 7, 9), margin: NaN }),
    /finite/,
  );
  tf.dispose([emb, g]);
});
