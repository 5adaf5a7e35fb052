import { strict as assert } from "node:assert";
import { argsort, averageRanks, rankWithOrder } from "../../src/metrics/rank.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

Deno.test("averageRanks: hand-computed ties (scipy 'average')", () => {
  assert.deepEqual(
    [...averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5])],
    [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5],
  );
  assert.deepEqual([...averageRanks([7, 7, 7, 7])], [2.5, 2.5, 2.5, 2.5]);
  assert.deepEqual([...averageRanks([2, 2, 1, 1, 1])], [4.5, 4.5, 2, 2, 2]);
  assert.deepEqual([...averageRanks([])], []);
  assert.deepEqual([...averageRanks([42])], [1]);
});

Deno.test("averageRanks: signs, ±0 tie, infinities, subnormals, huge values", () => {
  assert.deepEqual([...averageRanks([0, -0, -1, Infinity, -Infinity])], [3.5, 3.5, 2, 5, 1]);
  assert.deepEqual(
    [...averageRanks([-1e308, 5e-324, -5e-324, 1e308, 0, -2.5, -2.25])],
    [1, 6, 4, 7, 5, 2, 3],
  );
  assert.deepEqual([...averageRanks(Int32Array.from([-3, 5, -3, 0]))], [1.5, 4, 1.5, 3]);
});

Deno.test("argsort: stable ascending order, NaN throws", () => {
  assert.deepEqual([...argsort([2, 1, 2, 1])], [1, 3, 0, 2]);
  assert.deepEqual([...argsort(Float64Array.from([0.5, -0.5, 0, -0]))], [1, 3, 2, 0]);
  assert.throws(() => argsort([1, NaN, 2]), /NaN at index 1/);
  assert.throws(() => averageRanks([NaN]), RangeError);
  const r = rankWithOrder([5, 5, 1, 2, 2, 2]);
  assert.equal(r.tieGroups, 2);
  assert.deepEqual([...r.order], [2, 3, 4, 5, 0, 1]);
});

Deno.test("averageRanks: matches scipy.stats.rankdata on fresh random inputs", async () => {
  await withSeed("rank-vs-scipy", async (rng) => {
    const normal = () =>
      Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const n = 30000 + rng.int(20000);
    const cases: Record<string, Float64Array> = {
      continuous: Float64Array.from({ length: n }, () => normal() * 1e3),
      heavyTies: Float64Array.from({ length: n }, () => rng.int(7) - 3),
      mixed: Float64Array.from({ length: n }, () => {
        const u = rng.int(10);
        // no -Infinity: scipy 1.10 reports NaN ranks when +inf and -inf meet (its NaN check sums x)
        return u === 0
          ? 0
          : u === 1
          ? -0
          : u === 2
          ? Infinity
          : u === 3
          ? -1e300
          : u < 6
          ? rng.int(5) * 0.5 - 1
          : normal() * 1e-300;
      }),
      tiny: Float64Array.from({ length: 2 + rng.int(20) }, () => rng.int(3)),
    };
    const want = await runPython<Record<string, number[]>>(
      `from scipy.stats import rankdata
out({k: rankdata(v, method="average") for k, v in inp.items()})`,
      Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, { data: v }])),
    );
    for (const [name, x] of Object.entries(cases)) {
      const got = averageRanks(x);
      assert.equal(got.length, want[name].length, name);
      for (let i = 0; i < got.length; i++) {
        if (Math.abs(got[i] - want[name][i]) > 1e-9) {
          assert.fail(`${name}[${i}] (x = ${x[i]}): got ${got[i]}, scipy ${want[name][i]}`);
        }
      }
    }
    // Float32Array input ranks like its float64 values.
    const f32 = Float32Array.from({ length: 1000 }, () => normal());
    assert.deepEqual([...averageRanks(f32)], [...averageRanks(Float64Array.from(f32))]);
  });
});
