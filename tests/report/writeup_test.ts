/**
 * Traceability of the Methods & Results page: every number in its text is a cell of the tables
 * (listed as the paragraph's source), changing one benchmark value in a fixture table on disk
 * changes the page data accordingly, and the qualitative words follow their thresholds.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fmt } from "../../src/figures/data.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import {
  almostIdentical,
  classifyEffect,
  type ComparisonRow,
  gwotData,
  loadReportTables,
  methodsResults,
  practicalDirection,
  THRESHOLDS,
  writeSiteData,
  type WriteUp,
} from "../../src/report/mod.ts";
import { editTable, fixtureCopy } from "../figures/_fixture.ts";

const FIXTURE = repoPath("tests/fixtures/tables");

function pageText(writeup: WriteUp): string {
  return writeup.sections.flatMap((s) => [
    s.heading,
    ...s.paragraphs.map((p) => p.text),
    ...s.bullets.map((b) => b.text),
  ]).join("\n");
}

/** Copy the fixture tables and set one benchmark cell (model, metric, subset) to `value`. */
async function perturbedFixture(
  model: string,
  metric: string,
  subset: string,
  value: number,
): Promise<string> {
  const dir = await fixtureCopy();
  await editTable(
    dir,
    "benchmark",
    (r) => r.model === model && r.metric === metric && r.subset === subset,
    (r) => r.value = value,
  );
  return dir;
}

/** Assert every 3–4-decimal number of the write-up is a source cell of its paragraph. */
function assertTraceable(writeup: WriteUp): number {
  let checked = 0;
  for (const section of writeup.sections) {
    for (const paragraph of [...section.paragraphs, ...section.bullets]) {
      const allowed = new Set<string>();
      for (const s of paragraph.sources) {
        for (const digits of [3, 4]) allowed.add(fmt(Math.abs(s.value), digits));
      }
      // numbers with 3–4 decimals (values, deltas, intervals, p-values)
      for (const match of paragraph.text.matchAll(/\d+\.\d{3,4}/g)) {
        const number = match[0];
        const isP = paragraph.text.slice(Math.max(0, match.index! - 10), match.index!)
          .includes("p_Holm");
        if (isP) {
          assert.ok(
            paragraph.sources.some((s) => s.column === "p_adj" && s.value.toFixed(3) === number),
            `p-value ${number} in "${paragraph.text.slice(0, 80)}…" is not a p_adj cell`,
          );
        } else {
          assert.ok(
            allowed.has(number),
            `${number} in "${paragraph.text.slice(0, 80)}…" is not one of its source cells`,
          );
        }
        checked++;
      }
    }
  }
  return checked;
}

Deno.test("every number in the write-up is a cell of its paragraph's sources", async () => {
  const checked = assertTraceable(methodsResults(await loadReportTables(FIXTURE)));
  assert.ok(checked > 50, `checked ${checked} numbers`);
});

/**
 * The fixture tables plus RDM48 rows (the fixture predates the metric): every model's value from
 * its human-pair ρ, and every human-pair ρ comparison repeated for RDM48 with `edit` applied.
 */
async function withRdm48(edit: (row: ComparisonRow) => Partial<ComparisonRow> = () => ({})) {
  const tables = await loadReportTables(FIXTURE);
  const rho = tables.benchmark.filter((r) => r.metric === "human_pair_rho" && r.subset === "test");
  tables.benchmark.push(...rho.map((r) => ({
    ...r,
    metric: "rdm48_rsa_spearman",
    subset: "rdm48",
    value: 0.2 + r.value / 2,
    ci_low: r.ci_low === null ? null : 0.1 + r.ci_low / 2,
    ci_high: r.ci_high === null ? null : 0.3 + r.ci_high / 2,
    n: 66,
    note: "12 of the 48 RDM48 concepts in the benchmark's concept space",
    saturated: false,
  })));
  const comparisons = tables.comparisons.filter((r) =>
    r.metric === "human_pair_rho" && r.subset === "test"
  );
  tables.comparisons.push(...comparisons.map((r) => ({
    ...r,
    metric: "rdm48_rsa_spearman",
    subset: "rdm48",
    saturated: false,
    ...edit(r),
  })));
  return tables;
}

Deno.test("the write-up's RDM48 section: baseline and SPoSE values, variants vs baseline and vs controls, traceable", async () => {
  const before = methodsResults(await loadReportTables(FIXTURE));
  assert.ok(!before.sections.some((s) => s.id === "external"), "no section without the rows");
  // every variant robustly above its control
  const tables = await withRdm48((r) =>
    r.relation === "variant_vs_control"
      ? { delta: 0.05, ci_low: 0.02, ci_high: 0.08, p: 0.001, p_adj: 0.004 }
      : {}
  );
  const writeup = methodsResults(tables);
  const section = writeup.sections.find((s) => s.id === "external");
  assert.ok(section, "an RDM48 section");
  assert.equal(section.heading, "External human similarity (RDM48)");
  const text = section.paragraphs.map((p) => p.text).join("\n");
  const base = tables.benchmark.find((r) =>
    r.model === "baseline" && r.metric === "rdm48_rsa_spearman" && r.seed === writeup.seed
  )!;
  assert.ok(text.includes(`The baseline reached ${fmt(base.value)} [`), text);
  assert.match(text, /Hebart et al\. \(2020\)/);
  assert.match(text, /over 66 concept pairs; 12 of the 48 RDM48 concepts/);
  assert.match(text, /SPoSE-49, the reference, \d\.\d{3}/);
  assert.match(text, /RDM48 RSA against the baseline: .*(rose|fell|did not change)/);
  assert.match(text, /Against the shuffled controls: .* vs .*: rose robustly \(Δ = \+0\.050/);
  assert.match(text, /over their shuffled controls are robust, so they come from human similarity/);
  assert.ok(assertTraceable(writeup) > 50);
  // ties with the controls: nothing credited to human similarity
  const tied = methodsResults(
    await withRdm48((r) =>
      r.relation === "variant_vs_control"
        ? { delta: 0.001, ci_low: -0.02, ci_high: 0.022, p: 0.9, p_adj: 1 }
        : {}
    ),
  );
  const tiedText = tied.sections.find((s) => s.id === "external")!.paragraphs
    .map((p) => p.text).join("\n");
  assert.match(tiedText, /did not change clearly/);
  assert.match(tiedText, /no variant beat its shuffled control robustly, so no change on this/);
  // a saturated metric is named as such, never robust
  const saturated = methodsResults(await withRdm48(() => ({ saturated: true })));
  const satText = saturated.sections.find((s) => s.id === "external")!.paragraphs
    .map((p) => p.text).join("\n");
  // the fixture's RDM48 RSA is far from any ceiling: flagged because the models' spread is below
  // their interval half-width, and said so (not "saturated")
  assert.match(
    satText,
    /cannot be told apart: models indistinguishable \(spread < interval half-width\)/,
  );
  assert.match(satText, /the metric leaves the models indistinguishable/);
  assert.doesNotMatch(satText, /saturated/);
  assert.doesNotMatch(satText, /rose robustly/);
});

Deno.test("the write-up says when RDM48 RSA was not computable", async () => {
  const tables = await loadReportTables(FIXTURE);
  tables.benchmarkMetadata = {
    ...tables.benchmarkMetadata,
    notes: { not_computable: ["rdm48_rsa_spearman|rdm48", "rdm48_rsa_pearson|rdm48"] },
  };
  const section = methodsResults(tables).sections.find((s) => s.id === "external");
  assert.ok(section);
  assert.match(
    section.paragraphs[0].text,
    /could not be computed: fewer than 3 of its 48 concepts/,
  );
});

Deno.test("changing one benchmark value in a fixture table changes the page text", async () => {
  const original = methodsResults(await loadReportTables(FIXTURE));
  const dir = await perturbedFixture("baseline", "top1", "test", 0.4321);
  try {
    const perturbed = methodsResults(await loadReportTables(dir));
    const before = pageText(original), after = pageText(perturbed);
    assert.notEqual(after, before);
    assert.ok(after.includes("nearest-prototype top-1 0.432"), "the new value is written");
    assert.ok(!before.includes("nearest-prototype top-1 0.432"));
    // only the baseline paragraph that cites that cell changed
    const changed = perturbed.sections.filter((s, i) =>
      JSON.stringify(s) !== JSON.stringify(original.sections[i])
    ).map((s) => s.id);
    assert.deepEqual(changed, ["baseline"]);

    // the same through the site's data files (what the page renders)
    const src = await Deno.makeTempDir({ prefix: "ht-site-src-" });
    try {
      await writeSiteData({ tables: dir, figures: join(dir, "figures") }, src, {
        figures: [],
      });
      const results = JSON.parse(await Deno.readTextFile(join(src, "results.json")));
      assert.ok(JSON.stringify(results).includes("nearest-prototype top-1 0.432"));
    } finally {
      await Deno.remove(src, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function comparison(delta: number, low: number, high: number, pAdj: number): ComparisonRow {
  return {
    model_a: "a",
    model_b: "b",
    relation: "variant_vs_control",
    seed: 7,
    metric: "top1",
    subset: "test",
    value_a: 0.5 + delta,
    value_b: 0.5,
    delta,
    ci_low: low,
    ci_high: high,
    p: pAdj,
    p_adj: pAdj,
    n_units: 40,
    test: "fixture",
  };
}

Deno.test("qualitative words follow the documented thresholds", () => {
  assert.equal(classifyEffect(comparison(0.02, 0.01, 0.03, 0.01)), "robust_increase");
  assert.equal(classifyEffect(comparison(0.02, 0.01, 0.03, 0.2)), "nominal_increase");
  assert.equal(classifyEffect(comparison(-0.02, -0.03, -0.01, 0.01)), "robust_decrease");
  assert.equal(classifyEffect(comparison(0.02, -0.01, 0.05, 0.01)), "no_clear_change");
  const tie = THRESHOLDS.tie;
  assert.ok(almostIdentical([comparison(tie, -0.01, 0.03, 1), comparison(-tie, -0.03, 0.01, 1)]));
  assert.ok(!almostIdentical([comparison(tie + 0.001, -0.01, 0.03, 1)]));
  assert.ok(!almostIdentical([comparison(0.005, 0.001, 0.009, 0.01)]), "robust is not a tie");
  assert.ok(!almostIdentical([]));
  assert.equal(practicalDirection([comparison(0.03, 0.01, 0.05, 0.01)]), "improved");
  assert.equal(practicalDirection([comparison(-0.03, -0.05, -0.01, 0.01)]), "worsened");
  assert.equal(practicalDirection([comparison(0.005, 0.001, 0.009, 0.01)]), "slightly improved");
  assert.equal(practicalDirection([comparison(0.005, -0.001, 0.009, 1)]), "barely changed");
});

Deno.test("a variant that beats its control loses the 'almost identically' statement", async () => {
  const tables = await loadReportTables(FIXTURE);
  const text = pageText(methodsResults(tables));
  assert.ok(text.includes("almost identically"), "the fixture's fixed-prototype pair is tied");
  for (const row of tables.comparisons) {
    if (
      row.model_a === "fixed_prototype_triplets" && row.model_b === "fixed_prototype_control" &&
      row.metric === "top1"
    ) {
      Object.assign(row, { delta: 0.05, ci_low: 0.03, ci_high: 0.07, p_adj: 0.001 });
    }
  }
  const after = pageText(methodsResults(tables));
  assert.ok(!after.includes("almost identically"));
  assert.ok(after.includes("differed robustly from its shuffled control"));
  // it names the robust metric only (the fixture's retrieval@1 and mAP are saturated)
  assert.match(
    after,
    /differed robustly from its shuffled control \(Fixed-prototype control\) on Test top-1 \(variant minus control/,
  );
});

Deno.test("pages with missing tables say so: GWOT without gwot_summary.arrow", async () => {
  const tables = await loadReportTables(FIXTURE);
  assert.ok(gwotData(tables).summary, "the fixture has a GWOT summary");
  delete tables.gwotSummary;
  const data = gwotData(tables);
  assert.equal(data.summary, null);
  assert.match(data.message, /deno task align:gwot/);
});

Deno.test("the GWOT page states the sweep recorded in gwot_summary.arrow", async () => {
  const tables = await loadReportTables(FIXTURE);
  const meta = tables.gwotMetadata!;
  tables.gwotMetadata = {
    ...meta,
    options: {
      epsilons: [],
      epsilonScales: [0.01, 0.03],
      inits: 2,
      maxIter: 300,
      models: ["baseline", "joint_matrix_alignment"],
    },
  };
  const sweep = gwotData(tables).sweep;
  assert.match(sweep, /ε ∈ \{0\.0100, 0\.0300\} × the RDMs' dissimilarity scale/);
  assert.match(sweep, /2 initial plan\(s\) per ε; at most 300 gradient steps/);
  assert.match(sweep, /models: Baseline, Joint matrix alignment/);
  tables.gwotMetadata = {
    ...meta,
    options: { epsilons: [0.5], inits: 3, maxIter: 9, models: [] },
  };
  assert.match(
    gwotData(tables).sweep,
    /ε ∈ \{0\.500\}; 3 initial plan\(s\).*every model and SPoSE-49/,
  );
});

Deno.test("a missing benchmark table is an error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => loadReportTables(dir), /benchmark\.arrow.*expected an Arrow table/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the GWOT paragraph reads gwot_summary.arrow: chance wording follows the permutation percentiles", async () => {
  const tables = await loadReportTables(FIXTURE);
  const section = () => methodsResults(tables).sections.find((s) => s.id === "gwot");
  const before = section()!;
  const sources = before.paragraphs[0].sources.filter((s) => s.table === "gwot_summary.arrow");
  const minGwd = tables.gwotSummary!.filter((r) =>
    (r.solution ?? "min_gwd") === "min_gwd" && r.model !== "untrained"
  );
  assert.ok(sources.length >= 7 * minGwd.length, "every number has its cell");
  const row = tables.gwotSummary!.find((r) => r.model === "baseline")!;
  const sentence = (text: string) => text.slice(text.indexOf("Baseline:")).split(". ")[0];
  Object.assign(row, { top1: 0.5, chance_top1_p95: 0.1, chance_top1_p05: 0 });
  assert.match(sentence(section()!.paragraphs[0].text), /top-1 matching 0\.500, above chance/);
  Object.assign(row, { category_rate: 0.01, chance_category_p05: 0.05, chance_category_p95: 0.3 });
  assert.match(
    sentence(section()!.paragraphs[0].text),
    /category matching 0\.010, below chance \(permutation 5th percentile 0\.050/,
  );
  Object.assign(row, { category_rate: 0.2 });
  assert.match(sentence(section()!.paragraphs[0].text), /category matching 0\.200, within chance/);
  delete tables.gwotSummary;
  assert.equal(section(), undefined, "no GWOT paragraph without gwot_summary.arrow");
});
