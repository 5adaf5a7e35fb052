/** Client readout data: home-product queries, held-out candidates, suggestions, change counts. */
import { strict as assert } from "node:assert";
import {
  changeCounts,
  homeQueries,
  type HomeQuery,
  isHomeProduct,
  scoreChange,
  selectCases,
} from "../../src/figures/client/home.ts";
import { syntheticTables } from "./_synthetic.ts";

Deno.test("isHomeProduct: home categories, minus scientific and medical equipment", () => {
  assert.ok(isHomeProduct(["furniture"]));
  assert.ok(isHomeProduct(["kitchen tool", "tool", "weapon"]));
  assert.ok(!isHomeProduct(["container", "scientific equipment"]));
  assert.ok(!isHomeProduct(["animal"]));
  assert.ok(!isHomeProduct([]));
});

Deno.test("homeQueries ranks only held-out (test) partners and scores them by human similarity", () => {
  const tables = syntheticTables();
  const { models, queries } = homeQueries(tables, { k: 3 });
  assert.deepEqual(models, ["baseline", "joint_matrix_alignment", "matrix_control"]);
  // only "chair" has ≥ k + 2 held-out partners (all its pairs are test pairs)
  assert.deepEqual(queries.map((q) => q.query), ["chair"]);
  const chair = queries[0];
  assert.equal(chair.candidates, 7);
  const baseline = chair.suggestions.get("baseline")!;
  assert.deepEqual(baseline.map((s) => s.uniqueID), ["table", "lamp", "cup"]);
  assert.deepEqual(baseline.map((s) => s.human), [0.85, 0.8, 0.75]);
  assert.ok(Math.abs(chair.score.get("baseline")! - 0.8) < 1e-12);
  // a train pair never becomes a suggestion: make table–chair a train pair (new rows: tables
  // are immutable, derived lookups are memoised per row array)
  tables.human_pairs = tables.human_pairs.map((p) =>
    p.a_uniqueID === "chair" && p.b_uniqueID === "table" ? { ...p, split: "train" } : p
  );
  const again = homeQueries(tables, { k: 3 }).queries[0];
  assert.ok(!again.suggestions.get("baseline")!.some((s) => s.uniqueID === "table"));
});

Deno.test("homeQueries draws what exists when a model's prototypes are missing", () => {
  const tables = syntheticTables();
  delete tables["embeddings/matrix_control.prototypes"];
  const { models, queries } = homeQueries(tables);
  assert.deepEqual(models, ["baseline", "joint_matrix_alignment"]);
  assert.ok(
    Number.isNaN(
      scoreChange(queries[0], { model: "joint_matrix_alignment", versus: "matrix_control" }),
    ),
  );
  delete tables["embeddings/baseline.prototypes"];
  delete tables["embeddings/joint_matrix_alignment.prototypes"];
  assert.deepEqual(homeQueries(tables), { models: [], queries: [] });
});

function query(id: string, base: number, human: number): HomeQuery {
  return {
    query: id,
    candidates: 10,
    suggestions: new Map(),
    score: new Map([["baseline", base], ["joint_matrix_alignment", human]]),
  };
}

Deno.test("changeCounts and selectCases show gains and losses", () => {
  const qs = [
    query("a", 0.5, 0.7),
    query("b", 0.5, 0.4),
    query("c", 0.5, 0.5),
    query("d", 0.2, 0.9),
    query("e", 0.6, 0.3),
  ];
  const counts = changeCounts(qs, { model: "joint_matrix_alignment", versus: "baseline" });
  assert.deepEqual([counts.better, counts.worse, counts.same], [2, 2, 1]);
  assert.ok(Math.abs(counts.mean - (0.2 - 0.1 + 0 + 0.7 - 0.3) / 5) < 1e-12);
  const cases = selectCases(qs, { improved: 2, declined: 1 });
  assert.deepEqual(cases.map((c) => c.query.query), ["d", "a", "e"]);
  // too few gains and losses: unchanged queries fill the places
  assert.deepEqual(selectCases(qs, { improved: 3, declined: 3 }).map((c) => c.query.query), [
    "d",
    "a",
    "e",
    "b",
    "c",
  ]);
});
