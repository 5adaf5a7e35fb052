/**
 * The typed column reader (`src/tables/reader.ts`) and the whole-column helpers
 * (`src/tables/columns.ts`) against Arrow's own cell access, on random tables of several chunks
 * with nulls and non-ASCII strings.
 */
import { strict as assert } from "node:assert";
import { makeData, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { stringColumn } from "../../src/io/arrow.ts";
import { numberColumn, stringValues } from "../../src/tables/columns.ts";
import { tableReader } from "../../src/tables/reader.ts";
import { withSeed } from "../_helpers/seed.ts";

/** A random string column in `chunks` chunks: ASCII, non-ASCII and (optionally) null cells. */
function randomStrings(next: () => number, n: number, nulls: boolean): (string | null)[] {
  const words = ["train", "val", "test", "Ärger", "雪", "a b", ""];
  return Array.from(
    { length: n },
    () => nulls && next() < 0.1 ? null : words[Math.floor(next() * words.length)],
  );
}

Deno.test("reader: strings, numbers and stringValues equal Arrow's cells, over chunks and nulls", async () => {
  await withSeed("tables reader", (rng) => {
    const next = () => rng.next();
    for (const nulls of [false, true]) {
      const parts = [
        randomStrings(next, 37, nulls),
        randomStrings(next, 1, nulls),
        randomStrings(next, 500, nulls),
      ];
      const numbers = parts.map((p) =>
        p.map(() => (nulls && next() < 0.1 ? null : next() * 100 - 50))
      );
      // one table of three record batches: each column has three chunks
      const batches = parts.map((p, k) =>
        new Table({ s: stringColumn(p), x: vectorFromArray(numbers[k]) }).batches[0]
      );
      const table = new Table(batches);
      assert.equal(table.getChild("s")!.data.length, 3);
      const reader = tableReader(table, "random.arrow");
      const cells = table.getChild("s")!.toArray() as (string | null)[];
      assert.deepEqual(reader.strings("s"), Array.from(cells, String));
      assert.deepEqual(stringValues(table, "s"), Array.from(cells, (v) => v ?? null));
      const xs = Array.from({ length: table.numRows }, (_, i) => table.getChild("x")!.get(i));
      assert.deepEqual(
        Array.from(reader.numbers("x")),
        xs.map((v) => (v == null ? NaN : Number(v))),
      );
      assert.deepEqual(numberColumn(table, "x"), reader.numbers("x"));
    }
  });
});

Deno.test("reader: a missing column is an error naming the file; stringValues gives nulls", () => {
  const table = new Table({ s: makeVector(makeData({ type: new Utf8(), length: 0 })) });
  const reader = tableReader(table, "some/file.arrow");
  assert.throws(() => reader.strings("nope"), /some\/file\.arrow: no column nope/);
  assert.throws(() => reader.numbers("nope"), /some\/file\.arrow: no column nope/);
  assert.deepEqual(stringValues(table, "nope"), []);
});
