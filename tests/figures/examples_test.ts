/** Example figures: query/triplet joins, deterministic example choice, probe neighbours. */
import { strict as assert } from "node:assert";
import {
  pairedQueries,
  type PairedQuery,
  selectQueries,
} from "../../src/figures/examples/retrieval_examples.ts";
import { probeNeighbours } from "../../src/figures/examples/semantic_probes.ts";
import {
  type PairedTriplet,
  pairedTriplets,
  selectTriplets,
} from "../../src/figures/examples/triplet_examples.ts";
import { syntheticTables } from "./_synthetic.ts";

Deno.test("pairedQueries joins the two models on the query image, not the row", () => {
  const queries = [
    { model: "a", image_row: 0, uniqueID: "x", first_relevant_rank: 1, average_precision: 1 },
    { model: "a", image_row: 1, uniqueID: "y", first_relevant_rank: 3, average_precision: 0.4 },
    { model: "b", image_row: 0, uniqueID: "y", first_relevant_rank: 1, average_precision: 0.9 },
    { model: "b", image_row: 1, uniqueID: "x", first_relevant_rank: 2, average_precision: 0.5 },
  ];
  const paired = pairedQueries(queries, {
    models: ["a", "b"],
    imageIds: [["x/1", "y/1"], ["y/1", "x/1"]],
  });
  assert.deepEqual(paired.map((q) => [q.imageId, q.rank, q.ap]), [
    ["x/1", [1, 2], [1, 0.5]],
    ["y/1", [3, 1], [0.4, 0.9]],
  ]);
});

function q(imageId: string, uniqueID: string, rank: [number, number], ap: [number, number]) {
  return { imageId, uniqueID, rank, ap } as PairedQuery;
}

Deno.test("selectQueries: human-better first (largest baseline rank), one per concept, then fill", () => {
  const queries = [
    q("dog/1", "dog", [3, 1], [0.3, 1]),
    q("dog/2", "dog", [9, 1], [0.1, 1]),
    q("cat/1", "cat", [2, 1], [0.5, 1]),
    q("cow/1", "cow", [4, 1], [0.2, 1]),
    q("cup/1", "cup", [1, 5], [1, 0.2]),
    q("hat/1", "hat", [1, 1], [1, 0.5]),
    q("pen/1", "pen", [1, 1], [1, 1]),
  ];
  const chosen = selectQueries(queries, 2);
  assert.deepEqual(chosen.map((c) => [c.imageId, c.better]), [
    ["dog/2", "human"],
    ["cow/1", "human"],
    ["cup/1", "baseline"],
    ["cat/1", "human"],
  ]);
  // fill-ins where the models agree on the first hit are marked "neither"
  assert.deepEqual(
    selectQueries(queries.filter((x) => x.rank[0] === x.rank[1]), 1).map((c) => c.better),
    ["neither", "neither"],
  );
  assert.deepEqual(selectQueries([], 2), []);
});

Deno.test("pairedTriplets keeps held-out triplets of the first seed; selectTriplets picks both sides", () => {
  const rows = [
    { model: "m1", seed: 8, subset: "test", anchor: "a", positive: "b", negative: "c", margin: 9 },
    {
      model: "m1",
      seed: 7,
      subset: "test",
      anchor: "a",
      positive: "b",
      negative: "c",
      margin: -0.2,
    },
    { model: "m1", seed: 7, subset: "train", anchor: "a", positive: "b", negative: "d", margin: 1 },
    {
      model: "m1",
      seed: 7,
      subset: "test",
      anchor: "e",
      positive: "f",
      negative: "g",
      margin: 0.3,
    },
    {
      model: "m1",
      seed: 7,
      subset: "test",
      anchor: "a",
      positive: "f",
      negative: "g",
      margin: -0.1,
    },
    {
      model: "m2",
      seed: 7,
      subset: "test",
      anchor: "a",
      positive: "b",
      negative: "c",
      margin: 0.4,
    },
    {
      model: "m2",
      seed: 7,
      subset: "test",
      anchor: "e",
      positive: "f",
      negative: "g",
      margin: -0.1,
    },
    {
      model: "m2",
      seed: 7,
      subset: "test",
      anchor: "a",
      positive: "f",
      negative: "g",
      margin: 0.5,
    },
  ];
  const paired = pairedTriplets(rows, ["m1", "m2"]);
  assert.deepEqual(paired.map((t) => [t.anchor, t.positive, t.negative, t.margin]), [
    ["a", "b", "c", [-0.2, 0.4]],
    ["e", "f", "g", [0.3, -0.1]],
    ["a", "f", "g", [-0.1, 0.5]],
  ]);
  const chosen = selectTriplets(paired as PairedTriplet[], 2);
  // a–b–c gains 0.6, a–f–g gains 0.6 too but shares the anchor: one per anchor
  assert.deepEqual(chosen.map((t) => [t.anchor, t.positive, t.agrees]), [
    ["a", "b", "human"],
    ["e", "f", "baseline"],
  ]);
});

Deno.test("probeNeighbours: preferred probes first, then uncovered categories; never the probe itself", () => {
  const tables = syntheticTables();
  const results = probeNeighbours(tables, { count: 3, k: 2 });
  // "dog" and "chair" are preferred probes; "lamp" is the first concept of a new category
  assert.deepEqual(results.map((r) => r.probe), ["dog", "chair", "lamp"]);
  const dog = results[0];
  assert.deepEqual(dog.human, ["cat", "cow"]);
  assert.deepEqual(dog.models.map((m) => m.model), ["baseline", "joint_matrix_alignment"]);
  assert.deepEqual(dog.models[0].neighbours, ["cat", "cow"]);
  for (const r of results) for (const m of r.models) assert.ok(!m.neighbours.includes(r.probe));
  // a missing model is left out; an empty prototype table leaves no common candidates
  const withoutBaseline = { ...tables };
  delete withoutBaseline["embeddings/baseline.prototypes"];
  const one = probeNeighbours(withoutBaseline);
  assert.deepEqual(one[0].models.map((m) => m.model), ["joint_matrix_alignment"]);
  assert.deepEqual(probeNeighbours({ ...tables, "embeddings/baseline.prototypes": [] }), []);
});
