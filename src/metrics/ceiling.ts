/**
 * Noise ceiling of odd-one-out choices from repeated triplets: how often participants agree
 * with the most common choice for the same three concepts.
 */
import { argsort } from "./rank.ts";
import { assertTriplets, type Triplets } from "./types.ts";

/** Result of {@link noiseCeiling}. */
export interface NoiseCeilingResult {
  /**
   * Mean over unique triplets of the share of responses that chose the modal odd one out
   * (a fraction in [1/3, 1]; NaN when there are no responses).
   */
  noiseCeiling: number;
  /** Number of unique triplets (unordered sets of three concepts). */
  nTriplets: number;
  /** Number of responses used. */
  nResponses: number;
  /**
   * For every unique triplet, in ascending order of the sorted concept triple: the concepts
   * (lo < mid < hi), the modal odd one out, the number of responses and the modal share.
   */
  groups: {
    lo: Int32Array;
    mid: Int32Array;
    hi: Int32Array;
    mode: Int32Array;
    count: Int32Array;
    share: Float64Array;
  };
}

/**
 * Noise ceiling of repeated triplets (Hebart et al. 2020): responses are grouped by the
 * triplet as a SET of three concepts (presentation order varies between responses); in each
 * group the share of responses whose odd one out equals the modal odd one is taken, and the
 * shares are averaged over groups with equal weight. When several odd ones tie for the mode,
 * the smallest concept index is reported as the mode (the share is the same whichever is
 * chosen). `subject` is ignored.
 */
export function noiseCeiling(triplets: Triplets): NoiseCeilingResult {
  const { a, b, odd, n } = triplets;
  let maxIndex = -1;
  for (let t = 0; t < n; t++) maxIndex = Math.max(maxIndex, a[t], b[t], odd[t]);
  assertTriplets(triplets, maxIndex + 1);
  const base = maxIndex + 1;
  if (base ** 3 > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`noiseCeiling: concept indices up to ${maxIndex} are too large`);
  }
  // Sorted triple of every response, packed into one exactly representable number.
  const lo = new Int32Array(n), mid = new Int32Array(n), hi = new Int32Array(n);
  const key = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let x = a[t], y = b[t], z = odd[t];
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    lo[t] = x;
    mid[t] = y;
    hi[t] = z;
    key[t] = (x * base + y) * base + z;
  }
  const order = argsort(key);
  const gLo: number[] = [], gMid: number[] = [], gHi: number[] = [];
  const gMode: number[] = [], gCount: number[] = [], gShare: number[] = [];
  let sumShare = 0;
  let p = 0;
  while (p < n) {
    const first = order[p];
    const k = key[first];
    let cLo = 0, cMid = 0, cHi = 0, end = p;
    for (; end < n && key[order[end]] === k; end++) {
      const o = odd[order[end]];
      if (o === lo[first]) cLo++;
      else if (o === mid[first]) cMid++;
      else cHi++;
    }
    const count = end - p;
    // Ties for the mode go to the smallest concept index (lo before mid before hi).
    let mode = lo[first], best = cLo;
    if (cMid > best) {
      mode = mid[first];
      best = cMid;
    }
    if (cHi > best) {
      mode = hi[first];
      best = cHi;
    }
    const share = best / count;
    sumShare += share;
    gLo.push(lo[first]);
    gMid.push(mid[first]);
    gHi.push(hi[first]);
    gMode.push(mode);
    gCount.push(count);
    gShare.push(share);
    p = end;
  }
  const nTriplets = gShare.length;
  return {
    noiseCeiling: nTriplets > 0 ? sumShare / nTriplets : NaN,
    nTriplets,
    nResponses: n,
    groups: {
      lo: Int32Array.from(gLo),
      mid: Int32Array.from(gMid),
      hi: Int32Array.from(gHi),
      mode: Int32Array.from(gMode),
      count: Int32Array.from(gCount),
      share: Float64Array.from(gShare),
    },
  };
}
