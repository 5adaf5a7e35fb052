/**
 * Matrix-alignment loss of `joint_matrix_alignment` / `matrix_control`: the batch's concept
 * similarity matrix should correlate with the human similarity matrix of the same concepts.
 */
import * as tf from "@tensorflow/tfjs";
import {
  batchPrototypes,
  checkFloat,
  checkNumber,
  connectedZero,
  DEFAULT_EPSILON,
  fail,
  type IndexLike,
  l2NormalizeRows,
} from "./common.ts";

/** Options of {@link matrixAlignmentLoss}. */
export interface MatrixAlignmentOptions {
  /** [c, c] human similarity of the batch's c distinct concepts (ascending concept-id order). */
  humanSimilarity: tf.Tensor2D;
  /** "pearson" (default): 1 − r. "mse": mean squared difference of z-scores. */
  kind?: "pearson" | "mse";
  /**
   * [c, c] pairs allowed to train (≠ 0) or not (0), e.g. 1 for train concept pairs and 0 for
   * held-out ones, so that validation/test pairs never enter the loss. Only its strict upper
   * triangle is read (on the host: a tensor via `dataSync()`). Default: every pair.
   */
  mask?: tf.Tensor2D | ArrayLike<number>;
  /** Variance floor of the z-scores and norm floor of the prototypes. Default 1e-8. */
  epsilon?: number;
}

/** Row-major flat indices i·c + j of the strict upper triangle (i < j) where the mask is ≠ 0. */
function upperTriangleIndices(c: number, mask?: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < c; i++) {
    for (let j = i + 1; j < c; j++) if (!mask || mask[i * c + j] !== 0) out.push(i * c + j);
  }
  return Int32Array.from(out);
}

/** (v − mean v) / sqrt(var v + ε), population variance. */
function zScore(v: tf.Tensor1D, epsilon: number): tf.Tensor1D {
  const { mean, variance } = tf.moments(v);
  return tf.div(tf.sub(v, mean), tf.sqrt(tf.add(variance, epsilon))) as tf.Tensor1D;
}

/**
 * Matrix-alignment loss. From the batch's concept prototypes P_k (mean of each concept's rows)
 * the model similarity is S_kl = cos(P_k, P_l) (rows normalised by max(‖P_k‖, ε)).
 * `humanSimilarity` H is the [c, c] human similarity of the batch's c distinct concepts, rows
 * and columns in ascending concept-id order (`uniqueConcepts(conceptOfRow)`; local indices
 * 0…c−1 in `conceptOfRow` therefore map to H's rows directly; `selectSubmatrix` cuts H from
 * the full matrix). With s and h the strict upper triangles (k < l; m = c(c−1)/2 entries, or
 * the pairs the mask keeps) of S and H, and z(v) = (v − v̄)/√(var(v) + ε) (population
 * variance):
 *
 *   pearson: L = 1 − (1/m) Σ z(s)·z(h)   (= 1 − Pearson r up to ε; in [0, 2], scale-free)
 *   mse:     L = (1/m) Σ (z(s) − z(h))²   (= 2·(1 − r) up to ε)
 *
 * A perfectly correlated S gives 0, a perfectly anti-correlated one 2 (pearson) / 4 (mse). The
 * ε keeps a constant triangle (collapsed prototypes, or a constant H) finite: its z-scores are
 * 0, so L = 1 (pearson) with zero gradient. H is a constant; entries outside the used pairs
 * (diagonal, lower triangle, masked pairs) are never read, so they may be NaN. Pearson's r
 * needs at least 3 pairs, so with c < 3 distinct concepts in the batch (or fewer than 3 pairs
 * left by the mask) the loss is defined as 0 (a zero that stays connected to `embeddings`, so
 * optimisers see zero gradients rather than an error). Concept ids are read on the host
 * (tensors via `dataSync()`). Takes `humanSimilarity` as a third positional argument, as the
 * training code calls it: `matrixAlignmentLoss(feats, conceptOfRow, { humanSimilarity: h, kind, mask })`.
 */
export function matrixAlignmentLoss(
  embeddings: tf.Tensor2D,
  conceptOfRow: IndexLike,
  options: MatrixAlignmentOptions,
): tf.Scalar {
  const { humanSimilarity } = options;
  const name = "matrixAlignmentLoss";
  checkFloat(name, "embeddings", embeddings, 2);
  const { kind = "pearson", epsilon = DEFAULT_EPSILON } = options;
  if (kind !== "pearson" && kind !== "mse") {
    fail(name, `kind must be "pearson" or "mse", got ${JSON.stringify(kind)}`);
  }
  checkNumber(name, "epsilon", epsilon, { min: 0, strict: true });
  const [hr, hc] = checkFloat(name, "humanSimilarity", humanSimilarity, 2);
  return tf.tidy(() => {
    const { prototypes, concepts } = batchPrototypes(embeddings, conceptOfRow);
    const c = concepts.length;
    if (hr !== c || hc !== c) {
      fail(name, `humanSimilarity is [${hr}, ${hc}] for ${c} distinct concepts in the batch`);
    }
    let mask: ArrayLike<number> | undefined;
    if (options.mask !== undefined) {
      mask = options.mask instanceof tf.Tensor ? options.mask.dataSync() : options.mask;
      if (mask.length !== c * c) fail(name, `mask has ${mask.length} entries, want ${c}·${c}`);
    }
    const pairs = upperTriangleIndices(c, mask);
    if (pairs.length < 3) return connectedZero(embeddings);
    const unit = l2NormalizeRows(prototypes, epsilon);
    const sim = tf.matMul(unit, unit, false, true);
    const idx = tf.tensor1d(pairs, "int32");
    const zs = zScore(tf.gather(tf.reshape(sim, [-1]), idx) as tf.Tensor1D, epsilon);
    const zh = zScore(tf.gather(tf.reshape(humanSimilarity, [-1]), idx) as tf.Tensor1D, epsilon);
    if (kind === "mse") return tf.mean(tf.square(tf.sub(zs, zh))) as tf.Scalar;
    return tf.sub(1, tf.mean(tf.mul(zs, zh))) as tf.Scalar;
  });
}
