/**
 * The GWOT summary: the highest-matching-rate solution beside the minimum-GWD one, and the
 * untrained-network baseline's mean and 5th/95th percentiles (numpy-checked).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  evenlyPerConcept,
  GWOT_QUICK,
  gwotOptionsForAll,
  summaryRows,
  UNTRAINED_MODEL,
} from "../../src/align/gwot_stage.ts";
import {
  bestMatchingRun,
  type GwotChance,
  type GwotRun,
  type GwotSweepResult,
  permutationChance,
} from "../../src/align/gwot_sweep.ts";
import { spread, untrainedSeeds } from "../../src/align/gwot_untrained.ts";
import { makeTable, stringColumn, writeTable } from "../../src/io/arrow.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { createContext } from "../../src/pipeline/stage.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

function run(epsilon: number, gwd: number, top1: number, extra: Partial<GwotRun> = {}): GwotRun {
  return {
    epsilon,
    init: 0,
    gwDistance: gwd,
    top1,
    top5: Math.min(1, top1 + 0.2),
    top10: Math.min(1, top1 + 0.3),
    categoryRate: top1 + 0.1,
    iterations: 10,
    converged: true,
    seconds: 0.1,
    ...extra,
  };
}

function chance(top1Mean: number): GwotChance {
  return {
    top1Mean,
    top1P95: top1Mean * 2,
    top1P05: 0,
    categoryMean: 0.2,
    categoryP95: 0.3,
    categoryP05: 0.1,
    permutations: 100,
  };
}

/** A sweep whose minimum-GWD run (index 1) is not its best-matching run (index 2). */
function constructedSweep(shift = 0): GwotSweepResult {
  const runs = [
    run(0.001, 0.30, 0.10 + shift),
    run(0.003, 0.10, 0.20 + shift),
    run(0.010, 0.25, 0.60 + shift),
    run(0.030, NaN, 0.90), // diverged: never selected
  ];
  return {
    runs,
    best: 1,
    plan: new Float64Array(1),
    chance: chance(0.01),
    bestMatching: bestMatchingRun(runs),
    matchingChance: chance(0.02),
  };
}

Deno.test("bestMatchingRun picks the highest top-1 among finite runs; ties go to the lower GWD", () => {
  const sweep = constructedSweep();
  assert.equal(sweep.bestMatching, 2, "highest top-1 with a finite GW distance");
  assert.notEqual(sweep.bestMatching, sweep.best);
  // a tie in top-1: the lower GW distance wins, then the earlier run
  assert.equal(bestMatchingRun([run(1, 0.5, 0.4), run(2, 0.2, 0.4), run(3, 0.9, 0.1)]), 1);
  assert.equal(bestMatchingRun([run(1, 0.2, 0.4), run(2, 0.2, 0.4)]), 0);
  assert.equal(bestMatchingRun([run(1, NaN, 0.4), run(2, Infinity, 0.5)]), -1);
  assert.equal(bestMatchingRun([]), -1);
});

Deno.test("summaryRows: min_gwd and max_matching rows per model from the sweep's two runs", () => {
  const rows = summaryRows([
    { model: "baseline", seed: 7, sweep: constructedSweep(), rsa: [0.3, 0.25] },
    { model: "spose49", seed: null, sweep: constructedSweep(0.05), rsa: [0.9, 0.85] },
  ]);
  assert.deepEqual(rows.map((r) => [r.model, r.solution, r.networks]), [
    ["baseline", "min_gwd", 1],
    ["baseline", "max_matching", 1],
    ["spose49", "min_gwd", 1],
    ["spose49", "max_matching", 1],
  ]);
  const [min, max] = rows;
  assert.equal(min.values.top1, 0.20);
  assert.equal(min.values.gwd, 0.10);
  assert.equal(min.values.eps, 0.003);
  assert.equal(min.values.chance_top1_mean, 0.01);
  assert.equal(max.values.top1, 0.60);
  assert.equal(max.values.gwd, 0.25);
  assert.equal(max.values.eps, 0.010);
  assert.equal(max.values.chance_top1_mean, 0.02, "the best-matching plan's own chance levels");
  assert.equal(max.values.rsa_spearman, 0.25, "RSA does not depend on the solution");
  assert.equal(min.spreads, undefined, "a trained model has no spread over networks");
});

Deno.test("spread: mean and 5th/95th percentiles equal numpy's on random values", async () => {
  await withSeed("gwot-spread", async (rng) => {
    for (const n of [1, 2, 5, 7, 10]) {
      const values = Float64Array.from({ length: n }, () => rng.next());
      const py = await runPython<{ mean: number; p05: number; p95: number }>(
        `v = inp["v"]
out({"mean": np.mean(v), "p05": np.percentile(v, 5), "p95": np.percentile(v, 95)})`,
        { v: { data: values } },
      );
      const s = spread(values);
      assert.equal(s.n, n);
      for (const k of ["mean", "p05", "p95"] as const) {
        assert.ok(Math.abs(s[k] - py[k]) <= 1e-15 * Math.max(1, Math.abs(py[k])), `${k} n=${n}`);
      }
    }
  });
  // non-finite values (a category rate without categories) are left out; none finite → NaN
  const partial = spread([NaN, 1, 3]);
  assert.equal(partial.n, 2);
  assert.equal(partial.mean, 2);
  assert.ok(Math.abs(partial.p05 - 1.1) < 1e-12 && Math.abs(partial.p95 - 2.9) < 1e-12);
  assert.ok(Number.isNaN(spread([NaN]).mean));
});

Deno.test("summaryRows: the untrained baseline is the mean over networks with numpy percentiles", async () => {
  await withSeed("gwot-untrained-summary", async (rng) => {
    const networks = untrainedSeeds(7, 6).map((seed) => {
      const runs = [
        run(0.001, 0.5 + rng.next(), rng.next() * 0.1),
        run(0.003, 0.5 + rng.next(), rng.next() * 0.1),
      ];
      const best = runs[0].gwDistance <= runs[1].gwDistance ? 0 : 1;
      return {
        model: UNTRAINED_MODEL,
        seed,
        sweep: {
          runs,
          best,
          plan: new Float64Array(1),
          chance: chance(rng.next() * 0.01),
          bestMatching: bestMatchingRun(runs),
          matchingChance: chance(rng.next() * 0.01),
        },
        rsa: [rng.next() * 0.2, rng.next() * 0.2] as [number, number],
      };
    });
    assert.deepEqual(networks.map((n) => n.seed), [7, 8, 9, 10, 11, 12]);
    const rows = summaryRows([], networks);
    assert.deepEqual(rows.map((r) => [r.model, r.seed, r.solution, r.networks]), [
      [UNTRAINED_MODEL, null, "min_gwd", 6],
      [UNTRAINED_MODEL, null, "max_matching", 6],
    ]);
    for (const row of rows) {
      const pick = (n: (typeof networks)[number]) =>
        n.sweep.runs[row.solution === "min_gwd" ? n.sweep.best : n.sweep.bestMatching];
      const columns: Record<string, number[]> = {
        top1: networks.map((n) => pick(n).top1),
        top5: networks.map((n) => pick(n).top5),
        category_rate: networks.map((n) => pick(n).categoryRate),
        rsa_pearson: networks.map((n) => n.rsa[0]),
        rsa_spearman: networks.map((n) => n.rsa[1]),
      };
      const py = await runPython<Record<string, number[]>>(
        `out({k: [np.mean(v), np.percentile(v, 5), np.percentile(v, 95)] for k, v in inp.items()})`,
        Object.fromEntries(
          Object.entries(columns).map(([k, v]) => [k, { data: Float64Array.from(v) }]),
        ),
      );
      for (const [key, [mean, p05, p95]] of Object.entries(py)) {
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));
        assert.ok(close(row.values[key], mean), `${row.solution} ${key} mean`);
        assert.ok(close(row.spreads![key].p05, p05), `${row.solution} ${key} p05`);
        assert.ok(close(row.spreads![key].p95, p95), `${row.solution} ${key} p95`);
      }
      // the chance levels are averaged too (no spread)
      const chances = networks.map((n) =>
        (row.solution === "min_gwd" ? n.sweep.chance : n.sweep.matchingChance).top1Mean
      );
      const mean = chances.reduce((a, b) => a + b, 0) / chances.length;
      assert.ok(Math.abs(row.values.chance_top1_mean - mean) < 1e-15);
      assert.equal(row.spreads!.chance_top1_mean, undefined);
    }
  });
});

Deno.test("permutationChance: same shuffles for every plan of a seed; a fixed matching's chance", () => {
  const n = 6;
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  const a = permutationChance(identity, { n, seed: 7, permutations: 500 });
  const b = permutationChance(identity, { n, seed: 7, permutations: 500 });
  assert.deepEqual(a, b);
  // hits of a random permutation have mean 1 (so the rate 1/n)
  assert.ok(Math.abs(a.top1Mean - 1 / n) < 0.05, `${a.top1Mean}`);
  assert.ok(Number.isNaN(a.categoryMean), "no categories, no category chance");
});

Deno.test("evenlyPerConcept: evenly spaced rows per concept, first and last kept, order kept", () => {
  const concept = [0, 0, 0, 0, 0, 1, 1, 2, 0];
  const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  assert.deepEqual(evenlyPerConcept(rows, { concept, perConcept: 2 }), [0, 5, 6, 7, 8]);
  assert.deepEqual(evenlyPerConcept(rows, { concept, perConcept: 3 }), [0, 3, 5, 6, 7, 8]);
  assert.deepEqual(evenlyPerConcept(rows, { concept, perConcept: 1 }), [0, 5, 7]);
  assert.deepEqual(evenlyPerConcept(rows, { concept, perConcept: 0 }), rows);
  // "first" is first in the given order
  assert.deepEqual(evenlyPerConcept([8, 2], { concept, perConcept: 1 }), [8]);
});

Deno.test("gwotOptionsForAll: the untrained settings of recorded tables, else quick or default ones", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-gwot-opts-" });
  try {
    const ctx = await createContext(resolveProfile("embedded"), { out, seed: 7, quiet: true });
    await Deno.mkdir(ctx.tables, { recursive: true });
    const record = (options: Record<string, unknown>) =>
      writeTable(
        join(ctx.tables, "gwot_summary.arrow"),
        makeTable({ model: stringColumn(["baseline"]) }),
        { task: "align:gwot", version: "test", options },
      );
    assert.deepEqual((await gwotOptionsForAll(ctx)).options, GWOT_QUICK, "no tables: quick");
    // the quick sweep's tables from before the untrained baseline: the quick untrained settings
    const {
      untrained: _,
      untrainedImages: __,
      untrainedMaxIter: ___,
      untrainedEpsilonScales: ____,
      ...quickOld
    } = GWOT_QUICK;
    await record(quickOld);
    assert.deepEqual((await gwotOptionsForAll(ctx)).options, GWOT_QUICK);
    // a researcher's sweep from before: the defaults of `deno task align:gwot`
    const full = { epsilons: [], epsilonScales: [], inits: 3, maxIter: 300, models: [] };
    await record(full);
    const kept = (await gwotOptionsForAll(ctx)).options;
    assert.deepEqual(kept, {
      ...full,
      untrained: 5,
      untrainedImages: 2,
      untrainedMaxIter: 0,
      untrainedEpsilonScales: [],
    });
    // recorded untrained settings are kept
    await record({ ...full, untrained: 7, untrainedImages: 0, untrainedMaxIter: 40 });
    const own = (await gwotOptionsForAll(ctx)).options;
    assert.deepEqual([own.untrained, own.untrainedImages, own.untrainedMaxIter], [7, 0, 40]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
