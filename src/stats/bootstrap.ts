/**
 * Paired bootstrap over units (concepts): every resample draws units with replacement and the
 * caller's statistic sees the same resampled indices for both models, so a difference of two
 * metrics keeps its pairing.
 *
 * @module
 */
import { createRng } from "./random.ts";

/** How the confidence interval is formed from the bootstrap distribution. */
export type BootstrapMethod = "percentile" | "bca";

/** Options of {@linkcode pairedBootstrap}. */
export interface BootstrapOptions {
  /** Number of units (concepts) to resample; indices run over `0..nUnits-1`. */
  nUnits: number;
  /** Seed of the resampling generator; the same seed gives the same result. */
  seed: number;
  /** Number of bootstrap resamples (default 2000). */
  resamples?: number;
  /** Two-sided level: the interval covers `1 - alpha` (default 0.05). */
  alpha?: number;
  /** `"percentile"` (default) or bias-corrected and accelerated `"bca"`. */
  method?: BootstrapMethod;
}

/** Result of {@linkcode pairedBootstrap}. */
export interface BootstrapResult {
  /** The statistic on all units (`0..nUnits-1`, in order). */
  estimate: number;
  /** Confidence interval `[low, high]` at level `1 - alpha`. */
  ci: [number, number];
  /** Standard error: sample standard deviation (n - 1) of the finite resampled statistics. */
  se: number;
  /** The statistic on every resample, in drawing order (non-finite values kept as returned). */
  resamples: Float64Array;
  /** Resamples whose statistic was not finite; they are left out of `ci` and `se`. */
  nonFinite: number;
  /**
   * The method actually used: `"bca"` falls back to `"percentile"` when its bias or
   * acceleration is not finite (e.g. a degenerate bootstrap distribution).
   */
  method: BootstrapMethod;
}

/**
 * Paired bootstrap of `statistic` over units resampled with replacement.
 *
 * `statistic(indices)` gets the resampled unit indices (length `nUnits`, repeats allowed) and
 * evaluates both models on them inside the caller's closure, e.g. returning
 * `metric(modelA, indices) - metric(modelB, indices)`. The percentile interval uses linear
 * interpolation between order statistics (numpy's default `percentile`); `"bca"` adds the
 * bias correction from the resamples and the acceleration from a leave-one-unit-out jackknife.
 * Deterministic for a given seed.
 */
export function pairedBootstrap(
  statistic: (indices: Int32Array) => number,
  options: BootstrapOptions,
): BootstrapResult {
  const { nUnits, seed } = options;
  const resamples = options.resamples ?? 2000;
  const alpha = options.alpha ?? 0.05;
  const method = options.method ?? "percentile";
  if (!Number.isInteger(nUnits) || nUnits < 1) {
    throw new RangeError(`pairedBootstrap: nUnits must be a positive integer, got ${nUnits}`);
  }
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new RangeError(`pairedBootstrap: resamples must be an integer >= 2, got ${resamples}`);
  }
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`pairedBootstrap: alpha must be in (0, 1), got ${alpha}`);
  }
  if (method !== "percentile" && method !== "bca") {
    throw new RangeError(`pairedBootstrap: unknown method ${method}`);
  }

  const all = new Int32Array(nUnits);
  for (let i = 0; i < nUnits; i++) all[i] = i;
  const estimate = statistic(all);

  const rng = createRng(seed, { label: "paired-bootstrap" });
  const values = new Float64Array(resamples);
  const indices = new Int32Array(nUnits);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < nUnits; i++) indices[i] = rng.int(nUnits);
    values[r] = statistic(indices);
  }

  const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
  const nonFinite = resamples - finite.length;
  if (finite.length < 2) {
    throw new RangeError(
      `pairedBootstrap: only ${finite.length} of ${resamples} resampled statistics are finite`,
    );
  }
  const se = standardDeviation(finite);

  let lowQ = alpha / 2, highQ = 1 - alpha / 2, used: BootstrapMethod = "percentile";
  if (method === "bca") {
    const adjusted = bcaLevels(statistic, { nUnits, estimate, sorted: finite, alpha });
    if (adjusted) {
      [lowQ, highQ] = adjusted;
      used = "bca";
    }
  }
  return {
    estimate,
    ci: [percentileSorted(finite, lowQ), percentileSorted(finite, highQ)],
    se,
    resamples: values,
    nonFinite,
    method: used,
  };
}

/**
 * The `q`-quantile (`q` in [0, 1]) of ascending `sorted` values with linear interpolation
 * between order statistics, as numpy's `percentile(x, 100 * q)` (default method "linear").
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("percentileSorted: empty input");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentileSorted: q must be in [0, 1], got ${q}`);
  const position = q * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  const t = position - lo;
  const a = sorted[lo], b = sorted[hi];
  // numpy's _lerp: a + (b - a) t, computed from the upper end when t >= 0.5
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * The `q`-quantile (`q` in [0, 1]) of `values` (any order; non-finite values are an error)
 * with numpy's default linear interpolation.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values as ArrayLike<number>);
  if (sorted.some((v) => !Number.isFinite(v))) {
    throw new RangeError("percentile: values must be finite");
  }
  return percentileSorted(sorted.sort(), q);
}

/** Standard normal cumulative distribution function Φ(z) (about 1e-15 relative accuracy). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p), for p in [0, 1] (±Infinity at the ends). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // Acklam's rational approximation, then Halley refinement steps.
  const a = [
    -3.969683028665376e1,
    2.209460984245205e2,
    -2.759285104469687e2,
    1.38357751867269e2,
    -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1,
    1.615858368580409e2,
    -1.556989798598866e2,
    6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3,
    -3.223964580411365e-1,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let step = 0; step < 2; step++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}

/** Complementary error function, accurate to about 1e-15 (series below 3, continued fraction above). */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1·3·…·(2n+1)), all terms positive
    let term = x, sum = x;
    const x2 = 2 * x * x;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // continued fraction: erfc(x) = e^{-x^2}/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + (k / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function standardDeviation(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / (values.length - 1));
}

/** BCa quantile levels, or undefined when bias or acceleration is not finite. */
function bcaLevels(
  statistic: (indices: Int32Array) => number,
  input: { nUnits: number; estimate: number; sorted: Float64Array; alpha: number },
): [number, number] | undefined {
  const { nUnits, estimate, sorted, alpha } = input;
  let below = 0;
  for (const v of sorted) if (v < estimate) below++;
  const z0 = normalQuantile(below / sorted.length);
  // leave-one-unit-out jackknife for the acceleration
  const jack = new Float64Array(nUnits);
  const rest = new Int32Array(nUnits - 1);
  for (let leave = 0; leave < nUnits; leave++) {
    for (let i = 0, k = 0; i < nUnits; i++) if (i !== leave) rest[k++] = i;
    jack[leave] = statistic(rest);
  }
  let jackMean = 0;
  for (const v of jack) jackMean += v;
  jackMean /= nUnits;
  let num = 0, den = 0;
  for (const v of jack) {
    const dv = jackMean - v;
    num += dv * dv * dv;
    den += dv * dv;
  }
  const acc = num / (6 * Math.pow(den, 1.5));
  if (!Number.isFinite(z0) || !Number.isFinite(acc)) return undefined;
  const level = (z: number) => normalCdf(z0 + (z0 + z) / (1 - acc * (z0 + z)));
  const low = level(normalQuantile(alpha / 2));
  const high = level(normalQuantile(1 - alpha / 2));
  if (!Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  return [low, high];
}
