/**
 * The shape every benchmark metric takes: a value that can be re-evaluated under concept
 * weights (for the cluster bootstrap over concepts), plus per-concept scores where the items
 * belong to single concepts (for the paired permutation tests), and shared helpers.
 *
 * @module
 */
import { averageRanks } from "../../metrics/rank.ts";
import type { ItemWeights } from "./kernels.ts";

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
  /**
   * Per-concept scores, only for metrics whose items each belong to one concept (images,
   * queries): the mean over the concept's items, NaN where it has none. Comparisons use them for
   * an exact sign-flip permutation test; metrics over shared pairs or triplets leave it out.
   */
  perConcept?: Float64Array;
  /** False when no bootstrap interval is computed (the value is reported alone). */
  bootstrap?: boolean;
  /** Free-text caveat shown with the value. */
  note?: string;
}

/**
 * Metrics bounded above by 1 (accuracies, retrieval hit rates, average precision, AUCs, the share
 * of satisfied triplets), by name pattern. A metric on its ceiling cannot rise further, which the
 * saturation guard (saturation.ts) uses. Correlations (human-pair ρ, the RSAs including the
 * external `rdm48_rsa_*`, transfer ρ) are left out: their practical ceiling is the noise of the
 * human data, not 1.
 */
export const BOUNDED_METRICS: readonly RegExp[] = [
  /^top\d+$/,
  /^head_top1$/,
  /^fewshot\d+(_probe)?_top1$/,
  /^retrieval@\d+$/,
  /^mAP$/,
  /^oddoneout_accuracy$/,
  /^triplet_satisfaction$/,
  /^category_auc$/,
  /^category_comembership_auc$/,
];

/** The ceiling of a metric: 1 for the {@link BOUNDED_METRICS}, null for the others. */
export function metricCeiling(metric: string): number | null {
  return BOUNDED_METRICS.some((pattern) => pattern.test(metric)) ? 1 : null;
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

/**
 * A model's concept vectors gathered into the space's local order (size × dim). Throws when the
 * model has no vector for a concept of the space.
 */
export function spaceVectors(
  prototypes: { concept: Int32Array; vectors: Float64Array; dim: number },
  options: { space: ConceptSpace; model: string },
): Float64Array {
  const { dim, vectors, concept } = prototypes;
  const { space } = options;
  const out = new Float64Array(space.size * dim);
  const seen = new Uint8Array(space.size);
  concept.forEach((c, r) => {
    const l = space.local[c];
    if (l < 0) return;
    out.set(vectors.subarray(r * dim, (r + 1) * dim), l * dim);
    seen[l] = 1;
  });
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    throw new RangeError(
      `${options.model}: no vector for concept ${space.canonical[missing]} of the benchmark`,
    );
  }
  return out;
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

/**
 * A weighted Spearman: Pearson of the full-sample average ranks under the weights of `items`
 * (the items of `x` and `y` and the concepts that own them).
 */
export function rankCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { items: ItemWeights },
): (w: Float64Array) => number {
  const { items } = options;
  const rx = averageRanks(Float64Array.from(x)), ry = averageRanks(Float64Array.from(y));
  return (w) => {
    items.gather(w);
    return items.pearson(rx, ry);
  };
}
