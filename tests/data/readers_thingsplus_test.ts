import { strict as assert } from "node:assert";
import {
  readObjectProperties,
  readSizeRatings,
  readThingsplusCategories,
} from "../../src/data/readers/mod.ts";
import { allConcepts, assertInputError, DATA, fixture, tenConcepts } from "./readers_fixtures.ts";

Deno.test("readThingsplusCategories: real file, 53 categories, footer verified", async () => {
  const concepts = await allConcepts();
  const path = `${DATA}thingsplus/Categories_final_20200131.tsv`;
  const cats = await readThingsplusCategories(path, { conceptIds: concepts });
  assert.equal(cats.names.length, 53);
  assert.equal(cats.cols, 53);
  assert.equal(cats.rows, 1854);
  assert.equal(cats.member.length, 1854 * 53);
  assert.equal(cats.names[0], "animal");
  assert.equal(cats.names[52], "women's clothing");
  assert.equal(cats.counts[0], 177);
  const sum = cats.member.reduce((s, v) => s + v, 0);
  assert.equal(sum, 2355);
  let withAny = 0;
  for (let r = 0; r < 1854; r++) {
    if (cats.member.subarray(r * 53, r * 53 + 53).some((v) => v === 1)) withAny++;
  }
  assert.equal(withAny, 1448);
  const of = (id: string) =>
    cats.names.filter((_, c) => cats.member[concepts.indexOf(id) * 53 + c] === 1);
  assert.deepEqual(of("aardvark"), ["animal", "mammal"]);
  assert.deepEqual(of("zucchini"), ["food", "vegetable"]);
  assert.equal(cats.words[concepts.indexOf("bat1")], "bat");
});

Deno.test("readThingsplusCategories: fixture and malformed variants", async () => {
  const conceptIds = await tenConcepts();
  const ok = await readThingsplusCategories(fixture("categories_10.tsv"), { conceptIds });
  assert.equal(ok.rows, 10);
  assert.equal(ok.counts[0], 1);
  const cases: [string, number, RegExp][] = [
    [
      "categories_bad_footer.tsv",
      12,
      /column animal: expected the footer count to equal the column sum 1, found "2"/,
    ],
    [
      "categories_footer_nonnumeric.tsv",
      12,
      /column body part: expected an integer .* found "many"/,
    ],
    ["categories_no_footer.tsv", 12, /expected 10 concept rows .* found 10 rows and no footer/],
    ["categories_truncated.tsv", 5, /expected 55 tab-separated fields .* found 20/],
    ["categories_bad_cell.tsv", 3, /column clothing: expected "1" or blank, found "x"/],
    ["categories_nan.tsv", 4, /column bird: expected "1" or blank, found "NaN"/],
    ["categories_extra_row.tsv", 12, /expected 10 concept rows .* found 11 concept rows/],
    [
      "categories_shifted.tsv",
      5,
      /column Word: expected the word of concept 4, "acorn", found "air conditioner"/,
    ],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readThingsplusCategories(path, { conceptIds }), path, { line, pattern });
  }
  const shifted = fixture("categories_shifted.tsv");
  const loose = await readThingsplusCategories(shifted, { conceptIds, checkWords: false });
  assert.equal(loose.words[3], "air conditioner");
});

Deno.test("readObjectProperties: real file joined by uniqueID", async () => {
  const concepts = await allConcepts();
  const path = `${DATA}thingsplus/objectProperties_animacy.csv`;
  const p = await readObjectProperties(path, { conceptIds: concepts });
  assert.deepEqual(p.names, [
    "manmade",
    "precious",
    "lives",
    "heavy",
    "natural",
    "moves",
    "grasp",
    "hold",
    "be.moved",
    "pleasant",
    "arousing",
  ]);
  assert.equal(p.rows, 1854);
  assert.equal(p.mean.length, 1854 * 11);
  assert.equal(p.mean[0], 1.2632);
  assert.equal(p.sd[0], 1.005);
  assert.equal(p.n[0], 39);
  // ice_cream is out of THINGS order in the file; the join puts it at its canonical row.
  const ice = concepts.indexOf("ice_cream");
  assert.equal(ice, 817);
  assert.equal(p.mean[ice * 11], 6.4865);
  assert.equal(p.mean[ice * 11 + 10], 3.1892);
  assert.equal(p.n[ice], 38);
  const hot = concepts.indexOf("hot-water_bottle");
  assert.equal(p.mean[hot * 11 + 1], 2.8788);
  assert.equal(p.n[hot], 36);
});

Deno.test("readObjectProperties: fixture and malformed variants", async () => {
  const conceptIds = await tenConcepts();
  const p = await readObjectProperties(fixture("props_10.csv"), { conceptIds });
  assert.equal(p.rows, 10);
  assert.equal(p.mean[0], 1.2632); // aardvark, line 3 of the fixture, row 0
  assert.equal(p.n[3], 34); // acorn, line 2 of the fixture, row 3
  const cases: [string, number | undefined, RegExp][] = [
    [
      "props_unknown.csv",
      4,
      /column uniqueID: expected a uniqueID from the concept list .* found "zebra"/,
    ],
    ["props_duplicate.csv", 7, /"aardvark" again \(first at line 3\)/],
    ["props_nan.csv", 5, /column precious_sd: expected a finite number, found "NaN"/],
    ["props_nonnumeric.csv", 8, /column manmade_mean: expected a finite number, found "n\/a"/],
    ["props_truncated.csv", 9, /expected 24 comma-separated fields .* found 10/],
    ["props_negative_n.csv", 2, /column n: expected an integer in \[0, .* found "-3"/],
    [
      "props_missing.csv",
      undefined,
      /expected a row for every concept .* found 2 missing \(air_conditioner, air_pump\)/,
    ],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readObjectProperties(path, { conceptIds }), path, { line, pattern });
  }
});

Deno.test("readSizeRatings: real file joined by uniqueID after ' ' -> '_'", async () => {
  const concepts = await allConcepts();
  const s = await readSizeRatings(`${DATA}thingsplus/size_fixed.csv`, { conceptIds: concepts });
  assert.equal(s.rows, 1854);
  assert.equal(s.meanSize.length, 1854);
  assert.equal(s.meanSize[0], 273.7432432432432);
  assert.equal(s.medianSize[0], 271.5);
  assert.equal(s.nRatings[0], 44);
  const ac = concepts.indexOf("air_conditioner");
  assert.equal(s.meanSize[ac], 281.9239130434783);
  assert.equal(s.medianSize[ac], 280.75);
  assert.equal(s.words[ac], "air conditioner");
  assert.equal(s.columns.meanSize, s.meanSize);
  assert.equal(Object.keys(s.columns).length, 19);
  assert.ok(s.meanSize.every(Number.isFinite));
});

Deno.test("readSizeRatings: fixture and malformed variants", async () => {
  const conceptIds = await tenConcepts();
  const s = await readSizeRatings(fixture("size_10.csv"), { conceptIds });
  assert.equal(s.meanSize[0], 273.7432432432432); // aardvark is the last line of the fixture
  assert.equal(s.meanSize[4], 281.9239130434783);
  const cases: [string, number | undefined, RegExp][] = [
    ["size_unknown.csv", 6, /column uniqueID: expected a uniqueID .* found "air_compressor"/],
    ["size_nan.csv", 4, /column meanSize: expected a finite number, found "NaN"/],
    ["size_nonnumeric.csv", 9, /column medianSize: expected a finite number, found "big"/],
    ["size_truncated.csv", 7, /expected 22 semicolon-separated fields .* found 8/],
    ["size_duplicate.csv", 8, /"aircraft_carrier" again \(first at line 2\)/],
    ["size_missing.csv", undefined, /found 1 missing \(aircraft_carrier\)/],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readSizeRatings(path, { conceptIds }), path, { line, pattern });
  }
});
