/** GWOT figures: plans, mass shares, RDMs sorted by category, sweep summaries. */
import { strict as assert } from "node:assert";
import {
  epsSteps,
  type GwotRun,
  gwotRuns,
  selectionAgreement,
} from "../../src/figures/gwot/local_optima.ts";
import { gwotSummaries } from "../../src/figures/gwot/matching_rates.ts";
import { percentileRanks } from "../../src/figures/gwot/matrix_panel.ts";
import { buildRdms, withinCategoryPercentile } from "../../src/figures/gwot/rdms.ts";
import { queryMatches, TOP_K, topMatches } from "../../src/figures/gwot/top_matches.ts";
import {
  planMassShares,
  planTable,
  readPlan,
  rowMaxNormalise,
} from "../../src/figures/gwot/transport_plan.ts";
import { humanSimilarity, syntheticTables } from "./_synthetic.ts";

Deno.test("planTable names the seed-suffixed plan file", () => {
  assert.equal(planTable("baseline"), "gwot/plans/baseline.seed7");
  assert.equal(planTable("glocal", 8), "gwot/plans/glocal.seed8");
});

Deno.test("readPlan reads square plans and rejects ragged ones", () => {
  const plan = readPlan([
    { uniqueID: "a", plan: Float32Array.of(0.4, 0.1) },
    { uniqueID: "b", plan: [0, 0.5] },
  ])!;
  assert.deepEqual(plan.ids, ["a", "b"]);
  assert.deepEqual([...plan.mass].map((v) => Math.round(v * 10) / 10), [0.4, 0.1, 0, 0.5]);
  assert.equal(readPlan([{ uniqueID: "a", plan: [1, 2] }]), null);
  assert.equal(readPlan(undefined), null);
});

Deno.test("planMassShares: diagonal and same-category mass", () => {
  const plan = { ids: ["a", "b", "c"], mass: Float64Array.of(0.2, 0.1, 0, 0, 0.3, 0, 0.1, 0, 0.3) };
  const shares = planMassShares(plan, ["x", "x", "y"]);
  assert.ok(Math.abs(shares.diagonal - 0.8) < 1e-12);
  assert.ok(Math.abs(shares.category - 0.9) < 1e-12);
  assert.deepEqual([...rowMaxNormalise([1, 2, 0, 0], 2)], [0.5, 1, 0, 0]);
});

Deno.test("buildRdms: concepts in category blocks, human RDM = 1 − similarity", () => {
  const set = buildRdms(syntheticTables());
  // blocks by size (animal 3, furniture 2), then one-member blocks alphabetically, "no category" last
  assert.deepEqual(set.ids, ["dog", "cat", "cow", "chair", "table", "cup", "lamp", "rock"]);
  assert.deepEqual(set.rdms.map((r) => r.key), ["human", "baseline", "joint_matrix_alignment"]);
  const n = set.ids.length;
  const index = ["chair", "table", "lamp", "cup", "dog", "cat", "cow", "rock"];
  const [i, j] = [set.ids.indexOf("dog"), set.ids.indexOf("chair")];
  const expected = 1 - humanSimilarity(index.indexOf("chair"), index.indexOf("dog"));
  assert.ok(Math.abs(set.rdms[0].values[i * n + j] - expected) < 1e-12);
  // the animals are close in the human RDM: within-category percentile below chance (0.5)
  const primary = set.categories.order.map((k) => set.categories.primary[k]);
  assert.ok(withinCategoryPercentile(percentileRanks(set.rdms[0].values, n), { n, primary }) < 0.2);
});

Deno.test("gwotSummaries and gwotRuns: first row/seed per model, display order", () => {
  const summaries = gwotSummaries({
    gwot_summary: [
      { model: "matrix_control", top1: 0.1, n_concepts: 10 },
      { model: "baseline", top1: 0.2, n_concepts: 10 },
      { model: "baseline", top1: 0.9, n_concepts: 10 },
    ],
  });
  assert.deepEqual(summaries.map((s) => [s.model, s.top1]), [["baseline", 0.2], [
    "matrix_control",
    0.1,
  ]]);
  const runs = gwotRuns({
    gwot: [
      { model: "baseline", seed: 8, eps: 0.1, init: 0, gwd: 1, top1: 1, selected: true },
      { model: "baseline", seed: 7, eps: 0.2, init: 0, gwd: 0.5, top1: 0.1, selected: false },
      { model: "baseline", seed: 7, eps: 0.1, init: 1, gwd: 0.3, top1: 0.2, selected: true },
      { model: "baseline", seed: 7, eps: 0.1, init: 0, gwd: 0.4, top1: 0.4, selected: false },
      { model: "untrained", seed: 7, eps: 0.1, init: 0, gwd: 3, top1: 0, selected: true },
    ],
  });
  assert.deepEqual(runs.map((r) => [r.eps, r.init]), [[0.1, 0], [0.1, 1], [0.2, 0]]);
  const agreement = selectionAgreement(runs);
  assert.deepEqual(agreement, [{
    model: "baseline",
    selectedTop1: 0.2,
    bestTop1: 0.4,
    agrees: false,
  }]);
  const steps = epsSteps(runs);
  assert.deepEqual(runs.map((r: GwotRun) => steps.get(r)), [0, 0, 1]);
});

Deno.test("gwotSummaries: the minimum-GWD rows, with each model's best-matching row and the untrained range", () => {
  const summaries = gwotSummaries({
    gwot_summary: [
      { model: "baseline", solution: "min_gwd", top1: 0.2, category_rate: 0.3, n_networks: 1 },
      { model: "baseline", solution: "max_matching", top1: 0.4, category_rate: 0.5 },
      { model: "untrained", solution: "max_matching", top1: 0.05, n_networks: 5 },
      {
        model: "untrained",
        solution: "min_gwd",
        top1: 0.01,
        top1_p05: 0,
        top1_p95: 0.03,
        category_rate: 0.1,
        category_rate_p05: 0.05,
        category_rate_p95: 0.2,
        n_networks: 5,
      },
    ],
  });
  assert.deepEqual(summaries.map((s) => [s.model, s.top1, s.networks]), [
    ["baseline", 0.2, 1],
    ["untrained", 0.01, 5],
  ]);
  assert.deepEqual(summaries[0].bestMatching, { top1: 0.4, category: 0.5 });
  assert.equal(summaries[0].range, undefined);
  assert.deepEqual(summaries[1].range, { top1: [0, 0.03], category: [0.05, 0.2] });
  assert.deepEqual(summaries[1].bestMatching, { top1: 0.05, category: NaN });
});

Deno.test("topMatches: the k largest entries of a plan row with their share of the row", () => {
  const plan = {
    ids: ["a", "b", "c", "d"],
    mass: Float64Array.of(0.1, 0.3, 0.05, 0.05, 0, 0, 0, 0, 0.1, 0.1, 0.2, 0, 0, 0, 0, 0),
  };
  assert.deepEqual(topMatches(plan, { row: 0, k: 3 }), [
    { uniqueID: "b", weight: 0.3 / 0.5 },
    { uniqueID: "a", weight: 0.1 / 0.5 },
    { uniqueID: "c", weight: 0.05 / 0.5 },
  ]);
  // ties in mass: the lower column first
  assert.deepEqual(topMatches(plan, { row: 2, k: 2 }).map((m) => m.uniqueID), ["c", "a"]);
  assert.ok(Number.isNaN(topMatches(plan, { row: 1, k: 1 })[0].weight), "an empty row");
});

Deno.test("queryMatches: preferred probes first, then one concept per new category", () => {
  const ids = ["dog", "cat", "chair", "rock", "cup"];
  const n = ids.length;
  const mass = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mass[i * n + j] = i === j ? 0.5 : 0.1;
  const plan = ids.map((uniqueID, i) => ({ uniqueID, plan: mass.subarray(i * n, (i + 1) * n) }));
  const tables = {
    concepts: [
      { uniqueID: "dog", word: "dog", categories: ["animal"] },
      { uniqueID: "cat", word: "cat", categories: ["animal"] },
      { uniqueID: "chair", word: "chair", categories: ["furniture"] },
      { uniqueID: "rock", word: "rock", categories: [] },
      { uniqueID: "cup", word: "cup", categories: ["container"] },
    ],
    [planTable("baseline")]: plan,
    [planTable("joint_matrix_alignment")]: plan,
  };
  const results = queryMatches(tables, { count: 3 });
  assert.deepEqual(results.map((r) => r.query), ["dog", "chair", "cup"]);
  assert.deepEqual(results[0].models.map((m) => m.model), ["baseline", "joint_matrix_alignment"]);
  assert.equal(results[0].models[0].matches.length, TOP_K);
  assert.equal(results[0].models[0].matches[0].uniqueID, "dog");
  assert.ok(Math.abs(results[0].models[0].matches[0].weight - 0.5 / 0.9) < 1e-12);
  assert.deepEqual(queryMatches({ concepts: tables.concepts }), [], "no plans, no queries");
});
