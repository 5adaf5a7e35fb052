/**
 * The shape every benchmark metric takes: a value that can be re-evaluated under concept
 * weights (for the cluster bootstrap over concepts), plus per-concept scores (for the paired
 * permutation tests), and the helpers the metric modules share.
 *
 * @module
 */
import { averageRanks } from "../../metrics/rank.ts";
import { weightedPearson } from "../../stats/weighted.ts";

/** Which group of benchmarks a metric belongs to (`deno task bench core|expanded|all`). */
export type BenchGroup = "core" | "expanded";

/** One metric of one model. */
export interface MetricSpec {
  /** Metric name, e.g. `test_top1`, `rsa_spearman`. */
  metric: string;
  /** Subset or target, e.g. `test`, `with_images`, `property_manmade`. */
  subset: string;
  /** Group it belongs to. */
  group: BenchGroup;
  /** Number of items (images, pairs, triplets, concepts) behind the value. */
  n: number;
  /** Where the items come from (file or table), when worth naming. */
  source?: string;
  /** The value with concept weights `w` (length = concepts in the benchmark; all 1 = plain). */
  evaluate(w: Float64Array): number;
  /** Per-concept scores for paired permutation tests (NaN where a concept has no items). */
  perConcept: Float64Array;
  /** False when no bootstrap interval is computed (the value is reported alone). */
  bootstrap?: boolean;
  /** Free-text caveat shown with the value. */
  note?: string;
}

/** Concepts of the benchmark: canonical index ↔ local index `0..size-1`. */
export interface ConceptSpace {
  /** Canonical index of each local concept. */
  canonical: Int32Array;
  /** Local index of each canonical concept (−1 when not in the benchmark). */
  local: Int32Array;
  /** Number of local concepts. */
  size: number;
}

/** Build a concept space from canonical indices (kept in ascending order). */
export function conceptSpace(canonical: Iterable<number>, nCanonical: number): ConceptSpace {
  const sorted = Int32Array.from(new Set(canonical)).sort();
  const local = new Int32Array(nCanonical).fill(-1);
  sorted.forEach((c, i) => (local[c] = i));
  return { canonical: sorted, local, size: sorted.length };
}

/** Per-concept mean of item scores, items owned by `owner[i]` (NaN where a concept has none). */
export function meanByConcept(
  scores: ArrayLike<number>,
  owner: ArrayLike<number>,
  size: number,
): Float64Array {
  const sum = new Float64Array(size), count = new Float64Array(size);
  for (let i = 0; i < scores.length; i++) {
    sum[owner[i]] += scores[i];
    count[owner[i]]++;
  }
  return sum.map((s, c) => (count[c] > 0 ? s / count[c] : NaN));
}

/** Item weights `w[a]·w[b]` of pairs of local concepts. */
export function pairWeights(
  a: Int32Array,
  b: Int32Array,
  w: Float64Array,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = w[a[i]] * w[b[i]];
  return out;
}

/** A weighted Spearman: Pearson of the full-sample average ranks under the given weights. */
export function rankCorrelation(x: ArrayLike<number>, y: ArrayLike<number>) {
  const rx = averageRanks(Float64Array.from(x)), ry = averageRanks(Float64Array.from(y));
  return (w: ArrayLike<number>) => weightedPearson(rx, ry, w);
}

/**
 * Row-wise correlation of pairs: for every concept, the correlation between x and y over the
 * pairs that involve it (Spearman when `ranked`), NaN with fewer than 3 pairs or no variance.
 */
export function rowCorrelations(
  pairs: { a: Int32Array; b: Int32Array; x: ArrayLike<number>; y: ArrayLike<number> },
  options: { size: number; ranked: boolean },
): Float64Array {
  const byConcept: number[][] = Array.from({ length: options.size }, () => []);
  for (let i = 0; i < pairs.a.length; i++) {
    byConcept[pairs.a[i]].push(i);
    byConcept[pairs.b[i]].push(i);
  }
  return Float64Array.from(byConcept, (items) => {
    if (items.length < 3) return NaN;
    const x = Float64Array.from(items, (i) => pairs.x[i]);
    const y = Float64Array.from(items, (i) => pairs.y[i]);
    const ones = new Float64Array(items.length).fill(1);
    return options.ranked
      ? weightedPearson(averageRanks(x), averageRanks(y), ones)
      : weightedPearson(x, y, ones);
  });
}
