/**
 * THINGSplus transfer: how well a model's concept vectors predict human ratings they were never
 * trained on. Target-level: 5-fold cross-validated ridge (λ per target by leave-one-out inside
 * each training fold) from the concept vectors to each property rating and real-world size,
 * scored by Spearman rho on the held-out predictions ("object-properties rho" = their mean), and
 * to the 53 category indicators, scored by ROC AUC. The held-out predictions are pooled over the
 * folds after subtracting each fold's training-target mean (`foldCentredPredictions`), so the
 * fold intercepts cannot bias the pooled scores below chance. Relational: whether concept similarity
 * predicts category co-membership (AUC over pairs) and the structure of property differences
 * (Spearman with −‖Δ z-scored ratings‖). The target-level families live in transfer_ridge.ts,
 * the relational ones in transfer_pairs.ts; {@link transferMetrics} runs the four in order.
 *
 * Bootstrap intervals re-weight concepts in the scoring of the fixed out-of-fold predictions;
 * they reflect which concepts were evaluated, not refitting.
 *
 * @module
 */
import type { BenchConcepts, BenchModel } from "./inputs.ts";
import { type ConceptSpace, type MetricSpec, spaceVectors } from "./spec.ts";
import {
  comembershipMetric,
  type PairMetricOptions,
  propertyDifferenceMetric,
} from "./transfer_pairs.ts";
import { categoryMetrics, fitTransferTargets, ratingMetrics } from "./transfer_ridge.ts";

/** Minimum positives and negatives (concepts) for a category to be scored. */
export { MIN_CATEGORY_CONCEPTS } from "./transfer_ridge.ts";

/** A per-target transfer result, for the target-level table. */
export interface TransferTarget {
  /** `rating` or `category`. */
  kind: "rating" | "category";
  /** Target name. */
  target: string;
  /** Spearman rho (ratings) or AUC (categories) of the held-out predictions. */
  value: number;
  /** Concepts scored. */
  n: number;
  /** Median λ chosen over the folds. */
  lambda: number;
}

/** The targets of the space: ratings (z-scored per target) and category indicators. */
export interface TransferTargets {
  ratingNames: string[];
  /** Ratings of the space, local concepts × ratings (complete rows only are kept in `rated`). */
  ratings: Float64Array;
  /** Local concepts with every rating present. */
  rated: Int32Array;
  categoryNames: string[];
  /** Category indicators, local concepts × categories (0/1). */
  categories: Float64Array;
  /** Local concepts with at least one category. */
  categorised: Uint8Array;
}

/** Collect the transfer targets of a concept space. */
export function transferTargets(concepts: BenchConcepts, space: ConceptSpace): TransferTargets {
  const t = concepts.targetNames.length;
  const rated: number[] = [];
  const ratings = new Float64Array(space.size * t);
  for (let l = 0; l < space.size; l++) {
    const c = space.canonical[l];
    let complete = true;
    for (let k = 0; k < t; k++) {
      const v = concepts.targets[c * t + k];
      ratings[l * t + k] = v;
      if (Number.isNaN(v)) complete = false;
    }
    if (complete) rated.push(l);
  }
  const names = [...new Set(concepts.categories.flat())].sort();
  const categories = new Float64Array(space.size * names.length);
  const categorised = new Uint8Array(space.size);
  const col = new Map(names.map((n, k) => [n, k]));
  for (let l = 0; l < space.size; l++) {
    for (const cat of concepts.categories[space.canonical[l]]) {
      categories[l * names.length + col.get(cat)!] = 1;
      categorised[l] = 1;
    }
  }
  return {
    ratingNames: concepts.targetNames,
    ratings,
    rated: Int32Array.from(rated),
    categoryNames: names,
    categories,
    categorised,
  };
}

/** Options of {@link transferMetrics}. */
export interface TransferOptions {
  space: ConceptSpace;
  targets: TransferTargets;
  /** Fold of every local concept (the same for every model, so comparisons are paired). */
  folds: Int32Array;
  /** The model's similarity over the space (for the relational benchmarks). */
  sim: Float64Array;
  note?: string;
}

/**
 * Target-level and relational THINGSplus transfer of one model: its four metric families in
 * table order — ratings, categories (both with one row per target), co-membership, property
 * differences.
 */
export function transferMetrics(
  model: BenchModel,
  options: TransferOptions,
): { specs: MetricSpec[]; targets: TransferTarget[] } {
  const { space, targets, folds, sim, note } = options;
  const dim = model.prototypes.dim;
  const x = spaceVectors(model.prototypes, { space, model: model.model });
  const size = space.size;
  const fits = fitTransferTargets(x, { size, dim, targets, folds });
  const ratings = ratingMetrics(fits, { note });
  const categories = categoryMetrics(fits, { note });
  const pairs: PairMetricOptions = { sim, size, note };
  const comembership = comembershipMetric(targets, pairs);
  const differences = propertyDifferenceMetric(targets, pairs);
  return {
    specs: [...ratings.specs, ...categories.specs, comembership, differences],
    targets: [...ratings.targets, ...categories.targets],
  };
}
