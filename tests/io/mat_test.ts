import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../src/io/errors.ts";
import {
  type MatValue,
  parseMat,
  readMat,
  readMatMatrix,
  readMatStrings,
} from "../../src/io/mat.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const DIR = fileURLToPath(new URL("../fixtures/io/", import.meta.url));
const fixture = (name: string) => join(DIR, "mat", name);
const expected = JSON.parse(await Deno.readTextFile(join(DIR, "expected.json")));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RDM = join(ROOT, "data/embedded/things/rdm/RDM48_triplet.mat");
const LABELS = join(ROOT, "data/embedded/things/spose49/labels.mat");
const LABELS_TSV = join(ROOT, "data/embedded/things/spose49/dimension_labels_49d.tsv");

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => assert.fail("expected an InputError"), (e: unknown) => e);
  assert.ok(error instanceof InputError, String(error));
  return error;
}

function numeric(value: MatValue | undefined): { class: string; dims: number[]; data: number[] } {
  assert.ok(value && value.kind === "numeric", `numeric value expected, got ${value?.kind}`);
  return { class: value.class, dims: value.dims, data: Array.from(value.data) };
}

Deno.test("readMat reads scipy.io.savemat files, compressed and not, in row-major order", async () => {
  const want = expected["mat/scipy"];
  for (const name of ["scipy.mat", "scipy_z.mat"]) {
    const vars = await readMat(fixture(name));
    assert.deepEqual(numeric(vars.get("nonsquare")), {
      class: "double",
      dims: [2, 3],
      data: want.nonsquare,
    });
    assert.deepEqual(want.nonsquare, [1, 2, 3, 4, 5, 6], "row-major reference");
    assert.deepEqual(numeric(vars.get("int32mat")), {
      class: "int32",
      dims: [3, 2],
      data: want.int32mat,
    });
    assert.deepEqual(numeric(vars.get("cube")), {
      class: "double",
      dims: [2, 3, 4],
      data: want.cube,
    });
    assert.deepEqual(numeric(vars.get("single")), {
      class: "single",
      dims: [1, 2],
      data: [0.5, 1.5],
    });
    assert.deepEqual(numeric(vars.get("uint8v")).data, [1, 2, 250]);
    assert.deepEqual(numeric(vars.get("int64v")).data, [-(2 ** 40), 2 ** 40]);
    assert.deepEqual(numeric(vars.get("flags")), {
      class: "logical",
      dims: [1, 3],
      data: [1, 0, 1],
    });
    assert.deepEqual(numeric(vars.get("empty")), { class: "double", dims: [0, 0], data: [] });
    assert.deepEqual(numeric(vars.get("x")).data, [7]);
    const cplx = vars.get("cplx");
    assert.ok(cplx?.kind === "numeric" && cplx.imag);
    assert.deepEqual([Array.from(cplx.data), Array.from(cplx.imag)], [[1, 3], [2, -4]]);
    const charmat = vars.get("charmat");
    assert.ok(charmat?.kind === "char");
    assert.deepEqual(charmat.rows, ["abc", "def"]);
    const word = vars.get("word");
    assert.ok(word?.kind === "char");
    assert.equal(word.value, "héllo wörld");
    const cell = vars.get("cellstr");
    assert.ok(cell?.kind === "cell");
    assert.deepEqual(cell.dims, [3, 1]);
    assert.deepEqual(
      cell.cells.map((c) => (c.kind === "char" ? c.value : c.kind)),
      ["alpha", "beta", "gamma delta"],
    );
  }
  const m = await readMatMatrix(fixture("scipy_z.mat"), "nonsquare");
  assert.deepEqual({ rows: m.rows, cols: m.cols, data: Array.from(m.data) }, {
    rows: 2,
    cols: 3,
    data: [1, 2, 3, 4, 5, 6],
  });
  assert.deepEqual(await readMatStrings(fixture("scipy.mat"), "cellstr"), [
    "alpha",
    "beta",
    "gamma delta",
  ]);
  assert.deepEqual(await readMatStrings(fixture("scipy.mat"), "charmat"), ["abc", "def"]);
});

Deno.test("readMat reads big- and little-endian hand-written files (miUINT16/miUINT8 chars, small elements, cells)", async () => {
  for (const name of ["big_endian.mat", "handmade.mat"]) {
    const vars = await readMat(fixture(name));
    assert.deepEqual(numeric(vars.get("mat22")), {
      class: "double",
      dims: [2, 2],
      data: [1, 2, 3, 4],
    });
    assert.deepEqual(numeric(vars.get("dblu8")), {
      class: "double",
      dims: [2, 2],
      data: [1, 2, 3, 4],
    });
    assert.deepEqual(numeric(vars.get("i8")), { class: "int8", dims: [1, 3], data: [-1, 0, 7] });
    const u16 = vars.get("u16");
    assert.ok(u16?.kind === "char");
    assert.equal(u16.value, "Zoë's");
    const u8 = vars.get("u8");
    assert.ok(u8?.kind === "char");
    assert.equal(u8.value, "café");
    const mixed = vars.get("mixed");
    assert.ok(mixed?.kind === "cell");
    assert.deepEqual(numeric(mixed.cells[0]).data, [5]);
    assert.equal(mixed.cells[1].kind === "char" && mixed.cells[1].value, "hi");
    const holder = vars.get("holder");
    assert.ok(holder?.kind === "cell");
    assert.deepEqual(numeric(holder.cells[0]).dims, [0, 0]);
  }
});

Deno.test("readMatMatrix reads the THINGS 48-object RDM (symmetric, zero diagonal, values in [0, 1))", async () => {
  const rdm = await readMatMatrix(RDM, "RDM48_triplet");
  assert.equal(rdm.rows, 48);
  assert.equal(rdm.cols, 48);
  for (let i = 0; i < 48; i++) {
    assert.equal(rdm.data[i * 48 + i], 0);
    for (let j = 0; j < 48; j++) {
      const v = rdm.data[i * 48 + j];
      assert.ok(v >= 0 && v < 1, `value ${v} at ${i},${j}`);
      assert.equal(v, rdm.data[j * 48 + i]);
    }
  }
  const ref = await runPython<number[]>(`
import scipy.io
out(scipy.io.loadmat(${JSON.stringify(RDM)})["RDM48_triplet"].ravel())
`);
  assert.deepEqual(Array.from(rdm.data), ref, "identical to scipy.io.loadmat (C order)");
});

Deno.test("readMatStrings reads the 49 SPoSE dimension labels", async () => {
  const labels = await readMatStrings(LABELS, "labels");
  assert.equal(labels.length, 49);
  const tsv = (await Deno.readTextFile(LABELS_TSV)).trim().split("\n").slice(1)
    .map((line) => line.split("\t")[2]);
  assert.equal(labels[0], "made of metal / artificial / hard");
  assert.equal(labels[48], "cylindrical / conical");
  assert.deepEqual(labels, tsv);
});

Deno.test("readMat skips unwanted variables and rejects structs clearly", async () => {
  const only = await readMat(fixture("struct.mat"), { names: ["y"] });
  assert.deepEqual([...only.keys()], ["y"]);
  assert.deepEqual(numeric(only.get("y")).data, [1, 2]);
  const struct = await errorOf(readMat(fixture("struct.mat")));
  assert.match(
    struct.message,
    /struct\.mat: entry s, byte \d+: .*found a struct array, which this reader does not support/,
  );
  const missing = await errorOf(readMatMatrix(fixture("scipy.mat"), "nope"));
  assert.match(
    missing.message,
    /scipy\.mat: entry nope: expected a variable of that name, found only nonsquare, /,
  );
  const notMatrix = await errorOf(readMatMatrix(fixture("scipy.mat"), "cube"));
  assert.match(
    notMatrix.message,
    /entry cube: expected a real 2-D numeric matrix, found a 2×3×4 double array/,
  );
  const notStrings = await errorOf(readMatStrings(fixture("scipy.mat"), "nonsquare"));
  assert.match(notStrings.message, /entry nonsquare: expected a cell array of strings/);
});

Deno.test("malformed .mat files fail with the file and byte offset", async () => {
  const cases: [string, RegExp][] = [
    ["short.mat", /short\.mat: byte 0: expected a 128-byte MATLAB header, found 100 bytes/],
    [
      "bad_endian.mat",
      /bad_endian\.mat: byte 126: expected the endian indicator 'IM' or 'MI'.*found "XX"/,
    ],
    ["bad_version.mat", /bad_version\.mat: byte 124: expected version 0x0100, found 0x0200/],
    ["v73.mat", /v73\.mat: byte 0: .*v7\.3 \(HDF5\)/],
    [
      "truncated.mat",
      /truncated\.mat: byte 128: expected 987 bytes of data element \(declared size\).*found 425 bytes left/,
    ],
    [
      "bad_size.mat",
      /bad_size\.mat: byte 128: expected 1987 bytes of data element \(declared size\).*found 987 bytes left/,
    ],
    ["corrupt_zlib.mat", /corrupt_zlib\.mat: byte 128: expected valid zlib data/],
    [
      "bad_dims.mat",
      /bad_dims\.mat: entry nonsquare, byte \d+: expected 15 values for dimensions 5×3, found 6 values/,
    ],
  ];
  for (const [name, pattern] of cases) {
    assert.match((await errorOf(readMat(fixture(name)))).message, pattern);
  }
  assert.throws(
    () => parseMat(new TextEncoder().encode("not a mat file"), { file: "x.mat" }),
    /x\.mat: byte 0: expected a 128-byte MATLAB header/,
  );
});

Deno.test("readMat equals scipy.io.loadmat on fresh random scipy.io.savemat files (compressed and not, several shapes and classes)", async () => {
  await withSeed("mat savemat", async (rng) => {
    const dir = await Deno.makeTempDir({ prefix: "ht-mat-" });
    try {
      // python draws the arrays from the seed, writes both files and returns the C-order values
      const want = await runPython<Record<string, { dims: number[]; data: number[] }>>(`
import scipy.io
r = np.random.default_rng(${rng.int(2 ** 31)})
arrays = {
    "scalar": r.normal(size=(1, 1)),
    "row": r.normal(size=(1, 7)),
    "col": r.normal(size=(9, 1)),
    "wide": r.normal(size=(3, 11)),
    "square": r.random(size=(48, 48)),
    "cube": r.normal(size=(4, 3, 2)),
    "i16": r.integers(-30000, 30000, size=(5, 6)).astype(np.int16),
    "u16": r.integers(0, 65535, size=(2, 9)).astype(np.uint16),
    "i32": r.integers(-2**31, 2**31 - 1, size=(6, 4)).astype(np.int32),
    "u8": r.integers(0, 255, size=(3, 3)).astype(np.uint8),
    "f32": r.normal(size=(7, 5)).astype(np.float32),
    "empty": np.zeros((0, 0)),
}
for z in (False, True):
    scipy.io.savemat(${
        JSON.stringify(dir)
      } + ("/z.mat" if z else "/plain.mat"), arrays, do_compression=z)
back = scipy.io.loadmat(${JSON.stringify(dir)} + "/plain.mat")
out({k: {"dims": list(back[k].shape), "data": back[k].astype(np.float64).ravel(order="C")} for k in arrays})
`);
      for (const file of ["plain.mat", "z.mat"]) {
        const vars = await readMat(join(dir, file));
        assert.deepEqual([...vars.keys()].sort(), Object.keys(want).sort(), file);
        for (const [name, w] of Object.entries(want)) {
          const got = numeric(vars.get(name));
          assert.deepEqual(got.dims, w.dims, `${file} ${name}`);
          assert.deepEqual(got.data, w.data, `${file} ${name}: exactly scipy's values`);
        }
        const m = await readMatMatrix(join(dir, file), "wide");
        assert.deepEqual([m.rows, m.cols], [3, 11]);
        assert.deepEqual(Array.from(m.data), want.wide.data);
      }
      assert.equal(numeric((await readMat(join(dir, "plain.mat"))).get("i16")).class, "int16");
      // a truncated copy and a text file fail with the file and the byte offset
      const bytes = await Deno.readFile(join(dir, "plain.mat"));
      // (elements of an uncompressed file start at multiples of 8: never cut at a boundary)
      const cut = 200 + 8 * rng.int(Math.floor((bytes.length - 400) / 8)) + 1 + rng.int(7);
      await Deno.writeFile(join(dir, "cut.mat"), bytes.subarray(0, cut));
      const truncated = await errorOf(readMat(join(dir, "cut.mat")));
      assert.match(truncated.message, /cut\.mat: (entry \w+, )?byte \d+: expected .*bytes left/);
      assert.equal(typeof truncated.location.offset, "number");
      await Deno.writeTextFile(join(dir, "text.mat"), "name,value\n".repeat(30));
      const text = await errorOf(readMat(join(dir, "text.mat")));
      assert.match(
        text.message,
        /text\.mat: byte 126: expected the endian indicator 'IM' or 'MI' of a MATLAB v5 file, found .* \(not a MATLAB v5 file\)/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
