/** Paper figures: graceful with missing models or rows; notes are computed from the data. */
import { strict as assert } from "node:assert";
import { FIGURES as PAPER } from "../../src/figures/paper/mod.ts";
import { fixedPrototypeTripletsVsControl } from "../../src/figures/paper/fixed_prototype_triplets_vs_control.ts";
import { drawFigure } from "../../src/figures/draw.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import { createDocument } from "../../src/figures/render.ts";
import type { FigureSpec, TableSet } from "../../src/figures/spec.ts";
import { loadTables } from "../../src/figures/tables.ts";
import { fmt, fmtInterval, fmtSigned } from "../../src/figures/data.ts";

const NAMES = [
  "classification_top1",
  "retrieval_curves",
  "human_similarity_alignment",
  "strategy_delta_heatmap",
  "benchmark_rank_bump",
  "model_profile_radar",
  "model_similarity_map",
  "alignment_vs_utility_tradeoff",
  "thingsplus_transfer_focus",
  "fixed_prototype_triplets_vs_control",
  "joint_matrix_vs_shuffled_deltas",
  "triplet_satisfaction",
  "triplet_margin_intervals",
  "expanded_thingsplus_all_benchmarks",
];

async function fixture(): Promise<TableSet> {
  return await loadTables(FIXTURE_TABLES, new Set(PAPER.flatMap((f) => f.tables)));
}

function render(spec: FigureSpec, tables: TableSet): string {
  const svg = drawFigure(spec, tables, { document: createDocument(), width: 720 });
  return svg.outerHTML;
}

Deno.test("paper figures: the 14 figures of seed 000, in order", () => {
  assert.deepEqual(PAPER.map((f) => f.name), NAMES);
  for (const f of PAPER) assert.equal(f.family, "paper");
});

Deno.test("paper figures: render with only some models, and with no rows at all", async () => {
  const full = await fixture();
  const keep = new Set(["baseline", "fixed_prototype_triplets", "spose49"]);
  const few: TableSet = {
    ...full,
    benchmark: full.benchmark.filter((r) => keep.has(String(r.model))),
    comparisons: full.comparisons.filter((r) => keep.has(String(r.model_a))),
    "benchmark/triplet_margins": full["benchmark/triplet_margins"].filter((r) =>
      keep.has(String(r.model))
    ),
  };
  const empty: TableSet = Object.fromEntries(Object.keys(full).map((k) => [k, []]));
  for (const spec of PAPER) {
    const some = render(spec, few);
    assert.ok(some.startsWith("<svg"), spec.name);
    assert.ok(!some.includes("Joint matrix alignment") || spec.name.startsWith("joint"), spec.name);
    const none = render(spec, empty);
    assert.ok(none.startsWith("<svg"), spec.name);
    assert.ok(spec.notes!(empty).length > 0, `${spec.name} explains empty data`);
    assert.ok(spec.notes!(few).every((n) => n.length > 10), spec.name);
  }
});

Deno.test("paper figures: notes are computed from the tables", async () => {
  const tables = await fixture();
  const row = tables.comparisons.find((r) =>
    r.model_a === "fixed_prototype_triplets" && r.model_b === "fixed_prototype_control" &&
    r.metric === "top1"
  )!;
  const expected = `Test top-1 Δ ${fmt(row.delta as number)} ${
    fmtInterval(row.ci_low as number, row.ci_high as number)
  }`;
  const notes = fixedPrototypeTripletsVsControl.notes!(tables);
  assert.ok(notes.some((n) => n.includes(expected)), `${expected} not in ${notes.join(" | ")}`);
  const changed: TableSet = {
    ...tables,
    comparisons: tables.comparisons.map((r) => r === row ? { ...r, delta: 0.0123 } : r),
  };
  assert.ok(
    fixedPrototypeTripletsVsControl.notes!(changed).some((n) => n.includes("Δ 0.012 ")),
  );
});

Deno.test("number formatting: typographic minus, no negative zero, signed deltas", () => {
  assert.equal(fmt(-0.0123), "\u22120.012");
  assert.equal(fmt(-0.0001), "0.000");
  assert.equal(fmt(null), "n/a");
  assert.equal(fmtSigned(0.0123), "+0.012");
  assert.equal(fmtSigned(0), "0.000");
  assert.equal(fmtInterval(-0.008, 0.009), "[\u22120.008, 0.009]");
});
