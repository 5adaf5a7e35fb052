import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  boolColumn,
  concatTables,
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  stringListColumn,
  tableMetadata,
  vectorColumn,
  vectorColumnToFlat,
  withMetadata,
  writeTable,
} from "../../src/io/arrow.ts";
import { InputError } from "../../src/io/errors.ts";
import { withSeed } from "../_helpers/seed.ts";

Deno.test("arrow: round trip with metadata, lists, nulls and vectors", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "t.arrow");
  const flat = Float64Array.from({ length: 12 }, (_, i) => i / 3);
  const table = makeTable({
    id: stringColumn(["a", "b", null, "d"]),
    n: int32Column([1, 2, 3, 4]),
    x: float64Column([0.5, null, 2, 3]),
    cats: stringListColumn([["x"], [], ["y", "z"], ["w"]]),
    vec: vectorColumn(flat, 3),
  });
  await writeTable(path, table, { task: "test", version: "0.0.1", seed: 7, inputs: { f: "abc" } });
  const back = await readTable(path, { require: ["id", "vec"] });
  assert.equal(back.numRows, 4);
  assert.deepEqual(back.getChild("id")!.toArray(), ["a", "b", null, "d"]);
  assert.equal(back.getChild("x")!.get(1), null);
  assert.deepEqual([...back.getChild("cats")!.get(2)!], ["y", "z"]);
  const v = vectorColumnToFlat(back, "vec");
  assert.equal(v.dim, 3);
  assert.deepEqual([...v.data], [...flat]);
  const meta = tableMetadata(back);
  assert.equal(meta.task, "test");
  assert.equal(meta.seed, 7);
  assert.deepEqual(meta.inputs, { f: "abc" });
  // sliced tables keep the right vectors
  const sliced = vectorColumnToFlat(back.slice(1, 3), "vec");
  assert.deepEqual([...sliced.data], [...flat.subarray(3, 9)]);
  // no temp files left
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.deepEqual(names, ["t.arrow"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("arrow: clear errors for missing file, bad bytes, missing column", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    readTable(join(dir, "none.arrow")),
    (e: Error) => e instanceof InputError && /none\.arrow/.test(e.message),
  );
  await Deno.writeTextFile(join(dir, "bad.arrow"), "not arrow");
  await assert.rejects(readTable(join(dir, "bad.arrow")), /bad\.arrow: expected an Arrow IPC file/);
  await writeTable(join(dir, "ok.arrow"), makeTable({ a: int32Column([1]) }), {
    task: "t",
    version: "0",
  });
  await assert.rejects(
    readTable(join(dir, "ok.arrow"), { require: ["b"] }),
    /ok\.arrow: expected columns b, found no column b/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("arrow: makeTable rejects columns of different lengths", () => {
  assert.throws(
    () => makeTable({ a: int32Column([1]), b: int32Column([1, 2]) }),
    /differ in length/,
  );
});

Deno.test("arrow: concatTables joins parts into the rows of one table, one batch, no metadata", async () => {
  await withSeed("concatTables", (rng) => {
    const n = 5 + Math.floor(rng.next() * 40);
    const maybe = <T>(v: T) => (rng.next() < 0.2 ? null : v);
    const rows = Array.from({ length: n }, (_, i) => ({
      model: maybe(`m${Math.floor(rng.next() * 5)}`),
      seed: maybe(i % 3),
      top1: maybe(rng.next()),
      best: rng.next() < 0.5,
    }));
    const build = (part: typeof rows) =>
      makeTable({
        model: stringColumn(part.map((r) => r.model)),
        seed: int32Column(part.map((r) => r.seed)),
        top1: float64Column(part.map((r) => r.top1)),
        best: boolColumn(part.map((r) => r.best)),
      });
    // random cut points (empty parts included)
    const cuts = [0, ...Array.from({ length: 3 }, () => Math.floor(rng.next() * (n + 1))), n]
      .sort((a, b) => a - b);
    const parts = cuts.slice(1).map((end, i) =>
      withMetadata(build(rows.slice(cuts[i], end)), { task: `part ${i}`, version: "0" })
    );
    const joined = concatTables(parts);
    assert.equal(joined.batches.length, 1);
    assert.equal(joined.numRows, n);
    const whole = build(rows);
    for (const field of whole.schema.fields) {
      assert.equal(String(joined.getChild(field.name)!.type), String(field.type), field.name);
      assert.deepEqual([...joined.getChild(field.name)!], [...whole.getChild(field.name)!]);
    }
    assert.deepEqual(tableMetadata(joined), {});
  });
  // parts with other columns: an error naming the file
  const a = makeTable({ x: float64Column([1]) }), b = makeTable({ x: int32Column([1]) });
  assert.throws(() => concatTables([a, b], ["a.arrow", "b.arrow"]), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(
      e.message,
      /^b\.arrow: expected the columns of a\.arrow \(x: Float64\), found x: Int32/,
    );
    return true;
  });
  assert.throws(() => concatTables([]), /no tables/);
});
