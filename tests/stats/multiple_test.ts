import { strict as assert } from "node:assert";
import { benjaminiHochberg, holm } from "../../src/stats/multiple.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

function assertClose(actual: number[], expected: number[], tol: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}]: ${v} vs ${expected[i]}`)
  );
}

Deno.test("holm and BH: textbook example (Wikipedia Holm–Bonferroni, m = 4)", () => {
  // sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → cummax 0.06
  const p = [0.01, 0.04, 0.03, 0.005];
  assertClose(holm(p), [0.03, 0.06, 0.06, 0.02], 1e-15, "holm");
  // sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04 → cummin
  assertClose(benjaminiHochberg(p), [0.02, 0.04, 0.04, 0.02], 1e-15, "bh");
});

Deno.test("holm and BH: hand-computed five tests", () => {
  // p sorted 0.01, 0.02, 0.03, 0.04, 0.05: ×5, ×4, ×3, ×2, ×1 = 0.05, 0.08, 0.09, 0.08, 0.05
  // cumulative max: 0.05, 0.08, 0.09, 0.09, 0.09
  assertClose(holm([0.04, 0.01, 0.05, 0.03, 0.02]), [0.09, 0.05, 0.09, 0.09, 0.08], 1e-15, "holm");
  // BH: 0.05, 0.05, 0.05, 0.05, 0.05 (m p / k = 0.05 for all)
  assertClose(
    benjaminiHochberg([0.04, 0.01, 0.05, 0.03, 0.02]),
    [0.05, 0.05, 0.05, 0.05, 0.05],
    1e-15,
    "bh",
  );
});

Deno.test("holm and BH: capped at 1, monotone, edge cases, invalid input", () => {
  assert.deepEqual(holm([]), []);
  assert.deepEqual(benjaminiHochberg([]), []);
  assert.deepEqual(holm([0.3]), [0.3]);
  assert.deepEqual(holm([0.6, 0.7, 0.9]), [1, 1, 1]);
  assert.deepEqual(benjaminiHochberg([0.9, 1, 0.95]), [1, 1, 1]);
  assert.deepEqual(holm([0.01, 0.01]), [0.02, 0.02]);
  assert.throws(() => holm([0.1, NaN]), RangeError);
  assert.throws(() => benjaminiHochberg([1.2]), RangeError);
  assert.throws(() => holm([-0.1]), RangeError);
});

Deno.test("holm and BH: match a numpy implementation on fresh random p-values", async () => {
  await withSeed("multiple-vs-numpy", async (rng) => {
    const cases: number[][] = [];
    for (let c = 0; c < 20; c++) {
      const m = 1 + rng.int(30);
      // mix of tiny, moderate and tied values
      cases.push(Array.from({ length: m }, () => {
        const u = rng.next();
        return u < 0.1 ? 0.05 : u < 0.4 ? u * u * u * 0.01 : u;
      }));
    }
    const lengths = Int32Array.from(cases, (c) => c.length);
    const flat = Float64Array.from(cases.flat());
    const ref = await runPython<{ holm: number[][]; bh: number[][] }>(
      `
def holm(p):
    m = len(p); o = np.argsort(p, kind="stable")
    adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[o]))
    res = np.empty(m); res[o] = adj; return res
def bh(p):
    m = len(p); o = np.argsort(p, kind="stable")
    adj = np.minimum.accumulate((m * p[o] / np.arange(1, m + 1))[::-1])[::-1]
    res = np.empty(m); res[o] = np.minimum(1.0, adj); return res
parts = np.split(inp["flat"], np.cumsum(inp["lengths"])[:-1])
out({"holm": [holm(p) for p in parts], "bh": [bh(p) for p in parts]})
`,
      { flat: { data: flat }, lengths: { data: lengths } },
    );
    cases.forEach((p, c) => {
      assertClose(holm(p), ref.holm[c], 1e-15, `holm case ${c}`);
      assertClose(benjaminiHochberg(p), ref.bh[c], 1e-15, `bh case ${c}`);
    });
  });
});
