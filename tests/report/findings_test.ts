/**
 * The saturation guard in the qualitative words (src/report/findings.ts) and the write-up
 * (src/report/writeup.ts), on constructed tables: a difference on a saturated metric is never
 * called robust, and the sentences that summarise the practical metrics name the saturated ones.
 */
import { strict as assert } from "node:assert";
import {
  almostIdentical,
  anyRobustIncrease,
  type BenchmarkRow,
  classifyEffect,
  type ComparisonRow,
  effectWords,
  flaggedClause,
  markSaturated,
  methodsResults,
  practicalDirection,
  type ReportTables,
  saturationWords,
  type WriteUp,
} from "../../src/report/mod.ts";
import { comparisonRow } from "../_helpers/comparisons.ts";
import type { ModelSummaryRow } from "../../src/tables/models.ts";

function comparison(
  metric: string,
  delta: number,
  ci: [number, number],
  pAdj: number,
  options: { a?: string; b?: string; relation?: string; saturated?: boolean } = {},
): ComparisonRow {
  return comparisonRow(metric, delta, { ...options, ci, pAdj });
}

Deno.test("classifyEffect: a saturated metric is never robust, whatever interval and p", () => {
  const robust = comparison("retrieval@1", 0.05, [0.02, 0.08], 0.001);
  assert.equal(classifyEffect(robust), "robust_increase");
  assert.equal(classifyEffect({ ...robust, saturated: false }), "robust_increase");
  const saturated = { ...robust, saturated: true };
  assert.equal(classifyEffect(saturated), "saturated");
  assert.equal(
    classifyEffect({ ...saturated, delta: -0.05, ci_low: -0.08, ci_high: -0.02 }),
    "saturated",
  );
  assert.equal(effectWords("saturated"), "cannot be told apart: the metric is saturated");
  const words = effectWords("saturated", {
    reason: "every model within its interval of the ceiling 1",
  });
  assert.equal(
    words,
    "cannot be told apart: the metric is saturated (every model within its interval of the " +
      "ceiling 1)",
  );
  assert.ok(!/robust/.test(words));
  assert.ok(!anyRobustIncrease([saturated]));
});

Deno.test("saturated rows are left out of almostIdentical and practicalDirection", () => {
  const tie = comparison("top1", 0.002, [-0.01, 0.014], 1);
  const saturated = comparison("retrieval@1", 0.05, [0.02, 0.08], 0.001, { saturated: true });
  // without the guard the robust retrieval@1 difference would break the tie
  assert.ok(!almostIdentical([tie, { ...saturated, saturated: false }]));
  assert.ok(almostIdentical([tie, saturated]));
  // saturated metrics alone say nothing
  assert.ok(!almostIdentical([saturated]));
  assert.equal(practicalDirection([tie, { ...saturated, saturated: false }]), "improved");
  assert.equal(practicalDirection([tie, saturated]), "barely changed");
  assert.equal(practicalDirection([saturated]), "barely changed");
});

Deno.test("saturationWords: the reason without derived numbers", () => {
  const base = { saturated: true, models: 3, spread: 0.004, medianHalfWidth: 0.01 };
  assert.equal(
    saturationWords({ ...base, criterion: "ceiling", ceiling: 1, reason: "" }),
    "every model within its interval of the ceiling 1",
  );
  assert.equal(
    saturationWords({ ...base, criterion: "indistinguishable", ceiling: null, reason: "" }),
    "the spread between models is smaller than their median 95% interval half-width",
  );
  assert.equal(saturationWords(undefined), "");
});

// --- a constructed run: baseline, ImageNet, a variant and its shuffled control ----------------

const MODELS = ["imagenet", "baseline", "variant", "control"];

function bench(model: string, metric: string, value: number, half: number): BenchmarkRow {
  return {
    model,
    seed: 7,
    metric,
    subset: "test",
    group: "core",
    value,
    ci_low: value - half,
    ci_high: value + half,
    n: 40,
    source: null,
    note: null,
  };
}

function modelRow(model: string): ModelSummaryRow {
  return {
    model,
    seed: 7,
    init: model === "imagenet" ? "imagenet" : "baseline",
    trained: model !== "imagenet",
    control_of: model === "control" ? "variant" : null,
    test_top1: null,
    val_top1: null,
    stress_top1: null,
    chance: 0.025,
    n_classes: 40,
    backend: "cpu",
    config: null,
  };
}

/**
 * Tables where retrieval@1 and mAP sit on their ceiling for every model (saturated) while top-1
 * and human-pair ρ tell the models apart; every comparison on retrieval@1 and mAP looks robust
 * (interval above 0, Holm p 0.001). With `allSaturated`, top-1 is on its ceiling too.
 */
function tables(options: { allSaturated?: boolean } = {}): ReportTables {
  const top1: Record<string, number> = options.allSaturated
    ? { imagenet: 1, baseline: 1, variant: 1, control: 1 }
    : { imagenet: 0.5, baseline: 0.6, variant: 0.7, control: 0.7 };
  const rho: Record<string, number> = { imagenet: 0.1, baseline: 0.2, variant: 0.5, control: 0.2 };
  const benchmark = MODELS.flatMap((m) => [
    bench(m, "top1", top1[m], options.allSaturated ? 0 : 0.02),
    bench(m, "retrieval@1", 1, 0),
    { ...bench(m, "mAP", 0.999, 0.001), ci_high: 1 },
    bench(m, "human_pair_rho", rho[m], 0.05),
  ]);
  const pairs: [string, string, string][] = [
    ["variant", "control", "variant_vs_control"],
    ["variant", "baseline", "vs_baseline"],
    ["control", "baseline", "vs_baseline"],
    ["baseline", "imagenet", "baseline_vs_imagenet"],
  ];
  const comparisons = pairs.flatMap(([a, b, relation]) => {
    const d = (x: Record<string, number>) => x[a] - x[b];
    const o = { a, b, relation };
    return [
      comparison("top1", d(top1), [d(top1) - 0.02, d(top1) + 0.02], d(top1) ? 0.001 : 1, o),
      comparison("retrieval@1", 0.05, [0.02, 0.08], 0.001, o),
      comparison("mAP", 0.04, [0.01, 0.07], 0.001, o),
      comparison("human_pair_rho", d(rho), [d(rho) - 0.05, d(rho) + 0.05], 0.5, o),
    ];
  });
  // no `saturated` column: the report judges the tables by the stage's rule
  markSaturated(benchmark, comparisons);
  return {
    dir: "constructed",
    benchmark,
    comparisons,
    models: MODELS.map(modelRow),
    benchmarkMetadata: { task: "bench", version: "test", seed: 7, profile: "embedded" },
    training: [],
  };
}

function paragraphs(writeup: WriteUp): string[] {
  return writeup.sections.flatMap((s) => [...s.paragraphs, ...s.bullets].map((p) => p.text));
}

Deno.test("markSaturated: tables without the column get the stage's verdict", () => {
  const t = tables();
  const flags = (metric: string) => [
    ...new Set(
      [...t.benchmark, ...t.comparisons].filter((r) => r.metric === metric)
        .map((r) => r.saturated),
    ),
  ];
  assert.deepEqual(flags("retrieval@1"), [true]);
  assert.deepEqual(flags("mAP"), [true]);
  assert.deepEqual(flags("top1"), [false]);
  assert.deepEqual(flags("human_pair_rho"), [false]);
  // …with the reason: retrieval@1 and mAP sit on their ceiling
  const reasons = (metric: string) => [
    ...new Set(
      [...t.benchmark, ...t.comparisons].filter((r) => r.metric === metric)
        .map((r) => r.saturation_reason),
    ),
  ];
  assert.deepEqual(reasons("retrieval@1"), ["ceiling"]);
  assert.deepEqual(reasons("top1"), [null]);
  // a column that is there is kept
  const rows = [{ ...t.comparisons[1], saturated: false }];
  markSaturated(t.benchmark, rows);
  assert.equal(rows[0].saturated, false);
  assert.equal(rows[0].saturation_reason, null);
  // a flag without the reason column (tables written between the two columns) gets the reason
  const flagged = [{ ...t.comparisons[1], saturated: true, saturation_reason: undefined }];
  markSaturated(t.benchmark, flagged);
  assert.equal(flagged[0].saturation_reason, "ceiling");
});

Deno.test("effectWords and flaggedClause name the guard's reason", () => {
  assert.equal(
    effectWords("saturated", {
      criterion: "ceiling",
      reason: "every model within its interval of the ceiling 1",
    }),
    "cannot be told apart: saturated (at ceiling): every model within its interval of the " +
      "ceiling 1",
  );
  const tie = effectWords("saturated", { criterion: "indistinguishable", reason: "ignored" });
  assert.equal(
    tie,
    "cannot be told apart: models indistinguishable (spread < interval half-width)",
  );
  assert.ok(!/saturated|robust/.test(tie));
  assert.equal(flaggedClause(["ceiling", "ceiling"]), "is saturated (at ceiling)");
  assert.equal(
    flaggedClause(["indistinguishable"]),
    "leaves the models indistinguishable (spread < interval half-width)",
  );
  assert.equal(
    flaggedClause(["ceiling", "indistinguishable"]),
    "is saturated (at ceiling) or leaves the models indistinguishable",
  );
  assert.equal(flaggedClause(["ceiling", null]), "is flagged by the saturation guard");
});

Deno.test("write-up: saturated practical metrics are named and never called robust", () => {
  const text = paragraphs(methodsResults(tables()));
  const all = text.join("\n");
  const note = "Retrieval@1 and Retrieval mAP saturated (at ceiling), so not judged: every model " +
    "within its interval of the ceiling 1";
  // every sentence that summarises the practical metrics names the saturated ones
  const summaries = text.filter((p) => /practical metrics/.test(p) && /Δ Test top-1/.test(p));
  assert.ok(summaries.length >= 3, `${summaries.length} practical summaries`);
  for (const p of summaries) assert.ok(p.includes(note), p);
  // …and leaves them out of the Δs and the words: the variant ties its control on top-1
  assert.ok(!/Δ Retrieval/.test(all), "no Δ of a saturated metric is cited");
  assert.ok(/the shuffled control improved almost identically/.test(all), all);
  assert.ok(!/differed robustly/.test(all));
  assert.ok(
    text.some((p) =>
      p.includes(
        "matched it within 0.01 on every practical metric the saturation guard does not flag",
      )
    ),
  );
  // no sentence puts "robust" next to a saturated metric
  for (const p of text) {
    for (const clause of p.split(/[;.]\s/)) {
      if (/Retrieval/.test(clause) && !/saturated/i.test(clause)) {
        assert.ok(!/robust/.test(clause), clause);
      }
    }
  }
  // the caveats list the saturated metrics
  assert.ok(
    text.some((p) =>
      p.startsWith("Metrics on which the benchmark cannot tell the models apart") &&
      p.includes(
        "Saturated (at ceiling): Retrieval@1 (every model within its interval of the ceiling 1), " +
          "Retrieval mAP (every model within its interval of the ceiling 1).",
      )
    ),
  );
});

Deno.test("write-up: when every practical metric is saturated nothing is judged on them", () => {
  const text = paragraphs(methodsResults(tables({ allSaturated: true })));
  const all = text.join("\n");
  assert.ok(/fine-tuning could not be judged on the practical metrics/.test(all), all);
  assert.ok(
    /every practical metric is saturated \(at ceiling\), so it cannot be told apart/.test(all),
  );
  assert.ok(!/almost identically/.test(all));
  assert.ok(!/robustly improved at least one practical metric/.test(all));
  assert.ok(!/Practical changes of .* cannot be credited/.test(all));
  assert.ok(!/Δ Test top-1/.test(all));
  assert.ok(
    /here every practical metric is saturated \(at ceiling\), so they cannot tell a variant/
      .test(all),
  );
  assert.ok(!/every variant differed from its control/.test(all));
});

Deno.test("write-up: where gLocal lowers the practical metrics, it cites thingsvision's caution for ImageNet models", () => {
  const withGlocal = (delta: number): ReportTables => {
    const t = tables();
    const top1 = t.benchmark.find((r) => r.model === "baseline" && r.metric === "top1")!;
    const rho = t.benchmark.find((r) => r.model === "baseline" && r.metric === "human_pair_rho")!;
    t.benchmark.push(
      { ...top1, model: "glocal", value: top1.value + delta },
      { ...rho, model: "glocal", value: rho.value + 0.2 },
    );
    const o = { a: "glocal", b: "baseline", relation: "posthoc_vs_baseline" };
    t.comparisons.push(
      comparison("top1", delta, [delta - 0.01, delta + 0.01], 0.001, { ...o, saturated: false }),
      comparison("human_pair_rho", 0.2, [0.1, 0.3], 0.001, { ...o, saturated: false }),
    );
    return t;
  };
  const caution = /thingsvision reports the same for ImageNet-trained models/;
  assert.match(paragraphs(methodsResults(withGlocal(-0.08))).join("\n"), caution);
  assert.doesNotMatch(paragraphs(methodsResults(withGlocal(0.08))).join("\n"), caution);
});

Deno.test("write-up: the out-of-distribution section reports the stress styles and each variant vs the baseline", () => {
  const t = tables();
  assert.ok(!paragraphs(methodsResults(t)).some((p) => /stress styles/.test(p)), "no such rows");
  for (const m of MODELS) {
    t.benchmark.push(
      { ...bench(m, "top1", 0.3, 0.05), subset: "stress" },
      { ...bench(m, "retrieval@1", 0.4, 0.05), subset: "stress" },
    );
  }
  const o = { a: "variant", b: "baseline", relation: "vs_baseline", saturated: false };
  t.comparisons.push(
    { ...comparison("top1", 0.1, [0.05, 0.15], 0.001, o), subset: "stress" },
    { ...comparison("retrieval@1", -0.01, [-0.05, 0.03], 0.6, o), subset: "stress" },
  );
  const text = paragraphs(methodsResults(t)).find((p) => /stress styles/.test(p));
  assert.ok(text, "the section is there");
  assert.match(text, /stress-style top-1 0\.300/);
  assert.match(text, /stress-style top-1 rose robustly/);
  assert.match(text, /stress-style retrieval@1 did not change clearly/);
});
