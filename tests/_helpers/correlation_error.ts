/**
 * Float64 error model of Pearson, Spearman and Kendall correlations, for comparing ours with
 * scipy's (two evaluations in different orders), optionally of inputs that themselves carry a
 * difference between the two evaluations (similarities computed by different kernels).
 *
 * Pearson r = ⟨x_c, y_c⟩ / (‖x_c‖·‖y_c‖) with x_c = x − mean(x): to first order each evaluation
 * centres every entry within u·(|x_i| + |x̄|) (an error of the mean itself shifts every entry
 * alike, which changes r only to second order since Σ x_c = 0), and the cosine of two vectors
 * moves by at most 2·‖Δa‖/‖a‖ when one of them moves by Δa; the three sums of n products, the
 * square root and the quotient add γ(n + 4)·(Σ|x_c||y_c| / (‖x_c‖‖y_c‖) + |r|).
 *
 * Spearman is Pearson of the average ranks, which are exact (half-integers) when both sides see
 * the same values; values closer than their difference bound may be ordered either way: each
 * such adjacent pair can exchange two ranks by one, moving ρ by at most 12/(n(n + 1)). Kendall's
 * counts are exact integers; an adjacent near-tie flips the concordance of one pair, moving τ by
 * at most 2/(n(n − 1)/2) (ignoring the tie correction's small change); its final quotient and
 * square root add γ(4)·|τ|.
 *
 * @module
 */
import { gamma, U64 } from "./numeric.ts";

/** Average ranks (1-based, ties averaged). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/**
 * Adjacent values (in sorted order) closer than the sum of their difference bounds, exact ties
 * included when those bounds are not zero (the other evaluation may untie them).
 */
export function nearTies(x: ArrayLike<number>, dx: ArrayLike<number> | number): number {
  const d = (i: number) => (typeof dx === "number" ? dx : dx[i]);
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  let k = 0;
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1], b = order[i];
    const slack = d(a) + d(b);
    if (slack > 0 && x[b] - x[a] <= slack) k++;
  }
  return k;
}

/** Pearson's first-order bound for two evaluations; dx, dy: input differences (default 0). */
export function pearsonBound(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dx: ArrayLike<number> | number = 0,
  dy: ArrayLike<number> | number = 0,
): number {
  const n = x.length;
  const mean = (v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i];
    return s / n;
  };
  const mx = mean(x), my = mean(y);
  const at = (d: ArrayLike<number> | number, i: number) => (typeof d === "number" ? d : d[i]);
  let sxx = 0, syy = 0, sxy = 0, axy = 0, ex = 0, ey = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx, b = y[i] - my;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
    axy += Math.abs(a * b);
    // two evaluations: each centres within u·(|x_i| + |x̄|); plus the input difference
    ex += (2 * U64 * (Math.abs(x[i]) + Math.abs(mx)) + at(dx, i)) ** 2;
    ey += (2 * U64 * (Math.abs(y[i]) + Math.abs(my)) + at(dy, i)) ** 2;
  }
  const nx = Math.sqrt(sxx), ny = Math.sqrt(syy);
  if (nx === 0 || ny === 0) return 0;
  const r = sxy / (nx * ny);
  return 2 * Math.sqrt(ex) / nx + 2 * Math.sqrt(ey) / ny +
    2 * gamma(n + 4, U64) * (axy / (nx * ny) + Math.abs(r));
}

/** Spearman's bound: Pearson's on the ranks plus the near-tie exchanges. */
export function spearmanBound(x: ArrayLike<number>, y: ArrayLike<number>, ties = 0): number {
  const n = x.length;
  return pearsonBound(averageRanks(x), averageRanks(y)) + 12 * ties / (n * (n + 1));
}

/** Kendall τ-b's bound: the near-tie flips plus the final quotient and square root. */
export function kendallBound(tau: number, n: number, ties = 0): number {
  return 2 * ties / (n * (n - 1) / 2) + 2 * gamma(4, U64) * Math.abs(tau);
}
