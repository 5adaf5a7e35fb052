/**
 * THINGSplus transfer: how well a model's concept vectors predict human ratings they were never
 * trained on. Target-level: 5-fold cross-validated ridge (λ per target by leave-one-out inside
 * each training fold) from the concept vectors to each property rating and real-world size,
 * scored by Spearman rho on the held-out predictions ("object-properties rho" = their mean), and
 * to the 53 category indicators, scored by ROC AUC. The held-out predictions are pooled over the
 * folds after subtracting each fold's training-target mean (`foldCentredPredictions`), so the
 * fold intercepts cannot bias the pooled scores below chance. Relational: whether concept similarity
 * predicts category co-membership (AUC over pairs) and the structure of property differences
 * (Spearman with −‖Δ z-scored ratings‖).
 *
 * Bootstrap intervals re-weight concepts in the scoring of the fixed out-of-fold predictions;
 * they reflect which concepts were evaluated, not refitting.
 *
 * @module
 */
import {
  crossValidatedRidge,
  type CrossValidatedRidgeResult,
  foldCentredPredictions,
} from "../../metrics/ridge.ts";
import { argsort } from "../../metrics/rank.ts";
import type { BenchConcepts, BenchModel } from "./inputs.ts";
import { allFinite, ItemWeights } from "./kernels.ts";
import { type ConceptSpace, type MetricSpec, rankCorrelation, spaceVectors } from "./spec.ts";
import { median } from "../../stats/median.ts";

/** Minimum positives and negatives (concepts) for a category to be scored. */
export const MIN_CATEGORY_CONCEPTS = 5;

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

/** Target-level and relational THINGSplus transfer of one model. */
export function transferMetrics(
  model: BenchModel,
  options: TransferOptions,
): { specs: MetricSpec[]; targets: TransferTarget[] } {
  const { space, targets, folds } = options;
  const dim = model.prototypes.dim;
  const x = spaceVectors(model.prototypes, { space, model: model.model });
  const p = space.size;
  const specs: MetricSpec[] = [];
  const rows: TransferTarget[] = [];
  const note = options.note;

  // ratings: ridge on the concepts with every rating
  const rated = targets.rated, t = targets.ratingNames.length;
  const xr = new Float64Array(rated.length * dim);
  const yr = new Float64Array(rated.length * t);
  rated.forEach((l, i) => {
    xr.set(x.subarray(l * dim, (l + 1) * dim), i * dim);
    yr.set(targets.ratings.subarray(l * t, (l + 1) * t), i * t);
  });
  // the categories scored (each target is fitted independently, so the others are left out)
  const nc = targets.categoryNames.length;
  const scored: number[] = [];
  for (let k = 0; k < nc; k++) {
    let positives = 0;
    for (let l = 0; l < p; l++) positives += targets.categories[l * nc + k];
    if (positives >= MIN_CATEGORY_CONCEPTS && p - positives >= MIN_CATEGORY_CONCEPTS) {
      scored.push(k);
    }
  }
  const ns = scored.length;
  const categories = new Float64Array(p * ns);
  for (let l = 0; l < p; l++) {
    scored.forEach((k, j) => (categories[l * ns + j] = targets.categories[l * nc + k]));
  }
  const { ridge, cat } = fitTargets({ x, dim, p, xr, yr, rated, t, categories, ns, folds });
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

  // categories: AUC of the cross-validated ridge predictions of the 0/1 indicators
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
  specs.push({
    metric: "category_auc",
    subset: `mean_over_${aucs.length}_categories`,
    group: "expanded",
    n: p,
    evaluate: (cw) => aucs.reduce((s, f) => s + f(cw), 0) / aucs.length,
    note,
  });

  // relational: pairs of concepts of the space
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
  // pairs in ascending similarity, so each resample is one sequential pass
  const order = argsort(Float64Array.from(psim));
  const ra = Int32Array.from(order, (i) => pa[i]), rb = Int32Array.from(order, (i) => pb[i]);
  const scores = Float64Array.from(order, (i) => psim[i]);
  const labels = Uint8Array.from(order, (i) => same[i]);
  const pairItems = new ItemWeights([ra, rb], { size: p, keepZeros: !allFinite(scores) });
  specs.push({
    metric: "category_comembership_auc",
    subset: "concept_pairs",
    group: "expanded",
    n: ra.length,
    evaluate: (cw) => {
      pairItems.gather(cw);
      return pairItems.aucSorted(scores, labels);
    },
    note,
  });

  // property differences: −‖Δ z(ratings)‖ over pairs of rated concepts
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
  specs.push({
    metric: "property_difference_rho",
    subset: "concept_pairs",
    group: "expanded",
    n: diff.a.length,
    evaluate: rhoDiff,
    note,
  });
  return { specs, targets: rows };
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
