/** Unit tests of the figure helpers in src/figures/common/ (vectors, categories, pairs, PNG, CSV). */
import { strict as assert } from "node:assert";
import { MODEL_STYLES } from "../../src/figures/palette.ts";
import { loadTrainConfig, MODEL_NAMES } from "../../src/train/config.ts";
import { hasBackingData, rowsToCsv } from "../../src/figures/common/backed.ts";
import { memo, memoAll } from "../../src/figures/common/memo.ts";
import { categoryOrder, UNCATEGORISED } from "../../src/figures/common/concepts.ts";
import { humanPairs } from "../../src/figures/common/human.ts";
import { encodePalettePng, parseColor } from "../../src/figures/common/raster.ts";
import {
  similaritiesTo,
  similarityMatrix,
  topK,
  vectorSet,
} from "../../src/figures/common/vectors.ts";
import { percentileRanks, permuteMatrix } from "../../src/figures/gwot/matrix_panel.ts";
import { FIGURES as IMPROVED } from "../../src/figures/improved/mod.ts";
import { decodePng } from "../../src/figures/render.ts";
import type { FigureSpec, Row } from "../../src/figures/spec.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";

Deno.test("vectorSet normalises, skips null, ragged and repeated rows", () => {
  const set = vectorSet([
    { uniqueID: "a", vector_l2: Float32Array.of(3, 4) },
    { uniqueID: "b", vector_l2: null },
    { uniqueID: "c", vector_l2: [0, 2] },
    { uniqueID: "d", vector_l2: [1, 2, 3] },
    { uniqueID: "a", vector_l2: [1, 0] },
  ]);
  assert.deepEqual(set.ids, ["a", "c"]);
  assert.deepEqual(set.dim, 2);
  // (3, 4)/5 normalised (two squares, a sum, a root, a quotient) and stored as float32
  assertFloat32Close(set.data.subarray(0, 2), [0.6, 0.8], {
    scale: 1,
    terms: 5,
    label: "normalised (3, 4)",
    arithmetic: ["float64→float32", "float64"],
  });
  assert.deepEqual([...set.data.subarray(2)], [0, 1]);
});

Deno.test("topK orders by score, breaks ties by index, honours include", () => {
  const scores = [0.5, 0.9, 0.5, NaN, 0.9, 0.1];
  assert.deepEqual(topK(scores, 4), [1, 4, 0, 2]);
  assert.deepEqual(topK(scores, 2, { include: (i) => i !== 1 }), [4, 0]);
  assert.deepEqual(topK(scores, 0), []);
});

Deno.test("similarityMatrix matches pairwise cosines, NaN for missing ids", () => {
  const rows: Row[] = [];
  for (let i = 0; i < 7; i++) {
    rows.push({
      uniqueID: `c${i}`,
      vector_l2: Float32Array.from({ length: 5 }, (_, k) => Math.sin(i * 3 + k)),
    });
  }
  const set = vectorSet(rows);
  const ids = ["c3", "c0", "missing", "c6", "c1", "c5", "c2", "c4"];
  const m = similarityMatrix(set, ids);
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = set.index.get(ids[i]), b = set.index.get(ids[j]);
      if (a === undefined || b === undefined) {
        assert.ok(Number.isNaN(m[i * n + j]));
        continue;
      }
      // two evaluations of a 5-term dot product of unit vectors (Σ|a||b| ≤ 1), either stored
      // as float32
      assertFloat32Close([m[i * n + j]], [similaritiesTo(set, a)[b]], {
        scale: 1,
        terms: 5,
        label: `cosine ${ids[i]}, ${ids[j]}`,
        arithmetic: ["float64→float32", "float64→float32"],
      });
    }
  }
});

Deno.test("categoryOrder: primary = most common category, blocks by size, uncategorised last", () => {
  const cats: Record<string, string[]> = {
    dog: ["animal", "mammal"],
    cat: ["animal", "mammal"],
    cow: ["animal", "mammal", "farm animal"],
    hen: ["animal", "bird", "farm animal"],
    apple: ["food", "fruit"],
    pear: ["fruit", "food"],
    rock: [],
    cup: ["container"],
  };
  const ids = ["rock", "apple", "dog", "cup", "hen", "pear", "cat", "cow"];
  const order = categoryOrder(ids, (id) => cats[id]);
  assert.deepEqual(order.order.map((i) => ids[i]), [
    "dog",
    "hen",
    "cat",
    "cow",
    "apple",
    "pear",
    "cup",
    "rock",
  ]);
  // food and fruit tie at 2 members: alphabetical
  assert.deepEqual(order.primary[ids.indexOf("apple")], "food");
  assert.deepEqual(order.blocks.map((b) => [b.category, b.start, b.size]), [
    ["animal", 0, 4],
    ["food", 4, 2],
    ["container", 6, 1],
    [UNCATEGORISED, 7, 1],
  ]);
});

Deno.test("humanPairs: symmetric lookup, splits, partners, unknown pairs", () => {
  const pairs = humanPairs({
    human_pairs: [
      { a: 1, b: 2, a_uniqueID: "x", b_uniqueID: "y", similarity: 0.7, split: "train" },
      { a: 1, b: 5, a_uniqueID: "x", b_uniqueID: "z", similarity: 0.2, split: "test" },
      { a: 2, b: 5, a_uniqueID: "y", b_uniqueID: "z", similarity: null, split: "val" },
    ],
  });
  assert.deepEqual(pairs.similarity("y", "x"), 0.7);
  assert.deepEqual(pairs.split("z", "x"), "test");
  assert.deepEqual(pairs.similarity("y", "z"), null);
  assert.deepEqual(pairs.similarity("x", "nope"), null);
  assert.deepEqual(pairs.partners("x").map((p) => [p.uniqueID, p.split]), [["y", "train"], [
    "z",
    "test",
  ]]);
  assert.deepEqual(pairs.partners("nope"), []);
});

Deno.test("encodePalettePng writes a PNG that decodes to the same pixels", async () => {
  const width = 5, height = 3;
  const palette: [number, number, number][] = [[255, 0, 0], [0, 128, 255], [10, 20, 30]];
  const pixels = Uint8Array.from({ length: width * height }, (_, i) => i % 3);
  const png = encodePalettePng(pixels, { width, height, palette });
  const decoded = await decodePng(png);
  assert.deepEqual([decoded.width, decoded.height], [width, height]);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b] = palette[pixels[i]];
    assert.deepEqual([...decoded.data.subarray(i * 4, i * 4 + 4)], [r, g, b, 255]);
  }
  // more than one stored deflate block (65,535 bytes each)
  const big = encodePalettePng(new Uint8Array(300 * 300), { width: 300, height: 300, palette });
  assert.deepEqual((await decodePng(big)).width, 300);
  assert.throws(() => encodePalettePng(pixels, { width: 4, height: 3, palette }), RangeError);
});

Deno.test("parseColor reads hex and rgb() colours", () => {
  assert.deepEqual(parseColor("#0a0B0c"), [10, 11, 12]);
  assert.deepEqual(parseColor("rgb(1, 2, 3)"), [1, 2, 3]);
  assert.throws(() => parseColor("red"), RangeError);
});

Deno.test("percentileRanks: ties share ranks, diagonal 0, NaN stays NaN", () => {
  const n = 3;
  const m = [0, 0.2, 0.5, 0.2, 0, NaN, 0.5, NaN, 0];
  const r = percentileRanks(m, n);
  assert.deepEqual(r[0], 0);
  assert.deepEqual(r[1], 0);
  assert.deepEqual(r[3], 0);
  assert.deepEqual(r[2], 1);
  assert.ok(Number.isNaN(r[5]));
  const ties = percentileRanks([0, 1, 1, 1, 0, 1, 1, 1, 0], 3);
  assert.deepEqual([ties[1], ties[2], ties[5]], [0.5, 0.5, 0.5]);
  assert.deepEqual([...permuteMatrix([1, 2, 3, 4], { n: 2, order: [1, 0] })], [4, 3, 2, 1]);
});

Deno.test("rowsToCsv quotes, unions columns and writes empty cells for nulls", () => {
  const csv = rowsToCsv([
    { model: "a,b", value: 0.5 },
    { model: 'say "hi"', extra: null, value: NaN },
  ]);
  assert.deepEqual(csv, 'model,value,extra\n"a,b",0.5,\n"say ""hi""",,\n');
  assert.deepEqual(rowsToCsv([]), "\n");
});

Deno.test("every improved figure has backing data", () => {
  for (const spec of IMPROVED as FigureSpec[]) assert.ok(hasBackingData(spec), spec.name);
});

Deno.test("memo computes once per row array and key", () => {
  let calls = 0;
  const rows: Row[] = [{ x: 1 }];
  const f = () => ++calls;
  assert.equal(memo(rows, "k", f), 1);
  assert.equal(memo(rows, "k", f), 1);
  assert.equal(memo(rows, "other", f), 2);
  assert.equal(memo([...rows], "k", f), 3);
  const other: Row[] = [];
  assert.equal(memoAll([rows, undefined], "k", f), 4);
  assert.equal(memoAll([rows, undefined], "k", f), 4);
  assert.equal(memoAll([rows, other], "k", f), 5);
});

Deno.test("the palette styles every trained model in training order, and each control names its variant", async () => {
  const styled = MODEL_STYLES.map((s) => s.model).filter((m) =>
    (MODEL_NAMES as readonly string[]).includes(m)
  );
  assert.deepEqual(styled, [...MODEL_NAMES], "MODEL_STYLES lists the trained models in order");
  for (const name of MODEL_NAMES) {
    const config = await loadTrainConfig(name);
    const style = MODEL_STYLES.find((s) => s.model === name)!;
    if (config.controlOf) assert.equal(style.kind, "control", `${name} is a control`);
    else if (name !== "baseline") assert.equal(style.kind, "human-informed", name);
  }
});
