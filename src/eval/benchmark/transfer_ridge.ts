/**
 * THINGSplus transfer, target level (see transfer.ts): the 5-fold cross-validated ridge fits
 * from a model's concept vectors to the ratings and to the scored category indicators, with
 * their held-out predictions centred per fold, and the two metric families scored on them — the
 * ratings (per-target Spearman rho and their mean, `object_properties_rho`) and the categories
 * (mean ROC AUC).
 *
 * @module
 */
import {
  crossValidatedRidge,
  type CrossValidatedRidgeResult,
  foldCentredPredictions,
} from "../../metrics/ridge.ts";
import { argsort } from "../../metrics/rank.ts";
import { median } from "../../stats/median.ts";
import { allFinite, ItemWeights } from "./kernels.ts";
import { type MetricSpec, rankCorrelation } from "./spec.ts";
import type { TransferTarget, TransferTargets } from "./transfer.ts";

/** Minimum positives and negatives (concepts) for a category to be scored. */
export const MIN_CATEGORY_CONCEPTS = 5;

/** What one metric family of the transfer gives: its metrics and its per-target rows. */
export interface TransferFamily {
  /** The family's metrics, in table order. */
  specs: MetricSpec[];
  /** One row per target of the family (none for the relational families). */
  targets: TransferTarget[];
}

/** The target-level ridge fits of one model (see {@link fitTransferTargets}). */
export interface TargetFits {
  /** The targets of the space. */
  targets: TransferTargets;
  /** Concepts of the space. */
  size: number;
  /** Ratings of the rated concepts (`targets.rated`), rated × ratings. */
  ratings: Float64Array;
  /** Category columns scored (with enough positives and negatives), in category order. */
  scored: number[];
  /** Fold-centred cross-validated predictions of the ratings, over the rated concepts. */
  ridge: CrossValidatedRidgeResult;
  /** The same of the scored category indicators, over every concept. */
  cat: CrossValidatedRidgeResult;
}

/** Options of {@link fitTransferTargets}. */
export interface TargetFitOptions {
  /** Concepts of the space (rows of the concept vectors). */
  size: number;
  /** Dimension of the concept vectors. */
  dim: number;
  /** The targets of the space. */
  targets: TransferTargets;
  /** Fold of every local concept. */
  folds: Int32Array;
}

/** The categories with at least {@link MIN_CATEGORY_CONCEPTS} positives and negatives. */
function scoredCategories(targets: TransferTargets, size: number): number[] {
  const nc = targets.categoryNames.length;
  const scored: number[] = [];
  for (let k = 0; k < nc; k++) {
    let positives = 0;
    for (let l = 0; l < size; l++) positives += targets.categories[l * nc + k];
    if (positives >= MIN_CATEGORY_CONCEPTS && size - positives >= MIN_CATEGORY_CONCEPTS) {
      scored.push(k);
    }
  }
  return scored;
}

/**
 * Fit the cross-validated ridges of a model's concept vectors `x` (concepts × dim): to the
 * ratings, on the concepts with every rating, and to the indicators of the scored categories
 * (each target is fitted independently, so the others are left out).
 */
export function fitTransferTargets(x: Float64Array, options: TargetFitOptions): TargetFits {
  const { size, dim, targets, folds } = options;
  const rated = targets.rated, t = targets.ratingNames.length;
  const xr = new Float64Array(rated.length * dim);
  const yr = new Float64Array(rated.length * t);
  rated.forEach((l, i) => {
    xr.set(x.subarray(l * dim, (l + 1) * dim), i * dim);
    yr.set(targets.ratings.subarray(l * t, (l + 1) * t), i * t);
  });
  const nc = targets.categoryNames.length;
  const scored = scoredCategories(targets, size);
  const ns = scored.length;
  const categories = new Float64Array(size * ns);
  for (let l = 0; l < size; l++) {
    scored.forEach((k, j) => (categories[l * ns + j] = targets.categories[l * nc + k]));
  }
  const { ridge, cat } = fitTargets({ x, dim, p: size, xr, yr, rated, t, categories, ns, folds });
  return { targets, size, ratings: yr, scored, ridge, cat };
}

/**
 * The ratings family: per rating, the Spearman rho of its held-out predictions
 * (`thingsplus_rating_rho`, one row each), then their mean (`object_properties_rho`).
 */
export function ratingMetrics(fits: TargetFits, options: { note?: string }): TransferFamily {
  const { targets, size: p, ratings: yr, ridge } = fits;
  const { note } = options;
  const rated = targets.rated, t = targets.ratingNames.length;
  const specs: MetricSpec[] = [];
  const rows: TransferTarget[] = [];
  const ratedItems = new ItemWeights([rated], { size: p });
  const perTarget: ((cw: Float64Array) => number)[] = [];
  for (let k = 0; k < t; k++) {
    const pred = Float64Array.from(rated, (_, i) => ridge.predictions.data[i * t + k]);
    const truth = Float64Array.from(rated, (_, i) => yr[i * t + k]);
    const rho = rankCorrelation(pred, truth, { items: ratedItems });
    perTarget.push(rho);
    const value = rho(new Float64Array(p).fill(1));
    const lambdas = Float64Array.from({ length: ridge.k }, (_, f) => ridge.lambdas[f * t + k]);
    rows.push({
      kind: "rating",
      target: targets.ratingNames[k],
      value,
      n: rated.length,
      lambda: median(lambdas),
    });
    specs.push({
      metric: "thingsplus_rating_rho",
      subset: targets.ratingNames[k],
      group: "expanded",
      n: rated.length,
      evaluate: perTarget[k],
      note,
    });
  }
  specs.push({
    metric: "object_properties_rho",
    subset: "mean_over_targets",
    group: "core",
    n: rated.length,
    evaluate: (cw) => perTarget.reduce((s, f) => s + f(cw), 0) / t,
    note,
  });
  return { specs, targets: rows };
}

/**
 * The categories family: per scored category, the AUC of the cross-validated ridge
 * predictions of its 0/1 indicator (one row each), and their mean (`category_auc`).
 */
export function categoryMetrics(fits: TargetFits, options: { note?: string }): TransferFamily {
  const { targets, size: p, scored, cat } = fits;
  const { note } = options;
  const nc = targets.categoryNames.length, ns = scored.length;
  const rows: TransferTarget[] = [];
  const aucs: ((cw: Float64Array) => number)[] = [];
  const ones = new Float64Array(p).fill(1);
  for (const [j, k] of scored.entries()) {
    const labels = Uint8Array.from({ length: p }, (_, l) => targets.categories[l * nc + k]);
    const scores = Float64Array.from({ length: p }, (_, l) => cat.predictions.data[l * ns + j]);
    const order = argsort(scores);
    const sortedScores = Float64Array.from(order, (l) => scores[l]);
    const sortedLabels = Uint8Array.from(order, (l) => labels[l]);
    const items = new ItemWeights([Int32Array.from(order)], {
      size: p,
      keepZeros: !allFinite(sortedScores),
    });
    const auc = (cw: Float64Array) => {
      items.gather(cw);
      return items.aucSorted(sortedScores, sortedLabels);
    };
    aucs.push(auc);
    const lambdas = Float64Array.from({ length: cat.k }, (_, f) => cat.lambdas[f * ns + j]);
    rows.push({
      kind: "category",
      target: targets.categoryNames[k],
      value: auc(ones),
      n: p,
      lambda: median(lambdas),
    });
  }
  const spec: MetricSpec = {
    metric: "category_auc",
    subset: `mean_over_${aucs.length}_categories`,
    group: "expanded",
    n: p,
    evaluate: (cw) => aucs.reduce((s, f) => s + f(cw), 0) / aucs.length,
    note,
  };
  return { specs: [spec], targets: rows };
}

/** Fold-centred cross-validated ridge predictions of the ratings and the category indicators. */
function fitTargets(
  a: {
    x: Float64Array;
    dim: number;
    p: number;
    xr: Float64Array;
    yr: Float64Array;
    rated: Int32Array;
    t: number;
    /** Indicators of the scored categories, concepts × ns. */
    categories: Float64Array;
    ns: number;
    folds: Int32Array;
  },
): { ridge: CrossValidatedRidgeResult; cat: CrossValidatedRidgeResult } {
  const { x, dim, p, t, ns: nc, folds } = a;
  if (a.rated.length === p) {
    // every concept rated: one fit for both target sets (same rows, same folds)
    const y = new Float64Array(p * (t + nc));
    for (let l = 0; l < p; l++) {
      y.set(a.yr.subarray(l * t, (l + 1) * t), l * (t + nc));
      y.set(a.categories.subarray(l * nc, (l + 1) * nc), l * (t + nc) + t);
    }
    const both = centred(
      crossValidatedRidge(
        { data: x, rows: p, cols: dim },
        { data: y, rows: p, cols: t + nc },
        { folds },
      ),
      folds,
    );
    // columns from…from+width of a row-major array with t + nc columns
    const columns = (m: Float64Array, from: number, width: number) =>
      Float64Array.from(
        { length: (m.length / (t + nc)) * width },
        (_, i) => m[Math.floor(i / width) * (t + nc) + from + (i % width)],
      );
    const split = (from: number, width: number): CrossValidatedRidgeResult => ({
      k: both.k,
      trainMeans: columns(both.trainMeans, from, width),
      predictions: { data: columns(both.predictions.data, from, width), rows: p, cols: width },
      lambdas: columns(both.lambdas, from, width),
    });
    return { ridge: split(0, t), cat: split(t, nc) };
  }
  const ratedFolds = Int32Array.from(a.rated, (l) => folds[l]);
  const ridge = centred(
    crossValidatedRidge(
      { data: a.xr, rows: a.rated.length, cols: dim },
      { data: a.yr, rows: a.rated.length, cols: t },
      { folds: ratedFolds },
    ),
    ratedFolds,
  );
  const cat = centred(
    crossValidatedRidge(
      { data: x, rows: p, cols: dim },
      { data: a.categories, rows: p, cols: nc },
      { folds },
    ),
    folds,
  );
  return { ridge, cat };
}

/** A cross-validated ridge result with its predictions centred per fold. */
function centred(result: CrossValidatedRidgeResult, folds: Int32Array): CrossValidatedRidgeResult {
  return { ...result, predictions: foldCentredPredictions(result, folds) };
}
