/** Weighted sum of loss terms, keeping each term for the training log. */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, fail } from "./common.ts";

/** The loss terms of the model variants (cross-entropy, triplet hinge, matrix alignment). */
export type LossTerm = "ce" | "triplet" | "matrix";

/** Options of {@link combinedLoss}. */
export interface CombinedLossOptions<K extends string> {
  /** Weight w_k ≥ 0 of each term; every given term needs one, and every weight its term. */
  weights: Readonly<Record<K, number>>;
}

/** Result of {@link combinedLoss}. */
export interface CombinedLoss<K extends string> {
  /** Σ_k w_k · L_k, a new scalar. */
  total: tf.Scalar;
  /** The unweighted terms L_k (the caller's scalars, passed through) for logging. */
  terms: Record<K, tf.Scalar>;
}

/**
 * Combine loss terms: total = Σ_k w_k · L_k, e.g. `{ce: 1, triplet: 0.1, matrix: 0}` for
 * `fixed_prototype_triplets` or a smaller `ce` and larger `triplet` weight for
 * `high_pressure_triplets`. Terms with weight 0 are still returned (so a log can show the
 * cross-entropy of every variant). A weight without a term, or a term without a weight,
 * throws: a misconfigured variant should not silently train without its human term.
 *
 * Typical use inside an optimiser step, reading every term with one device read:
 *
 * ```ts
 * let logged: tf.Tensor1D | undefined;
 * optimizer.minimize(() => {
 *   const { total, terms } = combinedLoss({ ce, triplet }, { weights });
 *   logged = tf.keep(tf.stack([total, terms.ce, terms.triplet]) as tf.Tensor1D);
 *   return total;
 * });
 * const [total, ce, triplet] = await logged!.data(); logged!.dispose();
 * ```
 */
export function combinedLoss<K extends string = LossTerm>(
  terms: Readonly<Record<K, tf.Scalar>>,
  options: CombinedLossOptions<K>,
): CombinedLoss<K> {
  const name = "combinedLoss";
  const { weights } = options;
  const keys = Object.keys(terms) as K[];
  if (keys.length === 0) fail(name, "no loss terms given");
  for (const key of Object.keys(weights) as K[]) {
    if (!(key in terms)) fail(name, `weight for "${key}" but no "${key}" term`);
  }
  for (const key of keys) {
    const term = terms[key];
    if (!(term instanceof tf.Tensor) || term.rank !== 0) {
      fail(name, `term "${key}" is not a scalar`);
    }
    if (!(key in weights)) fail(name, `term "${key}" has no weight`);
    checkNumber(name, `weights.${key}`, weights[key], { min: 0 });
  }
  const total = tf.tidy(() =>
    tf.addN(keys.map((key) => tf.mul(terms[key], weights[key]))) as tf.Scalar
  );
  return { total, terms: { ...terms } as Record<K, tf.Scalar> };
}
