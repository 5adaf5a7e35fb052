import { strict as assert } from "node:assert";
import { readTriplets, tripletsFromArrays } from "../../src/data/readers/mod.ts";
import { assertInputError, assertThrowsInput, DATA, fixture } from "./readers_fixtures.ts";

Deno.test("readTriplets: thingsdata_test_10_ID.txt (0-based, subject), parsed fast", async () => {
  const path = `${DATA}triplets/thingsdata_test_10_ID.txt`;
  const t = await readTriplets(path, { nConcepts: 1854 });
  assert.equal(t.format, "zero-based");
  assert.equal(t.n, 127304);
  assert.equal(t.a.length, 127304);
  assert.deepEqual([t.a[0], t.b[0], t.odd[0], t.subject?.[0]], [1663, 1132, 1, 0]);
  const last = t.n - 1;
  assert.deepEqual([t.a[last], t.b[last], t.odd[last], t.subject?.[last]], [190, 670, 717, 263]);
  assert.equal(new Set(t.subject).size, 264);
});

Deno.test("readTriplets: 2171trials_humans.txt (0-based, no subject)", async () => {
  const t = await readTriplets(`${DATA}triplets/2171trials_humans.txt`, { nConcepts: 1854 });
  assert.equal(t.format, "zero-based");
  assert.equal(t.n, 2171);
  assert.equal(t.subject, undefined);
  assert.deepEqual([t.a[0], t.b[0], t.odd[0]], [1244, 1049, 493]);
  assert.deepEqual([t.a[2170], t.b[2170], t.odd[2170]], [1126, 259, 236]);
});

Deno.test("readTriplets: noise-ceiling file is detected and converted to 0-based", async () => {
  const path = `${DATA}triplets/triplets_noiseceiling.csv`;
  const t = await readTriplets(path, { nConcepts: 1854 });
  assert.equal(t.format, "noise-ceiling");
  assert.equal(t.n, 20000);
  // "128 1107 734 1 272": item 1 is the odd one out.
  assert.deepEqual([t.a[0], t.b[0], t.odd[0], t.subject?.[0]], [1106, 733, 127, 272]);
  // "584 948 757 3 272": item 3 is the odd one out.
  assert.deepEqual([t.a[2], t.b[2], t.odd[2]], [583, 947, 756]);
  // "967 544 1114 3 199"
  assert.deepEqual([t.a[19999], t.b[19999], t.odd[19999], t.subject?.[19999]], [
    966,
    543,
    1113,
    199,
  ]);
  const forced = await readTriplets(path, { nConcepts: 1854, format: "noise-ceiling" });
  assert.deepEqual(forced.odd, t.odd);
  await assertInputError(readTriplets(path, { nConcepts: 1854, format: "zero-based" }), path, {
    line: 1,
    pattern: /expected 3 or 4 columns .* found 5 columns/,
  });
});

Deno.test("readTriplets: small valid fixtures", async () => {
  const zero = await readTriplets(fixture("triplets_zero.txt"), { nConcepts: 10 });
  assert.deepEqual([...zero.a], [1, 4, 7, 0, 3]);
  assert.deepEqual([...zero.b], [2, 5, 8, 9, 1]);
  assert.deepEqual([...zero.odd], [3, 6, 9, 2, 4]);
  assert.deepEqual([...(zero.subject ?? [])], [0, 0, 1, 1, 2]);
  const float = await readTriplets(fixture("triplets_float.txt"), { nConcepts: 10 });
  assert.deepEqual([...float.a, ...float.b, ...float.odd], [3, 2, 8, 1, 0, 6, 7, 9, 5]);
  const nc = await readTriplets(fixture("triplets_nc.tsv"), { nConcepts: 10 });
  assert.equal(nc.format, "noise-ceiling");
  // rows (1-based): 1 2 3 c1 | 4 5 6 c2 | 7 8 9 c3 | 10 1 2 c2
  assert.deepEqual([...nc.odd], [0, 4, 8, 0]);
  assert.deepEqual([...nc.a], [1, 3, 6, 9]);
  assert.deepEqual([...nc.b], [2, 5, 7, 1]);
  assert.deepEqual([...(nc.subject ?? [])], [5, 5, 6, 7]);
});

Deno.test("readTriplets: malformed fixtures name file and line", async () => {
  const cases: [string, number, RegExp][] = [
    [
      "triplets_out_of_range.txt",
      3,
      /column 2: expected an integer concept index in \[0, 9\], found "10"/,
    ],
    [
      "triplets_nc_out_of_range.tsv",
      2,
      /column 1: expected an integer concept index in \[1, 10\], found "0"/,
    ],
    ["triplets_nc_bad_choice.tsv", 2, /column 4: expected a choice .* 1, 2 or 3, found "4"/],
    ["triplets_repeated.txt", 2, /expected three different concepts in a triplet, found "3 3 5"/],
    [
      "triplets_truncated.txt",
      3,
      /expected 4 whitespace-separated values .* found 2 \(truncated row\?\)/,
    ],
    ["triplets_wrong_cols.txt", 1, /expected 3 or 4 columns .* found 6 columns/],
    ["triplets_mixed_cols.txt", 3, /expected 4 whitespace-separated values .* found 3/],
    ["triplets_nonnumeric.txt", 2, /column 2: expected an integer concept index .* found "x"/],
    ["triplets_nan.txt", 2, /column 2: expected an integer concept index .* found "NaN"/],
    ["triplets_noninteger.txt", 2, /column 2: expected an integer concept index .* found "5.5"/],
    ["triplets_blank_middle.txt", 2, /found a blank line/],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readTriplets(path, { nConcepts: 10 }), path, { line, pattern });
  }
});

Deno.test("tripletsFromArrays: builds and validates", () => {
  const t = tripletsFromArrays({ a: [0, 1], b: [1, 2], odd: [2, 0], subject: [7, 8] }, {
    nConcepts: 3,
  });
  assert.equal(t.n, 2);
  assert.equal(t.format, "zero-based");
  assert.ok(t.a instanceof Int32Array);
  assert.deepEqual([...t.odd], [2, 0]);
  assert.deepEqual([...(t.subject ?? [])], [7, 8]);
  assertThrowsInput(
    () => tripletsFromArrays({ a: [0, 1], b: [1, 3], odd: [2, 0] }, { nConcepts: 3 }),
    /^<arrays>: row 2, column b: expected an integer concept index in \[0, 2\], found 3$/,
  );
  assertThrowsInput(
    () => tripletsFromArrays({ a: [0], b: [0], odd: [1] }, { nConcepts: 3, source: "mem" }),
    /^mem: row 1: expected three different concepts/,
  );
  assertThrowsInput(
    () => tripletsFromArrays({ a: [0, 1], b: [1], odd: [2, 0] }, { nConcepts: 3 }),
    /column b: expected 2 values/,
  );
  assertThrowsInput(
    () => tripletsFromArrays({ a: [0], b: [1], odd: [2.5] }, { nConcepts: 3 }),
    /column odd: .*found 2\.5/,
  );
});
