/**
 * Paired model comparisons (src/eval/benchmark/comparisons.ts) on small constructed model
 * details: which pairs are compared, each pair's rows (delta, interval, p and the test behind
 * it), Holm over the table, the incremental table and the comparisons over training seeds.
 */
import { strict as assert } from "node:assert";
import {
  bootstrapPValue,
  COMPARED_METRICS,
  compareModels,
  comparePair,
  comparisonPairs,
  ComparisonTable,
  type ModelPair,
  seedComparisons,
} from "../../../src/eval/benchmark/comparisons.ts";
import { metricKey, type ModelDetail } from "../../../src/eval/benchmark/run.ts";
import type { Rng } from "../../../src/stats/random.ts";
import { runPython } from "../../_helpers/python.ts";
import { withSeed } from "../../_helpers/seed.ts";
import { gamma, U64 } from "../../_helpers/numeric.ts";

/** One metric of a constructed detail: full-sample value, resamples, optional per-concept scores. */
interface Metric {
  value: number;
  resamples: number[];
  perConcept?: number[];
}

/** A model detail with the given metrics (`metric|subset` → values) over `concepts` concepts. */
function detail(
  model: string,
  seed: number | null,
  metrics: Record<string, Metric>,
  concepts = 4,
): ModelDetail {
  const entries = Object.entries(metrics);
  return {
    model,
    seed,
    concepts,
    values: new Map(entries.map(([k, m]) => [k, m.value])),
    resamples: new Map(entries.map(([k, m]) => [k, Float64Array.from(m.resamples)])),
    perConcept: new Map(
      entries.filter(([, m]) => m.perConcept).map((
        [k, m],
      ) => [k, Float64Array.from(m.perConcept!)]),
    ),
    retrieval: [],
    margins: [],
    targets: [],
  };
}

const TOP1 = metricKey("top1", "test");
const RSA = metricKey("rsa_spearman", "with_images");
const PAIR: ModelPair = { a: "variant", b: "control", relation: "variant_vs_control" };
const PERMUTATION = "sign-flip permutation over concepts";
const WALD = "paired bootstrap over concepts, Wald with bootstrap SE (items shared)";

/**
 * variant − control, 4 concepts. top1: values 0.75 vs 0.5; resampled deltas 0.25, 0.375, 0,
 * 0.125, 0.375; per concept 1, 0.5, 1, NaN vs 0.5, 0.5, 0, 1. rsa: values 0.5 vs 0.25;
 * resampled deltas 0.125, 0.375, 0.125, 0.375 (no per-concept scores: items shared).
 */
function variantAndControl(seed = 7): [ModelDetail, ModelDetail] {
  return [
    detail("variant", seed, {
      [TOP1]: {
        value: 0.75,
        resamples: [0.75, 0.875, 0.5, 0.75, 1],
        perConcept: [1, 0.5, 1, NaN],
      },
      [RSA]: { value: 0.5, resamples: [0.5, 0.75, 0.5, 0.75] },
    }),
    detail("control", seed, {
      [TOP1]: {
        value: 0.5,
        resamples: [0.5, 0.5, 0.5, 0.625, 0.625],
        perConcept: [0.5, 0.5, 0, 1],
      },
      [RSA]: { value: 0.25, resamples: [0.375, 0.375, 0.375, 0.375] },
    }),
  ];
}

/** 2·(1 − Φ(√3)) (scipy: 2·norm.sf(√3)). */
const P_SQRT3 = 0.0832645166635504;

const near = (got: number, want: number, tol: number, label = "") =>
  assert.ok(Math.abs(got - want) <= tol, `${label} ${got} vs ${want}`);

// ---------------------------------------------------------------------------------------------
// bootstrapPValue

Deno.test("bootstrapPValue: SE is the sample SD (n − 1) of the resampled deltas about their own mean", () => {
  // resampled 1, 3: mean 2, SE = √((1 + 1)/(2 − 1)) = √2; Δ = √2 → z = 1 → 2·(1 − Φ(1))
  // (an SE with n in the denominator, 1, would give z = √2 and p = 0.157)
  const want = 0.31731050786291415;
  near(bootstrapPValue(Math.SQRT2, Float64Array.of(1, 3)), want, 1e-15);
  // two-sided; the resamples' location does not enter, only their spread
  near(bootstrapPValue(-Math.SQRT2, Float64Array.of(1, 3)), want, 1e-15);
  near(bootstrapPValue(Math.SQRT2, Float64Array.of(11, 13)), want, 1e-15);
});

Deno.test("bootstrapPValue vs scipy: 2·norm.sf(|Δ| / std(resampled, ddof=1)), random input", async () => {
  await withSeed("bootstrapPValue", async (rng) => {
    const n = 200;
    const spread = 0.01 + rng.next();
    const deltas = Float64Array.from({ length: n }, () => 0.3 + spread * (rng.next() - 0.5));
    // the deltas' SD is about spread/√12: |Δ| / SE within about (0, 2), p not in the far tail
    const delta = (rng.next() - 0.5) * 4 * spread / Math.sqrt(12);
    const got = bootstrapPValue(delta, deltas);
    const want = await runPython<{ p: number; z: number }>(
      `from scipy.stats import norm
d = inp["d"]; z = abs(inp["delta"][0]) / np.std(d, ddof=1)
out({"p": 2 * norm.sf(z), "z": z})`,
      { d: { data: deltas }, delta: { data: Float64Array.of(delta) } },
    );
    // SE: a sum of n squares on each side (γ(n + 4) relative each), moving p by 2φ(z)·z·that;
    // our Φ is within ~1e-15 (absolute) of scipy's
    const phi = Math.exp(-want.z * want.z / 2) / Math.sqrt(2 * Math.PI);
    const bound = 2 * phi * want.z * 2 * gamma(n + 4, U64) + 4e-15;
    near(got, want.p, bound, "Wald p");
    assert.ok(want.p > 0.01 && want.p < 1);
  });
});

// ---------------------------------------------------------------------------------------------
// comparisonPairs

Deno.test("comparisonPairs: variant vs its control, every other model vs baseline (not imagenet, spose49), baseline vs imagenet last", () => {
  const pairs = comparisonPairs([
    { model: "baseline" },
    { model: "imagenet" },
    { model: "spose49" },
    { model: "glocal", controlOf: null },
    { model: "fixed" },
    { model: "fixed_control", controlOf: "fixed" },
  ]);
  assert.deepEqual(pairs.map((p) => `${p.a}-${p.b}:${p.relation}`), [
    "fixed-fixed_control:variant_vs_control",
    "glocal-baseline:vs_baseline",
    "fixed-baseline:vs_baseline",
    "fixed_control-baseline:vs_baseline",
    "baseline-imagenet:baseline_vs_imagenet",
  ]);
});

Deno.test("comparisonPairs: a control whose variant is missing gets no control pair; no baseline, no baseline pairs", () => {
  assert.deepEqual(
    comparisonPairs([
      { model: "baseline" },
      { model: "orphan_control", controlOf: "absent_variant" },
    ]).map((p) => `${p.a}-${p.b}:${p.relation}`),
    ["orphan_control-baseline:vs_baseline"],
  );
  assert.deepEqual(
    comparisonPairs([
      { model: "imagenet" },
      { model: "v" },
      { model: "v_control", controlOf: "v" },
      { model: "orphan_control", controlOf: "absent_variant" },
    ]),
    [{ a: "v", b: "v_control", relation: "variant_vs_control" }],
  );
});

Deno.test("comparisonPairs: a model with several training seeds (one row each) gives each pair once", () => {
  const rows = [7, 8, 9].flatMap((seed) => [
    { model: "baseline", seed },
    { model: "variant", seed },
    { model: "control", seed, controlOf: "variant" },
  ]);
  assert.deepEqual(comparisonPairs(rows).map((p) => `${p.a}-${p.b}:${p.relation}`), [
    "variant-control:variant_vs_control",
    "variant-baseline:vs_baseline",
    "control-baseline:vs_baseline",
  ]);
});

Deno.test("bootstrapPValue: fewer than 2 resamples estimate no standard error: p = 1, not 0", () => {
  assert.equal(bootstrapPValue(0.1, Float64Array.of(0.1)), 1);
  assert.equal(bootstrapPValue(0.1, new Float64Array(0)), 1);
});

// ---------------------------------------------------------------------------------------------
// comparePair

Deno.test("comparePair: a per-concept metric gets an exact sign-flip test over the concepts both models score", () => {
  const [a, b] = variantAndControl();
  const row = comparePair(a, b, { seed: 1, pair: PAIR }).find((r) => r.metric === "top1")!;
  assert.equal(row.subset, "test");
  assert.deepEqual(
    [row.model_a, row.model_b, row.relation, row.seed, row.value_a, row.value_b, row.delta],
    ["variant", "control", "variant_vs_control", 7, 0.75, 0.5, 0.25],
  );
  // concept 3 (NaN for the variant) is left out: differences 0.5, 0, 1, observed mean 1/2;
  // the 8 sign patterns give |mean| 1/2 (±(0.5 + 1), either sign of 0) or 1/6 → p = 4/8
  assert.equal(row.test, PERMUTATION);
  assert.equal(row.n_units, 3);
  assert.equal(row.p, 0.5);
  assert.ok(Number.isNaN(row.p_adj));
  // interval: sorted resampled deltas 0, 0.125, 0.25, 0.375, 0.375; numpy's linear percentile
  // at 2.5% (position 0.1) = 0.0125 and at 97.5% (position 3.9) = 0.375
  near(row.ci_low, 0.0125, 1e-17);
  assert.equal(row.ci_high, 0.375);
});

Deno.test("comparePair: a metric over shared items gets the Wald test with the paired bootstrap's SE", () => {
  const [a, b] = variantAndControl();
  const row = comparePair(a, b, { seed: 1, pair: PAIR }).find((r) => r.metric === "rsa_spearman")!;
  // Δ = 0.5 − 0.25; resampled deltas 0.125, 0.375, 0.125, 0.375: mean 0.25, SE =
  // √(4·0.125²/3) = 0.25/√3 → z = √3
  assert.equal(row.delta, 0.25);
  assert.equal(row.test, WALD);
  assert.equal(row.n_units, 4, "the concepts of the bootstrap");
  near(row.p, P_SQRT3, 1e-15);
  // percentiles at positions 0.075 and 2.925 of 0.125, 0.125, 0.375, 0.375
  assert.deepEqual([row.ci_low, row.ci_high], [0.125, 0.375]);
});

Deno.test("comparePair: non-finite resampled deltas are left out of the interval and the SE", () => {
  const [a, b] = variantAndControl();
  a.resamples.set(RSA, Float64Array.of(0.5, 0.75, NaN, 0.5, Infinity, 0.75));
  b.resamples.set(RSA, Float64Array.of(0.375, 0.375, 0.375, 0.375, 0.375, 0.375));
  const row = comparePair(a, b, { seed: 1, pair: PAIR }).find((r) => r.metric === "rsa_spearman")!;
  near(row.p, P_SQRT3, 1e-15);
  assert.deepEqual([row.ci_low, row.ci_high], [0.125, 0.375]);
});

Deno.test("comparePair: only metrics both models have under the same subset, in COMPARED_METRICS order", () => {
  const m = (value: number): Metric => ({ value, resamples: [value, value + 0.125, value] });
  const a = detail("variant", 7, {
    [RSA]: m(0.5),
    [metricKey("top1", "stress")]: m(0.5), // the control has top1 on test only
    [metricKey("top1", "val")]: m(0.5), // not compared
    [metricKey("top5", "test")]: m(0.5), // not compared
    [TOP1]: m(0.5),
  });
  const b = detail("control", 7, {
    [TOP1]: m(0.25),
    [metricKey("retrieval@1", "stress")]: m(0.25), // the variant lacks it
    [metricKey("top1", "val")]: m(0.25),
    [metricKey("top5", "test")]: m(0.25),
    [RSA]: m(0.25),
  });
  const rows = comparePair(a, b, { seed: 1, pair: PAIR });
  assert.deepEqual(rows.map((r) => `${r.metric}|${r.subset}`), [TOP1, RSA]);
  assert.ok(
    COMPARED_METRICS.findIndex(([k]) => k === "top1") <
      COMPARED_METRICS.findIndex(([k]) => k === "rsa_spearman"),
  );
});

Deno.test("comparePair: per-concept scores on one side only fall back to the Wald test over concepts", () => {
  const [a, b] = variantAndControl();
  b.perConcept.delete(TOP1);
  const row = comparePair(a, b, { seed: 1, pair: PAIR }).find((r) => r.metric === "top1")!;
  assert.equal(row.test, WALD);
  assert.equal(row.n_units, 4);
  // resampled deltas 0.25 0.375 0 0.125 0.375: mean 0.225, Σ(d − mean)² = 0.025² + 0.15² +
  // 0.225² + 0.1² + 0.15² = 0.10625, SE = √(0.10625/4) → z = 0.25/0.16298 = 1.53393,
  // p = 2·(1 − Φ(z)) (scipy: 2·norm.sf(z))
  near(row.p, 0.1250468801311005, 1e-15);
});

Deno.test("comparePair: alpha sets the interval level (0.5 → the quartiles of the resampled deltas)", () => {
  const [a, b] = variantAndControl();
  const row = comparePair(a, b, { seed: 1, alpha: 0.5, pair: PAIR }).find((r) =>
    r.metric === "top1"
  )!;
  // sorted 0, 0.125, 0.25, 0.375, 0.375: positions 1 and 3
  assert.deepEqual([row.ci_low, row.ci_high], [0.125, 0.375]);
});

Deno.test("comparePair: metrics saturated at their ceiling: delta 0, interval [0, 0], p = 1; a constant gap has SE 0 and p = 0; no saturation flag on a run's rows", () => {
  const one = (perConcept?: number[]): Metric => ({ value: 1, resamples: [1, 1, 1], perConcept });
  const odd = metricKey("oddoneout_accuracy", "with_images");
  const sat = metricKey("triplet_satisfaction", "test");
  const a = detail("variant", 7, { [TOP1]: one([1, 1, 1, 1]), [odd]: one(), [sat]: one() });
  const b = detail("control", 7, {
    [TOP1]: one([1, 1, 1, 1]),
    [odd]: one(),
    [sat]: { value: 0.875, resamples: [0.875, 0.875, 0.875] },
  });
  const rows = comparePair(a, b, { seed: 1, pair: PAIR });
  assert.deepEqual(
    rows.map((r) => [r.metric, r.delta, r.ci_low, r.ci_high, r.p, r.test]),
    [
      ["top1", 0, 0, 0, 1, PERMUTATION], // every sign pattern of zeros is as extreme
      ["oddoneout_accuracy", 0, 0, 0, 1, WALD],
      ["triplet_satisfaction", 0.125, 0.125, 0.125, 0, WALD],
    ],
  );
  // the bench stage adds `saturated` and `saturation_reason` (saturation.ts)
  assert.ok(rows.every((r) => !("saturated" in r) && !("saturation_reason" in r)));
});

Deno.test("comparePair vs scipy: permutation_test (exact), numpy percentile and norm.sf, random input", async () => {
  await withSeed("comparePair", async (rng) => {
    const concepts = 12, resamples = 300;
    // per-concept scores, two of them NaN on one side: 10 concepts → 2¹⁰ exact sign patterns
    const ca = Float64Array.from({ length: concepts }, (_, c) => (c === 4 ? NaN : rng.next()));
    const cb = Float64Array.from(
      { length: concepts },
      (_, c) => (c === 9 ? NaN : rng.next() * 0.9),
    );
    const ra = Float64Array.from(
      { length: resamples },
      (_, r) => (r === 7 ? NaN : 0.6 + 0.1 * rng.next()),
    );
    const rb = Float64Array.from({ length: resamples }, () => 0.55 + 0.1 * rng.next());
    const va = 0.6 + 0.1 * rng.next(), vb = 0.55 + 0.1 * rng.next();
    const metric = (value: number, r: Float64Array, c?: Float64Array): Metric => ({
      value,
      resamples: Array.from(r),
      perConcept: c && Array.from(c),
    });
    const a = detail("variant", 7, { [TOP1]: metric(va, ra, ca), [RSA]: metric(va, ra) }, concepts);
    const b = detail("control", 7, { [TOP1]: metric(vb, rb, cb), [RSA]: metric(vb, rb) }, concepts);
    const [top1, rsa] = comparePair(a, b, { seed: rng.int(1000), pair: PAIR });
    const want = await runPython<
      { perm: number; ci: number[]; wald: number; z: number; n: number }
    >(
      `from scipy.stats import permutation_test, norm
ca, cb, ra, rb = inp["ca"], inp["cb"], inp["ra"], inp["rb"]
keep = ~np.isnan(ca) & ~np.isnan(cb)
res = permutation_test((ca[keep], cb[keep]), lambda x, y, axis: np.mean(x - y, axis=axis),
                       permutation_type="samples", vectorized=True, n_resamples=np.inf)
d = ra - rb; d = d[np.isfinite(d)]
delta = inp["v"][0] - inp["v"][1]; z = abs(delta) / np.std(d, ddof=1)
out({"perm": res.pvalue, "ci": np.percentile(d, [2.5, 97.5]), "wald": 2 * norm.sf(z), "z": z,
     "n": int(keep.sum())})`,
      {
        ca: { data: ca },
        cb: { data: cb },
        ra: { data: ra },
        rb: { data: rb },
        v: { data: Float64Array.of(va, vb) },
      },
    );
    assert.equal(top1.test, PERMUTATION);
    assert.equal(top1.n_units, want.n);
    // both count sign patterns exactly (k / 2¹⁰)
    near(top1.p, want.perm, 1e-15, "sign-flip p");
    // the same differences, the same interpolation (numpy's), positions within an ulp
    const scale = Math.max(
      ...Array.from(ra, (v, i) => Math.abs(v - rb[i])).filter(Number.isFinite),
    );
    for (const r of [top1, rsa]) {
      near(r.ci_low, want.ci[0], 4 * resamples * U64 * scale, "2.5%");
      near(r.ci_high, want.ci[1], 4 * resamples * U64 * scale, "97.5%");
    }
    assert.equal(rsa.test, WALD);
    const phi = Math.exp(-want.z * want.z / 2) / Math.sqrt(2 * Math.PI);
    near(rsa.p, want.wald, 2 * phi * want.z * 2 * gamma(resamples + 4, U64) + 4e-15, "Wald p");
  });
});

// ---------------------------------------------------------------------------------------------
// compareModels and ComparisonTable

Deno.test("compareModels: Holm's adjustment over the whole table", () => {
  const rows = compareModels(variantAndControl(), [PAIR], { seed: 1 });
  // p = 0.5 (top1), 0.0833 (rsa); m = 2: rsa → 2·0.0833 = 0.1665, top1 → max(0.1665, 1·0.5)
  assert.deepEqual(rows.map((r) => r.metric), ["top1", "rsa_spearman"]);
  assert.equal(rows[0].p_adj, 0.5);
  near(rows[1].p_adj, 2 * P_SQRT3, 1e-15);
});

Deno.test("compareModels: pairs are compared within a seed; a missing model or a seed one side lacks gives no rows", () => {
  const [v] = variantAndControl(7);
  const [, c8] = variantAndControl(8);
  const baseline = { ...variantAndControl(7)[1], model: "baseline" };
  const pairs: ModelPair[] = [
    PAIR, // control only has seed 8
    { a: "variant", b: "baseline", relation: "vs_baseline" },
    { a: "control", b: "baseline", relation: "vs_baseline" }, // baseline only has seed 7
    { a: "absent", b: "baseline", relation: "vs_baseline" },
  ];
  const rows = compareModels([v, c8, baseline], pairs, { seed: 1 });
  assert.deepEqual(
    rows.map((r) => `${r.model_a}-${r.model_b}|${r.seed}|${r.metric}`),
    ["variant-baseline|7|top1", "variant-baseline|7|rsa_spearman"],
  );
});

Deno.test("compareModels: per-seed rows in order of the seeds' first appearance, then the rows over seeds", () => {
  const details = [9, 7, 8].flatMap((s) => variantAndControl(s));
  const rows = compareModels(details, [PAIR], { seed: 1, permutations: 100 });
  assert.deepEqual(
    rows.map((r) => `${r.seed}|${r.metric}`),
    [9, 7, 8, null].flatMap((s) => [`${s}|top1`, `${s}|rsa_spearman`]),
  );
  // Holm's m covers the seed rows: the smallest p is multiplied by all 8
  const minP = Math.min(...rows.map((r) => r.p));
  const first = rows.find((r) => r.p === minP)!;
  near(first.p_adj, Math.min(1, 8 * minP), 1e-15);
});

Deno.test("ComparisonTable: add queues a pair once both of its models have arrived for a seed; step compares one", () => {
  const [v, c] = variantAndControl(7);
  const base = { ...c, model: "baseline" };
  const table = new ComparisonTable([
    PAIR,
    { a: "variant", b: "baseline", relation: "vs_baseline" },
    { a: "control", b: "baseline", relation: "vs_baseline" },
  ], { seed: 1 });
  const steps = () => {
    let k = 0;
    while (table.step()) k++;
    return k;
  };
  assert.equal(steps(), 0, "nothing queued");
  table.add(v);
  assert.equal(steps(), 0, "a lone model completes no pair");
  table.add(base);
  assert.equal(steps(), 1, "variant-baseline");
  table.add(c);
  assert.equal(steps(), 2, "variant-control and control-baseline");
  table.add(detail("spose49", null, {}));
  table.add({ ...variantAndControl(8)[1] });
  assert.equal(steps(), 0, "no seed, or a seed the other side lacks");
  assert.equal(table.rows([v, base, c]).length, 3 * 2);
});

Deno.test("ComparisonTable: rows covers the seeds of the details it is given, comparing pairs still queued", () => {
  const [v7, c7] = variantAndControl(7), [v8, c8] = variantAndControl(8);
  const table = new ComparisonTable([PAIR], { seed: 1 });
  for (const d of [v7, c7, v8, c8]) table.add(d); // two pairs queued, none stepped
  const rows = table.rows([v8, c8]);
  assert.deepEqual(rows.map((r) => `${r.seed}|${r.metric}`), ["8|top1", "8|rsa_spearman"]);
  assert.equal(rows[0].p_adj, 0.5);
  near(rows[1].p_adj, 2 * P_SQRT3, 1e-15);
});

// ---------------------------------------------------------------------------------------------
// seedComparisons

/** variant and control over `seeds`, top1 values `a[i]` and `b[i]` (no resamples needed). */
function seeded(seeds: number[], a: number[], b: number[]): ModelDetail[] {
  return seeds.flatMap((s, i) => [
    detail("variant", s, { [TOP1]: { value: a[i], resamples: [] } }),
    detail("control", s, { [TOP1]: { value: b[i], resamples: [] } }),
  ]);
}

Deno.test("seedComparisons: the mean of the per-seed deltas, an exact sign-flip p over 4 seeds and an interval inside the deltas", () => {
  // deltas 0.25, 0.5, 0.125, −0.125: mean 0.1875, Σ = 0.75. |Σ ±0.25 ±0.5 ±0.125 ±0.125| ≥ 0.75
  // when 0.25 and 0.5 share a sign and the 0.125s do not both oppose it: 3 patterns per sign
  // → p = 6/16
  const a = [0.75, 1, 0.625, 0.5], b = [0.5, 0.5, 0.5, 0.625];
  const details = seeded([7, 8, 9, 10], a, b);
  const rows = seedComparisons(details, [PAIR], { seed: 3 });
  assert.equal(rows.length, 1);
  const r = rows[0];
  assert.deepEqual(
    [r.model_a, r.model_b, r.relation, r.seed, r.metric, r.subset, r.n_units],
    ["variant", "control", "variant_vs_control", null, "top1", "test", 4],
  );
  assert.equal(r.value_a, 2.875 / 4);
  assert.equal(r.value_b, 2.125 / 4);
  assert.equal(r.delta, 0.1875);
  assert.equal(r.p, 6 / 16);
  assert.equal(r.test, "over 4 training seeds: bootstrap interval, exact sign-flip permutation");
  // resampled means of the deltas: between the smallest and the largest delta
  assert.ok(-0.125 <= r.ci_low && r.ci_low <= r.delta && r.delta <= r.ci_high && r.ci_high <= 0.5);
  assert.ok(r.ci_low < r.ci_high);
  // the same seed, the same interval
  assert.deepEqual(seedComparisons(details, [PAIR], { seed: 3 }), rows);
});

Deno.test("seedComparisons: a metric missing for one seed of one model is skipped, the others compared", () => {
  const details = seeded([7, 8, 9], [0.75, 1, 0.625], [0.5, 0.5, 0.5]);
  for (const d of details) d.values.set(RSA, d.model === "variant" ? 0.5 : 0.25);
  details.find((d) => d.model === "control" && d.seed === 8)!.values.delete(TOP1);
  const rows = seedComparisons(details, [PAIR], { seed: 1 });
  assert.deepEqual(rows.map((r) => [r.metric, r.delta, r.n_units]), [["rsa_spearman", 0.25, 3]]);
});

Deno.test("seedComparisons: seeds are matched by value, fewer than 3 shared seeds give no rows; seedless details are ignored", () => {
  const details = seeded([7, 8, 9], [0.75, 1, 0.625], [0.5, 0.5, 0.5]);
  // the control's third seed is 10: 7 and 8 are shared
  details[5] = { ...details[5], seed: 10 };
  details.push(detail("variant", null, { [TOP1]: { value: 0, resamples: [] } }));
  details.push(detail("control", null, { [TOP1]: { value: 1, resamples: [] } }));
  assert.deepEqual(seedComparisons(details, [PAIR], { seed: 1 }), []);
  // the control's seed 9 arrives: three shared seeds (the null ones still left out)
  details.push(detail("control", 9, { [TOP1]: { value: 0.5, resamples: [] } }));
  const rows = seedComparisons(details, [PAIR], { seed: 1 });
  assert.deepEqual(rows.map((r) => [r.n_units, r.value_a]), [[3, 2.375 / 3]]);
});

Deno.test("seedComparisons: with fewer permutations than sign patterns the test draws signs, p = (count + 1)/(permutations + 1)", () => {
  const details = seeded([7, 8, 9, 10], [0.75, 1, 0.625, 0.5], [0.5, 0.5, 0.5, 0.625]);
  const [r] = seedComparisons(details, [PAIR], { seed: 5, permutations: 8 });
  assert.equal(r.test, "over 4 training seeds: bootstrap interval, sign-flip permutation");
  const count = r.p * 9 - 1;
  assert.ok(Math.abs(count - Math.round(count)) < 1e-12 && count >= 0 && count <= 8, `${r.p}`);
  assert.deepEqual(seedComparisons(details, [PAIR], { seed: 5, permutations: 8 }), [r]);
});

Deno.test("seedComparisons vs scipy: exact permutation_test over 6 seeds and numpy means, random input", async () => {
  await withSeed("seedComparisons", async (rng: Rng) => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const a = seeds.map(() => 0.5 + 0.2 * rng.next()), b = seeds.map(() => 0.5 + 0.2 * rng.next());
    const [r] = seedComparisons(seeded(seeds, a, b), [PAIR], { seed: rng.int(1000) });
    const want = await runPython<{ p: number; a: number; b: number; delta: number }>(
      `from scipy.stats import permutation_test
a, b = inp["a"], inp["b"]
res = permutation_test((a, b), lambda x, y, axis: np.mean(x - y, axis=axis),
                       permutation_type="samples", vectorized=True, n_resamples=np.inf)
out({"p": res.pvalue, "a": np.mean(a), "b": np.mean(b), "delta": np.mean(a - b)})`,
      { a: { data: Float64Array.from(a) }, b: { data: Float64Array.from(b) } },
    );
    assert.equal(r.test, "over 6 training seeds: bootstrap interval, exact sign-flip permutation");
    near(r.p, want.p, 1e-15, "exact p (k/64 on both sides)");
    // means of 6 values below 1: γ(6)·Σ|v| on each side
    const tol = 2 * gamma(8, U64) * 6;
    near(r.value_a, want.a, tol, "mean a");
    near(r.value_b, want.b, tol, "mean b");
    near(r.delta, want.delta, tol, "mean delta");
    assert.ok(r.ci_low <= r.delta && r.delta <= r.ci_high);
  });
});
