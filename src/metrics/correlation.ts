/**
 * Correlation coefficients between two equally long numeric vectors: Pearson (corrected
 * two-pass sums), Spearman (Pearson of average ranks) and Kendall's tau-b (Knight's
 * O(n log n) algorithm).
 *
 * Every function returns a plain number in [-1, 1] (the caller knows `n`). When one input is
 * constant the coefficient is undefined and `NaN` is returned, as scipy does. Inputs must have
 * the same length ≥ 2 and contain no NaN (RangeError otherwise); Pearson also rejects ±Infinity.
 */
import { argsort, averageRanks, type NumericArray } from "./rank.ts";

function checkPair(x: NumericArray, y: NumericArray, name: string): number {
  const n = x.length;
  if (y.length !== n) {
    throw new RangeError(`${name}: inputs differ in length (${n} vs ${y.length})`);
  }
  if (n < 2) throw new RangeError(`${name}: needs at least 2 values, got ${n}`);
  return n;
}

function assertFinite(x: NumericArray, name: string, which: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new RangeError(`${name}: ${which}[${i}] = ${x[i]} is not finite`);
    }
  }
}

function mean(x: NumericArray): number {
  const n = x.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; i++) s0 += x[i];
  return ((s0 + s1) + (s2 + s3)) / n;
}

/**
 * Pearson correlation of `x` and `y`. Two passes: the means, then centered sums of squares
 * and products with the correction term of the corrected two-pass algorithm (Chan, Golub &
 * LeVeque), four interleaved accumulators. Returns NaN if either input is constant.
 */
export function pearson(x: NumericArray, y: NumericArray): number {
  const n = checkPair(x, y, "pearson");
  const mx = mean(x), my = mean(y);
  if (!Number.isFinite(mx)) assertFinite(x, "pearson", "x");
  if (!Number.isFinite(my)) assertFinite(y, "pearson", "y");
  let cx = 0, cy = 0, sxx = 0, syy = 0, sxy = 0;
  let cx1 = 0, cy1 = 0, sxx1 = 0, syy1 = 0, sxy1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const dx = x[i] - mx, dy = y[i] - my;
    const ex = x[i + 1] - mx, ey = y[i + 1] - my;
    cx += dx;
    cy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    cx1 += ex;
    cy1 += ey;
    sxx1 += ex * ex;
    syy1 += ey * ey;
    sxy1 += ex * ey;
  }
  if (i < n) {
    const dx = x[i] - mx, dy = y[i] - my;
    cx += dx;
    cy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  cx += cx1;
  cy += cy1;
  sxx = sxx + sxx1 - (cx * cx) / n;
  syy = syy + syy1 - (cy * cy) / n;
  sxy = sxy + sxy1 - (cx * cy) / n;
  if (!(sxx > 0) || !(syy > 0)) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Spearman rank correlation: Pearson correlation of the average ranks (ties get the mean
 * rank), equal to `scipy.stats.spearmanr(x, y).statistic`. Throws on NaN; NaN if constant.
 */
export function spearman(x: NumericArray, y: NumericArray): number {
  checkPair(x, y, "spearman");
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's tau-b (ties in either input corrected), equal to
 * `scipy.stats.kendalltau(x, y).statistic`. Knight's algorithm: order the pairs by x (ties in
 * x by y), then the discordant pairs are the inversions of the y ranks, counted by a bottom-up
 * merge sort; O(n log n). Throws on NaN; NaN if either input is constant.
 */
export function kendallTauB(x: NumericArray, y: NumericArray): number {
  const n = checkPair(x, y, "kendallTauB");
  const ox = argsort(x), oy = argsort(y);
  // Dense ranks of y and the y ties Σ t(t−1)/2.
  const dy = new Int32Array(n);
  let yTies = 0, id = 0, run = 1, prev = y[oy[0]];
  for (let p = 1; p < n; p++) {
    const i = oy[p], v = y[i];
    if (v !== prev) {
      yTies += (run * (run - 1)) / 2;
      run = 1;
      id++;
      prev = v;
    } else run++;
    dy[i] = id;
  }
  yTies += (run * (run - 1)) / 2;
  // y ranks in x order; within each run of tied x, sorted ascending (ties in x are neither
  // concordant nor discordant), which also lines up the joint ties.
  const seq = new Int32Array(n);
  for (let p = 0; p < n; p++) seq[p] = dy[ox[p]];
  let xTies = 0, jointTies = 0, start = 0;
  prev = x[ox[0]];
  for (let p = 1; p <= n; p++) {
    const v = p < n ? x[ox[p]] : NaN; // NaN closes the last run
    if (v === prev) continue;
    const m = p - start;
    if (m > 1) {
      xTies += (m * (m - 1)) / 2;
      const block = seq.subarray(start, p).sort();
      let r = 1;
      for (let q = 1; q < m; q++) {
        if (block[q] === block[q - 1]) r++;
        else {
          jointTies += (r * (r - 1)) / 2;
          r = 1;
        }
      }
      jointTies += (r * (r - 1)) / 2;
    }
    start = p;
    prev = v;
  }
  const discordant = countInversions(seq);
  const total = (n * (n - 1)) / 2;
  const xt = total - xTies, yt = total - yTies;
  if (!(xt > 0) || !(yt > 0)) return NaN;
  const s = total - xTies - yTies + jointTies - 2 * discordant;
  const tau = s / Math.sqrt(xt) / Math.sqrt(yt);
  return tau > 1 ? 1 : tau < -1 ? -1 : tau;
}

const INSERTION_BLOCK = 16;

/**
 * Number of strict inversions (p < q with seq[p] > seq[q]); sorts `seq` ascending as a side
 * effect. Insertion sort on blocks of 16, then bottom-up merges.
 */
function countInversions(seq: Int32Array): number {
  const n = seq.length;
  let count = 0;
  for (let lo = 0; lo < n; lo += INSERTION_BLOCK) {
    const hi = Math.min(lo + INSERTION_BLOCK, n);
    for (let p = lo + 1; p < hi; p++) {
      const v = seq[p];
      let q = p - 1;
      while (q >= lo && seq[q] > v) {
        seq[q + 1] = seq[q];
        q--;
      }
      seq[q + 1] = v;
      count += p - 1 - q;
    }
  }
  let src: Int32Array = seq, dst: Int32Array = new Int32Array(n);
  for (let width = INSERTION_BLOCK; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
      let i = lo, j = mid, o = lo;
      if (mid < hi) {
        let vi = src[i], vj = src[j];
        while (true) {
          if (vj < vi) {
            count += mid - i;
            dst[o++] = vj;
            if (++j === hi) break;
            vj = src[j];
          } else {
            dst[o++] = vi;
            if (++i === mid) break;
            vi = src[i];
          }
        }
      }
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  return count;
}

/** Number of tied pairs Σ t(t−1)/2 over the runs of equal values. */
function tiedPairs(x: NumericArray): number {
  const sorted = Float64Array.from(x).sort();
  let total = 0, run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      total += run * (run - 1) / 2;
      run = 1;
    }
  }
  return total;
}

/**
 * Kendall's tau-a, (concordant − discordant) / (n(n−1)/2) with no tie correction, as
 * rsatoolbox's `tau-a` RDM comparison; from {@link kendallTauB} and the tie counts. NaN if
 * either input is constant.
 */
export function kendallTauA(x: NumericArray, y: NumericArray): number {
  const tauB = kendallTauB(x, y);
  const n0 = x.length * (x.length - 1) / 2;
  return tauB * Math.sqrt((n0 - tiedPairs(x)) * (n0 - tiedPairs(y))) / n0;
}
