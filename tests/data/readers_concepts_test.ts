import { strict as assert } from "node:assert";
import {
  ConceptIndex,
  readConceptIds,
  readItemNames,
  readThingsConcepts,
} from "../../src/data/readers/mod.ts";
import {
  allConcepts,
  assertInputError,
  assertThrowsInput,
  DATA,
  fixture,
  tenConcepts,
} from "./readers_fixtures.ts";

Deno.test("readConceptIds: real unique_id.txt in THINGS order (never sorted)", async () => {
  const ids = await readConceptIds(`${DATA}concepts/unique_id.txt`, { count: 1854 });
  assert.equal(ids.length, 1854);
  assert.equal(ids[0], "aardvark");
  assert.equal(ids[1853], "zucchini");
  assert.equal(ids[88 - 1], "bat1");
  // THINGS order differs from a JS sort: the readers must never sort.
  assert.notDeepEqual([...ids].sort(), ids);
});

Deno.test("readConceptIds: count mismatch, duplicates, blank lines, whitespace", async () => {
  const ten = fixture("concepts10.txt");
  assert.equal((await readConceptIds(ten)).length, 10);
  await assertInputError(readConceptIds(ten, { count: 12 }), ten, {
    line: 11,
    pattern: /expected 12 concept ids, found 10/,
  });
  const dup = fixture("concepts_duplicate.txt");
  await assertInputError(readConceptIds(dup), dup, {
    line: 4,
    pattern: /"abacus" again \(first at line 2\)/,
  });
  const blank = fixture("concepts_blank_middle.txt");
  await assertInputError(readConceptIds(blank), blank, { line: 6, pattern: /blank line/ });
  const space = fixture("concepts_space.txt");
  await assertInputError(readConceptIds(space), space, {
    line: 5,
    pattern: /without whitespace, found "air conditioner"/,
  });
  await assertInputError(readConceptIds(fixture("nope.txt")), fixture("nope.txt"), {
    pattern: /no such file/,
  });
});

Deno.test("ConceptIndex: lookup, size, unknown ids throw InputError", async () => {
  const index = await tenConcepts();
  assert.equal(index.size, 10);
  assert.equal(index.indexOf("acorn"), 3);
  assert.equal(index.tryIndexOf("zebra"), -1);
  assert.ok(index.has("airboat"));
  assertThrowsInput(
    () => index.indexOf("zebra", { file: "x.csv", line: 9, column: "uniqueID" }),
    /^x\.csv: line 9, column uniqueID: expected a uniqueID .* found "zebra"$/,
  );
  assertThrowsInput(() => new ConceptIndex(["a", "b", "a"]), /line 3: expected unique concept ids/);
  assertThrowsInput(() => new ConceptIndex(["a", ""]), /line 2: expected a non-empty uniqueID/);
});

Deno.test("readThingsConcepts: real file, order checked, typed fields", async () => {
  const concepts = await allConcepts();
  const rows = await readThingsConcepts(`${DATA}concepts/things_concepts.tsv`, {
    conceptIds: concepts,
  });
  assert.equal(rows.length, 1854);
  assert.deepEqual(rows.map((r) => r.uniqueID), concepts.ids);
  const a = rows[0];
  assert.equal(a.word, "aardvark");
  assert.equal(a.wordnetId, "n02082791");
  assert.deepEqual(a.wordnetSynonyms, ["aardvark", "ant_bear", "anteater", "Orycteropus_afer"]);
  assert.equal(a.concreteness, 4.68);
  assert.equal(a.percentKnown, 1);
  assert.deepEqual(a.frequencies, { cocaOnline: 53, coca: 28, bnc: null, subtlex: 21 });
  assert.deepEqual(a.bottomUpCategories, ["animal"]);
  assert.match(a.definition, /^nocturnal burrowing mammal/);
  assert.equal(a.line, 2);
  const z = rows[1853];
  assert.equal(z.uniqueID, "zucchini");
  assert.deepEqual(z.topDownCategoriesManual, ["food", "vegetable"]);
  assert.equal(rows.find((r) => r.uniqueID === "lightning_bug")?.percentKnown, null);
  assert.equal(rows.filter((r) => r.wordnetId === null).length, 58);
  assert.ok(rows.every((r) => r.wordnetId === null || /^n\d{8}$/.test(r.wordnetId)));
});

Deno.test("readThingsConcepts: malformed fixtures name file and line", async () => {
  const conceptIds = await tenConcepts();
  const ok = await readThingsConcepts(fixture("things_concepts_10.tsv"), { conceptIds });
  assert.equal(ok.length, 10);
  assert.equal(ok[4].word, "air conditioner");
  const cases: [string, number, RegExp][] = [
    ["things_concepts_order.tsv", 4, /column uniqueID: expected "accordion" .* found "acorn"/],
    ["things_concepts_truncated.tsv", 11, /expected 25 tab-separated fields/],
    ["things_concepts_nonnumeric.tsv", 6, /column Concreteness \(M\): .*found "high"/],
    ["things_concepts_nan.tsv", 3, /expected a finite number, found "NaN"/],
    ["things_concepts_unknown.tsv", 2, /expected "aardvark" .* found "aardwolf"/],
    ["things_concepts_missing_row.tsv", 11, /expected 10 concept rows .* found only 9/],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readThingsConcepts(path, { conceptIds }), path, { line, pattern });
  }
});

Deno.test("readItemNames: real file and malformed fixtures", async () => {
  const concepts = await allConcepts();
  const rows = await readItemNames(`${DATA}concepts/items1854names.tsv`, { conceptIds: concepts });
  assert.equal(rows.length, 1854);
  assert.equal(rows[0].wordnetSynset, "aardvark, ant_bear, anteater, Orycteropus_afer");
  assert.equal(rows[0].wordnetSense, "aardvark#1");
  assert.equal(rows[1853].uniqueID, "zucchini");
  const dollhouse = rows.find((r) => r.uniqueID === "dollhouse");
  assert.equal(dollhouse?.wordnetSynset, 'dollhouse, u"doll\'s_house"]');

  const conceptIds = await tenConcepts();
  assert.equal((await readItemNames(fixture("items_10.tsv"), { conceptIds })).length, 10);
  const bad = fixture("items_bad_id.tsv");
  await assertInputError(readItemNames(bad, { conceptIds }), bad, {
    line: 7,
    pattern: /column uniqueID: expected "air_mattress" .* found "air pump"/,
  });
  const cut = fixture("items_truncated.tsv");
  await assertInputError(readItemNames(cut, { conceptIds }), cut, {
    line: 8,
    pattern: /expected 6 tab-separated fields .* found 4$/,
  });
});
