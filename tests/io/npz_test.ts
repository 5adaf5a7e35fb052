import { exists } from "../_helpers/fs.ts";
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../src/io/errors.ts";
import { readGlocalTransform, readNpz } from "../../src/io/npz.ts";
import { runPython } from "../_helpers/python.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";

const DIR = fileURLToPath(new URL("../fixtures/io/", import.meta.url));
const fixture = (name: string) => join(DIR, "npz", name);
const expected = JSON.parse(await Deno.readTextFile(join(DIR, "expected.json")));
const SHARED = fileURLToPath(new URL("../../../shared/data/things/glocal/", import.meta.url));

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => assert.fail("expected an InputError"), (e: unknown) => e);
  assert.ok(error instanceof InputError, String(error));
  return error;
}

Deno.test("readNpz reads np.savez and np.savez_compressed archives", async () => {
  for (const name of ["savez.npz", "savez_compressed.npz"]) {
    const arrays = await readNpz(fixture(name));
    assert.deepEqual([...arrays.keys()], ["a", "b", "s"], name);
    const a = arrays.get("a")!;
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, "float64");
    assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
    const b = arrays.get("b")!;
    assert.ok(b.data instanceof Int32Array);
    assert.deepEqual(Array.from(b.data), [1, -2, 3]);
    const s = arrays.get("s")!;
    assert.deepEqual(s.shape, []);
    assert.equal(s.dtype, "float32");
    assert.equal(s.data[0], 0.5);
  }
  const some = await readNpz(fixture("savez.npz"), { names: ["b"] });
  assert.deepEqual([...some.keys()], ["b"]);
  const missing = await errorOf(readNpz(fixture("savez.npz"), { names: ["zz"] }));
  assert.match(missing.message, /savez\.npz: entry zz\.npy: expected an array of that name/);
});

Deno.test("readGlocalTransform reads weights, optional bias and scalar mean/std", async () => {
  const withBias = await readGlocalTransform(fixture("glocal_bias.npz"));
  const want = expected["npz/glocal_bias"];
  assert.equal(withBias.dim, 4);
  assert.ok(withBias.weights instanceof Float64Array);
  assert.deepEqual(Array.from(withBias.weights), want.weights);
  assert.deepEqual(Array.from(withBias.bias!), want.bias);
  assert.equal(withBias.mean, 0.25);
  assert.equal(withBias.std, 2);

  const noBias = await readGlocalTransform(fixture("glocal_nobias.npz"));
  assert.equal(noBias.dim, 3);
  assert.equal(noBias.bias, undefined);
  assert.deepEqual(Array.from(noBias.weights), expected["npz/glocal_nobias"].weights);
  assert.equal(noBias.mean, -1.5);
  assert.equal(noBias.std, 0.5);
});

Deno.test("readGlocalTransform validates shapes and names the entry", async () => {
  const cases: [string, RegExp][] = [
    [
      "glocal_nonsquare.npz",
      /glocal_nonsquare\.npz: entry weights\.npy: expected a non-empty square 2-d matrix, found shape \(3, 4\)/,
    ],
    [
      "glocal_bad_bias.npz",
      /glocal_bad_bias\.npz: entry bias\.npy: expected a vector of length 4, found shape \(3\)/,
    ],
    [
      "glocal_bad_mean.npz",
      /glocal_bad_mean\.npz: entry mean\.npy: expected a scalar \(0-d array\), found shape \(2\)/,
    ],
    [
      "glocal_no_std.npz",
      /glocal_no_std\.npz: entry std\.npy: expected an array 'std', found only weights, mean/,
    ],
  ];
  for (const [name, pattern] of cases) {
    assert.match((await errorOf(readGlocalTransform(fixture(name)))).message, pattern);
  }
});

Deno.test("readNpz reports malformed archives and entries", async () => {
  const entry = await errorOf(readNpz(fixture("bad_entry.npz")));
  assert.match(entry.message, /bad_entry\.npz: entry b\.npy, byte 128: expected 48 data bytes/);
  const truncated = await errorOf(readNpz(fixture("truncated.npz")));
  assert.match(truncated.message, /truncated\.npz: byte \d+: expected/);
});

Deno.test("readGlocalTransform reads the real gLocal transforms (when present)", async () => {
  const cases: [string, number, boolean][] = [
    ["resnet18_avgpool_transform.npz", 512, true],
    ["clip_ViT-L-14_visual_transform.npz", 768, false],
  ];
  for (const [name, dim, hasBias] of cases) {
    const path = join(SHARED, name);
    if (!(await exists(path))) {
      console.log(`skipping ${name}: not found at ${path}`);
      continue;
    }
    const t = await readGlocalTransform(path);
    assert.equal(t.dim, dim, name);
    assert.equal(t.weights.length, dim * dim, name);
    assert.equal(t.bias?.length, hasBias ? dim : undefined, name);
    assert.ok(Number.isFinite(t.mean) && t.std > 0, name);
    assert.ok(t.weights.every(Number.isFinite), name);
    const ref = await runPython<
      { w: number[]; wsum: number; b: number[] | null; m: number; s: number }
    >(`
z = np.load(${JSON.stringify(path)})
w = z["weights"].astype(np.float64)
out({"w": [w[0, 0], w[1, 0], w[dim - 1, dim - 2]] if (dim := w.shape[0]) else [], "wsum": w.sum(),
     "b": z["bias"].astype(np.float64)[[0, -1]] if "bias" in z else None,
     "m": float(z["mean"]), "s": float(z["std"])})
`);
    assert.deepEqual([t.weights[0], t.weights[dim], t.weights[dim * dim - 2]], ref.w, name);
    const sum = t.weights.reduce((a, b) => a + b, 0);
    // float64 sums of dim² terms in different orders (ours front to back, numpy pairwise)
    assertFloat32Close([sum], [ref.wsum], {
      scale: t.weights.reduce((a, b) => a + Math.abs(b), 0),
      terms: dim * dim,
      label: `${name}: Σ weights vs numpy`,
      arithmetic: ["float64", "float64"],
    });
    if (ref.b) assert.deepEqual([t.bias![0], t.bias![dim - 1]], ref.b, name);
    assert.equal(t.mean, ref.m, name);
    assert.equal(t.std, ref.s, name);
  }
});
