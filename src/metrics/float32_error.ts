/**
 * The float32 rounding-error model of sums of products (Higham, _Accuracy and Stability of
 * Numerical Algorithms_, §3.1): the unit roundoff, γ(n), and the comparison of two float32
 * evaluations of the same sums (e.g. a native backend against the pure-JS one) against that bound.
 *
 * @module
 */

/** Unit roundoff of float32 (round to nearest): 2⁻²⁴. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** γ(n) = n·u / (1 − n·u): the relative error bound of an n-term float32 sum (n·u < 1). */
export function float32Gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  if (!(nu >= 0 && nu < 1)) throw new RangeError(`float32Gamma: n·u = ${nu} must lie in [0, 1)`);
  return nu / (1 - nu);
}

/**
 * Compare two float32 evaluations of the same sums of products (e.g. native vs cpu backend)
 * against the float32 error model (Higham, _Accuracy and Stability of Numerical Algorithms_,
 * §3.1): an n-term sum evaluated in float32 in any order, with or without fused multiply-adds,
 * is within γ(n)·Σ|terms| of the exact one, so two evaluations are within
 *
 *   bound = 2·γ(n)·Σ|terms| + 2·n·2⁻¹²⁶
 *
 * of each other, the last term allowing for flush-to-zero of tiny products. `scale[i]` is
 * Σ|terms| of element i (for a matMul |A|·|B|, for a conv2d the conv2d of |x| and |w|); when it is
 * itself computed in float32 (its terms are non-negative) it may be up to a factor 1 − γ(n) low,
 * so the bound is divided by that. Returns the worst |actual − expected| / bound (≤ 1: within
 * the model) and the largest |actual − expected|; a NaN, or arrays of different lengths, give
 * Infinity.
 */
export function float32ComparisonRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: { scale: ArrayLike<number>; terms: number },
): { ratio: number; maxDiff: number } {
  const { scale, terms } = options;
  if (actual.length !== expected.length || scale.length !== expected.length) {
    return { ratio: Infinity, maxDiff: Infinity };
  }
  const g = float32Gamma(terms);
  const rel = (2 * g) / (1 - g);
  const floor = 2 * terms * 2 ** -126;
  let ratio = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    const bound = rel * Math.abs(scale[i]) + floor;
    const r = diff / bound;
    if (!(r <= ratio)) ratio = Number.isNaN(r) ? Infinity : r;
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
  }
  return { ratio, maxDiff };
}
