import { strict as assert } from "node:assert";
import { join } from "node:path";
import { entropicGromovWasserstein, matchingRate } from "../../src/align/gwot.ts";
import { entropicGwTf } from "../../src/align/gwot_tf.ts";
import { categoryMatchingRate, gwotSweep, randomPlan } from "../../src/align/gwot_sweep.ts";
import { readSposeEmbedding } from "../../src/data/readers/mod.ts";
import { humanSimilarityFromEmbedding } from "../../src/human/similarity.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import { initBackend } from "../../src/models/backend.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { createRng } from "../../src/stats/random.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, U32, U64 } from "../_helpers/numeric.ts";
import { gwObjective, gwParts, gwStepRho } from "../_helpers/gw_error.ts";

await initBackend({ backend: "auto", log: false });

function pointRdm(points: number[][]): Matrix {
  const n = points.length;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      data[i * n + j] = Math.hypot(...points[i].map((v, k) => v - points[j][k]));
    }
  }
  return { data, rows: n, cols: n };
}

/** C2[a][b] = C1[π(a)][π(b)]. */
function relabel(c: Matrix, perm: Int32Array): Matrix {
  const n = c.rows;
  const data = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) data[a * n + b] = c.data[perm[a] * n + perm[b]];
  }
  return { data, rows: n, cols: n };
}

/** Share of objects i whose row argmax is their relabelled position π⁻¹(i). */
function recovered(plan: Float64Array, perm: Int32Array): number {
  const n = perm.length;
  const inverse = new Int32Array(n);
  perm.forEach((p, a) => (inverse[p] = a));
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (plan[i * n + j] > plan[i * n + best]) best = j;
    if (best === inverse[i]) hits++;
  }
  return hits / n;
}

Deno.test("entropicGwTf: float32 solver agrees with the float64 (POT-exact) solver", async () => {
  await withSeed("gwot tf", async (rng) => {
    const n = 40;
    const pts = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.next()]);
    const c1 = pointRdm(pts);
    const c2 = pointRdm(pts.map(([x, y, z]) => [x + 0.02 * rng.next(), y, z]));
    const tol = 1e-4, sinkhornTol = 1e-5; // entropicGwTf's defaults: its stopping tolerances
    for (const epsilon of [0.05, 0.01]) {
      const ref = entropicGromovWasserstein(c1, c2, { epsilon, maxIter: 500 });
      const got = await entropicGwTf(c1, c2, { epsilon, maxIter: 500, sinkhornIter: 1000 });
      // The float32 error model of one projected-gradient step (tests/_helpers/gw_error.ts: ρ, the
      // relative change of a plan entry), plus the TF solver's stopping rules: the last step's
      // ‖ΔT‖_F ≤ tol·‖T‖_F ≤ tol·n·max T and column residuals of sinkhornTol·√n. ρ bounds the
      // plan's difference relative to its largest entry.
      const rho = gwStepRho(gwParts(c1, c2, ref.plan), epsilon, [U32, U64]) + tol * n +
        sinkhornTol * Math.sqrt(n);
      let max = 0, rows = 0;
      for (const v of ref.plan) max = Math.max(max, v);
      for (let j = 0; j < n; j++) rows += got.plan[j];
      const label = `ε ${epsilon}`;
      assertFloat32Close(got.plan, ref.plan, {
        scale: 0,
        propagated: rho * max,
        terms: 1,
        label: `${label}: plan (ρ = ${rho.toExponential(2)} of the largest entry)`,
      });
      // gw = Σ (constC − 2·C1·T·C2ᵀ)∘T in float32 (n² terms at depth 2n + 5) equals the float64
      // objective at the float32 plan
      const at = gwObjective(c1, c2, got.plan);
      assertFloat32Close([got.gwDistance], [at.value], {
        scale: at.scale,
        terms: at.terms,
        label: `${label}: GW distance of the float32 plan`,
        arithmetic: ["float32", "float64"],
      });
      // a row of the float32 plan sums to 1/n within n·ρ·max (plus its own sum of n entries)
      assertFloat32Close([rows], [1 / n], {
        scale: 1 / n,
        propagated: n * rho * max,
        terms: n,
        label: `${label}: first row sums to 1/n`,
      });
      // the same row argmax wherever the float64 plan decides it beyond the float32 error: the
      // two largest entries of a row differ by more than 2ρ·max (each moves by at most ρ·max)
      let clear = 0;
      for (let i = 0; i < n; i++) {
        const row = ref.plan.subarray(i * n, (i + 1) * n);
        const order = [...row.keys()].sort((a, b) => row[b] - row[a]);
        if (row[order[0]] - row[order[1]] <= 2 * rho * max) continue;
        clear++;
        const mine = got.plan.subarray(i * n, (i + 1) * n);
        const best = [...mine.keys()].reduce((b, j) => (mine[j] > mine[b] ? j : b), 0);
        assert.equal(best, order[0], `${label}: row ${i} argmax`);
      }
      assert.ok(clear >= n / 2, `${label}: only ${clear} rows with a clear argmax`);
      const rateGap = Math.abs(
        matchingRate(got.plan, { n, k: 1 }) - matchingRate(ref.plan, { n, k: 1 }),
      );
      assert.ok(rateGap <= (n - clear) / n, `${label}: top-1 differs by ${rateGap}`);
    }
  });
});

Deno.test("GWOT: the human RDM against a relabelled copy of itself recovers ≥ 99% of the objects", async () => {
  const things = join(REPO_ROOT, "data/embedded/things");
  const spose = await readSposeEmbedding(join(things, "spose49/spose_embedding_49d_sorted.txt"), {
    rows: 1854,
  });
  // the human RSM (triplet softmax of SPoSE-49) of 150 concepts spread over the list
  const n = 150, d = spose.cols;
  const rows = Array.from({ length: n }, (_, i) => Math.floor(i * 1854 / n));
  const sub = { data: new Float64Array(n * d), rows: n, cols: d };
  rows.forEach((r, i) => sub.data.set(spose.data.subarray(r * d, (r + 1) * d), i * d));
  const rsm = await humanSimilarityFromEmbedding(sub);
  const human = { data: rsm.map((v) => 1 - v), rows: n, cols: n };
  const perm = createRng(3).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const sweep = await gwotSweep(human, relabel(human, perm), {
    seed: 7,
    inits: 2,
    epsilons: [0.002, 0.005],
    permutations: 200,
  });
  const rate = recovered(sweep.plan, perm);
  assert.ok(rate >= 0.99, `recovered ${rate}`);
  assert.ok(sweep.chance.top1P95 < 0.05, `chance ${sweep.chance.top1P95}`);
  assert.equal(sweep.runs.length, 4);
  assert.ok(sweep.runs[sweep.best].gwDistance <= Math.min(...sweep.runs.map((r) => r.gwDistance)));
  // the highest-matching-rate run: no run has a higher top-1; with the same label shuffles, its
  // chance levels equal the minimum-GWD plan's when the two runs are the same
  assert.equal(sweep.runs[sweep.bestMatching].top1, Math.max(...sweep.runs.map((r) => r.top1)));
  if (sweep.bestMatching === sweep.best) assert.deepEqual(sweep.matchingChance, sweep.chance);
});

Deno.test("categoryMatchingRate and randomPlan: hand case and marginals", () => {
  // plan sends 0→1, 1→0, 2→2; categories: 0 {a}, 1 {a, b}, 2 {c}, 3 none
  const plan = Float64Array.of(
    0,
    1,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    1,
  );
  const categories = [["a"], ["a", "b"], ["c"], []];
  assert.equal(categoryMatchingRate(plan, { n: 4, categories }), 1);
  const swapped = Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1);
  // 0→2 (a vs c: miss), 1→0 (hit), 2→0 (miss); 3 has no category
  assert.equal(categoryMatchingRate(swapped, { n: 4, categories }), 1 / 3);
  const t = randomPlan(30, createRng(1));
  for (let i = 0; i < 30; i++) {
    let row = 0, col = 0;
    for (let j = 0; j < 30; j++) {
      row += t[i * 30 + j];
      col += t[j * 30 + i];
    }
    assert.ok(Math.abs(row - 1 / 30) < 1e-6 && Math.abs(col - 1 / 30) < 1e-9);
  }
});
