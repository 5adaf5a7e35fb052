import { strict as assert } from "node:assert";
import { rocAuc } from "../../src/metrics/auc.ts";
import { symmetricEigen } from "../../src/metrics/eigen.ts";
import {
  crossValidatedRidge,
  DEFAULT_RIDGE_LAMBDAS,
  foldAssignment,
  foldCentredPredictions,
  ridgeLoo,
} from "../../src/metrics/ridge.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import type { Rng } from "../../src/stats/random.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, maxRelDiff } from "../_helpers/numeric.ts";

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  return { data: Float64Array.from({ length: rows * cols }, () => gaussian(rng)), rows, cols };
}

/** p(n)/n of a backward-stable symmetric eigensolver (a few sweeps of n-term rotations). */
const EIGEN_TERMS_PER_ROW = 10;

Deno.test("symmetricEigen: a hand-computed 2×2 and A·V = V·Λ on a random symmetric matrix", async () => {
  const two = symmetricEigen({ data: Float64Array.of(2, 1, 1, 2), rows: 2, cols: 2 });
  assert.ok(Math.abs(two.values[0] - 1) < 1e-14 && Math.abs(two.values[1] - 3) < 1e-14);
  await withSeed("eigen", async (rng) => {
    const n = 40;
    const b = randomMatrix(rng, n, n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * n + j] = b.data[i * n + j] + b.data[j * n + i];
    }
    const { values, vectors } = symmetricEigen({ data: a, rows: n, cols: n });
    // Float64 error model of a backward-stable symmetric eigensolver (ours: Jacobi; numpy:
    // LAPACK's syevd): the computed pairs are exact for A + E with ‖E‖₂ ≤ p(n)·u·‖A‖₂, so every
    // eigenvalue moves by at most that (Weyl) and the residual A·v − λ·v is of that size too;
    // p(n) = EIGEN_TERMS_PER_ROW·n rounded operations, ‖A‖₂ ≤ ‖A‖_F. The residual itself is a
    // sum of n products, computed here.
    const frobenius = Math.hypot(...a);
    const eig = { scale: frobenius, terms: EIGEN_TERMS_PER_ROW * n + n };
    const av = new Float64Array(n * n), lv = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) av[i * n + j] += a[i * n + k] * vectors.data[k * n + j];
        lv[i * n + j] = values[j] * vectors.data[i * n + j];
      }
    }
    assertFloat32Close(av, lv, { ...eig, label: "A·V = V·Λ", arithmetic: ["float64", "float64"] });
    const want = await runPython<number[]>(`out(np.linalg.eigvalsh(inp["a"]))`, {
      a: { data: a, shape: [n, n] },
    });
    assertFloat32Close(values, want, {
      ...eig,
      label: "eigenvalues vs numpy.linalg.eigvalsh",
      arithmetic: ["float64", "float64"],
    });
  });
});

Deno.test("ridgeLoo: an exact linear target is recovered at small λ", () => {
  const x: Matrix = { data: Float64Array.of(0, 1, 1, 0, 1, 1, 2, 1, 0, 3), rows: 5, cols: 2 };
  const y: Matrix = {
    data: Float64Array.from({ length: 5 }, (_, i) => 3 + 2 * x.data[i * 2] - x.data[i * 2 + 1]),
    rows: 5,
    cols: 1,
  };
  const model = ridgeLoo(x, y, { lambdas: [1e-9, 1] });
  assert.equal(model.lambdas[0], 1e-9);
  const p = model.predict({ data: Float64Array.of(10, -10), rows: 1, cols: 2 });
  assert.ok(Math.abs(p.data[0] - (3 + 20 + 10)) < 1e-6, `${p.data[0]}`);
  assert.ok(model.looMse[0] < 1e-12);
});

for (const [label, n, d] of [["n > d (primal)", 60, 12], ["d > n (dual)", 30, 80]] as const) {
  Deno.test(`ridge: nested CV predictions and chosen λ equal scikit-learn RidgeCV, ${label}`, async () => {
    await withSeed(`ridge ${label}`, async (rng) => {
      const t = 3;
      const x = randomMatrix(rng, n, d);
      const beta = randomMatrix(rng, d, t);
      const y = randomMatrix(rng, n, t);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < t; k++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += x.data[i * d + a] * beta.data[a * t + k];
          y.data[i * t + k] = 0.3 * s * (k + 1) + 2 * y.data[i * t + k] + k;
        }
      }
      const folds = foldAssignment(n, 5, { shuffle: (o) => rng.shuffle(o) });
      const got = crossValidatedRidge(x, y, { folds });
      const want = await runPython<{ pred: number[][]; alphas: number[][]; centred: number[][] }>(
        `from sklearn.linear_model import RidgeCV
X, Y, folds = inp["x"], inp["y"], inp["folds"]
alphas = inp["alphas"]
pred = np.zeros_like(Y); centred = np.zeros_like(Y); chosen = []
for f in range(folds.max() + 1):
    tr, te = folds != f, folds == f
    m = RidgeCV(alphas=alphas, fit_intercept=True, alpha_per_target=True).fit(X[tr], Y[tr])
    pred[te] = m.predict(X[te]); chosen.append(np.atleast_1d(m.alpha_).tolist())
    centred[te] = pred[te] - Y[tr].mean(axis=0)
out({"pred": pred, "alphas": chosen, "centred": centred})`,
        {
          x: { data: x.data, shape: [n, d] },
          y: { data: y.data, shape: [n, t] },
          folds: { data: folds },
          alphas: { data: Float64Array.from(DEFAULT_RIDGE_LAMBDAS) },
        },
      );
      assert.deepEqual(Array.from(got.lambdas), want.alphas.flat(), "chosen λ per fold and target");
      const rel = maxRelDiff(got.predictions.data, want.pred.flat());
      assert.ok(rel < 1e-8, `predictions differ by ${rel} (relative)`);
      const centred = foldCentredPredictions(got, folds);
      const abs = Math.max(...centred.data.map((v, i) => Math.abs(v - want.centred.flat()[i])));
      const scale = Math.max(...want.pred.flat().map(Math.abs));
      assert.ok(abs < 1e-8 * scale, `fold-centred predictions differ by ${abs}`);
    });
  });
}

Deno.test("foldCentredPredictions: pooled AUC of rare categories on uninformative features is at chance, the raw pooled AUC far below", async () => {
  await withSeed("fold centring", (rng) => {
    // 200 concepts, random 20-d features, 30 categories of 5 random members each
    const n = 200, d = 20, c = 30;
    const x = randomMatrix(rng, n, d);
    const y: Matrix = { data: new Float64Array(n * c), rows: n, cols: c };
    const labels: Int32Array[] = [];
    for (let k = 0; k < c; k++) {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      rng.shuffle(order);
      const l = new Int32Array(n);
      for (const i of order.subarray(0, 5)) {
        l[i] = 1;
        y.data[i * c + k] = 1;
      }
      labels.push(l);
    }
    const folds = foldAssignment(n, 5, { shuffle: (o) => rng.shuffle(o) });
    const result = crossValidatedRidge(x, y, { folds, lambdas: [1e4] });
    const centred = foldCentredPredictions(result, folds);
    const meanAuc = (m: Matrix) =>
      labels.reduce(
        (s, l, k) => s + rocAuc(Float64Array.from({ length: n }, (_, i) => m.data[i * c + k]), l),
        0,
      ) / c;
    const raw = meanAuc(result.predictions), fair = meanAuc(centred);
    assert.ok(raw < 0.4, `raw pooled AUC ${raw}: the fold-intercept bias should show`);
    assert.ok(Math.abs(fair - 0.5) < 0.1, `fold-centred pooled AUC ${fair}, expected about 0.5`);
  });
  assert.throws(
    () =>
      foldCentredPredictions({
        predictions: { data: new Float64Array(2), rows: 2, cols: 1 },
        lambdas: new Float64Array(1),
        trainMeans: new Float64Array(1),
        k: 1,
      }, new Int32Array(3)),
    /3 fold labels for 2 rows/,
  );
});

Deno.test("foldAssignment: balanced folds", () => {
  const folds = foldAssignment(23, 5, { shuffle: (o) => o.reverse() });
  const counts = [0, 0, 0, 0, 0];
  for (const f of folds) counts[f]++;
  assert.deepEqual(counts, [5, 5, 5, 4, 4]);
  assert.throws(() => foldAssignment(3, 5, { shuffle: () => {} }), /k = 5 for 3 rows/);
});

Deno.test("rocAuc: hand cases and scikit-learn on random scores with ties", async () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(rocAuc([1, 1, 1], [1, 0, 1]), 0.5);
  assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
  await withSeed("auc", async (rng) => {
    const n = 500;
    const labels = Int32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const scores = Float64Array.from(labels, (l) => Math.round((gaussian(rng) + l) * 4) / 4);
    const want = await runPython<number>(
      `from sklearn.metrics import roc_auc_score
out(roc_auc_score(inp["l"], inp["s"]))`,
      { l: { data: labels }, s: { data: scores } },
    );
    assert.ok(Math.abs(rocAuc(scores, labels) - want) < 1e-12);
  });
});
