/** Matrix-alignment loss: hand-built similarity structures, ordering, masks and edge cases. */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { pearson } from "../../src/metrics/correlation.ts";
import {
  matrixAlignmentLoss,
  selectSubmatrix,
  uniqueConcepts,
} from "../../src/train/losses/mod.ts";
import { allClose, close, type Mat, refMatrixAlignment, value } from "./losses_helpers.ts";

const deg = (d: number) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];

// three concepts at 0°, 60°, 150° (one row each): cosines s01 = 0.5, s02 = −√3/2, s12 = 0
const S_UPPER = [0.5, -Math.sqrt(3) / 2, 0];

/** A symmetric 3×3 matrix with the given upper triangle (diag 1). */
function sym3([a, b, c]: number[]): Mat {
  return [[1, a, b], [a, 1, c], [b, c, 1]];
}

function loss(emb: Mat, concepts: number[], human: Mat, kind?: "pearson" | "mse"): number {
  return tf.tidy(() =>
    value(
      matrixAlignmentLoss(tf.tensor2d(emb), concepts, {
        humanSimilarity: tf.tensor2d(human),
        kind,
      }),
    )
  );
}

Deno.test("matrixAlignmentLoss: perfectly correlated 0, anti-correlated 2 (mse 0 and 4)", () => {
  const emb = [deg(0), deg(60), deg(150)];
  const ids = [0, 1, 2];
  const affine = sym3(S_UPPER.map((s) => 3 * s + 10));
  const anti = sym3(S_UPPER.map((s) => -0.5 * s));
  close(loss(emb, ids, affine), 0, 1e-6, "pearson, H = 3S + 10");
  close(loss(emb, ids, anti), 2, 1e-6, "pearson, H = −S/2");
  close(loss(emb, ids, affine, "mse"), 0, 1e-6, "mse, correlated");
  close(loss(emb, ids, anti, "mse"), 4, 1e-5, "mse, anti-correlated");
  // scale-free in the embeddings (cosine) and in H (affine)
  close(loss(emb.map((r) => r.map((v) => 50 * v)), ids, affine), 0, 1e-6, "scaled embeddings");
});

Deno.test("matrixAlignmentLoss: equals 1 − Pearson r of the upper triangles", () => {
  const emb = [deg(0), deg(60), deg(150)];
  const h = [0.9, 0.1, 0.4];
  const r = pearson(S_UPPER, h); // float64 reference from src/metrics
  close(loss(emb, [0, 1, 2], sym3(h)), 1 - r, 1e-6, "pearson");
  close(loss(emb, [0, 1, 2], sym3(h), "mse"), 2 * (1 - r), 1e-5, "mse = 2(1 − r)");
  // the diagonal and the lower triangle of H are never read
  const odd: Mat = [[NaN, 0.9, 0.1], [NaN, NaN, 0.4], [NaN, NaN, NaN]];
  close(loss(emb, [0, 1, 2], odd), 1 - r, 1e-6, "only the strict upper triangle");
  // 4 concepts, several rows each: prototypes are the row means
  const emb4 = [[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [0, 2, 1], [0.3, 0, 1]];
  const c4 = [0, 0, 1, 2, 3, 1, 2];
  const h4: Mat = [[1, 0.8, 0.1, 0.3], [0.8, 1, 0.2, 0.5], [0.1, 0.2, 1, 0.6], [0.3, 0.5, 0.6, 1]];
  close(loss(emb4, c4, h4), refMatrixAlignment(emb4, c4, h4), 1e-6, "4 concepts vs reference");
});

Deno.test("matrixAlignmentLoss: H rows follow ascending concept ids", () => {
  // rows of concepts 42, 7, 13 (42 twice): ascending order 7, 13, 42
  const conceptOfRow = [42, 7, 42, 13];
  const emb = [deg(150), deg(0), deg(150), deg(60)];
  assert.deepEqual(Array.from(uniqueConcepts(conceptOfRow)), [7, 13, 42]);
  // in the order 7 (0°), 13 (60°), 42 (150°) the model upper triangle is S_UPPER
  const h = sym3(S_UPPER.map((s) => 2 * s));
  close(loss(emb, conceptOfRow, h), 0, 1e-6, "sorted order");
  // local indices 0…c−1 (e.g. first-appearance numbering) map to H's rows directly
  close(loss(emb, [2, 0, 2, 1], h), 0, 1e-6, "local ids");
  // the same H in first-appearance order (42, 7, 13) is a different matrix
  const firstSeen = tf.tidy(() => selectSubmatrix(tf.tensor2d(h), [2, 0, 1]).arraySync() as Mat);
  assert.ok(loss(emb, conceptOfRow, firstSeen) > 0.5, "wrong order is penalised");
  // selectSubmatrix cuts a batch's H from a full matrix
  const full = tf.tensor2d(
    Array.from({ length: 50 }, (_, i) => Array.from({ length: 50 }, (_, j) => i * 100 + j)),
  );
  const sub = selectSubmatrix(full, uniqueConcepts(conceptOfRow));
  assert.deepEqual(sub.arraySync(), [[707, 713, 742], [1307, 1313, 1342], [4207, 4213, 4242]]);
  tf.dispose([full, sub]);
});

Deno.test("matrixAlignmentLoss: mask excludes held-out pairs", () => {
  const emb = [[1, 0, 0], [0.6, 0.8, 0], [0, 1, 0], [0, 0.6, 0.8], [0.5, 0.5, 0.7]];
  const ids = [0, 1, 2, 3, 4];
  const h: Mat = [
    [1, 0.9, 0.2, 0.1, 0.4],
    [0.9, 1, 0.7, 0.3, 0.5],
    [0.2, 0.7, 1, 0.8, 0.6],
    [0.1, 0.3, 0.8, 1, 0.7],
    [0.4, 0.5, 0.6, 0.7, 1],
  ];
  const mask: Mat = h.map(() => Array(5).fill(1));
  for (const [i, j] of [[0, 2], [1, 4], [3, 4]]) mask[i][j] = mask[j][i] = 0;
  const withNaN = h.map((row, i) => row.map((v, j) => (mask[i][j] === 0 ? NaN : v)));
  const want = refMatrixAlignment(emb, ids, h, { mask });
  assert.ok(Math.abs(want - refMatrixAlignment(emb, ids, h)) > 1e-3, "the mask matters here");
  for (const human of [h, withNaN]) {
    const got = tf.tidy(() => {
      const maskTensor = tf.tensor2d(mask);
      return value(
        matrixAlignmentLoss(tf.tensor2d(emb), ids, {
          humanSimilarity: tf.tensor2d(human),
          mask: maskTensor,
        }),
      );
    });
    close(got, want, 1e-6, "masked (held-out entries never read)");
  }
  // a host mask works too, and a mask leaving fewer than 3 pairs gives 0
  const flat = mask.flat();
  const got = tf.tidy(() =>
    value(
      matrixAlignmentLoss(tf.tensor2d(emb), ids, { humanSimilarity: tf.tensor2d(h), mask: flat }),
    )
  );
  close(got, want, 1e-6, "host mask");
  const two = new Float32Array(25);
  two[1] = two[2] = 1;
  const zero = tf.tidy(() =>
    value(
      matrixAlignmentLoss(tf.tensor2d(emb), ids, { humanSimilarity: tf.tensor2d(h), mask: two }),
    )
  );
  close(zero, 0, 0, "2 pairs → 0");
  assert.throws(
    () =>
      tf.tidy(() =>
        matrixAlignmentLoss(tf.tensor2d(emb), ids, {
          humanSimilarity: tf.tensor2d(h),
          mask: [1, 1],
        })
      ),
    /mask has 2 entries, want 5·5/,
  );
});

Deno.test("matrixAlignmentLoss: fewer than 3 concepts gives a connected 0", () => {
  const emb = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const h = tf.tensor2d([[1, 0.5], [0.5, 1]]);
  close(value(matrixAlignmentLoss(emb, [3, 8, 8], { humanSimilarity: h })), 0, 0, "c = 2");
  const g = tf.grad((x: tf.Tensor) =>
    matrixAlignmentLoss(x as tf.Tensor2D, [3, 8, 8], { humanSimilarity: h })
  )(emb);
  allClose(g.dataSync(), [0, 0, 0, 0, 0, 0], 0, "zero grad");
  const h1 = tf.tensor2d([[1]]);
  close(value(matrixAlignmentLoss(emb, [4, 4, 4], { humanSimilarity: h1 })), 0, 0, "c = 1");
  tf.dispose([emb, h, g, h1]);
});

Deno.test("matrixAlignmentLoss: constant H or collapsed prototypes stay finite (loss 1)", () => {
  const emb = tf.tensor2d([deg(0), deg(60), deg(150)]);
  const flat = tf.tensor2d(sym3([0.3, 0.3, 0.3]));
  const same = tf.tensor2d([[1, 2], [1, 2], [1, 2]]);
  const h = tf.tensor2d(sym3([0.9, 0.1, 0.4]));
  for (
    const [what, e, human] of [["constant H", emb, flat], ["collapsed", same, h]] as const
  ) {
    for (const kind of ["pearson", "mse"] as const) {
      const l = matrixAlignmentLoss(e, [0, 1, 2], { humanSimilarity: human, kind });
      close(value(l), 1, 1e-3, `${what} ${kind}`);
      const g = tf.grad((x: tf.Tensor) =>
        matrixAlignmentLoss(x as tf.Tensor2D, [0, 1, 2], { humanSimilarity: human, kind })
      )(e);
      assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `${what} ${kind}: finite grad`);
      g.dispose();
    }
  }
  tf.dispose([emb, flat, same, h]);
});

Deno.test("matrixAlignmentLoss: rejects bad inputs", () => {
  const emb = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const h2 = tf.tensor2d([[1, 0.5], [0.5, 1]]);
  const h3 = tf.tensor2d(sym3([0.1, 0.2, 0.3]));
  const before = tf.memory().numTensors;
  assert.throws(
    () => matrixAlignmentLoss(emb, [0, 1, 2], { humanSimilarity: h2 }),
    /humanSimilarity is \[2, 2\] for 3 distinct concepts/,
  );
  assert.throws(
    () => matrixAlignmentLoss(emb, [0, 1], { humanSimilarity: h3 }),
    /2 entries for 3 embedding rows/,
  );
  assert.throws(
    () => matrixAlignmentLoss(emb, [0, 1, 2], { humanSimilarity: h3, kind: "l1" as "mse" }),
    /kind must be/,
  );
  assert.throws(
    () => matrixAlignmentLoss(emb, [0, 1, 2], { humanSimilarity: h3, epsilon: 0 }),
    /epsilon/,
  );
  assert.equal(tf.memory().numTensors, before, "nothing leaked by the failed calls");
  tf.dispose([emb, h2, h3]);
});
