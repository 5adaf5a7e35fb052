/**
 * Triplet odd-one-out evaluation of an embedding: the pair with the largest dot product is
 * predicted to be kept together, the remaining concept is the predicted odd one out.
 */
import { type TripletDotOptions, tripletDotProducts } from "./triplet_dots.ts";
import type { Matrix, Triplets } from "./types.ts";

/** Options of {@link oddOneOutAccuracy} and {@link tripletProbabilities}. */
export type OddOneOutOptions = TripletDotOptions;

/** Result of {@link oddOneOutAccuracy}. */
export interface OddOneOutResult {
  /** `correct / n` (NaN when there are no triplets). */
  accuracy: number;
  /** Number of triplets evaluated. */
  n: number;
  /** Number of triplets whose kept pair has the strictly largest dot product. */
  correct: number;
}

/**
 * Odd-one-out accuracy of `embedding` (rows = concepts) on `triplets`: a triplet counts as
 * correct iff the dot product of the kept pair s(a,b) is strictly greater than both s(a,odd)
 * and s(b,odd); a tie for the maximum counts as wrong. Throws a RangeError on bad indices.
 */
export function oddOneOutAccuracy(
  embedding: Matrix,
  triplets: Triplets,
  options: OddOneOutOptions = {},
): OddOneOutResult {
  const dots = tripletDotProducts(embedding, triplets, options);
  let correct = 0;
  for (let q = 0; q < dots.length; q += 3) {
    if (dots[q] > dots[q + 1] && dots[q] > dots[q + 2]) correct++;
  }
  const n = triplets.n;
  return { accuracy: n > 0 ? correct / n : NaN, n, correct };
}

/**
 * Model probability of the human choice for each triplet: the softmax over the three pair dot
 * products, p(kept pair) = e^{s(a,b)} / (e^{s(a,b)} + e^{s(a,odd)} + e^{s(b,odd)}), computed
 * as 1 / (1 + e^{s(a,odd)−s(a,b)} + e^{s(b,odd)−s(a,b)}) so that it cannot overflow.
 */
export function tripletProbabilities(
  embedding: Matrix,
  triplets: Triplets,
  options: OddOneOutOptions = {},
): Float64Array {
  const dots = tripletDotProducts(embedding, triplets, options);
  const p = new Float64Array(triplets.n);
  for (let t = 0, q = 0; t < triplets.n; t++, q += 3) {
    p[t] = 1 / (1 + Math.exp(dots[q + 1] - dots[q]) + Math.exp(dots[q + 2] - dots[q]));
  }
  return p;
}
