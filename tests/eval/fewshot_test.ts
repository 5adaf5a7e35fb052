/**
 * Few-shot top-1: the draws (deterministic, model-independent, without replacement); the
 * nearest-centroid scores, checked against a numpy implementation given the same draws; the
 * linear probe (src/eval/benchmark/probe.ts) against scikit-learn's LogisticRegression
 * (multinomial, same C and sample weights, tight tolerance) on fresh random inputs: the fit against
 * lbfgs (objective, and the weights within the distance its objective gap allows) and newton-cg
 * (weights and intercepts), and the few-shot scores on the same draws.
 */
import { strict as assert } from "node:assert";
import { drawShots, fewShotMetrics } from "../../src/eval/benchmark/fewshot.ts";
import {
  balancedWeights,
  decisionFunction,
  fitLogistic,
  type LogisticModel,
} from "../../src/eval/benchmark/probe.ts";
import { conceptSpace } from "../../src/eval/benchmark/spec.ts";
import { clusteredImageModel } from "../_helpers/image_model.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const SCRIPT = `
import numpy as np
x, concept, split = inp["x"], inp["concept"].astype(int), inp["split"].astype(int)
shots = inp["shots"].astype(int)  # draws × concepts × n, -1 = no image
n_concepts = int(inp["n_concepts"][0])
test = np.where(split == 1)[0]
hits = np.zeros(len(test))
for d in range(shots.shape[0]):
    cent = np.zeros((n_concepts, x.shape[1]))
    present = np.zeros(n_concepts, bool)
    for c in range(n_concepts):
        rows = [r for r in shots[d, c] if r >= 0]
        if rows:
            v = x[rows].sum(axis=0)
            cent[c] = v / np.linalg.norm(v)
            present[c] = True
    s = x[test] @ cent.T
    for i, q in enumerate(test):
        truth = s[i, concept[q]]
        higher = np.sum(present & (s[i] > truth))
        hits[i] += present[concept[q]] and higher == 0
out((hits / shots.shape[0]).tolist())
`;

Deno.test("few-shot: draws are deterministic, model-independent subsets of each concept's training images", () => {
  const rows = [[0, 1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11, 12, 13, 14]];
  const a = drawShots(rows, { n: 5, draw: 0, seed: 7 });
  assert.deepEqual(a, drawShots(rows, { n: 5, draw: 0, seed: 7 }));
  assert.notDeepEqual(a, drawShots(rows, { n: 5, draw: 1, seed: 7 }));
  assert.deepEqual(a[1], [7, 8], "fewer than n: all of them");
  for (const [c, shots] of a.entries()) {
    assert.equal(new Set(shots).size, shots.length, "without replacement");
    assert.ok(shots.every((r) => rows[c].includes(r)));
    assert.equal(shots.length, Math.min(5, rows[c].length));
  }
});

Deno.test("few-shot: nearest-centroid top-1 per test image equals numpy on the same draws", async () => {
  await withSeed("fewshot", async (rng) => {
    const nConcepts = 12, dim = 8;
    const { model, concept, split, vectors } = clusteredImageModel(rng, {
      concepts: nConcepts,
      dim,
      images: (r) => 2 + r.int(8),
      split: (i, r) => (i < 2 ? "test" : r.next() < 0.15 ? "val" : "train"),
      spread: 0.9,
    });
    const space = conceptSpace(Array.from({ length: nConcepts }, (_, i) => i), nConcepts);
    const draws = 4;
    const specs = fewShotMetrics(model, { space, seed: 11, shots: [1, 3], draws, probe: false });
    assert.deepEqual(specs.map((s) => s.metric), ["fewshot1_top1", "fewshot3_top1"]);
    const train: number[][] = Array.from({ length: nConcepts }, () => []);
    concept.forEach((c, r) => split[r] === "train" && train[c].push(r));
    const test = concept.flatMap((c, r) => (split[r] === "test" ? [c] : []));
    for (const [k, n] of [1, 3].entries()) {
      const shots = new Int32Array(draws * nConcepts * n).fill(-1);
      for (let d = 0; d < draws; d++) {
        drawShots(train, { n, draw: d, seed: 11 }).forEach((rows, c) =>
          rows.forEach((r, i) => (shots[(d * nConcepts + c) * n + i] = r))
        );
      }
      const expected = await runPython<number[]>(SCRIPT, {
        x: { data: Float64Array.from(vectors), shape: [concept.length, dim] },
        concept: { data: Int32Array.from(concept) },
        split: { data: Int32Array.from(split, (s) => (s === "test" ? 1 : s === "train" ? 2 : 3)) },
        shots: { data: shots, shape: [draws, nConcepts, n] },
        n_concepts: { data: Int32Array.of(nConcepts) },
      });
      const spec = specs[k];
      assert.equal(spec.n, expected.length);
      const mean = expected.reduce((s, v) => s + v, 0) / expected.length;
      const value = spec.evaluate(new Float64Array(nConcepts).fill(1));
      assert.ok(Math.abs(value - mean) < 1e-12, `${n}-shot: ${value} vs numpy ${mean}`);
      // per concept: the mean of its test images' scores
      for (let c = 0; c < nConcepts; c++) {
        const own = expected.filter((_, i) => test[i] === c);
        const want = own.reduce((s, v) => s + v, 0) / own.length;
        assert.ok(Math.abs(spec.perConcept![c] - want) < 1e-12, `concept ${c}`);
      }
    }
  });
});

// --- the linear probe ---------------------------------------------------------------------------

const SKLEARN_FIT = `
import numpy as np
from sklearn.linear_model import LogisticRegression
x, y, w, c = inp["x"], inp["y"].astype(int), inp["w"], float(inp["c"][0])
res = {}
# lbfgs as the probe's reference; newton-cg to the optimum (its gradient test at 1e-8: tighter
# runs into round-off in its line search)
for solver, tol in [("lbfgs", 1e-12), ("newton-cg", 1e-8)]:
    m = LogisticRegression(C=c, solver=solver, tol=tol, max_iter=1000)
    m.fit(x, y, sample_weight=w)
    b = m.intercept_ - m.intercept_.mean()
    z = x @ m.coef_.T + b
    z = z - z.max(axis=1, keepdims=True)
    loss = np.sum(w * (np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))
    res[solver] = {"coef": m.coef_.ravel(), "intercept": b, "objective": loss + (m.coef_ ** 2).sum() / (2 * c)}
out(res)
`;

/** One scikit-learn fit as {@link SKLEARN_FIT} returns it. */
interface SklearnFit {
  coef: number[];
  intercept: number[];
  objective: number;
}

/** Non-negative, L2-normalised rows around class centres (embedding-like), labels 0…k−1. */
function randomProblem(
  rng: { next(): number; int(n: number): number },
  options: { n: number; dim: number; classes: number; spread: number },
): { x: Float64Array; labels: Int32Array } {
  const { n, dim, classes, spread } = options;
  const centres = Array.from(
    { length: classes },
    () => Array.from({ length: dim }, () => rng.next()),
  );
  const x = new Float64Array(n * dim);
  // every class at least once, the rest at random
  const labels = Int32Array.from({ length: n }, (_, i) => (i < classes ? i : rng.int(classes)));
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * dim, (i + 1) * dim);
    for (let j = 0; j < dim; j++) {
      row[j] = Math.max(0, centres[labels[i]][j] + spread * (rng.next() - 0.5));
    }
    const norm = Math.hypot(...row) || 1;
    for (let j = 0; j < dim; j++) row[j] /= norm;
  }
  return { x, labels };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("linear probe: the fit equals scikit-learn's LogisticRegression (C, sample weights)", async () => {
  await withSeed("probe-fit", async (rng) => {
    for (
      const [c, weighted, spread] of [[1, false, 1.5], [1, true, 1.5], [10, true, 0.8]] as const
    ) {
      const n = 40 + rng.int(40), dim = 3 + rng.int(10), classes = 3 + rng.int(5);
      const { x, labels } = randomProblem(rng, { n, dim, classes, spread });
      const weights = weighted ? balancedWeights(labels, classes) : new Float64Array(n).fill(1);
      const fit: LogisticModel = fitLogistic({ data: x, rows: n, cols: dim }, {
        labels,
        classes,
        c,
        weights,
        tolerance: 1e-10,
      });
      assert.ok(fit.converged, `converged (${fit.iterations} iterations)`);
      const fits = await runPython<Record<"lbfgs" | "newton-cg", SklearnFit>>(SKLEARN_FIT, {
        x: { data: x, shape: [n, dim] },
        y: { data: labels },
        w: { data: weights },
        c: { data: Float64Array.of(c) },
      });
      const what = `C=${c}, ${weighted ? "balanced" : "unit"} weights, ${n}×${dim}, ` +
        `${classes} classes`;
      const ref = fits.lbfgs;
      // lbfgs: scikit-learn stops on a relative decrease of F (≈1e-14), a little above the
      // optimum; ours is at least as low, and since F is (1/C)-strongly convex in W, its weights
      // lie within √(2C·(F_sklearn − F_ours)) of ours
      const gap = ref.objective - fit.objective;
      assert.ok(gap >= -1e-9 * Math.abs(ref.objective), `${what}: objective ${gap}`);
      const distance = Math.hypot(...ref.coef.map((v, i) => v - fit.coef[i]));
      assert.ok(
        distance <= Math.sqrt(2 * c * Math.max(gap, 0)) + 1e-6,
        `${what}: ‖ΔW‖ ${distance} for an objective gap ${gap}`,
      );
      // newton-cg reaches the optimum: weights and centred intercepts agree closely
      const exact = fits["newton-cg"];
      const scale = Math.max(1, ...exact.coef.map(Math.abs));
      assert.ok(maxDiff(fit.coef, exact.coef) <= 1e-6 * scale, `${what}: coef vs newton-cg`);
      assert.ok(maxDiff(fit.intercept, exact.intercept) <= 1e-6 * scale, `${what}: intercept`);
      // the same predictions as the exact optimum (newton-cg) wherever the decision is not a
      // near tie: with weights and intercepts within 1e-6·scale (asserted above), a decision
      // value moves by at most 1e-6·scale·(1 + ‖x‖₁), a difference of two by twice that (lbfgs
      // stops short of the optimum, so its near ties were no reference: seed 60805959)
      const ours = decisionFunction(fit, { data: x, rows: n, cols: dim });
      for (let i = 0; i < n; i++) {
        const row = ours.subarray(i * classes, (i + 1) * classes);
        let norm = 1;
        for (let j = 0; j < dim; j++) norm += Math.abs(x[i * dim + j]);
        const theirs = Array.from({ length: classes }, (_, k) => {
          let z = exact.intercept[k];
          for (let j = 0; j < dim; j++) z += x[i * dim + j] * exact.coef[k * dim + j];
          return z;
        });
        const sorted = [...theirs].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] < 2e-6 * scale * norm) continue;
        assert.equal(row.indexOf(Math.max(...row)), theirs.indexOf(sorted[0]), `${what}: row ${i}`);
      }
    }
  });
});

Deno.test("linear probe: rejects labels outside the classes and classes without rows", () => {
  const x = { data: new Float64Array([1, 0, 0, 1]), rows: 2, cols: 2 };
  assert.throws(() => fitLogistic(x, { labels: Int32Array.of(0, 3), classes: 3 }), RangeError);
  assert.throws(() => fitLogistic(x, { labels: Int32Array.of(0, 1), classes: 3 }), RangeError);
  assert.throws(() => fitLogistic(x, { labels: Int32Array.of(0), classes: 1 }), RangeError);
});

const SKLEARN_FEWSHOT = `
import numpy as np
from sklearn.linear_model import LogisticRegression
x, concept, split = inp["x"], inp["concept"].astype(int), inp["split"].astype(int)
shots = inp["shots"].astype(int)  # draws × concepts × n, -1 = no image
test = np.where(split == 1)[0]
hits = np.zeros(len(test))
margin = np.inf
for d in range(shots.shape[0]):
    rows = [r for r in shots[d].ravel() if r >= 0]
    # newton-cg: to the optimum (lbfgs stops ~1e-4 short in the weights, enough to flip a close
    # decision; the fit test above checks the probe against lbfgs itself)
    m = LogisticRegression(C=1.0, class_weight="balanced", solver="newton-cg", tol=1e-8, max_iter=1000)
    m.fit(x[rows], concept[rows])
    dec = m.decision_function(x[test])
    for i, q in enumerate(test):
        s = np.sort(dec[i])
        margin = min(margin, s[-1] - s[-2])
        if concept[q] in m.classes_:
            j = list(m.classes_).index(concept[q])
            hits[i] += np.sum(dec[i] > dec[i, j]) == 0
out({"scores": (hits / shots.shape[0]).tolist(), "margin": margin})
`;

Deno.test("few-shot: linear-probe top-1 per test image equals scikit-learn on the same draws", async () => {
  await withSeed("fewshot-probe", async (rng) => {
    const nConcepts = 10, dim = 6;
    const { model, concept, split, vectors } = clusteredImageModel(rng, {
      concepts: nConcepts,
      dim,
      images: (r) => 2 + r.int(7),
      split: (i, r) => (i < 2 ? "test" : r.next() < 0.15 ? "val" : "train"),
      spread: 1.2,
    });
    const space = conceptSpace(Array.from({ length: nConcepts }, (_, i) => i), nConcepts);
    const draws = 3, shots = [1, 3];
    const specs = fewShotMetrics(model, { space, seed: 5, shots, draws, probeTolerance: 1e-10 });
    assert.deepEqual(specs.map((s) => s.metric), [
      "fewshot1_top1",
      "fewshot3_top1",
      "fewshot1_probe_top1",
      "fewshot3_probe_top1",
    ]);
    const train: number[][] = Array.from({ length: nConcepts }, () => []);
    concept.forEach((c, r) => split[r] === "train" && train[c].push(r));
    const testOwner = concept.flatMap((c, r) => (split[r] === "test" ? [c] : []));
    for (const [k, n] of shots.entries()) {
      const drawn = new Int32Array(draws * nConcepts * n).fill(-1);
      for (let d = 0; d < draws; d++) {
        drawShots(train, { n, draw: d, seed: 5 }).forEach((rows, c) =>
          rows.forEach((r, i) => (drawn[(d * nConcepts + c) * n + i] = r))
        );
      }
      const ref = await runPython<{ scores: number[]; margin: number }>(SKLEARN_FEWSHOT, {
        x: { data: Float64Array.from(vectors), shape: [concept.length, dim] },
        concept: { data: Int32Array.from(concept) },
        split: { data: Int32Array.from(split, (s) => (s === "test" ? 1 : s === "train" ? 2 : 3)) },
        shots: { data: drawn, shape: [draws, nConcepts, n] },
      });
      // a decision within 1e-6 of a tie may go either way at scikit-learn's tolerance
      if (ref.margin < 1e-6) continue;
      const spec = specs[shots.length + k];
      const mean = ref.scores.reduce((a, v) => a + v, 0) / ref.scores.length;
      const value = spec.evaluate(new Float64Array(nConcepts).fill(1));
      assert.ok(
        Math.abs(value - mean) < 1e-12,
        `${n}-shot probe: ${value} vs scikit-learn ${mean}`,
      );
      for (let c = 0; c < nConcepts; c++) {
        const own = ref.scores.filter((_, i) => testOwner[i] === c);
        const want = own.reduce((a, v) => a + v, 0) / own.length;
        assert.ok(Math.abs(spec.perConcept![c] - want) < 1e-12, `${n}-shot probe, concept ${c}`);
      }
    }
  });
});
