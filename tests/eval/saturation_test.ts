/** The saturation guard (src/eval/benchmark/saturation.ts) on constructed benchmark rows. */
import { strict as assert } from "node:assert";
import {
  asCriterion,
  benchmarkSaturation,
  saturation,
  SATURATION_LABELS,
  type SaturationRow,
} from "../../src/eval/benchmark/saturation.ts";
import { metricCeiling } from "../../src/eval/benchmark/spec.ts";

/** A row with value `value` and a symmetric interval of half-width `half`. */
function row(value: number, half: number) {
  return { value, ci_low: value - half, ci_high: value + half };
}

Deno.test("saturation: every model within its interval of the ceiling", () => {
  const s = saturation([
    { value: 1, ci_low: 1, ci_high: 1 },
    { value: 0.995, ci_low: 0.985, ci_high: 1 },
    { value: 0.98, ci_low: 0.95, ci_high: 1 },
  ], { ceiling: 1 });
  assert.equal(s.saturated, true);
  assert.equal(s.criterion, "ceiling");
  assert.equal(s.reason, "every model within its interval of the ceiling 1");
  // only the ceiling criterion holds: the spread 0.02 is above the median half-width 0.0075
  assert.ok(Math.abs(s.spread - 0.02) < 1e-12);
  assert.ok(Math.abs(s.medianHalfWidth - 0.0075) < 1e-12);
});

Deno.test("saturation: one model farther from the ceiling than its half-width is not", () => {
  const s = saturation([
    { value: 1, ci_low: 1, ci_high: 1 },
    { value: 0.9, ci_low: 0.88, ci_high: 0.92 },
  ], { ceiling: 1 });
  assert.equal(s.saturated, false);
  assert.equal(s.criterion, null);
  // spread 0.1 ≥ median half-width 0.01
  assert.equal(s.reason, "spread 0.100 ≥ median half-width 0.010");
});

Deno.test("saturation: a spread below the median half-width", () => {
  const rows = [row(0.500, 0.010), row(0.503, 0.012), row(0.504, 0.008)];
  const s = saturation(rows);
  assert.equal(s.saturated, true);
  assert.equal(s.criterion, "indistinguishable");
  assert.equal(s.reason, "spread 0.004 < median half-width 0.010");
  assert.ok(Math.abs(s.medianHalfWidth - 0.010) < 1e-12);
  // even with a ceiling far away
  assert.equal(saturation(rows, { ceiling: 1 }).criterion, "indistinguishable");
});

Deno.test("saturation: top-1 at 0.63–0.67 with wide intervals is indistinguishable, not at ceiling", () => {
  // the embedded benchmark's case: top-1 far below its ceiling 1, models within 0.04 of each
  // other, intervals ±0.05 — flagged for the spread, never as saturated at the ceiling
  const s = saturation([row(0.63, 0.05), row(0.65, 0.05), row(0.67, 0.05)], { ceiling: 1 });
  assert.equal(s.saturated, true);
  assert.equal(s.criterion, "indistinguishable");
  assert.equal(
    SATURATION_LABELS[s.criterion!],
    "models indistinguishable (spread < interval half-width)",
  );
  const atCeiling = saturation([row(0.99, 0.02), row(1, 0)], { ceiling: 1 });
  assert.equal(atCeiling.criterion, "ceiling");
  assert.equal(SATURATION_LABELS[atCeiling.criterion!], "saturated (at ceiling)");
  // table cells: only the two criteria are read back
  assert.equal(asCriterion("ceiling"), "ceiling");
  assert.equal(asCriterion("indistinguishable"), "indistinguishable");
  assert.equal(asCriterion("spread"), null);
  assert.equal(asCriterion(null), null);
  assert.equal(asCriterion(undefined), null);
});

Deno.test("saturation: models told apart are not saturated", () => {
  const s = saturation([row(0.40, 0.02), row(0.45, 0.02), row(0.52, 0.03)], { ceiling: 1 });
  assert.equal(s.saturated, false);
  assert.equal(s.reason, "spread 0.120 ≥ median half-width 0.020");
  // spread equal to the median half-width: not smaller, not saturated
  assert.equal(saturation([row(0.5, 0.25), row(0.75, 0.25)]).saturated, false);
});

Deno.test("saturation: edge cases (no models, a single model, NaN and missing intervals)", () => {
  assert.equal(saturation([]).saturated, false);
  // a single model: no spread to judge, but at its ceiling it is saturated
  const single = saturation([row(0.5, 0.1)], { ceiling: 1 });
  assert.equal(single.saturated, false);
  assert.equal(single.reason, "a single model, not at its ceiling");
  assert.equal(saturation([row(0.5, 0.1)]).saturated, false);
  assert.equal(
    saturation([{ value: 1, ci_low: 0.99, ci_high: 1 }], { ceiling: 1 }).criterion,
    "ceiling",
  );
  // a model with a NaN or missing interval: nothing to judge by, not saturated
  for (
    const bad of [
      { value: 0.5, ci_low: NaN, ci_high: NaN },
      { value: 0.5, ci_low: null, ci_high: null },
      { value: NaN, ci_low: 0.4, ci_high: 0.6 },
      { value: 1, ci_low: null, ci_high: null },
    ]
  ) {
    const s = saturation([row(0.5, 0.1), bad], { ceiling: 1 });
    assert.equal(s.saturated, false, JSON.stringify(bad));
    assert.equal(s.reason, "a model has no finite value and 95% interval");
    assert.ok(Number.isNaN(s.spread));
  }
  // round-off below the ceiling (a weighted mean of ones) still counts as on it
  assert.equal(
    saturation([{ value: 1 - 1e-12, ci_low: 1 - 1e-12, ci_high: 1 - 1e-12 }, row(1, 0)], {
      ceiling: 1,
    }).saturated,
    true,
  );
});

Deno.test("metricCeiling: 1 for accuracies, hit rates, mAP and AUCs, none for correlations", () => {
  for (
    const m of [
      "top1",
      "top5",
      "head_top1",
      "retrieval@1",
      "retrieval@10",
      "mAP",
      "oddoneout_accuracy",
      "triplet_satisfaction",
      "category_auc",
      "category_comembership_auc",
    ]
  ) {
    assert.equal(metricCeiling(m), 1, m);
  }
  for (
    const m of [
      "human_pair_rho",
      "rsa_spearman",
      "rdm48_rsa_spearman",
      "rdm48_rsa_pearson",
      "oddoneout_normalised",
      "triplet_margin",
      "object_properties_rho",
    ]
  ) {
    assert.equal(metricCeiling(m), null, m);
  }
});

Deno.test("benchmarkSaturation: one verdict per metric × subset, the reference row left out", () => {
  const rows: SaturationRow[] = [];
  const add = (model: string, seed: number | null, metric: string, subset: string, v: number[]) =>
    rows.push({ model, seed, metric, subset, value: v[0], ci_low: v[1], ci_high: v[2] });
  for (const [model, seed] of [["baseline", 7], ["variant", 7], ["variant", 8]] as const) {
    add(model, seed, "retrieval@1", "test", [1, 1, 1]);
    add(model, seed, "top1", "test", [seed === 8 ? 0.6 : 0.8, 0.7, 0.9]);
    add(model, seed, "top1", "stress", [0.3, 0.2, 0.4]);
    add(model, seed, "human_pair_rho", "test", [0.2, 0.1, 0.3]);
  }
  // the circular SPoSE reference would spread human-pair ρ far apart: it is not judged
  add("spose49", null, "human_pair_rho", "test", [0.95, 0.94, 0.96]);
  add("spose49", null, "oddoneout_accuracy", "all_concepts", [0.6, NaN, NaN]);
  const verdicts = benchmarkSaturation(rows);
  assert.deepEqual(
    [...verdicts].map(([key, s]) => [key, s.saturated, s.criterion, s.models]),
    [
      ["retrieval@1|test", true, "ceiling", 3],
      // both seeds of a model count: 0.8 vs 0.6 is a spread of 0.2 ≥ 0.1
      ["top1|test", false, null, 3],
      ["top1|stress", true, "indistinguishable", 3],
      ["human_pair_rho|test", true, "indistinguishable", 3],
    ],
  );
});
