/**
 * THINGSplus transfer (src/eval/benchmark/transfer.ts): its targets and its four metric
 * families — the ratings (per-target `thingsplus_rating_rho` and their mean
 * `object_properties_rho`), the categories (`category_auc`), category co-membership
 * (`category_comembership_auc`) and property differences (`property_difference_rho`).
 */
import { strict as assert } from "node:assert";
import {
  MIN_CATEGORY_CONCEPTS,
  transferMetrics,
  transferTargets,
} from "../../../src/eval/benchmark/transfer.ts";
import type { BenchConcepts, BenchModel } from "../../../src/eval/benchmark/inputs.ts";
import { conceptSpace, type MetricSpec } from "../../../src/eval/benchmark/spec.ts";
import { DEFAULT_RIDGE_LAMBDAS, foldAssignment } from "../../../src/metrics/ridge.ts";
import type { Rng } from "../../../src/stats/random.ts";
import { runPython } from "../../_helpers/python.ts";
import { withSeed } from "../../_helpers/seed.ts";
import { gamma, U64 } from "../../_helpers/numeric.ts";
import {
  averageRanks,
  nearTies,
  pearsonBound,
  spearmanBound,
} from "../../_helpers/correlation_error.ts";

/** Concept metadata over `n` canonical concepts (`ratings`: concepts × targets, row-major). */
function concepts(
  categories: string[][],
  targetNames: string[],
  ratings: number[],
): BenchConcepts {
  return {
    ids: categories.map((_, i) => `c${i}`),
    categories,
    targetNames,
    targets: Float64Array.from(ratings),
  };
}

/** A concept-level model with `vectors[r]` for canonical concept `concept[r]`. */
function model(vectors: number[][], concept = vectors.map((_, i) => i)): BenchModel {
  return {
    model: "m",
    seed: 7,
    similarity: "cosine",
    prototypes: {
      concept: Int32Array.from(concept),
      vectors: Float64Array.from(vectors.flat()),
      dim: vectors[0].length,
    },
  };
}

/** A symmetric p × p similarity from its upper-triangle entries `"i,j"`. */
function symmetric(p: number, entries: Record<string, number>): Float64Array {
  const s = new Float64Array(p * p);
  for (const [key, v] of Object.entries(entries)) {
    const [i, j] = key.split(",").map(Number);
    s[i * p + j] = s[j * p + i] = v;
  }
  return s;
}

const ones = (p: number) => new Float64Array(p).fill(1);

function spec(specs: MetricSpec[], metric: string): MetricSpec {
  const found = specs.filter((s) => s.metric === metric);
  assert.equal(found.length, 1, metric);
  return found[0];
}

/**
 * The relational world: five concepts (canonical 0–4) in a space of six (canonical 5 is out).
 * Ratings: property_a = 40, 40, 60, 60 (z = −1, −1, 1, 1); size_mean = −200, 0, 0, 200
 * (z = −√2, 0, 0, √2); concept 4 has no property_a rating. Categories: 0 and 1 in `a`, 2 in
 * `b`, 4 in both, 3 in none; canonical 5 (outside) in `z`. Folds: leave one rated concept out
 * (every training fold of the ratings has 3 rows).
 */
function relationalWorld() {
  const p = 5;
  const space = conceptSpace([0, 1, 2, 3, 4], 6);
  const targets = transferTargets(
    concepts(
      [["a"], ["a"], ["b"], [], ["a", "b"], ["z"]],
      ["property_a", "size_mean"],
      [40, -200, 40, 0, 60, 0, 60, 200, NaN, 7, 1, 1],
    ),
    space,
  );
  const sim = symmetric(p, {
    "0,1": 0.6,
    "0,2": 0.1,
    "0,3": 0.2,
    "0,4": 0.1,
    "1,2": 0.3,
    "1,3": 0.4,
    "1,4": 0.35,
    "2,3": 0.5,
    "2,4": 0.9,
    "3,4": 0.7,
  });
  const vectors = [[1, 0], [0, 1], [1, 1], [2, 1], [0, 3], [5, 5]];
  const result = transferMetrics(model(vectors), {
    space,
    targets,
    folds: Int32Array.of(0, 1, 2, 3, 0),
    sim,
    note: "a note",
  });
  return { p, result };
}

Deno.test("transferTargets: ratings in the space's local order; only concepts with every rating are rated", () => {
  // canonical 0, 3, 4 in the space → local 0, 1, 2; canonical 3 lacks its first rating
  const space = conceptSpace([3, 0, 4], 5);
  const t = transferTargets(
    concepts(
      [["b", "a"], ["c"], [], [], ["b"]],
      ["property_p", "size_mean"],
      [1, 2, 9, 9, 8, 8, NaN, 5, 3, 4],
    ),
    space,
  );
  assert.deepEqual(t.ratingNames, ["property_p", "size_mean"]);
  assert.deepEqual(Array.from(t.ratings), [1, 2, NaN, 5, 3, 4]);
  assert.deepEqual(Array.from(t.rated), [0, 2]);
});

Deno.test("transferTargets: category names sorted and unique; 0/1 indicators and the categorised flag per local concept", () => {
  const space = conceptSpace([3, 0, 4], 5);
  const t = transferTargets(
    concepts(
      [["b", "a", "a"], ["c"], [], [], ["b"]],
      ["size_mean"],
      [1, 2, 3, 4, 5],
    ),
    space,
  );
  // the names come from every canonical concept: `c` (only on canonical 1, outside the space)
  // is a column of zeros
  assert.deepEqual(t.categoryNames, ["a", "b", "c"]);
  // local 0 = canonical 0 (a, b), local 1 = canonical 3 (none), local 2 = canonical 4 (b)
  assert.deepEqual(Array.from(t.categories), [1, 1, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(Array.from(t.categorised), [1, 0, 1]);
});

Deno.test("transferMetrics: the four families' specs, in order, with their subsets, groups and item counts", () => {
  const { result } = relationalWorld();
  assert.deepEqual(
    result.specs.map((s) => [s.metric, s.subset, s.group, s.n]),
    [
      // ratings: 4 rated concepts (concept 4 lacks property_a)
      ["thingsplus_rating_rho", "property_a", "expanded", 4],
      ["thingsplus_rating_rho", "size_mean", "expanded", 4],
      ["object_properties_rho", "mean_over_targets", "core", 4],
      // categories: none has 5 concepts on each side among 5 concepts
      ["category_auc", "mean_over_0_categories", "expanded", 5],
      // co-membership: C(4, 2) = 6 pairs of the 4 categorised concepts (3 has none)
      ["category_comembership_auc", "concept_pairs", "expanded", 6],
      // property differences: C(4, 2) = 6 pairs of the rated concepts
      ["property_difference_rho", "concept_pairs", "expanded", 6],
    ],
  );
  assert.ok(result.specs.every((s) => s.note === "a note"));
  assert.deepEqual(
    result.targets.map((r) => [r.kind, r.target, r.n]),
    [["rating", "property_a", 4], ["rating", "size_mean", 4]],
  );
});

Deno.test("ratings: object_properties_rho is the mean of the per-target rhos, under any weights", () => {
  const { p, result } = relationalWorld();
  const perTarget = result.specs.filter((s) => s.metric === "thingsplus_rating_rho");
  const mean = spec(result.specs, "object_properties_rho");
  for (const w of [ones(p), Float64Array.of(2, 1, 0, 3, 1)]) {
    const want = (perTarget[0].evaluate(w) + perTarget[1].evaluate(w)) / 2;
    assert.ok(Number.isFinite(want));
    assert.equal(mean.evaluate(w), want);
  }
  // the target rows carry the full-sample values
  assert.deepEqual(result.targets.map((r) => r.value), perTarget.map((s) => s.evaluate(ones(p))));
});

Deno.test("ratings: a rating linear in the vectors is scored on fold-centred predictions, ρ = 33/35", () => {
  // x = 1…6, folds {1, 2, 5} and {3, 4, 6}; targets x and 5 − 2x are fitted exactly (λ = 10⁻³,
  // the smallest: leave-one-out error grows with λ on exact data), so each prediction minus its
  // fold's training mean is ≈ ±(x − mean of the other fold's x):
  //   fold 0: x − 13/3 → −3.33, −2.33, 0.67 (x = 1, 2, 5); fold 1: x − 8/3 → 0.33, 1.33, 3.33
  // (x = 3, 4, 6): x = 4 and 5 swap ranks, ρ = 1 − 6·Σd²/(n(n² − 1)) = 1 − 6·2/210 = 33/35.
  const x = [1, 2, 3, 4, 5, 6];
  const space = conceptSpace(x.map((_, i) => i), 6);
  const targets = transferTargets(
    concepts(x.map(() => []), ["property_x", "size_mean"], x.flatMap((v) => [v, 5 - 2 * v])),
    space,
  );
  const { specs, targets: rows } = transferMetrics(model(x.map((v) => [v])), {
    space,
    targets,
    folds: Int32Array.of(0, 0, 1, 1, 0, 1),
    sim: new Float64Array(36),
  });
  for (const r of rows) {
    assert.ok(Math.abs(r.value - 33 / 35) < 1e-15, `${r.target}: ${r.value}`);
    assert.equal(r.lambda, 1e-3, "median of the folds' λ");
    assert.equal(r.n, 6);
  }
  assert.ok(Math.abs(spec(specs, "object_properties_rho").evaluate(ones(6)) - 33 / 35) < 1e-15);
});

/** Ten concepts: `a` = 0–4 (5/5), `b` = 0–5 (6/4: not scored), `c` = 5–9 (5/5). */
function categoryWorld(vectors: number[][]) {
  const cats = Array.from(
    { length: 10 },
    (_, i) => [...(i < 5 ? ["a"] : ["c"]), ...(i < 6 ? ["b"] : [])],
  );
  const space = conceptSpace(cats.map((_, i) => i), 10);
  const targets = transferTargets(
    concepts(cats, ["size_mean"], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]),
    space,
  );
  // unbalanced folds: fold 0 holds three members of `a`, so its training set has 2 of 7
  return transferMetrics(model(vectors), {
    space,
    targets,
    folds: Int32Array.of(0, 0, 0, 1, 2, 1, 2, 3, 3, 4),
    sim: new Float64Array(100),
  });
}

Deno.test("categories: only categories with ≥ 5 concepts on each side are scored; a category linear in the vectors has AUC 1", () => {
  assert.equal(MIN_CATEGORY_CONCEPTS, 5);
  // one feature, the indicator of `a`: each fold's centred prediction is β_f·(x − x̄_f) with
  // 0 < x̄_f < 1, positive for every member of `a` and negative for the others (and the reverse
  // for `c`, its complement, fitted with β_f < 0), so both separate perfectly
  const { specs, targets } = categoryWorld(Array.from({ length: 10 }, (_, i) => [i < 5 ? 1 : 0]));
  const auc = spec(specs, "category_auc");
  assert.equal(auc.subset, "mean_over_2_categories");
  assert.equal(auc.n, 10);
  assert.equal(auc.evaluate(ones(10)), 1);
  assert.deepEqual(
    targets.filter((r) => r.kind === "category").map((r) => [r.target, r.value, r.n]),
    [["a", 1, 10], ["c", 1, 10]],
  );
});

Deno.test("categories: uninformative (constant) vectors score exactly 0.5, not the fold intercepts' below-chance AUC", () => {
  // every vector equal: each fold predicts its training mean, and the fold-centred predictions
  // are all 0 — one tie, AUC 1/2. Raw pooled predictions would put fold 0's three members of `a`
  // (training mean 2/7 < 5/10) below the rest: AUC < 0.5. The rating has no ranking at all.
  const { specs, targets } = categoryWorld(Array.from({ length: 10 }, () => [1, 1]));
  assert.equal(spec(specs, "category_auc").evaluate(ones(10)), 0.5);
  assert.deepEqual(
    targets.filter((r) => r.kind === "category").map((r) => r.value),
    [0.5, 0.5],
  );
  assert.ok(Number.isNaN(spec(specs, "object_properties_rho").evaluate(ones(10))));
});

Deno.test("categories: with no category scored, category_auc is NaN over 0 categories", () => {
  const { p, result } = relationalWorld();
  const auc = spec(result.specs, "category_auc");
  assert.equal(auc.subset, "mean_over_0_categories");
  assert.ok(Number.isNaN(auc.evaluate(ones(p))));
  assert.ok(!result.targets.some((r) => r.kind === "category"));
});

Deno.test("co-membership: AUC of similarity for sharing a category, over pairs of categorised concepts, ties half", () => {
  // categorised: 0 (a), 1 (a), 2 (b), 4 (a, b). Same-category pairs (positives) and their
  // similarity: (0,1) 0.6, (0,4) 0.1, (1,4) 0.35, (2,4) 0.9; negatives: (0,2) 0.1, (1,2) 0.3.
  // Negatives below each positive: 2, ½ (tie with 0.1), 2, 2 → 6.5 / (4·2) = 13/16. Pairs with
  // concept 3 (no category) would add negatives 0.2, 0.4, 0.5, 0.7.
  const { p, result } = relationalWorld();
  assert.equal(spec(result.specs, "category_comembership_auc").evaluate(ones(p)), 13 / 16);
});

Deno.test("co-membership: concept weights multiply into pair weights; an uncategorised concept's weight changes nothing", () => {
  const { result } = relationalWorld();
  const auc = spec(result.specs, "category_comembership_auc");
  // concept 0 drawn twice: (0,1), (0,4), (0,2) weigh 2. Negative weight 2 + 1 = 3, positive
  // 2 + 2 + 1 + 1 = 6; Σ w⁺·(negative weight below + ½ tied): 2·3 + 2·(2/2) + 1·3 + 1·3 = 14
  // → 14 / (6·3) = 7/9
  assert.ok(Math.abs(auc.evaluate(Float64Array.of(2, 1, 1, 1, 1)) - 7 / 9) < 1e-15);
  assert.equal(auc.evaluate(Float64Array.of(1, 1, 1, 0, 1)), 13 / 16);
});

Deno.test("property differences: Spearman of similarity with −‖Δ z-scored ratings‖ over pairs of rated concepts", () => {
  // z: property_a −1, −1, 1, 1; size_mean −√2, 0, 0, √2. ‖Δz‖² over (0,1) (0,2) (0,3) (1,2)
  // (1,3) (2,3): 2, 6, 12, 4, 6, 2 → ranks of −‖Δz‖: 5.5, 2.5, 1, 4, 2.5, 5.5; similarity
  // 0.6 0.1 0.2 0.3 0.4 0.5 → ranks 6 1 2 3 4 5. Centred: dx = 2.5 −2.5 −1.5 −0.5 0.5 1.5,
  // dy = 2 −1 −2.5 0.5 −1 2: Σdxdy = 13.5, Σdx² = 17.5, Σdy² = 16.5 → ρ = 13.5/√288.75.
  // (On the raw ratings, size_mean's scale would dominate: ‖Δ‖² 40000, 40400, 160400, 400, …)
  const { p, result } = relationalWorld();
  const rho = spec(result.specs, "property_difference_rho").evaluate(ones(p));
  assert.ok(Math.abs(rho - 13.5 / Math.sqrt(288.75)) < 1e-15, `${rho}`);
});

Deno.test("property differences: a zero concept weight drops its pairs but keeps the full-sample ranks", () => {
  // without concept 3: pairs (0,1) (0,2) (1,2) with full-sample ranks x 6, 1, 3 and y 5.5, 2.5,
  // 4: dx = 8/3, −7/3, −1/3; dy = 1.5, −1.5, 0 → Σdxdy = 7.5, Σdx² = 114/9, Σdy² = 4.5 →
  // ρ = 7.5/√57 (re-ranking the three pairs would give 1)
  const { result } = relationalWorld();
  const rho = spec(result.specs, "property_difference_rho").evaluate(
    Float64Array.of(1, 1, 1, 0, 1),
  );
  assert.ok(Math.abs(rho - 7.5 / Math.sqrt(57)) < 1e-15, `${rho}`);
});

Deno.test("transferMetrics: a model without a vector for a concept of the space is an error naming it", () => {
  const space = conceptSpace([0, 1, 2], 4);
  const targets = transferTargets(concepts([[], [], [], []], ["size_mean"], [1, 2, 3, 4]), space);
  assert.throws(
    () =>
      transferMetrics(model([[1], [2], [4]], [0, 1, 3]), {
        space,
        targets,
        folds: Int32Array.of(0, 1, 2),
        sim: new Float64Array(9),
      }),
    (e: Error) => e instanceof RangeError && /m: no vector for concept 2 /.test(e.message),
  );
});

// ---------------------------------------------------------------------------------------------
// cross-check against scikit-learn and scipy on fresh random inputs

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

const REFERENCE = `
from sklearn.linear_model import RidgeCV
from sklearn.metrics import roc_auc_score
from scipy.stats import spearmanr, rankdata
X, Y, C, S = inp["x"], inp["y"], inp["c"], inp["s"]
folds, w, alphas = inp["folds"], inp["w"], inp["alphas"]
p = X.shape[0]
def cv(Xs, Ys, fs):
    pred = np.zeros_like(Ys); lam = []; scale = 0.0
    for f in range(fs.max() + 1):
        tr, te = fs != f, fs == f
        m = RidgeCV(alphas=alphas, fit_intercept=True, alpha_per_target=True).fit(Xs[tr], Ys[tr])
        raw = m.predict(Xs[te]); scale = max(scale, float(np.abs(raw).max()))
        pred[te] = raw - Ys[tr].mean(axis=0)
        lam.append(np.atleast_1d(m.alpha_))
    return pred, np.median(np.array(lam), axis=0), scale
def wpearson(a, b, wt):
    ma, mb = np.sum(wt * a) / np.sum(wt), np.sum(wt * b) / np.sum(wt)
    return np.sum(wt * (a - ma) * (b - mb)) / np.sqrt(np.sum(wt * (a - ma) ** 2) * np.sum(wt * (b - mb) ** 2))
rated = ~np.isnan(Y).any(axis=1)
Yr = Y[rated]
pr, lam_r, scale_r = cv(X[rated], Yr, folds[rated])
rho = [spearmanr(pr[:, k], Yr[:, k]).correlation for k in range(Y.shape[1])]
rho_w = [wpearson(rankdata(pr[:, k]), rankdata(Yr[:, k]), w[rated]) for k in range(Y.shape[1])]
scored = [k for k in range(C.shape[1]) if 5 <= C[:, k].sum() <= p - 5]
pc, lam_c, scale_c = cv(X, C[:, scored], folds)
auc = [roc_auc_score(C[:, k], pc[:, j]) for j, k in enumerate(scored)]
auc_w = [roc_auc_score(C[:, k], pc[:, j], sample_weight=w) for j, k in enumerate(scored)]
cat = np.where(C.sum(axis=1) > 0)[0]
pi, pj = np.triu_indices(len(cat), 1)
a, b = cat[pi], cat[pj]
same = ((C[a] * C[b]).sum(axis=1) > 0).astype(int)
co = roc_auc_score(same, S[a, b]); co_w = roc_auc_score(same, S[a, b], sample_weight=w[a] * w[b])
z = (Yr - Yr.mean(axis=0)) / Yr.std(axis=0)
ri = np.where(rated)[0]
qi, qj = np.triu_indices(len(ri), 1)
d = -np.linalg.norm(z[qi] - z[qj], axis=1)
sx = S[ri[qi], ri[qj]]
diff = spearmanr(sx, d).correlation
diff_w = wpearson(rankdata(sx), rankdata(d), w[ri[qi]] * w[ri[qj]])
out({"pr": pr.T, "truth": Yr.T, "lam_r": lam_r, "scale_r": scale_r, "rho": rho, "rho_w": rho_w,
     "scored": scored, "pc": pc.T, "labels": C[:, scored].T, "lam_c": lam_c, "scale_c": scale_c,
     "auc": auc, "auc_w": auc_w, "co": co, "co_w": co_w, "n_co": len(a),
     "sx": sx, "d": d, "diff": diff, "diff_w": diff_w, "wd": w[ri[qi]] * w[ri[qj]]})
`;

interface Reference {
  pr: number[][];
  truth: number[][];
  lam_r: number[];
  scale_r: number;
  rho: number[];
  rho_w: number[];
  scored: number[];
  pc: number[][];
  labels: number[][];
  lam_c: number[];
  scale_c: number;
  auc: number[];
  auc_w: number[];
  co: number;
  co_w: number;
  n_co: number;
  sx: number[];
  d: number[];
  diff: number;
  diff_w: number;
  wd: number[];
}

/** 1 for every value within `slack` of its neighbour in sorted order (may be ranked apart). */
function nearTieMask(x: ArrayLike<number>, slack: number): Float64Array {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const mask = new Float64Array(x.length);
  for (let i = 1; i < order.length; i++) {
    if (x[order[i]] - x[order[i - 1]] <= slack) mask[order[i]] = mask[order[i - 1]] = 1;
  }
  return mask;
}

/** Each value repeated by its (integer) weight: a weighted statistic is the plain one of this. */
function replicate(x: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) for (let k = 0; k < w[i]; k++) out.push(x[i]);
  return Float64Array.from(out);
}

/**
 * Weighted Pearson of full-sample ranks, ours vs numpy: Pearson's float64 bound on the replicated
 * data, the ranks of near-tied values allowed to move by one.
 */
function weightedRankBound(x: number[], y: number[], w: number[], slack: number): number {
  const rx = averageRanks(x), ry = averageRanks(y);
  const move = nearTieMask(x, slack);
  return pearsonBound(replicate(rx, w), replicate(ry, w), replicate(move, w), 0);
}

/**
 * AUC, ours (exact weighted counts, one quotient) vs scikit-learn (trapezoids over its curve: a
 * sum of up to 2n terms): a near-tied (positive, negative) pair may be ordered either way.
 */
function aucBound(scores: number[], labels: number[], w: number[], slack: number, auc: number) {
  let pos = 0, neg = 0, maxW = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) pos += w[i];
    else neg += w[i];
    maxW = Math.max(maxW, w[i]);
  }
  return nearTies(scores, slack) * maxW * maxW / (pos * neg) +
    2 * gamma(2 * scores.length + 4, U64) * auc;
}

for (
  const variant of [
    "every concept rated (one joint fit), d < n",
    "some ratings missing (separate fits), d > n",
  ]
) {
  const missing = variant.startsWith("some");
  Deno.test(`transfer vs scikit-learn RidgeCV / roc_auc_score and scipy spearmanr, random input: ${variant}`, async () => {
    await withSeed(`transfer ${variant}`, async (rng) => {
      const n = 48, t = 3, dim = missing ? 45 : 6;
      // 40 of the 48 canonical concepts in the space; the model has vectors for all 48, in a
      // shuffled row order
      const inSpace = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).slice(0, 40);
      const space = conceptSpace(inSpace, n);
      const p = space.size;
      const vecs = Array.from(
        { length: n },
        () => Array.from({ length: dim }, () => gaussian(rng)),
      );
      const beta = Array.from(
        { length: t },
        () => Array.from({ length: dim }, () => gaussian(rng)),
      );
      const ratings: number[] = [];
      for (let c = 0; c < n; c++) {
        for (let k = 0; k < t; k++) {
          const signal = vecs[c].reduce((s, v, a) => s + v * beta[k][a], 0) / Math.sqrt(dim);
          ratings.push(missing && rng.next() < 0.06 ? NaN : 3 * k + signal + gaussian(rng));
        }
      }
      // categories of varied size (some below 5 members, some concepts in none)
      const names = ["animal", "food", "tool", "toy", "vehicle", "weapon"];
      const share = [0.05, 0.12, 0.3, 0.45, 0.2, 0.5];
      const categories = Array.from(
        { length: n },
        (_, c) => names.filter((_, k) => rng.next() < share[k] + 0.2 * Math.tanh(vecs[c][k % dim])),
      );
      const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const m = model(Array.from(order, (c) => vecs[c]), Array.from(order));
      const targets = transferTargets(
        concepts(categories, ["property_a", "property_b", "size_mean"], ratings),
        space,
      );
      const folds = foldAssignment(p, 5, { shuffle: (o) => rng.shuffle(o) });
      // the model's similarity: cosine of the local vectors
      const local = Array.from(space.canonical, (c) => vecs[c]);
      const norm = local.map((v) => Math.hypot(...v));
      const sim = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          sim[i * p + j] = local[i].reduce((s, v, a) => s + v * local[j][a], 0) /
            (norm[i] * norm[j]);
        }
      }
      // a resample's concept multiplicities, 1–3 (zero weights — the gather's skipping — are
      // checked bit for bit by the kernels test)
      const w = Float64Array.from({ length: p }, () => 1 + rng.int(3));
      const { specs, targets: rows } = transferMetrics(m, { space, targets, folds, sim });
      // the reference gets the local data from the generator, not from transferTargets
      const yLocal = Float64Array.from(
        Array.from(space.canonical).flatMap((c) => ratings.slice(c * t, c * t + t)),
      );
      const cLocal = Float64Array.from(
        Array.from(space.canonical).flatMap((c) =>
          names.map((nm) => (categories[c].includes(nm) ? 1 : 0))
        ),
      );
      const ref = await runPython<Reference>(REFERENCE, {
        x: { data: Float64Array.from(local.flat()), shape: [p, dim] },
        y: { data: yLocal, shape: [p, t] },
        c: { data: cLocal, shape: [p, names.length] },
        s: { data: sim, shape: [p, p] },
        folds: { data: folds },
        w: { data: w },
        alphas: { data: Float64Array.from(DEFAULT_RIDGE_LAMBDAS) },
      });
      assert.equal(missing, ref.truth[0].length < p, "the variant's rated subset");
      const close = (got: number, want: number, bound: number, label: string) =>
        assert.ok(Math.abs(got - want) <= bound, `${label}: ${got} vs ${want} (bound ${bound})`);
      // ratings: our out-of-fold predictions are within 1e-8 of scikit-learn's (relative to the
      // largest raw prediction; tests/metrics/ridge_test.ts), so values that close may rank apart
      const slackR = 1e-8 * ref.scale_r;
      const wRated = Array.from(targets.rated, (l) => w[l]);
      const ratingRows = rows.filter((r) => r.kind === "rating");
      assert.deepEqual(ratingRows.map((r) => r.target), targets.ratingNames);
      let meanBound = 0;
      ratingRows.forEach((r, k) => {
        const bound = spearmanBound(ref.pr[k], ref.truth[k], nearTies(ref.pr[k], slackR));
        meanBound += bound / t;
        close(r.value, ref.rho[k], bound, `${r.target} ρ`);
        assert.equal(r.lambda, ref.lam_r[k], `${r.target}: median λ over the folds`);
        assert.equal(r.n, ref.truth[k].length);
        const evaluate = specs.find((s) =>
          s.metric === "thingsplus_rating_rho" && s.subset === r.target
        )!.evaluate;
        close(
          evaluate(w),
          ref.rho_w[k],
          weightedRankBound(ref.pr[k], ref.truth[k], wRated, slackR),
          `${r.target} weighted ρ`,
        );
      });
      const mean = ref.rho.reduce((s, v) => s + v, 0) / t;
      close(
        spec(specs, "object_properties_rho").evaluate(ones(p)),
        mean,
        meanBound + 4 * U64,
        "object_properties_rho",
      );
      // categories
      const slackC = 1e-8 * ref.scale_c;
      const catRows = rows.filter((r) => r.kind === "category");
      assert.deepEqual(catRows.map((r) => r.target), ref.scored.map((k) => names[k]));
      assert.ok(catRows.length >= 2, `${catRows.length} categories scored`);
      let aucBounds = 0;
      catRows.forEach((r, j) => {
        const bound = aucBound(ref.pc[j], ref.labels[j], Array(p).fill(1), slackC, ref.auc[j]);
        aucBounds += bound / catRows.length;
        close(r.value, ref.auc[j], bound, `${r.target} AUC`);
        assert.equal(r.lambda, ref.lam_c[j], `${r.target}: median λ over the folds`);
      });
      const auc = spec(specs, "category_auc");
      assert.equal(auc.subset, `mean_over_${catRows.length}_categories`);
      close(
        auc.evaluate(ones(p)),
        ref.auc.reduce((s, v) => s + v, 0) / catRows.length,
        aucBounds + 4 * U64,
        "category_auc",
      );
      const wAucBound = ref.auc_w.reduce(
        (s, v, j) => s + aucBound(ref.pc[j], ref.labels[j], Array.from(w), slackC, v),
        0,
      ) / catRows.length;
      close(
        auc.evaluate(w),
        ref.auc_w.reduce((s, v) => s + v, 0) / catRows.length,
        wAucBound + 4 * U64,
        "weighted category_auc",
      );
      // relational: the same similarities on both sides, so only rounding
      const co = spec(specs, "category_comembership_auc");
      assert.equal(co.n, ref.n_co);
      const coBound = 2 * gamma(2 * ref.n_co + 4, U64);
      close(co.evaluate(ones(p)), ref.co, coBound, "co-membership AUC");
      close(co.evaluate(w), ref.co_w, coBound, "weighted co-membership AUC");
      // −‖Δz‖: each z within a few ulps, a sum of t squares and a square root on each side
      const slackD = 64 * U64 * Math.max(...ref.d.map(Math.abs));
      const diff = spec(specs, "property_difference_rho");
      assert.equal(diff.n, ref.d.length);
      close(
        diff.evaluate(ones(p)),
        ref.diff,
        spearmanBound(ref.sx, ref.d, nearTies(ref.d, slackD)),
        "property-difference ρ",
      );
      close(
        diff.evaluate(w),
        ref.diff_w,
        weightedRankBound(ref.d, ref.sx, ref.wd, slackD),
        "weighted property-difference ρ",
      );
    });
  });
}
