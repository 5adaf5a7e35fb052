import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeNpy, parseNpy, readNpy, writeNpy } from "../../src/io/npy.ts";
import { InputError } from "../../src/io/errors.ts";
import { runPython } from "../_helpers/python.ts";

const DIR = fileURLToPath(new URL("../fixtures/io/", import.meta.url));
const fixture = (name: string) => join(DIR, "npy", name);
const expected: Record<string, { shape: number[]; values: number[]; descr?: string }> = JSON.parse(
  await Deno.readTextFile(join(DIR, "expected.json")),
);

async function rejects(name: string, pattern: RegExp): Promise<InputError> {
  const error = await readNpy(fixture(name)).then(
    () => assert.fail(`${name} should not parse`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InputError, `${name}: ${error}`);
  assert.match(error.message, pattern);
  return error;
}

Deno.test("readNpy reads numeric dtypes with shape and values", async () => {
  const cases: [string, string, string][] = [
    ["f4", "float32", "Float32Array"],
    ["f8", "float64", "Float64Array"],
    ["i4", "int32", "Int32Array"],
    ["i8", "int64", "Float64Array"],
    ["u1", "uint8", "Uint8Array"],
    ["b1", "bool", "Uint8Array"],
    ["be_f8", "float64", "Float64Array"],
    ["be_i4", "int32", "Int32Array"],
    ["scalar", "float64", "Float64Array"],
    ["empty", "float64", "Float64Array"],
    ["i2", "int16", "Int16Array"],
    ["u8", "uint64", "Float64Array"],
  ];
  for (const [name, dtype, ctor] of cases) {
    const array = await readNpy(fixture(`${name}.npy`));
    const want = expected[`npy/${name}`];
    assert.equal(array.dtype, dtype, name);
    assert.equal(array.descr, want.descr, name);
    assert.equal(array.data.constructor.name, ctor, name);
    assert.deepEqual(array.shape, want.shape, name);
    assert.deepEqual(Array.from(array.data), want.values, name);
  }
});

Deno.test("readNpy reads format versions 2.0 and 3.0", async () => {
  for (const name of ["v2", "v3"]) {
    const array = await readNpy(fixture(`${name}.npy`));
    assert.deepEqual(array.shape, expected[`npy/${name}`].shape);
    assert.deepEqual(Array.from(array.data), expected[`npy/${name}`].values);
  }
});

Deno.test("parseNpy copies unaligned data and keeps values", async () => {
  const bytes = await Deno.readFile(fixture("f8.npy"));
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const array = parseNpy(shifted.subarray(3), { file: "shifted.npy" });
  assert.deepEqual(Array.from(array.data), expected["npy/f8"].values);
});

Deno.test("writeNpy round-trips float32, float64 and int32, readable by numpy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-npy-" });
  try {
    const inputs = [
      { data: new Float64Array([1, 2.5, -3, 4, 5, 6]), shape: [2, 3] },
      { data: new Float32Array([0.5, -1.5]), shape: [2] },
      { data: new Int32Array([7, -8, 9, 10]), shape: [2, 1, 2] },
      { data: new Float64Array([42]), shape: [] },
    ];
    for (const [i, input] of inputs.entries()) {
      const path = join(dir, `a${i}.npy`);
      await writeNpy(path, input);
      const bytes = await Deno.readFile(path);
      assert.equal(bytes.length % 64, input.data.byteLength % 64, "data start 64-byte aligned");
      const back = await readNpy(path);
      assert.deepEqual(back.shape, input.shape);
      assert.equal(back.data.constructor, input.data.constructor);
      assert.deepEqual(Array.from(back.data), Array.from(input.data));
      const loaded = await runPython<{ shape: number[]; v: number[] }>(
        `a = np.load(${JSON.stringify(path)}); out({"shape": list(a.shape), "v": a.ravel()})`,
      );
      assert.deepEqual(loaded, { shape: input.shape, v: Array.from(input.data) }, "numpy agrees");
    }
    assert.throws(() => encodeNpy({ data: new Float64Array(5), shape: [2, 3] }), RangeError);
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(entries, ["a0.npy", "a1.npy", "a2.npy", "a3.npy"], "no temp files left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNpy rejects malformed files naming the file and byte offset", async () => {
  await rejects(
    "truncated.npy",
    /truncated\.npy: byte 128: expected 48 data bytes.*found 43 bytes \(truncated file\)/,
  );
  await rejects("extra.npy", /extra\.npy: byte 128: expected 48 data bytes.*found 56 bytes/);
  await rejects(
    "bad_magic.npy",
    /bad_magic\.npy: byte 0: expected the magic string.*found bytes 93 4e 55 4d 50 5a/,
  );
  await rejects(
    "bad_version.npy",
    /bad_version\.npy: byte 6: expected format version.*found version 7\.0/,
  );
  await rejects(
    "header_overrun.npy",
    /header_overrun\.npy: byte 10: expected a header of 60000 bytes/,
  );
  await rejects("bad_header.npy", /bad_header\.npy: byte 10: expected a header dictionary/);
  await rejects("complex.npy", /complex\.npy: byte 10: expected a numeric dtype.*found "<c16"/);
  await rejects(
    "i8_unsafe.npy",
    /i8_unsafe\.npy: byte \d+: expected an integer of magnitude below 2\^53.*found 1152921504606846976/,
  );
  const error = await rejects("truncated.npy", /byte \d+/);
  assert.equal(error.location.offset, 128);
  const tiny = () => parseNpy(new Uint8Array([0x93, 0x4e]), { file: "tiny.npy", entry: "x.npy" });
  assert.throws(
    tiny,
    /tiny\.npy: entry x\.npy, byte 0: expected an \.npy file of at least 10 bytes/,
  );
});

Deno.test("readNpy: Fortran-order arrays come back in C order (as numpy's np.load)", async () => {
  const a = await readNpy(fixture("fortran_range.npy"));
  assert.deepEqual(a.shape, [2, 3, 4]);
  // np.arange(24).reshape(2, 3, 4) saved column-major: C order restores 0, 1, …, 23
  assert.deepEqual(Array.from(a.data), Array.from({ length: 24 }, (_, i) => i));
  const ones = await readNpy(fixture("fortran.npy"));
  assert.deepEqual(ones.shape, [2, 3]);
  assert.deepEqual(Array.from(ones.data), [1, 1, 1, 1, 1, 1]);
});
