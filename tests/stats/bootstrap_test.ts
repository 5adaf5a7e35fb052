import { strict as assert } from "node:assert";
import {
  normalCdf,
  normalQuantile,
  pairedBootstrap,
  percentile,
  percentileSorted,
} from "../../src/stats/bootstrap.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

function meanOf(x: Float64Array) {
  return (idx: Int32Array) => {
    let s = 0;
    for (const i of idx) s += x[i];
    return s / idx.length;
  };
}

Deno.test("bootstrap: estimate on all units, deterministic per seed, paired difference", () => {
  const n = 30;
  const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 1);
  const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 0.8 + 0.1 * Math.cos(3 * i));
  const diff = (idx: Int32Array) => meanOf(a)(idx) - meanOf(b)(idx);
  const r1 = pairedBootstrap(diff, { nUnits: n, seed: 3 });
  const r2 = pairedBootstrap(diff, { nUnits: n, seed: 3 });
  const r3 = pairedBootstrap(diff, { nUnits: n, seed: 4 });
  assert.deepEqual(r1, r2);
  assert.notDeepEqual(r1.resamples, r3.resamples);
  assert.equal(r1.resamples.length, 2000);
  assert.equal(r1.method, "percentile");
  assert.equal(r1.nonFinite, 0);
  let full = 0;
  for (let i = 0; i < n; i++) full += a[i] - b[i];
  assert.ok(Math.abs(r1.estimate - full / n) < 1e-12);
  assert.ok(r1.ci[0] <= r1.estimate && r1.estimate <= r1.ci[1]);
  // pairing: the shared sin(i) cancels, so the interval is narrow (sd of the difference ≈ 0.07)
  assert.ok(r1.ci[1] - r1.ci[0] < 0.1, `${r1.ci}`);
  assert.ok(r1.se > 0 && r1.se < 0.03);
  // the resampled indices are the same for both models: the difference of two bootstraps
  // equals the bootstrap of the difference
  const ra = pairedBootstrap(meanOf(a), { nUnits: n, seed: 3 });
  const rb = pairedBootstrap(meanOf(b), { nUnits: n, seed: 3 });
  r1.resamples.forEach((v, k) =>
    assert.ok(Math.abs(v - (ra.resamples[k] - rb.resamples[k])) < 1e-12)
  );
  // a constant statistic gives a degenerate interval
  const c = pairedBootstrap(() => 1.5, { nUnits: 5, seed: 1, resamples: 50 });
  assert.deepEqual(c.ci, [1.5, 1.5]);
  assert.equal(c.se, 0);
  const cb = pairedBootstrap(() => 1.5, { nUnits: 5, seed: 1, resamples: 50, method: "bca" });
  assert.equal(cb.method, "percentile");
  assert.deepEqual(cb.ci, [1.5, 1.5]);
});

Deno.test("bootstrap: non-finite resamples are counted and left out; invalid options", () => {
  let calls = 0;
  const r = pairedBootstrap((idx) => (calls++ % 3 === 1 ? NaN : idx[0]), {
    nUnits: 10,
    seed: 2,
    resamples: 300,
  });
  assert.equal(r.nonFinite, 100);
  assert.ok(Number.isFinite(r.ci[0]) && Number.isFinite(r.ci[1]) && Number.isFinite(r.se));
  const stat = () => 0;
  assert.throws(() => pairedBootstrap(stat, { nUnits: 0, seed: 1 }), RangeError);
  assert.throws(() => pairedBootstrap(stat, { nUnits: 3, seed: 1, resamples: 1 }), RangeError);
  assert.throws(() => pairedBootstrap(stat, { nUnits: 3, seed: 1, alpha: 1 }), RangeError);
  assert.throws(() => pairedBootstrap(() => NaN, { nUnits: 3, seed: 1 }), RangeError);
});

Deno.test("bootstrap: percentile helpers by hand", () => {
  const s = [1, 2, 4, 8];
  assert.equal(percentileSorted(s, 0), 1);
  assert.equal(percentileSorted(s, 1), 8);
  assert.equal(percentileSorted(s, 0.5), 3); // position 1.5
  assert.equal(percentileSorted(s, 0.25), 1.75); // position 0.75
  assert.equal(percentile([8, 1, 4, 2], 0.5), 3);
  assert.throws(() => percentileSorted([], 0.5), RangeError);
  assert.throws(() => percentileSorted(s, 1.5), RangeError);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-15);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-13);
  assert.equal(normalQuantile(0.5), 0);
});

Deno.test("bootstrap: percentile CI, SE and BCa match numpy/scipy on the same resamples", async () => {
  await withSeed("bootstrap-vs-numpy", async (rng) => {
    const n = 15 + rng.int(60);
    const x = Float64Array.from({ length: n }, () => Math.exp(rng.next() * 2)); // skewed
    const alpha = [0.05, 0.1, 0.01][rng.int(3)];
    const resamples = 500 + rng.int(2000);
    const seed = rng.int(1 << 30);
    const pct = pairedBootstrap(meanOf(x), { nUnits: n, seed, resamples, alpha });
    const bca = pairedBootstrap(meanOf(x), { nUnits: n, seed, resamples, alpha, method: "bca" });
    assert.deepEqual(bca.resamples, pct.resamples);
    assert.equal(bca.method, "bca");
    const ref = await runPython<{ pct: number[]; se: number; bca: number[]; q: number[] }>(
      `
from scipy.stats import norm
x, res, alpha = inp["x"], inp["res"], inp["alpha"][0]
theta = x.mean()
# BCa as in scipy.stats.bootstrap (1.10): bias from the resamples, acceleration from the
# leave-one-out jackknife
z0 = norm.ppf((res < theta).mean())
jk = (x.sum() - x) / (len(x) - 1)
d = jk.mean() - jk
a = (d ** 3).sum() / (6 * (d ** 2).sum() ** 1.5)
za = norm.ppf([alpha / 2, 1 - alpha / 2])
q = norm.cdf(z0 + (z0 + za) / (1 - a * (z0 + za)))
out({"pct": np.percentile(res, [100 * alpha / 2, 100 * (1 - alpha / 2)]),
     "se": np.std(res, ddof=1), "bca": np.percentile(res, 100 * q), "q": q})
`,
      {
        x: { data: x },
        res: { data: pct.resamples },
        alpha: { data: Float64Array.of(alpha) },
      },
    );
    const close = (u: number, v: number, tol: number, what: string) =>
      assert.ok(Math.abs(u - v) <= tol * Math.max(1, Math.abs(v)), `${what}: ${u} vs ${v}`);
    close(pct.ci[0], ref.pct[0], 1e-12, "percentile low");
    close(pct.ci[1], ref.pct[1], 1e-12, "percentile high");
    close(pct.se, ref.se, 1e-12, "se");
    // BCa levels go through Φ and Φ⁻¹ (ours vs scipy's, both ~1e-14); the interval to 1e-9
    close(bca.ci[0], ref.bca[0], 1e-9, "bca low");
    close(bca.ci[1], ref.bca[1], 1e-9, "bca high");
  });
});

Deno.test("bootstrap: percentile CI of a mean agrees loosely with scipy.stats.bootstrap", async () => {
  await withSeed("bootstrap-vs-scipy", async (rng) => {
    const n = 40 + rng.int(60);
    // Box–Muller normals
    const x = Float64Array.from(
      { length: n },
      () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()) + 3,
    );
    const ours = pairedBootstrap(meanOf(x), {
      nUnits: n,
      seed: rng.int(1 << 30),
      resamples: 4000,
    });
    const ref = await runPython<{ low: number; high: number; se: number }>(
      `
from scipy import stats
r = stats.bootstrap((inp["x"],), np.mean, method="percentile", n_resamples=4000,
                    confidence_level=0.95, random_state=np.random.default_rng(${rng.int(1 << 30)}))
out({"low": r.confidence_interval.low, "high": r.confidence_interval.high,
     "se": r.standard_error})
`,
      { x: { data: x } },
    );
    // different generators: Monte Carlo error of a 2.5% quantile with 4000 resamples is about
    // 0.04 standard errors; allow 0.3 standard errors (the width is about 3.9)
    const tol = 0.3 * ref.se;
    assert.ok(Math.abs(ours.ci[0] - ref.low) < tol, `low ${ours.ci[0]} vs ${ref.low}`);
    assert.ok(Math.abs(ours.ci[1] - ref.high) < tol, `high ${ours.ci[1]} vs ${ref.high}`);
    assert.ok(Math.abs(ours.se / ref.se - 1) < 0.1, `se ${ours.se} vs ${ref.se}`);
  });
});
