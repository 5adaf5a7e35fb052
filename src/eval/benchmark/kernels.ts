/**
 * Fast exact weighted statistics for the concept bootstrap. A resample draws about 37% of the
 * concepts zero times, so about 60% of the pairs and 75% of the triplets weigh 0 in it. The
 * statistics of `src/stats/weighted.ts` run over every item; here {@link ItemWeights} first
 * gathers the items of non-zero weight (in item order, skipping whole concepts when the items
 * are sorted by their first concept), and its statistics (`mean`, `pearson`, `cosine`,
 * `aucSorted`) run on that list with the same operations in the same order. A zero-weight item adds exactly 0 to every sum, so the
 * results equal the full-list statistics bit for bit; when an item value is not finite (0·∞ is
 * NaN) pass `keepZeros` and every item is kept.
 *
 * @module
 */

/**
 * Items owned by 1–3 concepts; an item's weight is the product of its concepts' weights.
 * Gathering keeps the items of drawn concepts in item order: all pairs of a concept set in
 * row-major order (RSA, property differences) go through the drawn members of the set, items
 * sorted by their first concept skip undrawn first concepts. Items in any other order (pairs
 * sorted by score) keep every item with its weight, zeros included: checking each item would
 * cost more than it saves.
 */
export class ItemWeights {
  /** Item indices of the last {@link gather}, in item order (first `count` entries). */
  readonly index: Int32Array;
  /** Their weights. */
  readonly weight: Float64Array;
  /** Items gathered by the last {@link gather}. */
  count = 0;
  readonly #owners: Int32Array[];
  /** Every item is kept (index is the identity). */
  readonly #dense: boolean;
  /** Items of first concept c: `start[c]..start[c+1]-1` (items sorted by first concept). */
  readonly #start: Int32Array | undefined;
  /** All pairs of `#set` in row-major order: the set, ascending, and each member's rank. */
  readonly #set: Int32Array | undefined;
  readonly #rank: Int32Array | undefined;
  readonly #drawn: Int32Array;

  /**
   * `owners[k][i]` is the k-th concept of item i (local concept indices `0..size-1`); the item
   * weight is `w[owners[0][i]] · w[owners[1][i]] · …`, multiplied in that order. `keepZeros`
   * keeps every item (needed when an item value is not finite).
   */
  constructor(owners: readonly Int32Array[], options: { size: number; keepZeros?: boolean }) {
    if (owners.length < 1 || owners.length > 3) {
      throw new RangeError(`ItemWeights: 1 to 3 owners per item, got ${owners.length}`);
    }
    const n = owners[0].length, size = options.size;
    if (owners.some((o) => o.length !== n)) throw new RangeError("ItemWeights: owner lengths");
    for (const o of owners) {
      for (let i = 0; i < n; i++) {
        if (!(o[i] >= 0 && o[i] < size)) {
          throw new RangeError(`ItemWeights: concept ${o[i]} of item ${i} outside 0..${size - 1}`);
        }
      }
    }
    this.#owners = [...owners];
    this.index = new Int32Array(n);
    this.weight = new Float64Array(n);
    this.#drawn = new Int32Array(size);
    const first = owners[0];
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = first[i - 1] <= first[i];
    this.#dense = (options.keepZeros ?? false) || !sorted;
    if (this.#dense) {
      this.index.forEach((_, i, index) => (index[i] = i));
      return;
    }
    const start = new Int32Array(size + 1);
    for (let i = 0; i < n; i++) start[first[i] + 1]++;
    for (let c = 0; c < size; c++) start[c + 1] += start[c];
    this.#start = start;
    if (owners.length === 2) {
      const set = allPairsSet(owners[0], owners[1], size);
      if (set) {
        this.#set = set;
        this.#rank = new Int32Array(size).fill(-1);
        set.forEach((c, r) => (this.#rank![c] = r));
      }
    }
  }

  /** Number of items. */
  get length(): number {
    return this.index.length;
  }

  /** Gather the items of non-zero weight under concept weights `w`; returns their count. */
  gather(w: Float64Array): number {
    const index = this.index, weight = this.weight;
    const [o0, o1, o2] = this.#owners;
    const start = this.#start;
    let m = 0;
    if (this.#dense) {
      // every item, zeros included (index is the identity)
      const n = index.length;
      if (!o1) { for (let i = 0; i < n; i++) weight[i] = w[o0[i]]; }
      else if (!o2) { for (let i = 0; i < n; i++) weight[i] = w[o0[i]] * w[o1[i]]; }
      else for (let i = 0; i < n; i++) weight[i] = w[o0[i]] * w[o1[i]] * w[o2[i]];
      m = n;
    } else if (this.#set) {
      const set = this.#set, rank = this.#rank!, drawn = this.#drawn;
      let nd = 0;
      for (let r = 0; r < set.length; r++) if (w[set[r]] !== 0) drawn[nd++] = set[r];
      for (let u = 0; u < nd; u++) {
        const c = drawn[u], wc = w[c], base = start![c] - rank[c] - 1;
        for (let t = u + 1; t < nd; t++) {
          const d = drawn[t];
          index[m] = base + rank[d];
          weight[m++] = wc * w[d];
        }
      }
    } else {
      for (let c = 0; c < start!.length - 1; c++) {
        const wc = w[c];
        if (wc === 0) continue;
        const end = start![c + 1];
        if (!o1) {
          for (let i = start![c]; i < end; i++) {
            index[m] = i;
            weight[m++] = wc;
          }
        } else if (!o2) {
          for (let i = start![c]; i < end; i++) {
            const v = wc * w[o1[i]];
            index[m] = i;
            weight[m] = v;
            m += v !== 0 ? 1 : 0;
          }
        } else {
          for (let i = start![c]; i < end; i++) {
            const v = wc * w[o1[i]] * w[o2[i]];
            index[m] = i;
            weight[m] = v;
            m += v !== 0 ? 1 : 0;
          }
        }
      }
    }
    this.count = m;
    return m;
  }

  /** `weightedMean(x, w)` over the items of the last gather. */
  mean(x: ArrayLike<number>): number {
    const index = this.index, weight = this.weight, m = this.count;
    let s = 0, sw = 0;
    for (let j = 0; j < m; j++) {
      const w = weight[j];
      s += w * x[index[j]];
      sw += w;
    }
    return sw > 0 ? s / sw : NaN;
  }

  /** `weightedPearson(x, y, w)` over the items of the last gather. */
  pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const index = this.index, weight = this.weight, m = this.count;
    let sw = 0, mx = 0, my = 0;
    for (let j = 0; j < m; j++) {
      const w = weight[j], i = index[j];
      sw += w;
      mx += w * x[i];
      my += w * y[i];
    }
    if (!(sw > 0)) return NaN;
    mx /= sw;
    my /= sw;
    let sxy = 0, sxx = 0, syy = 0;
    for (let j = 0; j < m; j++) {
      const w = weight[j];
      if (w === 0) continue;
      const i = index[j];
      const dx = x[i] - mx, dy = y[i] - my;
      sxy += w * dx * dy;
      sxx += w * dx * dx;
      syy += w * dy * dy;
    }
    return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
  }

  /** `weightedCosine(x, y, w)` over the items of the last gather. */
  cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const index = this.index, weight = this.weight, m = this.count;
    let sxy = 0, sxx = 0, syy = 0;
    for (let j = 0; j < m; j++) {
      const w = weight[j], i = index[j];
      const xi = x[i], yi = y[i];
      sxy += w * xi * yi;
      sxx += w * xi * xi;
      syy += w * yi * yi;
    }
    return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
  }

  /**
   * `weightedAucSorted(sorted, labels, w)` over the items of the last gather (items in ascending score
   * order, labels 0/1). Dropping zero-weight items leaves every tie run's weight sums unchanged;
   * the labels multiply instead of branch (w·1 = w and w·0 = 0 exactly).
   */
  aucSorted(sorted: ArrayLike<number>, labels: ArrayLike<number>): number {
    const index = this.index, weight = this.weight, m = this.count;
    let negBelow = 0, total = 0, posW = 0, negW = 0;
    // one flat pass; a run of tied scores is flushed at its last item (a nested loop per run is
    // several times slower in V8)
    let runPos = 0, runNeg = 0;
    for (let j = 0; j < m; j++) {
      const i = index[j], w = weight[j], pw = w * labels[i];
      runPos += pw;
      runNeg += w - pw;
      if (j + 1 === m || sorted[index[j + 1]] !== sorted[i]) {
        total += runPos * (negBelow + runNeg / 2);
        negBelow += runNeg;
        posW += runPos;
        negW += runNeg;
        runPos = 0;
        runNeg = 0;
      }
    }
    return posW > 0 && negW > 0 ? total / (posW * negW) : NaN;
  }
}

/**
 * The concept set S when the pairs `(a[i], b[i])` are exactly all pairs of S in row-major order
 * ((s0,s1), (s0,s2), …, (s1,s2), …), else undefined.
 */
function allPairsSet(a: Int32Array, b: Int32Array, size: number): Int32Array | undefined {
  const member = new Uint8Array(size);
  for (let i = 0; i < a.length; i++) member[a[i]] = member[b[i]] = 1;
  const set: number[] = [];
  member.forEach((v, c) => v && set.push(c));
  const k = set.length;
  if (a.length !== k * (k - 1) / 2) return undefined;
  let i = 0;
  for (let u = 0; u < k; u++) {
    for (let t = u + 1; t < k; t++, i++) {
      if (a[i] !== set[u] || b[i] !== set[t]) return undefined;
    }
  }
  return Int32Array.from(set);
}

/** Whether every value is finite (else zero-weight items must be kept: 0·∞ is NaN). */
export function allFinite(...arrays: ArrayLike<number>[]): boolean {
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  }
  return true;
}
