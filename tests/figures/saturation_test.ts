/**
 * Figures of practical metrics mark saturated metrics (src/eval/benchmark/saturation.ts): the
 * metric grids (visual utility), classification top-1 and the headline deltas, on constructed
 * tables.
 */
import { strict as assert } from "node:assert";
import { visualUtilityFigure } from "../../src/figures/combined/visual_utility.ts";
import { headlineDeltasFigure } from "../../src/figures/improved/headline_deltas.ts";
import { classificationTop1 } from "../../src/figures/paper/classification_top1.ts";
import { createDocument } from "../../src/figures/render.ts";
import type { FigureSpec, Row, TableSet } from "../../src/figures/spec.ts";

function draw(spec: FigureSpec, tables: TableSet): string {
  return spec.render(tables, { document: createDocument(), width: 640, imageHref: () => "" })
    .outerHTML;
}

function bench(model: string, metric: string, subset: string, value: number, half: number): Row {
  return {
    model,
    seed: model === "spose49" ? null : 7,
    metric,
    subset,
    group: "core",
    value,
    ci_low: value - half,
    ci_high: value + half,
    n: 40,
  };
}

/** retrieval@1 on its ceiling for every model, top-1 (test and stress) told apart. */
const benchmark: Row[] = ["baseline", "variant", "control"].flatMap((m, i) => [
  bench(m, "top1", "test", 0.5 + 0.1 * i, 0.02),
  bench(m, "top1", "stress", 0.3 + 0.1 * i, 0.02),
  bench(m, "retrieval@1", "test", 1, 0),
  bench(m, "mAP", "test", 0.6 + 0.1 * i, 0.02),
]);

Deno.test("visual utility: a saturated metric says so in its panel, the subtitle and the notes", () => {
  const tables = { benchmark };
  const svg = draw(visualUtilityFigure, tables);
  assert.ok(svg.includes("Retrieval@1 · saturated (at ceiling)"), "panel heading");
  assert.ok(!svg.includes("Retrieval mAP · "));
  // the subtitle (wrapped into lines)
  assert.ok(
    svg.includes("Saturated (at ceiling),") &&
      svg.includes("within its interval of the ceiling 1."),
  );
  const notes = visualUtilityFigure.notes!(tables);
  assert.equal(
    notes.at(-1),
    "Saturated (at ceiling), so the models cannot be told apart: Retrieval@1 — every model " +
      "within its interval of the ceiling 1.",
  );
  // nothing saturated: no mark
  const told = benchmark.filter((r) => r.metric !== "retrieval@1");
  assert.ok(!draw(visualUtilityFigure, { benchmark: told }).includes("saturated"));
  assert.ok(!visualUtilityFigure.notes!({ benchmark: told }).some((n) => /aturated/.test(n)));
});

Deno.test("classification top-1: a saturated stress top-1 is named", () => {
  // stress top-1 within 0.002 while every interval is ±0.05, far from the ceiling: the models are
  // indistinguishable, which is not called saturated
  const rows = benchmark.map((r) =>
    r.subset === "stress"
      ? { ...r, value: 0.3 + Number(r.value) / 100, ci_low: 0.25, ci_high: 0.35 }
      : r
  );
  const notes = classificationTop1.notes!({ benchmark: rows });
  assert.match(
    notes.at(-1)!,
    /^Models indistinguishable \(spread < interval half-width\), so the models cannot be told apart: stress top-1 — spread 0\.002 < median half-width 0\.050\.$/,
  );
  assert.ok(draw(classificationTop1, { benchmark: rows }).includes("stress top-1"));
  assert.ok(!classificationTop1.notes!({ benchmark }).some((n) => /aturated/.test(n)));
});

Deno.test("headline deltas: comparisons flagged saturated say a Holm mark is no robust difference", () => {
  const cmp = (metric: string, saturated?: boolean): Row => ({
    model_a: "variant",
    model_b: "baseline",
    relation: "vs_baseline",
    seed: 7,
    metric,
    subset: "test",
    value_a: 0.55,
    value_b: 0.5,
    delta: 0.05,
    ci_low: 0.02,
    ci_high: 0.08,
    p: 0.001,
    p_adj: 0.001,
    ...(saturated === undefined ? {} : { saturated }),
  });
  const tables = { comparisons: [cmp("top1", false), cmp("retrieval@1", true)] };
  const svg = draw(headlineDeltasFigure, tables);
  assert.ok(svg.includes("Retrieval@1 · saturated"), "panel heading");
  assert.ok(!svg.includes("top-1 · saturated"));
  assert.match(
    headlineDeltasFigure.notes!(tables).at(-1)!,
    /^Saturated, so the models cannot be told apart and a Holm mark is no robust difference: Retrieval@1\.$/,
  );
  assert.deepEqual(headlineDeltasFigure.data(tables).map((r) => r.saturated), [false, true]);
  // tables written before the column: nothing is marked
  const old = { comparisons: [cmp("top1"), cmp("retrieval@1")] };
  assert.ok(!draw(headlineDeltasFigure, old).includes("saturated"));
});

Deno.test("headline deltas: the reason column tells at-ceiling from indistinguishable models", () => {
  const cmp = (metric: string, reason: string | null): Row => ({
    model_a: "variant",
    model_b: "baseline",
    relation: "vs_baseline",
    seed: 7,
    metric,
    subset: "test",
    value_a: 0.65,
    value_b: 0.64,
    delta: 0.01,
    ci_low: 0.002,
    ci_high: 0.018,
    p: 0.001,
    p_adj: 0.001,
    saturated: reason !== null,
    saturation_reason: reason,
  });
  const tables = {
    comparisons: [
      cmp("top1", "indistinguishable"),
      cmp("retrieval@1", "ceiling"),
      cmp("mAP", null),
    ],
  };
  // three panels in 640 px: the first (with the model labels) has room for the long mark, the
  // second only for the short one; in 2,400 px every panel has the long one
  const svg = draw(headlineDeltasFigure, tables);
  assert.ok(svg.includes("Test top-1 · indistinguishable"), "panel heading");
  assert.ok(svg.includes("Retrieval@1 · at ceiling"));
  assert.ok(!svg.includes("Test top-1 · saturated"), "top-1 at 0.65 is not called saturated");
  const wide = headlineDeltasFigure.render(tables, {
    document: createDocument(),
    width: 2400,
    imageHref: () => "",
  }).outerHTML;
  assert.ok(wide.includes("Test top-1 · indistinguishable"), "panel heading");
  assert.ok(wide.includes("Retrieval@1 · saturated (at ceiling)"));
  const notes = headlineDeltasFigure.notes!(tables);
  assert.ok(
    notes.includes(
      "Saturated (at ceiling), so the models cannot be told apart and a Holm mark is no robust " +
        "difference: Retrieval@1. Models indistinguishable (spread < interval half-width), so the " +
        "models cannot be told apart and a Holm mark is no robust difference: Test top-1.",
    ),
    notes.join("\n"),
  );
  assert.deepEqual(
    headlineDeltasFigure.data(tables).map((r) => r.saturation_reason),
    ["indistinguishable", "ceiling", null],
  );
});
