/**
 * `comparisonRows` (src/report/findings.ts) selects by metric and subset: top-1 and retrieval@1
 * are compared on the test and the stress subset, so the metric alone is ambiguous. Checked on
 * constructed rows where the stress rows come first (matching on the metric only picks them) and
 * through the write-up, which must cite the held-out-style deltas as its practical metrics.
 */
import { strict as assert } from "node:assert";
import {
  type BenchmarkRow,
  type ComparisonRow,
  comparisonRows,
  methodsResults,
  type ReportTables,
} from "../../src/report/mod.ts";
import { comparisonRow } from "../_helpers/comparisons.ts";
import type { ModelSummaryRow } from "../../src/tables/models.ts";

/**
 * baseline − imagenet on `metric` × `subset`: +0.1 on test, −0.2 on stress (robust both ways).
 */
function row(metric: string, subset: "test" | "stress", seed = 7): ComparisonRow {
  const delta = subset === "test" ? 0.1 : -0.2;
  return {
    ...comparisonRow(metric, delta, {
      a: "baseline",
      b: "imagenet",
      relation: "baseline_vs_imagenet",
      ci: [delta - 0.02, delta + 0.02],
      pAdj: 0.001,
      saturated: false,
    }),
    subset,
    seed,
  };
}

/** The stress rows first, as a table written in another order would hold them. */
const ROWS: ComparisonRow[] = [
  row("top1", "stress"),
  row("retrieval@1", "stress"),
  row("top1", "test"),
  row("retrieval@1", "test"),
  row("mAP", "test"),
];

Deno.test("comparisonRows: the subset picks the row, not the first row of the metric", () => {
  const select = {
    modelA: "baseline",
    modelB: "imagenet",
    metrics: ["top1", "retrieval@1", "mAP"],
  };
  const test = comparisonRows(ROWS, { ...select, subset: "test" });
  assert.deepEqual(test.map((r) => [r.metric, r.subset, r.delta]), [
    ["top1", "test", 0.1],
    ["retrieval@1", "test", 0.1],
    ["mAP", "test", 0.1],
  ]);
  const stress = comparisonRows(ROWS, { ...select, subset: "stress" });
  assert.deepEqual(stress.map((r) => [r.metric, r.subset, r.delta]), [
    ["top1", "stress", -0.2],
    ["retrieval@1", "stress", -0.2],
  ]);
  // seeds: the given one, or any
  const seeded = [...ROWS, row("top1", "test", 8)].map((r) =>
    r.seed === 8 ? { ...r, delta: 0.3 } : r
  );
  assert.equal(
    comparisonRows(seeded, { ...select, metrics: ["top1"], subset: "test", seed: 8 })[0].delta,
    0.3,
  );
  assert.equal(comparisonRows(seeded, { ...select, metrics: ["top1"], subset: "test" })[0].seed, 7);
  // other pairs and absent metrics give nothing
  assert.deepEqual(comparisonRows(ROWS, { ...select, modelA: "variant", subset: "test" }), []);
  assert.deepEqual(comparisonRows(ROWS, { ...select, subset: "val" }), []);
});

function bench(model: string, metric: string, subset: string, value: number): BenchmarkRow {
  return {
    model,
    seed: 7,
    metric,
    subset,
    group: "core",
    value,
    ci_low: value - 0.02,
    ci_high: value + 0.02,
    n: 40,
    source: null,
    note: null,
    saturated: false,
    saturation_reason: null,
  };
}

function model(name: string): ModelSummaryRow {
  return {
    model: name,
    seed: 7,
    init: "baseline",
    trained: true,
    control_of: null,
    test_top1: null,
    val_top1: null,
    stress_top1: null,
    chance: 0.025,
    n_classes: 40,
    backend: "cpu",
    config: null,
  };
}

Deno.test("write-up: the practical metrics are the held-out-style rows, not the stress rows", () => {
  const benchmark = ["imagenet", "baseline"].flatMap((m, i) =>
    ["top1", "retrieval@1", "mAP"].flatMap((metric) => [
      bench(m, metric, "test", 0.5 + 0.1 * i),
      bench(m, metric, "stress", 0.5 - 0.2 * i),
    ]).concat(bench(m, "human_pair_rho", "test", 0.2 + 0.1 * i))
  );
  const tables: ReportTables = {
    dir: "constructed",
    benchmark,
    comparisons: [...ROWS, row("human_pair_rho", "test")],
    models: ["imagenet", "baseline"].map(model),
    benchmarkMetadata: { task: "bench", version: "test", seed: 7, profile: "embedded" },
    training: [],
  };
  const text = methodsResults(tables).sections.flatMap((s) => [...s.paragraphs, ...s.bullets])
    .map((p) => p.text).join("\n");
  // fine-tuning improved the practical metrics on the held-out style (Δ +0.100), never the
  // stress rows' −0.200, which matching on the metric alone would cite
  assert.match(text, /fine-tuning improved the practical metrics \(Δ Test top-1 = \+0\.100/);
  assert.doesNotMatch(text, /Δ Test top-1 = −0\.200/);
  assert.doesNotMatch(text, /Δ Retrieval@1 = −0\.200/);
});
