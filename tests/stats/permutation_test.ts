import { strict as assert } from "node:assert";
import { pairedPermutationTest } from "../../src/stats/permutation.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const f64 = (xs: number[]) => Float64Array.from(xs);

Deno.test("permutation: tiny n enumerated by hand", () => {
  // d = [1, 2, 3]: the 8 sign patterns give sums 6, 4, 2, 0, 0, -2, -4, -6; observed sum 6
  const b = f64([0.5, -1, 2]);
  const a = f64([1.5, 1, 5]);
  const two = pairedPermutationTest(a, b, { seed: 1 });
  assert.equal(two.exact, true);
  assert.equal(two.permutations, 8);
  assert.equal(two.n, 3);
  assert.ok(Math.abs(two.statistic - 2) < 1e-15);
  assert.equal(two.pValue, 2 / 8); // |sum| >= 6: +6 and -6
  assert.equal(pairedPermutationTest(a, b, { seed: 1, alternative: "greater" }).pValue, 1 / 8);
  assert.equal(pairedPermutationTest(a, b, { seed: 1, alternative: "less" }).pValue, 1);

  // d = [1, -2, 3]: observed sum 2; |sum| >= 2 in 6 of 8, sum >= 2 in 3, sum <= 2 in 6
  const c = f64([1, -2, 3]);
  const z = f64([0, 0, 0]);
  assert.equal(pairedPermutationTest(c, z, { seed: 1 }).pValue, 6 / 8);
  assert.equal(pairedPermutationTest(c, z, { seed: 1, alternative: "greater" }).pValue, 3 / 8);
  assert.equal(pairedPermutationTest(c, z, { seed: 1, alternative: "less" }).pValue, 6 / 8);
  // all differences zero: every pattern ties, p = 1
  assert.equal(pairedPermutationTest(z, z, { seed: 1 }).pValue, 1);
});

Deno.test("permutation: Monte Carlo path, +1 correction, determinism per seed", () => {
  const n = 20;
  const a = new Float64Array(n), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = Math.sin(i * 1.7) + 0.3;
    b[i] = Math.cos(i * 2.3);
  }
  const r1 = pairedPermutationTest(a, b, { seed: 42, permutations: 4000 });
  const r2 = pairedPermutationTest(a, b, { seed: 42, permutations: 4000 });
  const r3 = pairedPermutationTest(a, b, { seed: 43, permutations: 4000 });
  assert.equal(r1.exact, false);
  assert.equal(r1.permutations, 4000);
  assert.deepEqual(r1, r2);
  assert.notEqual(r1.pValue, r3.pValue);
  // p = (count + 1) / 4001 for an integer count
  const count = r1.pValue * 4001 - 1;
  assert.ok(Math.abs(count - Math.round(count)) < 1e-9);
  // close to the exact p-value from all 2^20 sign patterns
  const exact = pairedPermutationTest(a, b, { seed: 0, permutations: 2 ** 20 });
  assert.equal(exact.exact, true);
  const mcSe = Math.sqrt(exact.pValue * (1 - exact.pValue) / 4000);
  assert.ok(
    Math.abs(r1.pValue - exact.pValue) < 5 * mcSe + 1e-3,
    `${r1.pValue} vs ${exact.pValue}`,
  );
  // the observed pattern always counts, so the smallest p is 1 / (permutations + 1)
  const big = f64(Array.from({ length: 40 }, (_, i) => 10 + i));
  const tiny = pairedPermutationTest(big, new Float64Array(40), { seed: 5, permutations: 99 });
  assert.equal(tiny.pValue, 1 / 100);
});

Deno.test("permutation: invalid input", () => {
  assert.throws(() => pairedPermutationTest(f64([1]), f64([1, 2]), { seed: 1 }), RangeError);
  assert.throws(() => pairedPermutationTest(f64([]), f64([]), { seed: 1 }), RangeError);
  assert.throws(() => pairedPermutationTest(f64([NaN]), f64([1]), { seed: 1 }), RangeError);
  assert.throws(
    () => pairedPermutationTest(f64([1]), f64([1]), { seed: 1, permutations: 0 }),
    RangeError,
  );
});

Deno.test("permutation: exact p-values match scipy.stats.permutation_test on fresh data", async () => {
  await withSeed("permutation-vs-scipy", async (rng) => {
    const alternatives = ["two-sided", "greater", "less"] as const;
    const cases: { a: Float64Array; b: Float64Array }[] = [];
    for (let c = 0; c < 12; c++) {
      const n = 2 + rng.int(11); // 2 <= n <= 12 (scipy needs 2) → 2^n <= 4096 <= 10000: exact
      const shift = (rng.next() - 0.5) * 1.5;
      const a = new Float64Array(n), b = new Float64Array(n);
      const ties = c % 2 === 1; // small integers: many tied and symmetric sign patterns
      for (let i = 0; i < n; i++) {
        b[i] = ties ? rng.int(3) : rng.next() * 2 - 1;
        a[i] = ties ? b[i] + rng.int(5) - 1 : b[i] + shift + (rng.next() - 0.5) * 2;
      }
      cases.push({ a, b });
    }
    const lengths = Int32Array.from(cases, (c) => c.a.length);
    const ref = await runPython<number[][]>(
      `
from scipy import stats
cut = np.cumsum(inp["lengths"])[:-1]
res = []
for a, b in zip(np.split(inp["a"], cut), np.split(inp["b"], cut)):
    row = []
    for alt in ["two-sided", "greater", "less"]:
        r = stats.permutation_test((a, b), lambda x, y: np.mean(x - y), vectorized=False,
                                   permutation_type="samples", n_resamples=np.inf,
                                   alternative=alt)
        row.append(r.pvalue)
    res.append(row)
out(res)
`,
      {
        a: { data: Float64Array.from(cases.flatMap((c) => [...c.a])) },
        b: { data: Float64Array.from(cases.flatMap((c) => [...c.b])) },
        lengths: { data: lengths },
      },
    );
    cases.forEach(({ a, b }, c) => {
      alternatives.forEach((alternative, k) => {
        const r = pairedPermutationTest(a, b, { seed: 9, alternative });
        assert.equal(r.exact, true);
        assert.ok(
          Math.abs(r.pValue - ref[c][k]) < 1e-12,
          `case ${c} (n=${a.length}) ${alternative}: ${r.pValue} vs scipy ${ref[c][k]}`,
        );
      });
    });
  });
});
