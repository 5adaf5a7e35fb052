/**
 * THINGSplus transfer, relational (see transfer.ts): over pairs of concepts of the space,
 * whether a model's concept similarity predicts category co-membership (AUC) and the structure
 * of property differences (Spearman rho with −‖Δ z-scored ratings‖).
 *
 * @module
 */
import { argsort } from "../../metrics/rank.ts";
import { allFinite, ItemWeights } from "./kernels.ts";
import { type MetricSpec, rankCorrelation } from "./spec.ts";
import type { TransferTargets } from "./transfer.ts";

/** Options of the relational families. */
export interface PairMetricOptions {
  /** The model's similarity over the space, size × size. */
  sim: Float64Array;
  /** Concepts of the space. */
  size: number;
  note?: string;
}

/** Pairs of concepts with a model similarity and a target value each. */
interface ConceptPairs {
  /** First local concept of every pair. */
  a: number[];
  /** Second local concept of every pair. */
  b: number[];
  /** The model's similarity of the pair. */
  sim: number[];
}

/** The categorised concept pairs i < j, with whether they share a category. */
function categoryPairs(
  targets: TransferTargets,
  options: PairMetricOptions,
): ConceptPairs & { same: number[] } {
  const p = options.size, nc = targets.categoryNames.length;
  const pa: number[] = [], pb: number[] = [], same: number[] = [], psim: number[] = [];
  for (let i = 0; i < p; i++) {
    if (!targets.categorised[i]) continue;
    for (let j = i + 1; j < p; j++) {
      if (!targets.categorised[j]) continue;
      let shared = 0;
      for (let k = 0; k < nc && !shared; k++) {
        shared = targets.categories[i * nc + k] * targets.categories[j * nc + k];
      }
      pa.push(i);
      pb.push(j);
      same.push(shared);
      psim.push(options.sim[i * p + j]);
    }
  }
  return { a: pa, b: pb, sim: psim, same };
}

/**
 * Category co-membership: the AUC of the model's similarity for whether two categorised
 * concepts share a category (`category_comembership_auc`).
 */
export function comembershipMetric(
  targets: TransferTargets,
  options: PairMetricOptions,
): MetricSpec {
  const pairs = categoryPairs(targets, options);
  // pairs in ascending similarity, so each resample is one sequential pass
  const order = argsort(Float64Array.from(pairs.sim));
  const ra = Int32Array.from(order, (i) => pairs.a[i]),
    rb = Int32Array.from(order, (i) => pairs.b[i]);
  const scores = Float64Array.from(order, (i) => pairs.sim[i]);
  const labels = Uint8Array.from(order, (i) => pairs.same[i]);
  const pairItems = new ItemWeights([ra, rb], {
    size: options.size,
    keepZeros: !allFinite(scores),
  });
  return {
    metric: "category_comembership_auc",
    subset: "concept_pairs",
    group: "expanded",
    n: ra.length,
    evaluate: (cw) => {
      pairItems.gather(cw);
      return pairItems.aucSorted(scores, labels);
    },
    note: options.note,
  };
}

/**
 * Property differences: the Spearman rho of the model's similarity with −‖Δ z(ratings)‖ over
 * pairs of rated concepts (`property_difference_rho`).
 */
export function propertyDifferenceMetric(
  targets: TransferTargets,
  options: PairMetricOptions,
): MetricSpec {
  const p = options.size, rated = targets.rated, t = targets.ratingNames.length;
  const z = zScore(targets, rated);
  const da: number[] = [], db: number[] = [], dx: number[] = [], dy: number[] = [];
  for (let i = 0; i < rated.length; i++) {
    for (let j = i + 1; j < rated.length; j++) {
      let s = 0;
      for (let k = 0; k < t; k++) s += (z[i * t + k] - z[j * t + k]) ** 2;
      const li = rated[i], lj = rated[j];
      da.push(li);
      db.push(lj);
      dx.push(options.sim[li * p + lj]);
      dy.push(-Math.sqrt(s));
    }
  }
  const diff = {
    a: Int32Array.from(da),
    b: Int32Array.from(db),
    x: Float64Array.from(dx),
    y: Float64Array.from(dy),
  };
  const rhoDiff = rankCorrelation(diff.x, diff.y, {
    items: new ItemWeights([diff.a, diff.b], { size: p }),
  });
  return {
    metric: "property_difference_rho",
    subset: "concept_pairs",
    group: "expanded",
    n: diff.a.length,
    evaluate: rhoDiff,
    note: options.note,
  };
}

/** Ratings of the rated concepts, z-scored per target. */
function zScore(targets: TransferTargets, rated: Int32Array): Float64Array {
  const t = targets.ratingNames.length;
  const z = new Float64Array(rated.length * t);
  for (let k = 0; k < t; k++) {
    let s = 0, ss = 0;
    rated.forEach((l) => (s += targets.ratings[l * t + k]));
    const mean = s / rated.length;
    rated.forEach((l) => (ss += (targets.ratings[l * t + k] - mean) ** 2));
    const sd = Math.sqrt(ss / rated.length) || 1;
    rated.forEach((l, i) => (z[i * t + k] = (targets.ratings[l * t + k] - mean) / sd));
  }
  return z;
}
