/** Float64 error-model scales of similarity matrices (dot, cosine, correlation). */
import type { Matrix } from "../../src/metrics/types.ts";
import { absMatMul } from "./numeric.ts";

/**
 * Float64 error-model scales of the similarity matrices of x (rows × cols), for ours against
 * numpy's BLAS (two float64 evaluations in different orders): |x|·|x|ᵀ for dot products (cols
 * terms); the same over row norms for cosines (cols terms, plus cols + 2 for each norm); for
 * correlations the centring counts too, so the terms are |x − m| + |m| over the centred norms
 * (plus cols + 1 for the mean).
 */
export function similarityScales(x: Matrix) {
  const { rows: n, cols: d } = x;
  const abs = Float64Array.from(x.data, Math.abs);
  const dot = absMatMul(abs, transpose(abs, n, d), n, d, n);
  const norm = Array.from({ length: n }, (_, i) => Math.sqrt(dotRow(x.data, i, i, d)));
  const cos = dot.map((v, t) => v / (norm[Math.floor(t / n)] * norm[t % n]));
  const mean = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x.data[i * d + k];
    return s / d;
  });
  const c = Float64Array.from(x.data, (v, t) => v - mean[Math.floor(t / d)]);
  const cAbs = Float64Array.from(c, (v, t) => Math.abs(v) + Math.abs(mean[Math.floor(t / d)]));
  const cNorm = Array.from({ length: n }, (_, i) => Math.sqrt(dotRow(c, i, i, d)));
  const corr = absMatMul(cAbs, transpose(cAbs, n, d), n, d, n)
    .map((v, t) => v / (cNorm[Math.floor(t / n)] * cNorm[t % n]));
  return { dot, cos, corr, terms: { dot: d, cos: 3 * d + 4, corr: 4 * d + 6 } };
}

function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return Float64Array.from(
    { length: rows * cols },
    (_, t) => a[(t % rows) * cols + Math.floor(t / rows)],
  );
}

function dotRow(a: ArrayLike<number>, i: number, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
  return s;
}
