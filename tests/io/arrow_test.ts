import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  stringListColumn,
  tableMetadata,
  vectorColumn,
  vectorColumnToFlat,
  writeTable,
} from "../../src/io/arrow.ts";
import { InputError } from "../../src/io/errors.ts";

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
