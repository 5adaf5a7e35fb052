/**
 * Paired sign-flip permutation test of the mean difference between two models over units.
 *
 * @module
 */
import { createRng } from "./random.ts";

/** Direction of the alternative hypothesis for the mean of `a - b`. */
export type Alternative = "two-sided" | "greater" | "less";

/** Options of {@linkcode pairedPermutationTest}. */
export interface PermutationOptions {
  /** Seed of the sign-flip generator (unused when the test is exact). */
  seed: number;
  /**
   * Number of random sign-flip permutations (default 10000). When `2^n` is at most this, all
   * `2^n` sign patterns are enumerated instead and the p-value is exact.
   */
  permutations?: number;
  /** `"two-sided"` (default), `"greater"` (mean of a - b > 0) or `"less"`. */
  alternative?: Alternative;
}

/** Result of {@linkcode pairedPermutationTest}. */
export interface PermutationResult {
  /** Observed mean paired difference, mean of `a[i] - b[i]`. */
  statistic: number;
  /** The p-value. */
  pValue: number;
  /** Whether all `2^n` sign patterns were enumerated. */
  exact: boolean;
  /** Number of sign patterns evaluated (`2^n` when exact). */
  permutations: number;
  /** Number of units. */
  n: number;
}

/**
 * Paired sign-flip permutation test: under the null the sign of every difference
 * `d[i] = a[i] - b[i]` is exchangeable, so the statistic `mean(s[i] d[i])` is recomputed with
 * random signs `s[i] = ±1`.
 *
 * With random sign flips the p-value is `(count + 1) / (permutations + 1)`, counting the
 * permutations at least as extreme as observed. When `2^n ≤ permutations` all sign patterns
 * (the identity among them) are enumerated and the p-value is `count / 2^n`. "At least as
 * extreme" allows a relative tolerance of 1e-12 for rounding; two-sided compares `|mean|`.
 * Deterministic for a given seed.
 */
export function pairedPermutationTest(
  a: Float64Array,
  b: Float64Array,
  options: PermutationOptions,
): PermutationResult {
  const permutations = options.permutations ?? 10000;
  const alternative = options.alternative ?? "two-sided";
  if (a.length !== b.length) {
    throw new RangeError(`pairedPermutationTest: lengths differ (${a.length} vs ${b.length})`);
  }
  const n = a.length;
  if (n === 0) throw new RangeError("pairedPermutationTest: no units");
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new RangeError(
      `pairedPermutationTest: permutations must be a positive integer, got ${permutations}`,
    );
  }
  if (alternative !== "two-sided" && alternative !== "greater" && alternative !== "less") {
    throw new RangeError(`pairedPermutationTest: unknown alternative ${alternative}`);
  }
  const d = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    d[i] = a[i] - b[i];
    if (!Number.isFinite(d[i])) {
      throw new RangeError(`pairedPermutationTest: non-finite difference at unit ${i}`);
    }
    scale += Math.abs(d[i]);
  }
  const observed = mean(d);
  // tolerance against rounding, relative to the mean absolute difference
  const tol = 1e-12 * (scale / n);
  const extreme = alternative === "two-sided"
    ? (t: number) => Math.abs(t) >= Math.abs(observed) - tol
    : alternative === "greater"
    ? (t: number) => t >= observed - tol
    : (t: number) => t <= observed + tol;

  const signed = new Float64Array(n);
  if (n < 31 && 2 ** n <= permutations) {
    const total = 2 ** n;
    let count = 0;
    for (let mask = 0; mask < total; mask++) {
      for (let i = 0; i < n; i++) signed[i] = (mask >>> i) & 1 ? -d[i] : d[i];
      if (extreme(mean(signed))) count++;
    }
    return { statistic: observed, pValue: count / total, exact: true, permutations: total, n };
  }

  const rng = createRng(options.seed, { label: "paired-permutation" });
  let count = 0;
  for (let p = 0; p < permutations; p++) {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = (rng.next() * 4294967296) >>> 0;
      signed[i] = bits & 1 ? -d[i] : d[i];
      bits >>>= 1;
    }
    if (extreme(mean(signed))) count++;
  }
  return {
    statistic: observed,
    pValue: (count + 1) / (permutations + 1),
    exact: false,
    permutations,
    n,
  };
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
