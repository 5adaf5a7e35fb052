import { strict as assert } from "node:assert";
import { readSposeEmbedding } from "../../src/data/readers/mod.ts";
import { assertInputError, DATA, fixture } from "./readers_fixtures.ts";

Deno.test("readSposeEmbedding: real 1854 x 49 matrix, fast", async () => {
  const path = `${DATA}spose49/spose_embedding_49d_sorted.txt`;
  const m = await readSposeEmbedding(path, { rows: 1854, cols: 49 });
  assert.equal(m.rows, 1854);
  assert.equal(m.cols, 49);
  assert.equal(m.data.length, 1854 * 49);
  assert.equal(m.data[0], 0.0234450157731771469116);
  assert.equal(m.data[1853 * 49 + 48], 0.012819960713386536);
  let total = 0;
  const colSum = new Float64Array(49);
  for (let i = 0; i < m.data.length; i++) {
    total += m.data[i];
    colSum[i % 49] += m.data[i];
  }
  assert.ok(Math.abs(total - 14987.679184355202) < 1e-8, `total ${total}`);
  for (let c = 1; c < 49; c++) assert.ok(colSum[c] <= colSum[c - 1], "column sums descend");
});

Deno.test("readSposeEmbedding: small fixture with trailing spaces", async () => {
  const m = await readSposeEmbedding(fixture("spose_10x5.txt"));
  assert.equal(m.rows, 10);
  assert.equal(m.cols, 5);
  assert.equal(m.data[2], 2.6347568035125732421875);
});

Deno.test("readSposeEmbedding: malformed fixtures name file, line and column", async () => {
  const cases: [string, number, RegExp][] = [
    ["spose_truncated.txt", 10, /expected 5 whitespace-separated values \(as on line 1\), found 3/],
    ["spose_wrong_cols.txt", 5, /expected 5 whitespace-separated values .*found 6/],
    ["spose_nonnumeric.txt", 4, /line 4, column 2: expected a finite number, found "abc"/],
    ["spose_nan.txt", 7, /line 7, column 5: expected a finite number, found "NaN"/],
    ["spose_inf.txt", 2, /line 2, column 1: expected a finite number, found "Infinity"/],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    await assertInputError(readSposeEmbedding(path), path, { line, pattern });
  }
  const path = fixture("spose_10x5.txt");
  await assertInputError(readSposeEmbedding(path, { rows: 1854 }), path, {
    line: 11,
    pattern: /expected 1854 rows, found 10/,
  });
  await assertInputError(readSposeEmbedding(path, { cols: 49 }), path, {
    line: 1,
    pattern: /expected 49 whitespace-separated values, found 5/,
  });
});
