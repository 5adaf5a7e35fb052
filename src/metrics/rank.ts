/**
 * Ranking of float64 data: a stable LSD radix argsort on the IEEE-754 bit pattern (O(n), four
 * 16-bit passes, passes whose digit is constant are skipped) and average ranks with ties, like
 * `scipy.stats.rankdata(x, method="average")`.
 */

/** Numeric input accepted by the ranking functions. */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint32Array | number[];

const RADIX = 65536;
/** Below this length {@link argsort} sorts the radix keys by comparison instead. */
const SMALL = 2048;

/**
 * Indices that sort `x` ascending, stable (equal values keep their input order; `-0` sorts
 * before `+0`, but both compare equal where ties matter). Throws a RangeError on NaN.
 */
export function argsort(x: NumericArray): Uint32Array {
  const n = x.length;
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  const c0 = new Uint32Array(RADIX), c1 = new Uint32Array(RADIX);
  const c2 = new Uint32Array(RADIX), c3 = new Uint32Array(RADIX);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  // Little-endian hosts keep the low word first; check once instead of assuming.
  f[0] = 1;
  const hiWord = u[1] === 0x3ff00000 ? 1 : 0;
  const loWord = 1 - hiWord;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) throw new RangeError(`argsort: NaN at index ${i}`);
    f[0] = v;
    let h = u[hiWord], l = u[loWord];
    // Map to unsigned keys that sort like the floats: flip all bits of negatives, only the
    // sign bit of non-negatives.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    c0[l & 0xffff]++;
    c1[l >>> 16]++;
    c2[h & 0xffff]++;
    c3[h >>> 16]++;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;
  if (n < SMALL) {
    // the histograms cost more than a comparison sort of the same keys here
    return idx.sort((i, j) => hi[i] - hi[j] || lo[i] - lo[j] || i - j);
  }
  let idx2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  // Passes over the low word move (lo, hi, idx); passes over the high word move (hi, idx).
  if (toOffsets(c0, n)) {
    for (let i = 0; i < n; i++) {
      const l = lo[i];
      const p = c0[l & 0xffff]++;
      lo2[p] = l;
      hi2[p] = hi[i];
      idx2[p] = idx[i];
    }
    [lo, lo2, hi, hi2, idx, idx2] = [lo2, lo, hi2, hi, idx2, idx];
  }
  if (toOffsets(c1, n)) {
    for (let i = 0; i < n; i++) {
      const p = c1[lo[i] >>> 16]++;
      hi2[p] = hi[i];
      idx2[p] = idx[i];
    }
    [hi, hi2, idx, idx2] = [hi2, hi, idx2, idx];
  }
  if (toOffsets(c2, n)) {
    for (let i = 0; i < n; i++) {
      const h = hi[i];
      const p = c2[h & 0xffff]++;
      hi2[p] = h;
      idx2[p] = idx[i];
    }
    [hi, hi2, idx, idx2] = [hi2, hi, idx2, idx];
  }
  if (toOffsets(c3, n)) {
    for (let i = 0; i < n; i++) idx2[c3[hi[i] >>> 16]++] = idx[i];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/** Turn a histogram into start offsets; false when one bucket holds everything (skip pass). */
function toOffsets(count: Uint32Array, n: number): boolean {
  let sum = 0;
  for (let b = 0; b < RADIX; b++) {
    const c = count[b];
    if (c === n) return false;
    count[b] = sum;
    sum += c;
  }
  return true;
}

/** Average ranks together with the sort order they were computed from. */
export interface RankResult {
  /** 1-based average ranks (ties share the mean of their positions), as scipy's "average". */
  ranks: Float64Array;
  /** The stable ascending sort order of the input (see {@link argsort}). */
  order: Uint32Array;
  /** Number of groups of tied values (runs of length ≥ 2). */
  tieGroups: number;
}

/**
 * Average ranks with ties, like `scipy.stats.rankdata(x, method="average")`: 1-based, tied
 * values get the mean of the ranks they span. O(n) via {@link argsort}; throws on NaN.
 */
export function averageRanks(x: NumericArray): Float64Array {
  return rankWithOrder(x).ranks;
}

/** {@link averageRanks} plus the sort order and the number of tie groups. */
export function rankWithOrder(x: NumericArray): RankResult {
  const n = x.length;
  const order = argsort(x);
  const ranks = new Float64Array(n);
  // Gather the sorted values once, so that run detection reads sequentially.
  const sorted = new Float64Array(n);
  for (let p = 0; p < n; p++) sorted[p] = x[order[p]];
  let tieGroups = 0;
  let start = 0;
  while (start < n) {
    const v = sorted[start];
    if (start + 1 === n || sorted[start + 1] !== v) {
      ranks[order[start]] = start + 1;
      start++;
      continue;
    }
    let end = start + 2;
    while (end < n && sorted[end] === v) end++;
    // positions start..end-1 (0-based) → ranks start+1..end, mean (start + 1 + end) / 2
    const r = (start + 1 + end) / 2;
    for (let p = start; p < end; p++) ranks[order[p]] = r;
    tieGroups++;
    start = end;
  }
  return { ranks, order, tieGroups };
}
