/**
 * The site's descriptive summaries of a selection (src/site/summary.ts, simple-statistics)
 * against numpy and scipy on the same random inputs: mean, median, quartiles (numpy
 * `method="linear"`, simple-statistics' definition), sample standard deviation (`ddof=1`),
 * min/max, and the least-squares line with its R² (`scipy.stats.linregress`).
 */
import { strict as assert } from "node:assert";
import {
  describeSelection,
  formatSummary,
  linearFit,
  type Summary,
} from "../../src/site/summary.ts";
import { runPython } from "../_helpers/python.ts";
import { gaussian } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";
import type { Rng } from "../../src/stats/random.ts";

function close(actual: number | null, expected: number, what: string, tol = 1e-12): void {
  assert.ok(actual !== null, `${what}: null, expected ${expected}`);
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${what}: ${actual} ≠ ${expected}`);
}

/** Samples of assorted sizes and shapes: tiny, ties, skewed, large offsets. */
function randomSamples(rng: Rng): Float64Array[] {
  const sizes = [1, 2, 3, 4, 5, 7, 10, 11, 50, 101, 1000];
  return sizes.map((n, k) =>
    Float64Array.from({ length: n }, () => {
      if (k % 3 === 0) return Math.round(gaussian(rng) * 3); // ties
      if (k % 3 === 1) return Math.exp(gaussian(rng)); // skewed
      return 1000 + gaussian(rng) * 0.01; // offset, small spread
    })
  );
}

const DESCRIBE_PY = `
out([{
  "mean": np.mean(x), "median": np.median(x),
  "q25": np.quantile(x, 0.25, method="linear"), "q75": np.quantile(x, 0.75, method="linear"),
  "sd": float(np.std(x, ddof=1)) if len(x) > 1 else None, "min": np.min(x), "max": np.max(x),
} for x in [inp[f"x{i}"] for i in range(len(inp))]])
`;

Deno.test("describeSelection equals numpy (mean, median, linear quantiles, sd)", async () => {
  await withSeed("describeSelection", async (rng) => {
    const samples = randomSamples(rng);
    const inputs = Object.fromEntries(samples.map((x, i) => [`x${i}`, { data: x }]));
    const expected = await runPython<Record<string, number | null>[]>(DESCRIBE_PY, inputs);
    samples.forEach((x, i) => {
      const got = describeSelection(x);
      assert.equal(got.n, x.length);
      assert.equal(got.missing, 0);
      for (const key of ["mean", "median", "q25", "q75", "sd", "min", "max"] as const) {
        const want = expected[i][key];
        if (want === null) assert.equal(got[key], null, `n=${x.length} ${key}`);
        else close(got[key], want, `n=${x.length} ${key}`, 1e-11);
      }
    });
  });
});

Deno.test("describeSelection counts non-finite and non-numeric values as missing", () => {
  const got = describeSelection([3, null, 1, NaN, undefined, "2", Infinity, 2]);
  assert.deepEqual(
    got,
    {
      n: 3,
      missing: 5,
      mean: 2,
      median: 2,
      q25: 1.5,
      q75: 2.5,
      sd: 1,
      min: 1,
      max: 3,
    } satisfies Summary,
  );
  const empty = describeSelection([null, NaN]);
  assert.equal(empty.n, 0);
  assert.equal(empty.missing, 2);
  assert.equal(empty.mean, null);
  assert.equal(formatSummary(empty, { label: "value" }), "value: no values · 2 missing");
  assert.equal(describeSelection([5]).sd, null, "one value: no sample sd");
});

Deno.test("formatSummary writes every field with d3-format", () => {
  const text = formatSummary(describeSelection([1, 2, 3, 4]), { label: "value", digits: 2 });
  assert.equal(
    text,
    "value: n 4 · mean 2.50 · median 2.50 · q25–q75 1.75–3.25 · sd (sample) 1.29 · " +
      "min–max 1.00–4.00",
  );
});

const LINREGRESS_PY = `
from scipy import stats
res = []
for i in range(len(inp) // 2):
    r = stats.linregress(inp[f"x{i}"], inp[f"y{i}"])
    res.append({"slope": r.slope, "intercept": r.intercept, "r2": r.rvalue ** 2})
out(res)
`;

Deno.test("linearFit equals scipy.stats.linregress (slope, intercept, R²)", async () => {
  await withSeed("linearFit", async (rng) => {
    const inputs: Record<string, { data: Float64Array }> = {};
    const cases: [Float64Array, Float64Array][] = [];
    for (const n of [2, 3, 5, 20, 200]) {
      const slope = gaussian(rng) * 2, intercept = gaussian(rng), noise = rng.next();
      const x = Float64Array.from({ length: n }, () => gaussian(rng));
      const y = x.map((v) => intercept + slope * v + noise * gaussian(rng));
      inputs[`x${cases.length}`] = { data: x };
      inputs[`y${cases.length}`] = { data: y };
      cases.push([x, y]);
    }
    const expected = await runPython<{ slope: number; intercept: number; r2: number }[]>(
      LINREGRESS_PY,
      inputs,
    );
    cases.forEach(([x, y], i) => {
      const fit = linearFit(Array.from(x, (v, j) => [v, y[j]] as const))!;
      assert.ok(fit, `n=${x.length}: a line`);
      assert.equal(fit.n, x.length);
      close(fit.slope, expected[i].slope, `n=${x.length} slope`, 1e-9);
      close(fit.intercept, expected[i].intercept, `n=${x.length} intercept`, 1e-9);
      close(fit.r2, expected[i].r2, `n=${x.length} r2`, 1e-9);
      const objects = linearFit(Array.from(x, (v, j) => ({ x: v, y: y[j] })))!;
      assert.deepEqual(objects, fit, "{x, y} points give the same line");
    });
  });
});

Deno.test("linearFit: missing points counted, degenerate selections give no line", () => {
  const fit = linearFit([[0, 1], [1, 3], [null, 2], [2, NaN], [2, 5]])!;
  assert.equal(fit.n, 3);
  assert.equal(fit.missing, 2);
  close(fit.slope, 2, "slope");
  close(fit.intercept, 1, "intercept");
  close(fit.r2, 1, "r2");
  assert.equal(linearFit([[1, 2]]), null, "one point");
  assert.equal(linearFit([[1, 2], [1, 3]]), null, "every x equal");
  assert.equal(linearFit([[1, 2], [2, 2], [3, 2]])!.r2, null, "every y equal: R² undefined");
  assert.equal(linearFit([[1, 2], [2, 2], [3, 2]])!.slope, 0);
});
