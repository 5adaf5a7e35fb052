/**
 * The GWOT part of the write-up and the GWOT page: the highest-matching-rate solution and the
 * untrained baseline, every number a cell of gwot_summary.arrow.
 */
import { strict as assert } from "node:assert";
import { fmt } from "../../src/figures/data.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { gwotData, loadReportTables, methodsResults } from "../../src/report/mod.ts";

const FIXTURE = repoPath("tests/fixtures/tables");

function row(model: string, solution: string, values: Record<string, unknown>) {
  return {
    model,
    seed: model === "untrained" || model === "spose49" ? null : 7,
    solution,
    n_networks: 1,
    eps: 0.001,
    gwd: 0.05,
    top1: 0.1,
    top5: 0.3,
    top10: 0.4,
    category_rate: 0.5,
    chance_top1_mean: 0.025,
    chance_top1_p95: 0.077,
    chance_top1_p05: 0,
    chance_category_mean: 0.2,
    chance_category_p95: 0.31,
    chance_category_p05: 0.1,
    rsa_pearson: 0.4,
    rsa_spearman: 0.35,
    n_concepts: 39,
    ...values,
  };
}

const SUMMARY = [
  row("baseline", "min_gwd", { top1: 0.128, rsa_spearman: 0.352 }),
  row("baseline", "max_matching", { top1: 0.205, gwd: 0.0612, category_rate: 0.615 }),
  row("joint_matrix_alignment", "min_gwd", { top1: 0.013, rsa_spearman: 0.061 }),
  row("joint_matrix_alignment", "max_matching", { top1: 0.013, rsa_spearman: 0.061 }),
  row("untrained", "min_gwd", {
    n_networks: 5,
    top1: 0.021,
    top1_p05: 0.004,
    top1_p95: 0.046,
    top5: 0.11,
    top5_p05: 0.06,
    top5_p95: 0.17,
    category_rate: 0.231,
    category_rate_p05: 0.15,
    category_rate_p95: 0.27,
    rsa_pearson: 0.081,
    rsa_pearson_p05: 0.02,
    rsa_pearson_p95: 0.12,
    rsa_spearman: 0.092,
    rsa_spearman_p05: 0.031,
    rsa_spearman_p95: 0.144,
  }),
  row("untrained", "max_matching", { n_networks: 5, top1: 0.044, gwd: 0.4788 }),
];

async function tablesWith(summary: Record<string, unknown>[]) {
  const tables = await loadReportTables(FIXTURE);
  tables.gwotSummary = summary.map((r) => ({ ...r }));
  return tables;
}

Deno.test("write-up GWOT section: the best-matching solution and the untrained baseline, every number cited", async () => {
  const tables = await tablesWith(SUMMARY);
  const section = methodsResults(tables).sections.find((s) => s.id === "gwot")!;
  assert.equal(section.paragraphs.length, 3);
  const [minGwd, best, untrained] = section.paragraphs;
  // the minimum-GWD paragraph reads the min_gwd rows only, and no untrained model among them
  assert.match(minGwd.text, /Baseline: top-1 matching 0\.128/);
  assert.doesNotMatch(minGwd.text, /Untrained/);
  assert.ok(minGwd.sources.every((s) => s.row.includes("solution=min_gwd")));
  // best matching: where it differs, both top-1s; where it is the same run, said so
  assert.match(
    best.text,
    /Baseline top-1 0\.205 at GW distance 0\.0612 \(minimum-GWD solution: 0\.128/,
  );
  assert.match(best.text, /minimum-GWD run itself for Joint matrix alignment/);
  assert.match(
    best.text,
    /the untrained baseline \(means over its initialisations\) top-1 0\.044 at GW distance 0\.4788/,
  );
  // the untrained baseline: mean (5th–95th percentile) of RSA and the rates, and where each
  // trained model falls against that range
  assert.match(untrained.text, /5 seeded initialisations/);
  assert.match(untrained.text, /RSA \(Spearman\) 0\.092 \(5th–95th percentile 0\.031–0\.144\)/);
  assert.match(
    untrained.text,
    /top-1 matching 0\.021 \(5th–95th percentile 0\.004–0\.046; permutation chance 95th percentile 0\.077, mean over initialisations\)/,
  );
  assert.match(untrained.text, /category matching 0\.231 \(5th–95th percentile 0\.150–0\.270\)/);
  assert.match(untrained.text, /Baseline RSA 0\.352 \(above\), top-1 0\.128 \(above\)/);
  assert.match(
    untrained.text,
    /Joint matrix alignment RSA 0\.061 \(within\), top-1 0\.013 \(within\)/,
  );
  for (const p of section.paragraphs) {
    const cited = new Set(p.sources.flatMap((s) => [fmt(s.value, 3), fmt(s.value, 4)]));
    for (const m of p.text.matchAll(/\d+\.\d{3,4}/g)) {
      assert.ok(cited.has(m[0]), `${m[0]} is a cell of gwot_summary.arrow`);
    }
    assert.ok(p.sources.every((s) => s.table === "gwot_summary.arrow"));
  }
  assert.ok(
    untrained.sources.some((s) =>
      s.row === "model=untrained, seed=null, solution=min_gwd" && s.column === "top1_p95"
    ),
  );
  // a model below the untrained range is called so
  const lower = SUMMARY.map((r) =>
    r.model === "joint_matrix_alignment" && r.solution === "min_gwd"
      ? { ...r, rsa_spearman: 0.01 }
      : r
  );
  const text = methodsResults(await tablesWith(lower)).sections.find((s) => s.id === "gwot")!
    .paragraphs[2].text;
  assert.match(text, /Joint matrix alignment RSA 0\.010 \(below\)/);
});

Deno.test("write-up GWOT section: tables from before the solution column still read", async () => {
  const old = SUMMARY.filter((r) => r.solution === "min_gwd" && r.model !== "untrained")
    .map(({ solution: _, n_networks: __, ...rest }) => rest);
  const section = methodsResults(await tablesWith(old)).sections.find((s) => s.id === "gwot")!;
  assert.equal(section.paragraphs.length, 1, "no best-matching or untrained paragraph");
  assert.match(section.paragraphs[0].text, /Baseline: top-1 matching 0\.128/);
});

Deno.test("GWOT page data: rows split by solution, the untrained rows apart, the cited section", async () => {
  const data = gwotData(await tablesWith(SUMMARY));
  const models = (rows: unknown[]) => rows.map((r) => (r as { model: string }).model);
  assert.deepEqual(models(data.summary!), ["baseline", "joint_matrix_alignment"]);
  assert.deepEqual(models(data.bestMatching), ["baseline", "joint_matrix_alignment"]);
  assert.deepEqual(
    data.untrained.map((r) => (r as { solution: string }).solution),
    ["min_gwd", "max_matching"],
  );
  assert.equal((data.untrained[0] as { label: string }).label, "Untrained (random weights)");
  assert.equal(data.writeup?.id, "gwot");
  assert.equal(data.writeup?.paragraphs.length, 3);
  const tables = await tablesWith(SUMMARY);
  tables.gwotMetadata = {
    ...tables.gwotMetadata!,
    options: {
      epsilons: [],
      epsilonScales: [0.01],
      inits: 1,
      maxIter: 300,
      models: ["baseline"],
      untrained: 5,
      untrainedImages: 2,
    },
  };
  assert.match(
    gwotData(tables).sweep,
    /untrained baseline: 5 random initialisations of the backbone, 2 training image\(s\) per concept/,
  );
});
