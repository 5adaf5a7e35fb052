/** Improved figures: comparison selections, the control statement, backing data. */
import { strict as assert } from "node:assert";
import {
  baselineDeltas,
  headlineDeltasFigure,
} from "../../src/figures/improved/headline_deltas.ts";
import { resultsTableFigure } from "../../src/figures/improved/results_table.ts";
import {
  controlMatches,
  controlPairs,
  variantAndControlFigure,
} from "../../src/figures/improved/variant_and_control.ts";
import type { Row } from "../../src/figures/spec.ts";
import { comparisonRow } from "../_helpers/comparisons.ts";

function cmp(
  a: string,
  b: string,
  relation: string,
  metric: string,
  delta: number,
  ci: [number, number],
): Row {
  return {
    ...comparisonRow(metric, delta, { a, b, relation, ci, pAdj: delta > 0.05 ? 0.01 : 0.5 }),
  };
}

const comparisons = [
  cmp("v", "c", "variant_vs_control", "top1", 0.001, [-0.01, 0.01]),
  cmp("v", "c", "variant_vs_control", "human_pair_rho", 0.2, [0.1, 0.3]),
  cmp("v", "baseline", "vs_baseline", "top1", 0.02, [0.01, 0.03]),
  cmp("c", "baseline", "vs_baseline", "top1", 0.019, [0.01, 0.03]),
  cmp("v", "baseline", "vs_baseline", "human_pair_rho", 0.2, [0.1, 0.3]),
  cmp("c", "baseline", "vs_baseline", "human_pair_rho", 0.0, [-0.05, 0.05]),
  cmp("baseline", "imagenet", "baseline_vs_imagenet", "top1", 0.1, [0.05, 0.15]),
];

Deno.test("controlPairs and controlMatches: the control moves like the variant only on top-1", () => {
  const pairs = controlPairs({ comparisons });
  assert.deepEqual(pairs.map((p) => [p.variant, p.control, p.variantRows.length]), [["v", "c", 2]]);
  assert.deepEqual(controlMatches(pairs[0]), ["Test top-1"]);
});

Deno.test("baselineDeltas keeps model − baseline rows only", () => {
  const rows = baselineDeltas({ comparisons });
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.relation === "vs_baseline" && r.model_b === "baseline"));
});

Deno.test("backing data follow the tables", () => {
  const tables = { comparisons };
  const deltas = headlineDeltasFigure.data(tables);
  assert.equal(deltas.length, 4);
  // models in display order (unknown models alphabetically: c before v)
  assert.deepEqual(deltas.map((r) => [r.model, r.significant]), [
    ["c", false],
    ["c", false],
    ["v", false],
    ["v", true],
  ]);
  const pairs = variantAndControlFigure.data(tables);
  assert.deepEqual(pairs.map((r) => [r.metric, r.control_delta, r.variant_minus_control]), [
    ["top1", 0.019, 0.001],
    ["human_pair_rho", 0, 0.2],
  ]);
  const table = resultsTableFigure.data({
    benchmark: [
      {
        model: "baseline",
        seed: 7,
        metric: "top1",
        subset: "test",
        value: 0.6,
        ci_low: 0.5,
        ci_high: 0.7,
        n: 10,
      },
      {
        model: "baseline",
        seed: 7,
        metric: "top5",
        subset: "test",
        value: 0.9,
        ci_low: 0.8,
        ci_high: 0.95,
        n: 10,
      },
    ],
  });
  assert.deepEqual(table, [{
    model: "baseline",
    metric: "top1",
    subset: "test",
    value: 0.6,
    ci_low: 0.5,
    ci_high: 0.7,
    n: 10,
  }]);
});
