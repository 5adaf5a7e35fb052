/**
 * The concept explorer's browser functions (src/site/explorer.ts) on hand-made data whose view
 * is known, the Arrow round trip from the server module, and the explorer element
 * (report/src/components/explorer.js) in linkedom: choosing a concept shows its neighbours.
 * Not a Chromium test.
 */
import { strict as assert } from "node:assert";
import { parseHTML } from "linkedom";
import {
  conceptChoices,
  conceptLabel,
  conceptView,
  explorerData,
  type ExplorerIndex,
  findConcept,
  heldOutItems,
  HUMAN_SOURCE,
  type NeighbourRow,
  type StatsRow,
  tileSlice,
  variantChanges,
} from "../../src/site/explorer.ts";
import * as explorerLib from "../../src/site/explorer.ts";
import { conceptExplorerFiles } from "../../src/report/concept_explorer.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import type { Row } from "../../src/tables/rows.ts";

const MODELS = [
  { key: "baseline", label: "Baseline", color: "#000000", control: null },
  { key: "variant", label: "Variant", color: "#d55e00", control: "control" },
  { key: "control", label: "Control", color: "#e69f00", control: null },
];

/** Five concepts (rows 10…14), three models, k = 2, tiles 0…4 of a 5-tile pack. */
function fixture(): {
  index: ExplorerIndex;
  neighbours: NeighbourRow[];
  heldout: Row[];
  stats: StatsRow[];
} {
  const words = ["cat", "dog", "ice cream", "Mouse", "tiger"];
  const ids = ["cat", "dog", "ice_cream", "mouse2", "tiger"];
  const index: ExplorerIndex = {
    version: 1,
    neighbours: 2,
    suggestions: 1,
    models: MODELS,
    concepts: ids.map((id, i) => ({
      index: 10 + i,
      id,
      word: words[i],
      categories: i < 2 ? ["animal"] : [],
      tiles: [i],
    })),
    thumbnails: {
      file: "concepts/thumbnails.bin",
      size: 96,
      count: 5,
      offsets: [0, 3, 7, 12, 12, 20],
      types: ["image/png", "image/webp"],
      type: [0, 0, 1, 0, 0],
    },
    missing: [],
    notes: [],
  };
  const row = (
    source: number,
    rank: number,
    neighbour: number,
    similarity: number,
    human: number | null,
  ): NeighbourRow => ({ concept: 10, source, rank, neighbour, similarity, human, split: 2 });
  // rows deliberately out of order: explorerData sorts by concept, source and rank
  const neighbours = [
    row(1, 2, 14, 0.7, 0.6),
    row(1, 1, 11, 0.9, 0.8),
    row(0, 1, 12, 0.95, 0.1),
    row(0, 2, 11, 0.8, 0.8),
    row(2, 1, 12, 0.9, 0.1),
    row(2, 2, 13, 0.85, null),
    row(HUMAN_SOURCE, 1, 11, 0.8, 0.8),
    row(HUMAN_SOURCE, 2, 14, 0.6, 0.6),
  ];
  const heldout = [
    { a: 10, b: 11, human: 0.8, similarity: [0.8, 0.9, NaN] },
    { a: 10, b: 14, human: 0.6, similarity: [0.5, 0.7, 0.4] },
    { a: 11, b: 12, human: 0.2, similarity: [0.1, 0.1, 0.1] },
  ];
  const stats: StatsRow[] = [
    { concept: 10, model: 0, rho: 0.1, score: 0.5, n: 5 },
    { concept: 10, model: 1, rho: 0.7, score: 0.8, n: 5 },
    { concept: 10, model: 2, rho: 0.2, score: null, n: 5 },
  ];
  return { index, neighbours, heldout, stats };
}

Deno.test("conceptView: neighbours per model beside the human ones, overlaps and means", () => {
  const f = fixture();
  const data = explorerData(f.index, f);
  const view = conceptView(data, "cat", { models: ["control", "baseline", "nope"] })!;
  assert.equal(view.concept.word, "cat");
  // chosen models in the data's order; unknown keys ignored
  assert.deepEqual(view.models.map((m) => m.model), ["baseline", "control"]);
  const [baseline, control] = view.models;
  assert.deepEqual(baseline.neighbours.map((n) => [n.rank, n.id]), [[1, "ice_cream"], [2, "dog"]]);
  assert.deepEqual(baseline.neighbours.map((n) => n.shared), [false, true]);
  assert.equal(baseline.overlap, 1);
  assert.ok(Math.abs(baseline.meanHuman! - 0.45) < 1e-12);
  assert.equal(baseline.rho, 0.1);
  assert.equal(baseline.neighbours[0].split, "test");
  assert.equal(baseline.neighbours[0].tile, 2);
  // a missing human similarity is skipped in the mean, not counted as 0
  assert.equal(control.meanHuman, 0.1);
  assert.equal(control.overlap, 0);
  assert.deepEqual(view.human!.map((n) => n.id), ["dog", "tiger"]);
  // human neighbours shown by a chosen model are marked (dog: baseline), tiger by none chosen
  assert.deepEqual(view.human!.map((n) => n.shared), [true, false]);
  assert.deepEqual(view.tiles, [{ tile: 0, start: 0, end: 3, type: "image/png" }]);
});

Deno.test("variantChanges: variant minus its control, null where either is missing", () => {
  const f = fixture();
  const data = explorerData(f.index, f);
  const [change, ...rest] = variantChanges(data, 10);
  assert.equal(rest.length, 0, "only the variant has a control");
  assert.equal(change.variant, "variant");
  assert.equal(change.control, "control");
  assert.ok(Math.abs(change.rho.change! - 0.5) < 1e-12);
  assert.equal(change.score.variant, 0.8);
  assert.equal(change.score.change, null, "the control has no score");
  assert.equal(change.overlap.change, 2 - 0);
  assert.ok(Math.abs(change.meanHuman.change! - (0.7 - 0.1)) < 1e-12);
  // the view carries the same changes whatever models are chosen
  assert.deepEqual(conceptView(data, "cat", { models: [] })!.changes, [change]);
});

Deno.test("heldOutItems: the concept's held-out pairs from either side, most similar first", () => {
  const f = fixture();
  const data = explorerData(f.index, f);
  const cat = heldOutItems(data, 10);
  assert.deepEqual(cat.map((p) => p.id), ["dog", "tiger"]);
  assert.deepEqual(cat[0].models, { baseline: 0.8, variant: 0.9, control: null });
  assert.deepEqual(heldOutItems(data, 11).map((p) => p.id), ["cat", "ice_cream"]);
  assert.deepEqual(heldOutItems(data, 13), []);
});

Deno.test("search: labels, sorted choices and lookup by id, label or word", () => {
  const f = fixture();
  const data = explorerData(f.index, f);
  assert.equal(conceptLabel(data.byId.get("ice_cream")!), "ice cream");
  assert.equal(conceptLabel(data.byId.get("mouse2")!), "Mouse (mouse2)");
  assert.deepEqual(conceptChoices(data).map((c) => c.label), [
    "cat",
    "dog",
    "ice cream",
    "Mouse (mouse2)",
    "tiger",
  ]);
  assert.equal(findConcept(data, "ICE CREAM")?.id, "ice_cream");
  assert.equal(findConcept(data, "mouse (mouse2)")?.id, "mouse2");
  assert.equal(findConcept(data, " mouse ")?.id, "mouse2");
  assert.equal(findConcept(data, "tiger")?.index, 14);
  assert.equal(findConcept(data, "lion"), undefined);
  assert.equal(findConcept(data, ""), undefined);
  assert.equal(conceptView(data, "lion"), undefined);
});

Deno.test("tileSlice: byte ranges and types of the pack; a clear error for a bad tile", () => {
  const pack = fixture().index.thumbnails!;
  assert.deepEqual(tileSlice(pack, 2), { tile: 2, start: 7, end: 12, type: "image/webp" });
  assert.deepEqual(tileSlice(pack, 4), { tile: 4, start: 12, end: 20, type: "image/png" });
  assert.throws(() => tileSlice(pack, 5), /thumbnail 5: expected a tile 0…4 of concepts/);
});

/** The fixture run's explorer files, decoded as the page does (index JSON, Arrow bytes). */
async function fixtureFiles(): Promise<{ raw: Record<string, unknown>; pack: Uint8Array }> {
  const files = await conceptExplorerFiles(repoPath("tests/fixtures/tables"));
  const bytes = new Map(files.map((f) => [f.path, f.bytes]));
  const index = JSON.parse(new TextDecoder().decode(bytes.get("concepts/index.json")));
  const arrow = (name: string) => [...bytes.entries()].find(([p]) => p.startsWith(name))![1];
  return {
    raw: {
      index,
      neighbours: arrow("concepts/neighbours"),
      heldout: arrow("concepts/heldout"),
      stats: arrow("concepts/stats"),
    },
    pack: bytes.get("concepts/thumbnails.bin")!,
  };
}

Deno.test("the explorer element: choosing a concept shows its neighbours (linkedom)", async () => {
  const { raw, pack } = await fixtureFiles();
  const { document, Event } = parseHTML("<!doctype html><html><body></body></html>");
  const globals = globalThis as Record<string, unknown>;
  const saved = { document: globals.document, Event: globals.Event };
  globals.document = document;
  globals.Event = Event;
  try {
    const { conceptExplorer } = await import("../../report/src/components/explorer.js");
    const asked: string[] = [];
    const root = conceptExplorer(raw, explorerLib, {
      files: (path: string) => {
        asked.push(path);
        return pack;
      },
    });
    document.body.append(root);
    assert.ok(root.matches(".ht-explorer"));
    const input = root.querySelector("input[name=concept]");
    const index = raw.index as ExplorerIndex;
    assert.equal(root.value, index.concepts[0].id, "the first concept is shown at first");
    const target = index.concepts.find((c) => c.id === "airplane")!;
    input.value = target.word;
    input.dispatchEvent(new Event("input"));
    assert.equal(root.value, "airplane");
    for (const model of ["baseline", "joint_matrix_alignment", "matrix_control", "human"]) {
      const rows = root.querySelectorAll(`[data-neighbours=${model}] tr[data-concept]`);
      assert.equal(rows.length, index.neighbours, `${model}: ${rows.length} rows`);
    }
    const data = explorerLib.explorerData(index, raw);
    const want = explorerLib.conceptView(data, "airplane")!.models[0].neighbours.map((n) => n.id);
    const shown = [...root.querySelectorAll("[data-neighbours=baseline] tr[data-concept]")]
      .map((tr) => tr.getAttribute("data-concept"));
    assert.deepEqual(shown, want);
    assert.ok(root.querySelector("[data-changes] tr[data-variant=joint_matrix_alignment]"));
    assert.deepEqual(asked, ["concepts/thumbnails.bin"]);
    // the fixture lists models without prototype tables: one note names them and the command
    assert.match(
      root.querySelector(".ht-note").textContent,
      /Not shown.*ImageNet only.*deno task embed/,
    );
    // an unknown name says so instead of showing stale neighbours
    input.value = "no such thing";
    input.dispatchEvent(new Event("change"));
    assert.equal(root.querySelectorAll("[data-neighbours]").length, 0);
    assert.match(root.textContent, /No concept is called “no such thing”/);
  } finally {
    globals.document = saved.document;
    globals.Event = saved.Event;
  }
});
