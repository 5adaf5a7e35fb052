/**
 * Numeric comparison helpers shared by the cross-check tests.
 *
 * Two computations of the same quantity by different kernels (native TensorFlow vs the pure-JS
 * cpu backend, oneDNN vs Eigen, a folded vs an unfolded model, float32 vs a float64 reference)
 * add their terms in different orders, so they differ in the last bits — by how much depends on
 * the machine (AVX2 vs AVX-512 blocking, FMA or not, thread count). A tolerance picked by hand
 * from one machine ("1e-5 of the result") fails on the next one. {@link assertFloat32Close}
 * instead bounds the difference by the standard forward error model of floating-point summation
 * (Higham, _Accuracy and Stability of Numerical Algorithms_, 2nd ed., §3.1, Lemma 3.1 and
 * §3.5): for any order of evaluation, with or without fused multiply-adds,
 *
 *   |fl(Σₖ xₖ·yₖ) − Σₖ xₖ·yₖ| ≤ γ(n) · Σₖ |xₖ·yₖ|,    γ(n) = n·u / (1 − n·u),
 *
 * where n is the number of terms and u the unit roundoff (2⁻²⁴ for float32, 2⁻⁵³ for float64).
 * The bound is relative to the magnitude of the summed terms (the `scale`), not to the result,
 * which can be much smaller after cancellation. A chain of such sums (a matrix product of
 * products, a convolution and its gradient) obeys the same bound with n the total depth of the
 * chain and scale the chain applied to the absolute values (§3.5, first order). Two independent
 * evaluations differ by at most the sum of their bounds.
 *
 * @module
 */
import { strict as assert } from "node:assert";

/** Unit roundoff of float32 (round to nearest): 2⁻²⁴. */
export const U32 = 2 ** -24;
/** Unit roundoff of float64: 2⁻⁵³. */
export const U64 = 2 ** -53;
/** Smallest positive normal float32, 2⁻¹²⁶: what flush-to-zero may drop from one product. */
export const MIN_NORMAL32 = 2 ** -126;

/** γ(n) = n·u / (1 − n·u), the relative error bound of an n-term sum (requires n·u < 1). */
export function gamma(n: number, u = U32): number {
  if (!(n >= 0) || n * u >= 1) throw new RangeError(`gamma: n·u = ${n * u} must lie in [0, 1)`);
  return (n * u) / (1 - n * u);
}

/**
 * How one side of a comparison was computed: in float32, in float64, or in float64 and then
 * stored as float32 (one more rounding, u₃₂·|result| ≤ u₃₂·scale).
 */
export type Arithmetic = "float32" | "float64" | "float64→float32";

/** The error bound of one evaluation of an n-term sum, relative to its scale. */
export function relativeBound(arithmetic: Arithmetic, n: number): number {
  switch (arithmetic) {
    case "float32":
      return gamma(n, U32);
    case "float64":
      return gamma(n, U64);
    case "float64→float32":
      return gamma(n, U64) + U32 * (1 + gamma(n, U64));
  }
}

/** The error model of a comparison ({@link assertFloat32Close}). */
export interface ErrorModel {
  /**
   * Per element (or one number for all): Σ|terms| that make up the element — for a matrix
   * product (|A|·|B|)ᵢ, for a convolution or its gradients the same operation applied to the
   * absolute values of its operands. May itself be computed in float32 (its terms are all
   * non-negative, so it is then within a factor 1 ± γ(n) of the exact value; the bound allows
   * for that).
   */
  scale: ArrayLike<number> | number;
  /** n: the number of rounded operations along the longest chain that forms an element. */
  terms: number;
  /** Names the comparison in the failure message. */
  label: string;
  /** How [actual, expected] were computed (default both float32). */
  arithmetic?: readonly [Arithmetic, Arithmetic];
  /**
   * A multiplier of the bound for quantities that are not plain sums (exp, log, sqrt, division:
   * each correctly rounded or within a few ulps); document its derivation where it is used.
   * Default 1.
   */
  constant?: number;
  /**
   * Per element (or one number for all): a difference already present in the inputs, pushed
   * through the operation with absolute weights (|S|(d): how an observed input difference can
   * reach the output; see network_error.ts). Added to the bound; may be computed in float32 like
   * `scale`. Default 0.
   */
  propagated?: ArrayLike<number> | number;
  /**
   * Absolute allowance for flush-to-zero/denormals-are-zero (native kernels set both): each of
   * the n products of an evaluation may lose up to 2⁻¹²⁶. Default 2·n·2⁻¹²⁶ when a side is
   * float32, else 0.
   */
  floor?: number;
}

/** Where a comparison came closest to (or beyond) its bound. */
export interface ErrorReport {
  label: string;
  /** Index of the element with the largest diff/bound. */
  index: number;
  actual: number;
  expected: number;
  /** |actual − expected| there. */
  diff: number;
  /** The bound there. */
  bound: number;
  /** diff / bound (≤ 1 passes). */
  ratio: number;
  /** The scale and the propagated input difference there. */
  scale: number;
  propagated: number;
  /** Elements compared. */
  count: number;
}

/** The bound for one element of scale `s` with propagated input difference `p`. */
function boundFor(model: ErrorModel, s: number, p = 0): number {
  const [a, b] = model.arithmetic ?? ["float32", "float32"];
  const n = model.terms;
  const anyFloat32 = a !== "float64" || b !== "float64";
  const floor = model.floor ?? (anyFloat32 ? 2 * n * MIN_NORMAL32 : 0);
  // the scale itself may be a float32 sum of n non-negative terms: ≥ (1 − γ(n))·exact
  const inflate = 1 / (1 - gamma(n, U32));
  return (model.constant ?? 1) * (relativeBound(a, n) + relativeBound(b, n)) * Math.abs(s) *
      inflate + Math.abs(p) * inflate + floor;
}

/**
 * Compare two equally long arrays under an {@link ErrorModel} and report the element with the
 * largest diff/bound (does not throw on a bound violation; see {@link assertFloat32Close}).
 * Two non-finite values compare equal only when they are identical (NaN with NaN, ∞ with ∞).
 */
export function compareErrorModel(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  model: ErrorModel,
): ErrorReport {
  assert.equal(actual.length, expected.length, `${model.label}: lengths differ`);
  const { scale, propagated = 0 } = model;
  if (typeof scale !== "number") {
    assert.equal(scale.length, actual.length, `${model.label}: scale has the wrong length`);
  }
  if (typeof propagated !== "number") {
    assert.equal(propagated.length, actual.length, `${model.label}: propagated: wrong length`);
  }
  const report: ErrorReport = {
    label: model.label,
    index: -1,
    actual: NaN,
    expected: NaN,
    diff: 0,
    bound: 0,
    ratio: 0,
    scale: NaN,
    propagated: 0,
    count: actual.length,
  };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    const s = typeof scale === "number" ? scale : scale[i];
    const p = typeof propagated === "number" ? propagated : propagated[i];
    let diff: number, bound: number, ratio: number;
    if (!Number.isFinite(a) || !Number.isFinite(e) || !Number.isFinite(s)) {
      diff = Object.is(a, e) ? 0 : Infinity;
      bound = boundFor(model, Number.isFinite(s) ? s : 0, Number.isFinite(p) ? p : 0);
      ratio = diff === 0 ? 0 : Infinity;
    } else {
      diff = Math.abs(a - e);
      bound = boundFor(model, s, p);
      ratio = diff === 0 ? 0 : diff / bound;
    }
    if (report.index < 0 || ratio > report.ratio) {
      Object.assign(report, {
        index: i,
        actual: a,
        expected: e,
        diff,
        bound,
        ratio,
        scale: s,
        propagated: p,
      });
    }
  }
  logRatio(report);
  return report;
}

/**
 * Fail unless |actual[i] − expected[i]| ≤ bound[i] for every element, where
 *
 *   bound[i] = constant · (γ_actual(n) + γ_expected(n)) · scale[i] + propagated[i] + floor
 *
 * is the rigorous worst case of two independent evaluations ({@link ErrorModel}); for two
 * float32 evaluations that is 2·γ₃₂(n)·scale[i] + 2·n·2⁻¹²⁶. The message names the label, the
 * worst element, its diff, its bound and their ratio. Returns the report (ratio ≤ 1).
 */
export function assertFloat32Close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  model: ErrorModel,
): ErrorReport {
  const r = compareErrorModel(actual, expected, model);
  if (!(r.ratio <= 1)) assert.fail(describe(r));
  return r;
}

/** One line: label, worst element, values, diff, bound, ratio. */
export function describe(r: ErrorReport): string {
  const g = (v: number) => v.toPrecision(6);
  const carried = r.propagated ? `, propagated ${g(r.propagated)}` : "";
  return `${r.label}: element ${r.index} of ${r.count}: ${g(r.actual)} vs ${g(r.expected)}, ` +
    `|diff| ${g(r.diff)} > bound ${g(r.bound)} (ratio ${g(r.ratio)}; error model: ` +
    `scale ${g(r.scale)}${carried})`;
}

/**
 * With `HT_ERROR_MODEL_LOG=FILE` set, every comparison appends "label, ratio, diff, bound,
 * scale, propagated" (tab-separated, at its worst element) to FILE: how the observed worst
 * ratios were collected.
 */
function logRatio(r: ErrorReport): void {
  let file: string | undefined;
  try {
    file = Deno.env.get("HT_ERROR_MODEL_LOG");
  } catch {
    return;
  }
  if (!file) return;
  const line = [r.label, r.ratio, r.diff, r.bound, r.scale, r.propagated].join("\t");
  Deno.writeTextFileSync(file, `${line}\n`, {
    append: true,
  });
}

/** Σ|Aᵢₖ|·|Bₖⱼ| in float64: the scale of the matrix product A (m×k) · B (k×n), row-major. */
export function absMatMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = Math.abs(a[i * k + p]);
      if (x === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += x * Math.abs(b[p * n + j]);
    }
  }
  return out;
}

/**
 * The scale of a gLocal transform ((x − mean)/std)·W + b of row-major features x (rows × dim):
 * (|x − mean|/std)·|W| + |b| (its terms: dim products, the standardisation, the bias).
 */
export function glocalScale(
  t: {
    weights: ArrayLike<number>;
    dim: number;
    bias?: ArrayLike<number>;
    mean: number;
    std: number;
  },
  x: ArrayLike<number>,
): Float64Array {
  const rows = x.length / t.dim;
  const z = Float64Array.from(x, (v) => Math.abs(v - t.mean) / t.std);
  const scale = absMatMul(z, t.weights, rows, t.dim, t.dim);
  if (t.bias) { for (let i = 0; i < scale.length; i++) scale[i] += Math.abs(t.bias[i % t.dim]); }
  return scale;
}

/** max |a − b| / max |b| over two equally long arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
