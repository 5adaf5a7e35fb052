import { strict as assert } from "node:assert";
import { kendallTauB, pearson, spearman } from "../../src/metrics/correlation.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";
import { kendallBound, pearsonBound, spearmanBound } from "../_helpers/correlation_error.ts";

function close(got: number, want: number, tol: number, what: string): void {
  if (!(Math.abs(got - want) <= tol)) assert.fail(`${what}: got ${got}, want ${want}`);
}

Deno.test("pearson: hand-computed, shift-invariant at 1e8 offset", () => {
  // dx = -2..2, dy = (-2, 0, 1, 0, 1): sxy = 6, sxx = 10, syy = 6
  close(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / Math.sqrt(60), 1e-15, "r");
  close(
    pearson([1, 2, 3, 4, 5].map((v) => v + 1e8), [2, 4, 5, 4, 5]),
    6 / Math.sqrt(60),
    1e-9,
    "r",
  );
  close(pearson([1, 2, 3], [3, 2, 1]), -1, 0, "perfect negative");
  close(pearson([1, 2], [5, 7]), 1, 0, "two points");
});

Deno.test("spearman and kendallTauB: hand-computed with ties", () => {
  // ranks of y: 1.5 1.5 3.5 3.5 5 → sxy = 9, sxx = 10, syy = 9
  close(spearman([1, 2, 3, 4, 5], [1, 1, 2, 2, 3]), 9 / Math.sqrt(90), 1e-15, "spearman");
  // 10 pairs, 2 tied in y, 8 concordant, 0 discordant → 8 / sqrt(10 · 8)
  close(kendallTauB([1, 2, 3, 4, 5], [1, 1, 2, 2, 3]), 8 / Math.sqrt(80), 1e-15, "tau-b");
  // ties in both: x = 1 1 2 2, y = 1 2 1 2 → 6 pairs, xtie 2, ytie 2, no joint ties;
  // concordant (1,4), discordant (2,3) → 0
  close(kendallTauB([1, 1, 2, 2], [1, 2, 1, 2]), 0, 1e-15, "tau-b 0");
  close(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), -1, 0, "tau-b −1");
  // x tie (0,1), joint tie (2,3), 4 concordant: S = 6 − 2 − 1 + 1 = 4, tau-b = 4 / sqrt(4 · 5)
  close(kendallTauB([2, 2, 1, 1], [3, 2, 1, 1]), 4 / Math.sqrt(20), 1e-15, "tau-b joint ties");
  close(spearman([10, 20, 30], [1, 1e9, 1e10]), 1, 1e-15, "monotone");
});

Deno.test("correlations: constant input → NaN; bad input throws", () => {
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.ok(Number.isNaN(spearman([1, 2, 3], [4, 4, 4])));
  assert.ok(Number.isNaN(kendallTauB([2, 2], [1, 3])));
  assert.throws(() => pearson([1, 2], [1, 2, 3]), /differ in length/);
  assert.throws(() => spearman([1], [1]), /at least 2/);
  assert.throws(() => pearson([1, NaN, 3], [1, 2, 3]), /not finite/);
  assert.throws(() => pearson([1, 2, 3], [1, Infinity, 3]), /not finite/);
  assert.throws(() => spearman([1, NaN, 3], [1, 2, 3]), /NaN/);
  assert.throws(() => kendallTauB([1, 2, 3], [NaN, 2, 3]), /NaN/);
});

Deno.test("correlations: match scipy pearsonr/spearmanr/kendalltau on fresh random inputs", async () => {
  await withSeed("correlation-vs-scipy", async (rng) => {
    const normal = () =>
      Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const inputs: Record<string, { data: Float64Array }> = {};
    const names: string[] = [];
    const add = (name: string, x: Float64Array, y: Float64Array) => {
      names.push(name);
      inputs[`${name}_x`] = { data: x };
      inputs[`${name}_y`] = { data: y };
    };
    const n = 5000 + rng.int(5000);
    const gen = (len: number, f: (i: number) => number) =>
      Float64Array.from({ length: len }, (_, i) => f(i));
    const base = gen(n, () => normal());
    add("continuous", base, gen(n, (i) => 0.4 * base[i] + normal()));
    // heavy ties: a handful of distinct values on both sides, correlated
    const t = gen(n, () => rng.int(4));
    add("heavyTies", t, gen(n, (i) => t[i] + rng.int(3)));
    add("tiesVsContinuous", gen(n, () => rng.int(2)), gen(n, () => normal() * 1e6 + 1e9));
    add("offset", gen(n, (i) => 1e7 + base[i]), gen(n, (i) => -3e6 + base[i] * base[i]));
    add("small", gen(3 + rng.int(8), () => rng.int(3)), gen(0, () => 0));
    inputs.small_y = { data: gen(inputs.small_x.data.length, () => rng.int(3)) };
    add("constant", gen(50, () => 7), gen(50, () => normal()));
    add("large", gen(200000, () => rng.int(50)), gen(200000, () => normal()));
    const want = await runPython<Record<string, number[]>>(
      `import warnings
from scipy import stats
warnings.simplefilter("ignore")
res = {}
for name in ${JSON.stringify(names)}:
    x, y = inp[name + "_x"], inp[name + "_y"]
    r = [stats.pearsonr(x, y)[0], stats.spearmanr(x, y)[0], stats.kendalltau(x, y)[0]]
    res[name] = [None if np.isnan(v) else float(v) for v in r]
out(res)`,
      inputs,
    );
    for (const name of names) {
      const x = inputs[`${name}_x`].data, y = inputs[`${name}_y`].data;
      const [p, s, k] = want[name];
      const fin = (v: number | null) => v ?? NaN;
      // float64 error model of each statistic (tests/_helpers/correlation_error.ts): the same
      // values on both sides, so ranks and Kendall's counts are exact
      const check = (got: number, w: number | null, bound: () => number, what: string) => {
        if (Number.isNaN(fin(w))) assert.ok(Number.isNaN(got), `${name} ${what}: want NaN`);
        else {
          assertFloat32Close([got], [fin(w)], {
            scale: 0,
            propagated: bound(),
            terms: 1,
            label: `${name} ${what} vs scipy`,
            arithmetic: ["float64", "float64"],
          });
        }
      };
      check(pearson(x, y), p, () => pearsonBound(x, y), "pearson");
      check(spearman(x, y), s, () => spearmanBound(x, y), "spearman");
      const tau = kendallTauB(x, y);
      check(tau, k, () => kendallBound(tau, x.length), "kendall");
    }
  });
});
