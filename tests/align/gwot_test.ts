import { strict as assert } from "node:assert";
import { entropicGromovWasserstein, matchingRate } from "../../src/align/mod.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import type { Rng } from "../../src/stats/random.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, maxRelDiff, U64 } from "../_helpers/numeric.ts";
import { gwObjective, gwParts, gwStepRho } from "../_helpers/gw_error.ts";

function randomPoints(rng: Rng, n: number, d: number): Float64Array {
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  return x;
}

function distances(x: Float64Array, n: number, d: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = x[i * d + c] - x[j * d + c];
        s += t * t;
      }
      data[i * n + j] = Math.sqrt(s);
    }
  }
  return { data, rows: n, cols: n };
}

const POT_GW = `
import ot, ot.gromov
C1, C2 = inp["C1"], inp["C2"]
n, m = C1.shape[0], C2.shape[0]
p, q = ot.unif(n), ot.unif(m)
eps = float(inp["eps"][0])
if "G0" in inp:
    # POT 0.8.2's entropic_gromov_wasserstein loop verbatim, started from G0
    constC, hC1, hC2 = ot.gromov.init_matrix(C1, C2, p, q, "square_loss")
    T, cpt, err = inp["G0"], 0, 1
    while err > 1e-9 and cpt < 1000:
        Tprev = T
        T = ot.sinkhorn(p, q, ot.gromov.gwggrad(constC, hC1, hC2, T), eps, method="sinkhorn")
        if cpt % 10 == 0:
            err = np.linalg.norm(T - Tprev)
        cpt += 1
    out({"T": T.ravel(), "gw": ot.gromov.gwloss(constC, hC1, hC2, T), "checks": -1})
else:
    T, log = ot.gromov.entropic_gromov_wasserstein(C1, C2, p, q, "square_loss", eps, log=True)
    gw2 = ot.gromov.entropic_gromov_wasserstein2(C1, C2, p, q, "square_loss", eps)
    out({"T": T.ravel(), "gw": log["gw_dist"], "gw2": gw2, "checks": len(log["err"])})
`;

/**
 * Our plan and GW distance against POT's, under the float64 error model of one projected-gradient
 * step (tests/_helpers/gw_error.ts) plus the stopping rules both solvers share: the ‖T − T_prev‖
 * ≤ 1e-9 test every 10th step may fall on either side of its threshold for the two (then up to
 * 10 more steps, each moving the plan by less than the last measured 1e-9), and each Sinkhorn
 * stops with marginal errors up to 1e-9.
 */
function assertMatchesPot(
  C1: Matrix,
  C2: Matrix,
  epsilon: number,
  ours: { plan: Float64Array; gwDistance: number },
  pot: { T: number[]; gw: number },
  label: string,
): void {
  let max = 0;
  for (const v of pot.T) max = Math.max(max, v);
  const rho = gwStepRho(gwParts(C1, C2, pot.T), epsilon, [U64, U64]);
  const planBound = rho * max + 10 * 1e-9 + 2 * 1e-9;
  const f64 = { arithmetic: ["float64", "float64"] as const };
  assertFloat32Close(ours.plan, pot.T, {
    ...f64,
    scale: 0,
    propagated: planBound,
    terms: 1,
    label: `${label}: plan`,
  });
  const at = gwObjective(C1, C2, pot.T);
  assertFloat32Close([ours.gwDistance], [pot.gw], {
    ...f64,
    scale: at.scale,
    propagated: planBound * at.reach,
    terms: at.terms,
    label: `${label}: GW distance`,
  });
}

interface PotResult {
  T: number[];
  gw: number;
  gw2?: number;
  checks: number;
}

Deno.test("entropicGromovWasserstein matches POT 0.8.2 on fresh random point clouds", async () => {
  for (const [n, m] of [[12, 10], [15, 15]]) {
    for (const epsilon of [0.005, 0.02, 0.1]) {
      await withSeed(`gwot-pot-${n}x${m}-${epsilon}`, async (rng) => {
        const C1 = distances(randomPoints(rng, n, 2), n, 2);
        const C2 = distances(randomPoints(rng, m, 3), m, 3);
        const ours = entropicGromovWasserstein(C1, C2, { epsilon });
        const pot = await runPython<PotResult>(POT_GW, {
          C1: { data: C1.data, shape: [n, n] },
          C2: { data: C2.data, shape: [m, m] },
          eps: { data: new Float64Array([epsilon]) },
        });
        assertMatchesPot(C1, C2, epsilon, ours, pot, `${n}×${m}, ε ${epsilon}`);
        assertMatchesPot(C1, C2, epsilon, ours, { T: pot.T, gw: pot.gw2! }, "entropic GW2");
        // POT records one error check per 10 steps: checks = ⌊(cpt − 1) / 10⌋ + 1
        assert.equal(Math.floor((ours.iterations - 1) / 10) + 1, pot.checks);
      });
    }
  }
});

Deno.test("entropicGromovWasserstein respects a custom initial plan (vs POT's loop from G0)", async () => {
  await withSeed("gwot-init", async (rng) => {
    const n = 12, m = 10, epsilon = 0.02;
    const C1 = distances(randomPoints(rng, n, 2), n, 2);
    const C2 = distances(randomPoints(rng, m, 2), m, 2);
    // a random coupling with marginals p, q: Sinkhorn-balance a random positive matrix
    const init = new Float64Array(n * m);
    for (let x = 0; x < init.length; x++) init[x] = 0.1 + rng.next();
    for (let sweep = 0; sweep < 500; sweep++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += init[i * m + j];
        for (let j = 0; j < m; j++) init[i * m + j] /= s * n;
      }
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += init[i * m + j];
        for (let i = 0; i < n; i++) init[i * m + j] /= s * m;
      }
    }
    const oneStepDefault = entropicGromovWasserstein(C1, C2, { epsilon, maxIter: 1 });
    const oneStepInit = entropicGromovWasserstein(C1, C2, { epsilon, maxIter: 1, init });
    assert.ok(maxRelDiff(oneStepInit.plan, oneStepDefault.plan) > 1e-6, "init was ignored");
    const ours = entropicGromovWasserstein(C1, C2, { epsilon, init });
    const pot = await runPython<PotResult>(POT_GW, {
      C1: { data: C1.data, shape: [n, n] },
      C2: { data: C2.data, shape: [m, m] },
      eps: { data: new Float64Array([epsilon]) },
      G0: { data: init, shape: [n, m] },
    });
    assertMatchesPot(C1, C2, epsilon, ours, pot, "from G0");
  });
});

Deno.test("GW between a matrix and a permuted copy recovers the permutation", async () => {
  await withSeed("gwot-permutation", (rng) => {
    const n = 10;
    // well-separated points on a line with all gaps distinct: only the identity is an isometry
    const x = new Float64Array(n);
    for (let i = 1; i < n; i++) x[i] = x[i - 1] + 1 + i * 0.37 + 0.1 * rng.next();
    const C1 = distances(x, n, 1);
    let mx = 0;
    for (const v of C1.data) mx = Math.max(mx, v);
    for (let t = 0; t < C1.data.length; t++) C1.data[t] /= mx;
    const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const C2: Matrix = { data: new Float64Array(n * n), rows: n, cols: n };
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) C2.data[a * n + b] = C1.data[perm[a] * n + perm[b]];
    }
    const res = entropicGromovWasserstein(C1, C2, { epsilon: 1e-3 });
    // column j of C2 is object perm[j] of C1
    const unpermuted = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) unpermuted[i * n + perm[j]] = res.plan[i * n + j];
    }
    assert.equal(matchingRate(unpermuted, { n, k: 1 }), 1);
    assert.ok(res.gwDistance < 1e-3, `gw ${res.gwDistance}`);
  });
});

Deno.test("plan marginals equal p and q", async () => {
  await withSeed("gwot-marginals", (rng) => {
    const n = 9, m = 7;
    const C1 = distances(randomPoints(rng, n, 3), n, 3);
    const C2 = distances(randomPoints(rng, m, 3), m, 3);
    const p = new Float64Array(n), q = new Float64Array(m);
    for (let i = 0; i < n; i++) p[i] = 0.5 + rng.next();
    for (let j = 0; j < m; j++) q[j] = 0.5 + rng.next();
    const sp = p.reduce((s, v) => s + v, 0), sq = q.reduce((s, v) => s + v, 0);
    for (let i = 0; i < n; i++) p[i] /= sp;
    for (let j = 0; j < m; j++) q[j] /= sq;
    for (const epsilon of [1e-3, 0.05]) {
      for (const weights of [{}, { p, q }]) {
        // POT's default of 1000 Sinkhorn iterations leaves the columns unbalanced at ε = 1e-3
        // (its scaling converges slowly there, and some random instances need far more than 20,000
        // iterations to reach 1e-6); allow enough iterations to converge
        const res = entropicGromovWasserstein(C1, C2, {
          epsilon,
          sinkhornIter: 200000,
          ...weights,
        });
        const pp = weights.p ?? new Float64Array(n).fill(1 / n);
        const qq = weights.q ?? new Float64Array(m).fill(1 / m);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += res.plan[i * m + j];
          assert.ok(Math.abs(s - pp[i]) < 1e-6, `row ${i}: ${s} vs ${pp[i]}`);
        }
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += res.plan[i * m + j];
          assert.ok(Math.abs(s - qq[j]) < 1e-6, `col ${j}: ${s} vs ${qq[j]}`);
        }
      }
    }
  });
});

Deno.test("matchingRate counts the true column among the top k", () => {
  // row 0: own entry largest; row 1: own entry 2nd; row 2: own entry 3rd
  const plan = new Float64Array([
    0.5,
    0.1,
    0.2,
    0.4,
    0.3,
    0.1,
    0.9,
    0.8,
    0.1,
  ]);
  assert.equal(matchingRate(plan, { n: 3, k: 1 }), 1 / 3);
  assert.equal(matchingRate(plan, { n: 3, k: 2 }), 2 / 3);
  assert.equal(matchingRate(plan, { n: 3, k: 3 }), 1);
  assert.throws(() => matchingRate(plan, { n: 3, k: 0 }), RangeError);
});
