/**
 * `deno task export` on the fixture tables (tests/fixtures/tables, plus the `data`/`human` tables
 * the fixture leaves out, built here from its images and human pairs with the pipeline's own
 * triplet sampler and shuffle): every file present, row counts equal to the source tables, values
 * equal to the tables' (CSV parsed back by Python's csv module), audits consistent with the
 * tables, the shuffled-triplet anchor-frequency check, the missing-table error and the CLI.
 */
import { strict as assert } from "node:assert";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import {
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  type TableMetadata,
  tableMetadata,
  writeTable,
} from "../../src/io/arrow.ts";
import { InputError } from "../../src/io/errors.ts";
import { sha256File } from "../../src/io/hash.ts";
import { arrowRows } from "../../src/tables/rows.ts";
import { deriveTrainingTriplets } from "../../src/human/triplets.ts";
import { shuffleTripletPartners } from "../../src/human/shuffle.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { headlineTable, loadReportTables } from "../../src/report/mod.ts";
import {
  csvField,
  csvFromRows,
  EXPORT_FILES,
  type ExportManifest,
  loadSources,
  MANIFEST_FILE,
  runExport,
  sourceTables,
  summaryColumnName,
  tripletAuditReport,
} from "../../src/report/export/mod.ts";
import { pythonBin } from "../_helpers/python.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

const FIXTURE = repoPath("tests/fixtures/tables");

type Row = Record<string, unknown>;
type Json = Record<string, unknown>;

/** Parsed CSV file: header and records (strings), by Python's csv module. */
interface ParsedCsv {
  header: string[];
  rows: string[][];
}

/** Parse CSV files with Python's csv module (independent of the writer under test). */
async function parseCsv(paths: string[]): Promise<Record<string, ParsedCsv>> {
  const script = `
import csv, json, sys
out = {}
for p in sys.argv[1:]:
    with open(p, newline="", encoding="utf-8") as f:
        records = list(csv.reader(f, strict=True))
    out[p] = {"header": records[0], "rows": records[1:]}
print(json.dumps(out))
`;
  const result = await new Deno.Command(pythonBin(), {
    args: ["-c", script, ...paths],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  assert.ok(result.success, `python csv parse failed: ${stderr}`);
  return JSON.parse(new TextDecoder().decode(result.stdout));
}

/** Column `name` of a parsed CSV. */
function column(csv: ParsedCsv, name: string): string[] {
  const i = csv.header.indexOf(name);
  assert.ok(i >= 0, `no column ${name} in ${csv.header.join(",")}`);
  return csv.rows.map((r) => r[i]);
}

/** A CSV cell back as the value it encodes (number, null for empty). */
function num(text: string): number | null {
  if (text === "") return null;
  const value = Number(text === "inf" ? Infinity : text === "-inf" ? -Infinity : text);
  assert.ok(!Number.isNaN(value) || text === "NaN", `not a number: ${text}`);
  return value;
}

const HUMAN_META = (base: TableMetadata): TableMetadata => ({
  task: "human",
  version: base.version,
  seed: base.seed,
  profile: base.profile,
  options: { tripletsPerAnchor: 20 },
});

/**
 * Adds to a copy of the fixture the tables it lacks: splits.arrow (microsoft family → test, a
 * few stress and val images), triplets.arrow and triplets_shuffled.arrow (the human stage's
 * sampler and control on the fixture's pairs) and human_similarity_shuffled.arrow (a rotation of
 * the concepts with images).
 */
async function completeTables(dir: string): Promise<void> {
  const images = await readTable(join(dir, "images.arrow"));
  const imageRows = arrowRows(images);
  const base = tableMetadata(images);
  const split = imageRows.map((r, i) =>
    r.family === "microsoft" ? "test" : i % 7 === 3 ? "stress" : i % 5 === 0 ? "val" : "train"
  );
  const counts: Record<string, number> = {};
  for (const s of split) counts[s] = (counts[s] ?? 0) + 1;
  await writeTable(
    join(dir, "splits.arrow"),
    makeTable({
      image_id: stringColumn(imageRows.map((r) => String(r.image_id))),
      uniqueID: stringColumn(imageRows.map((r) => String(r.uniqueID))),
      split: stringColumn(split),
    }),
    {
      task: "data",
      version: base.version,
      seed: base.seed,
      profile: base.profile,
      notes: { policy: { kind: "test-fixture", testFamilies: ["microsoft"] }, counts },
    },
  );

  const pairs = arrowRows(await readTable(join(dir, "human_pairs.arrow")));
  const pairTable = {
    a: Int32Array.from(pairs, (p) => Number(p.a)),
    b: Int32Array.from(pairs, (p) => Number(p.b)),
    similarity: Float64Array.from(pairs, (p) => Number(p.similarity)),
    split: pairs.map((p) => String(p.split)),
  };
  const sim = new Map(pairs.flatMap((p) => [
    [`${p.a},${p.b}`, Number(p.similarity)],
    [`${p.b},${p.a}`, Number(p.similarity)],
  ]));
  const ids = new Map(pairs.flatMap((p) => [[Number(p.a), String(p.a_uniqueID)], [
    Number(p.b),
    String(p.b_uniqueID),
  ]]));
  const real = deriveTrainingTriplets(pairTable, { seed: 7 });
  const control = shuffleTripletPartners(real, { seed: 7 });
  const tripletTable = (t: { anchor: Int32Array; positive: Int32Array; negative: Int32Array }) =>
    makeTable({
      anchor: int32Column(t.anchor),
      positive: int32Column(t.positive),
      negative: int32Column(t.negative),
      anchor_uniqueID: stringColumn(Array.from(t.anchor, (i) => ids.get(i)!)),
      positive_uniqueID: stringColumn(Array.from(t.positive, (i) => ids.get(i)!)),
      negative_uniqueID: stringColumn(Array.from(t.negative, (i) => ids.get(i)!)),
      sim_positive: float64Column(
        Float64Array.from(t.anchor, (x, r) => sim.get(`${x},${t.positive[r]}`)!),
      ),
      sim_negative: float64Column(
        Float64Array.from(t.anchor, (x, r) => sim.get(`${x},${t.negative[r]}`)!),
      ),
    });
  await writeTable(join(dir, "triplets.arrow"), tripletTable(real), HUMAN_META(base));
  await writeTable(join(dir, "triplets_shuffled.arrow"), tripletTable(control), HUMAN_META(base));

  const concepts = [...ids.keys()].sort((x, y) => x - y);
  const source = concepts.map((_, k) => concepts[(k + 1) % concepts.length]);
  await writeTable(
    join(dir, "human_similarity_shuffled.arrow"),
    makeTable({
      index: int32Column(concepts),
      uniqueID: stringColumn(concepts.map((c) => ids.get(c)!)),
      source_index: int32Column(source),
      source_uniqueID: stringColumn(source.map((c) => ids.get(c)!)),
    }),
    HUMAN_META(base),
  );
}

/** A temporary out folder: `<tmp>/tables/` = the completed fixture. */
async function fixtureOut(): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "ht-export-" });
  await cp(FIXTURE, join(out, "tables"), { recursive: true });
  await completeTables(join(out, "tables"));
  return out;
}

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await Deno.readTextFile(path));
}

async function rowsOf(dir: string, name: string): Promise<Row[]> {
  return arrowRows(await readTable(join(dir, "tables", name)));
}

Deno.test("export: every file, row counts, values and audits from the tables", async () => {
  const out = await fixtureOut();
  try {
    const dest = join(out, "export");
    const manifest = await runExport(join(out, "tables"), { dest });
    const t = (name: string) => rowsOf(out, name);

    // every planned file exists and is listed; the benchmark has triplet satisfaction
    assert.deepEqual(manifest.files.map((f) => f.path), EXPORT_FILES.map((f) => f.path));
    assert.deepEqual(manifest.skipped, []);
    for (const f of EXPORT_FILES) await Deno.stat(join(dest, f.path));
    const onDisk: ExportManifest = JSON.parse(
      await Deno.readTextFile(join(dest, MANIFEST_FILE)),
    );
    assert.deepEqual(onDisk, manifest);
    assert.equal(manifest.seed, 7);
    assert.deepEqual(manifest.pipeline_versions, ["0.1.0"]);
    for (const entry of manifest.files) {
      assert.equal(entry.sha256, await sha256File(join(dest, entry.path)), entry.path);
      for (const s of entry.sources) {
        const path = join(out, "tables", String(s.table));
        assert.equal(s.sha256, await sha256File(path), `${entry.path} ← ${s.table}`);
        const meta = tableMetadata(await readTable(path));
        assert.equal(s.version, meta.version);
        assert.equal(s.task, meta.task);
      }
    }

    const csvPaths = manifest.files.filter((f) => f.format === "csv").map((f) => f.path);
    const parsed = await parseCsv(csvPaths.map((p) => join(dest, p)));
    const csv = (p: string) => parsed[join(dest, p)];
    for (const p of csvPaths) {
      const entry = manifest.files.find((f) => f.path === p)!;
      assert.equal(csv(p).rows.length, entry.rows, `${p}: manifest rows`);
      for (const r of csv(p).rows) assert.equal(r.length, csv(p).header.length, p);
    }

    // row counts equal the source tables'
    const concepts = await t("concepts.arrow");
    const images = await t("images.arrow");
    const splits = await t("splits.arrow");
    const pairs = await t("human_pairs.arrow");
    const triplets = await t("triplets.arrow");
    const shuffled = await t("triplets_shuffled.arrow");
    const comparisons = await t("comparisons.arrow");
    const benchmark = await t("benchmark.arrow");
    assert.equal(csv("data/processed/concepts.csv").rows.length, concepts.length);
    assert.equal(csv("data/processed/images.csv").rows.length, images.length);
    assert.equal(csv("data/baseline/image_metadata.csv").rows.length, images.length);
    assert.equal(csv("data/baseline/image_splits.csv").rows.length, splits.length);
    for (const s of ["train", "val", "test"]) {
      const file = csv(`data/human_similarity/${s}_similarity_pairs.csv`);
      const rows = pairs.filter((p) => p.split === s);
      assert.ok(rows.length > 0);
      assert.equal(file.rows.length, rows.length, s);
      // every similarity at full precision, in table order
      assert.deepEqual(column(file, "similarity").map(num), rows.map((p) => p.similarity));
      assert.deepEqual(column(file, "a").map(num), rows.map((p) => p.a));
      assert.deepEqual(column(file, "b_uniqueID"), rows.map((p) => p.b_uniqueID));
    }
    assert.equal(csv("data/human_similarity/train_triplets.csv").rows.length, triplets.length);
    assert.equal(
      csv("data/human_similarity/shuffled_train_triplets.csv").rows.length,
      shuffled.length,
    );
    assert.deepEqual(
      column(csv("data/human_similarity/shuffled_train_triplets.csv"), "sim_negative").map(num),
      shuffled.map((r) => r.sim_negative),
    );
    assert.equal(
      csv("outputs/tables/model_comparison_summary.csv").rows.length,
      comparisons.length,
    );
    const satisfaction = benchmark.filter((r) => r.metric === "triplet_satisfaction");
    assert.equal(
      csv("outputs/tables/triplet_satisfaction_summary.csv").rows.length,
      satisfaction.length,
    );

    // values cross-checked against the tables
    const conceptsCsv = csv("data/processed/concepts.csv");
    assert.deepEqual(conceptsCsv.header, Object.keys(concepts[0]));
    assert.deepEqual(column(conceptsCsv, "uniqueID"), concepts.map((c) => c.uniqueID));
    assert.deepEqual(column(conceptsCsv, "size_mean").map(num), concepts.map((c) => c.size_mean));
    assert.deepEqual(column(conceptsCsv, "freq_bnc").map(num), concepts.map((c) => c.freq_bnc));
    assert.deepEqual(
      column(conceptsCsv, "categories"),
      concepts.map((c) => (c.categories as string[]).join("|")),
    );
    assert.deepEqual(
      column(conceptsCsv, "has_images"),
      concepts.map((c) => (c.has_images ? "True" : "False")),
    );
    const imagesCsv = csv("data/processed/images.csv");
    // attributions hold commas: quoted, and parsed back intact
    assert.ok(images.some((i) => String(i.attribution).includes(",")));
    assert.deepEqual(column(imagesCsv, "attribution"), images.map((i) => i.attribution));
    const meta = csv("data/baseline/image_metadata.csv");
    const index = new Map(concepts.map((c) => [c.uniqueID, c.index]));
    assert.deepEqual(
      column(meta, "concept_index").map(num),
      images.map((i) => index.get(i.uniqueID)),
    );
    const splitCsv = csv("data/baseline/image_splits.csv");
    assert.deepEqual(column(splitCsv, "split"), splits.map((s) => s.split));

    const comparisonCsv = csv("outputs/tables/model_comparison_summary.csv");
    for (const name of ["delta", "ci_low", "ci_high", "p", "p_adj"]) {
      assert.deepEqual(column(comparisonCsv, name).map(num), comparisons.map((c) => c[name]));
    }
    assert.deepEqual(column(comparisonCsv, "model_a"), comparisons.map((c) => c.model_a));

    // the summary is the report's headline table; its values are benchmark.arrow cells
    const tables = await loadReportTables(join(out, "tables"));
    const headline = headlineTable(tables);
    const summary = csv("outputs/tables/embedding_benchmark_summary_with_joint_matrix.csv");
    assert.deepEqual(summary.header.slice(0, 8), [
      "Model",
      "model",
      "seed",
      "kind",
      "Test top-1",
      "Retrieval@1",
      "Human-pair rho",
      "Object-properties rho",
    ]);
    assert.equal(summary.rows.length, headline.rows.length);
    const seedModels = new Set(
      benchmark.filter((r) => r.seed === 7 || r.seed === null).map((r) => r.model),
    );
    assert.equal(summary.rows.length, seedModels.size);
    assert.deepEqual(column(summary, "model"), headline.rows.map((r) => r.model));
    for (const col of headline.columns) {
      const name = summaryColumnName(col.key);
      assert.deepEqual(
        column(summary, name).map(num),
        headline.rows.map((r) => r.cells[col.key].value),
        name,
      );
      assert.deepEqual(
        column(summary, `${name} CI low`).map(num),
        headline.rows.map((r) => r.cells[col.key].ci_low),
      );
    }
    const cell = (model: string, metric: string, subset: string) =>
      benchmark.find((r) =>
        r.model === model && r.metric === metric && r.subset === subset && r.seed === 7
      )!.value;
    const baseline = column(summary, "model").indexOf("baseline");
    assert.equal(
      num(column(summary, "Retrieval@1")[baseline]),
      cell("baseline", "retrieval@1", "test"),
    );
    assert.equal(
      num(column(summary, "Test top-1")[baseline]),
      cell("baseline", "head_top1", "test"),
    );
    assert.equal(
      num(column(summary, "Object-properties rho")[baseline]),
      cell("baseline", "object_properties_rho", "mean_over_targets"),
    );
    const tripletCsv = csv("outputs/tables/triplet_satisfaction_summary.csv");
    const first = satisfaction.find((r) => r.model === "baseline" && r.subset === "test")!;
    const k = column(tripletCsv, "model").findIndex((m, i) =>
      m === "baseline" && column(tripletCsv, "subset")[i] === "test"
    );
    assert.equal(num(column(tripletCsv, "satisfaction")[k]), first.value);
    assert.equal(num(column(tripletCsv, "n")[k]), first.n);
    assert.equal(
      num(column(tripletCsv, "margin")[k]),
      cell("baseline", "triplet_margin", "test"),
    );

    // the benchmark report holds every row: model → metric → subset
    const report = await readJson(
      join(dest, "outputs/reports/embedding_benchmark_report_with_joint_matrix.json"),
    );
    assert.equal(report.n_rows, benchmark.length);
    const models = report.models as Record<string, Record<string, Record<string, Json>>>;
    let leaves = 0;
    for (const metrics of Object.values(models)) {
      for (const subsets of Object.values(metrics)) leaves += Object.keys(subsets).length;
    }
    assert.equal(leaves, benchmark.length);
    const leaf = models.joint_matrix_alignment.human_pair_rho.test;
    const row = benchmark.find((r) =>
      r.model === "joint_matrix_alignment" && r.metric === "human_pair_rho" && r.subset === "test"
    )!;
    assert.deepEqual(
      [leaf.value, leaf.ci_low, leaf.ci_high, leaf.n],
      [row.value, row.ci_low, row.ci_high, row.n],
    );

    // audits agree with the tables
    const imageReport = await readJson(join(dest, "outputs/reports/image_metadata_report.json"));
    assert.equal(imageReport.n_images, images.length);
    assert.equal(imageReport.n_concepts, concepts.length);
    const sum = (o: unknown) => Object.values(o as Record<string, number>).reduce((a, b) => a + b);
    assert.equal(sum(imageReport.licenses), images.length);
    assert.equal(sum(imageReport.sources), images.length);
    const perConcept = concepts.map((c) => images.filter((i) => i.uniqueID === c.uniqueID).length)
      .filter((n) => n > 0).sort((a, b) => a - b);
    const spread = imageReport.images_per_concept as Json;
    assert.equal(spread.min, perConcept[0]);
    assert.equal(spread.max, perConcept.at(-1));
    const mid = perConcept.length / 2;
    assert.equal(
      spread.median,
      perConcept.length % 2
        ? perConcept[Math.floor(mid)]
        : (perConcept[mid - 1] + perConcept[mid]) / 2,
    );
    assert.equal(
      (imageReport.n_concepts_with_images as number) +
        (imageReport.n_concepts_without_images as number),
      concepts.length,
    );
    assert.deepEqual((imageReport.checks as Json).n_images_column_mismatches, []);

    const splitReport = await readJson(join(dest, "outputs/reports/image_splits_report.json"));
    assert.equal(sum(splitReport.counts), images.length);
    assert.equal(splitReport.n_images, images.length);
    assert.equal(splitReport.counts_match_metadata, true);
    assert.deepEqual((splitReport.policy as Json).testFamilies, ["microsoft"]);
    assert.equal(
      (splitReport.counts as Record<string, number>).test,
      images.filter((i) => i.family === "microsoft").length,
    );

    const simReport = await readJson(
      join(dest, "outputs/human_similarity/similarity_audit_report.json"),
    );
    assert.equal(simReport.n_pairs, pairs.length);
    assert.equal(sum(simReport.counts), pairs.length);
    assert.equal(simReport.all_pairs_present, true);
    const sims = pairs.map((p) => p.similarity as number);
    assert.equal((simReport.similarity as Json).min, Math.min(...sims));
    assert.equal((simReport.similarity as Json).max, Math.max(...sims));
    const control = simReport.shuffled_control as Json;
    assert.equal(control.pairs_compared, pairs.length);
    assert.equal(typeof control.pearson, "number");
    // independent recomputation of the shuffled-vs-real correlation with numpy
    const shuffledMatrix = await rowsOf(out, "human_similarity_shuffled.arrow");
    const py = await new Deno.Command(pythonBin(), {
      args: [
        "-c",
        `import json, sys, numpy as np
d = json.load(sys.stdin)
sim = {(p[0], p[1]): p[2] for p in d["pairs"]}
sim.update({(b, a): s for (a, b), s in list(sim.items())})
src = {int(k): v for k, v in d["source"].items()}
real = [s for (a, b, s) in d["pairs"]]
ctrl = [sim[(src[a], src[b])] for (a, b, s) in d["pairs"]]
print(json.dumps(float(np.corrcoef(real, ctrl)[0, 1])))`,
      ],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = py.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify({
      pairs: pairs.map((p) => [p.a, p.b, p.similarity]),
      source: Object.fromEntries(shuffledMatrix.map((r) => [r.index, r.source_index])),
    })));
    await writer.close();
    const numpyR = JSON.parse(new TextDecoder().decode((await py.output()).stdout));
    assert.ok(
      Math.abs((control.pearson as number) - numpyR) < 1e-12,
      `${control.pearson} ${numpyR}`,
    );

    const tripletReport = await readJson(
      join(dest, "outputs/human_similarity/triplet_audit_report.json"),
    );
    const real = tripletReport.triplets as Json;
    assert.equal(real.n_triplets, triplets.length);
    assert.equal(real.distinct_anchors, new Set(triplets.map((r) => r.anchor)).size);
    assert.equal(real.share_positive_more_similar, 1);
    assert.equal(real.positive_pairs_not_train, 0);
    assert.equal(real.negative_pairs_not_train, 0);
    assert.equal(real.max_abs_similarity_difference_to_pairs, 0);
    assert.equal((tripletReport.shuffled_triplets as Json).n_triplets, shuffled.length);
    const checks = tripletReport.control_checks as Json;
    assert.equal(checks.anchor_frequency_preserved, true);
    assert.equal(checks.anchors_with_changed_frequency, 0);
    assert.equal(checks.rows_with_same_anchor, triplets.length);
    assert.equal(checks.positive_frequency_preserved, true);
    assert.equal(checks.negative_frequency_preserved, true);

    // deterministic: a second export writes the same bytes
    const again = await runExport(join(out, "tables"), { dest: join(out, "export2") });
    assert.deepEqual(again.files.map((f) => f.sha256), manifest.files.map((f) => f.sha256));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("export: the anchor-frequency check catches a control that changes anchors", async () => {
  const out = await fixtureOut();
  try {
    const sources = await loadSources(join(out, "tables"), sourceTables());
    const table = sources["triplets_shuffled.arrow"].table;
    const rows = arrowRows(table);
    const anchors = rows.map((r) => Number(r.anchor));
    const other = anchors.find((a) => a !== anchors[0])!;
    anchors[0] = other; // one row moved from one anchor to another
    const edited: Table = makeTable({
      anchor: int32Column(anchors),
      positive: int32Column(rows.map((r) => Number(r.positive))),
      negative: int32Column(rows.map((r) => Number(r.negative))),
      sim_positive: float64Column(rows.map((r) => Number(r.sim_positive))),
      sim_negative: float64Column(rows.map((r) => Number(r.sim_negative))),
    });
    sources["triplets_shuffled.arrow"] = { ...sources["triplets_shuffled.arrow"], table: edited };
    const checks = tripletAuditReport(sources).control_checks as Json;
    assert.equal(checks.anchor_frequency_preserved, false);
    assert.equal(checks.anchors_with_changed_frequency, 2);
    assert.equal(checks.rows_with_same_anchor, rows.length - 1);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("export: a missing table names it and the task that writes it; nothing written", async () => {
  const out = await fixtureOut();
  try {
    await Deno.remove(join(out, "tables", "benchmark.arrow"));
    const dest = join(out, "export");
    await assert.rejects(
      () => runExport(join(out, "tables"), { dest }),
      (error: Error) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /benchmark\.arrow/);
        assert.match(error.message, /run `deno task bench`/);
        return true;
      },
    );
    await assert.rejects(() => Deno.stat(dest), Deno.errors.NotFound);
    await Deno.remove(join(out, "tables", "splits.arrow"));
    const cli = await runTaskCli("export", ["--out", out]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /splits\.arrow \(run `deno task data`\)/);
    assert.match(cli.stderr, /benchmark\.arrow.*\(run `deno task bench`\)/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("export CLI: --help, --list, a run with --dest and --seed", async () => {
  const help = await runTaskCli("export", ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /deno task export/);
  assert.match(help.stdout, /--dest/);
  assert.match(help.stdout, /--list/);
  const list = await runTaskCli("export", ["--list"]);
  assert.equal(list.code, 0, list.stderr);
  for (const f of EXPORT_FILES) assert.ok(list.stdout.includes(f.path), f.path);
  assert.match(list.stdout, /model_comparison_summary\.csv\s+<-\s+comparisons\.arrow/);

  const out = await fixtureOut();
  try {
    const dest = join(out, "elsewhere");
    const run = await runTaskCli("export", ["--out", out, "--dest", dest, "--seed", "7"]);
    assert.equal(run.code, 0, run.stderr);
    const manifest = await readJson(join(dest, MANIFEST_FILE));
    assert.equal(manifest.seed, 7);
    assert.equal((manifest.files as unknown[]).length, EXPORT_FILES.length);
    const bad = await runTaskCli("export", ["--out", out, "--seed", "99"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /seed 99/);
    assert.match(bad.stderr, /seeds 7/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("export CSV: RFC 4180 quoting and shortest round-trip numbers", async () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(0.1 + 0.2), "0.30000000000000004");
  assert.equal(csvField(1e-7), "1e-7");
  assert.equal(csvField(-0), "-0");
  assert.equal(csvField(NaN), "NaN");
  assert.equal(csvField(null), "");
  assert.equal(csvField(true), "True");
  assert.equal(csvField(["x", "y z"]), "x|y z");
  const rows = [
    { s: 'q"uo,te', x: 0.1 + 0.2, y: null },
    { s: "line\r\nbreak", x: 2 ** -1074, y: 1.7976931348623157e308 },
  ];
  const text = csvFromRows(["s", "x", "y"], rows);
  assert.ok(text.endsWith("\r\n"));
  const dir = await Deno.makeTempDir({ prefix: "ht-export-csv-" });
  try {
    const path = join(dir, "t.csv");
    await Deno.writeTextFile(path, text);
    const parsed = (await parseCsv([path]))[path];
    assert.deepEqual(parsed.header, ["s", "x", "y"]);
    assert.deepEqual(parsed.rows.map((r) => r[0]), rows.map((r) => r.s));
    assert.deepEqual(parsed.rows.map((r) => num(r[1])), rows.map((r) => r.x));
    assert.deepEqual(parsed.rows.map((r) => num(r[2])), rows.map((r) => r.y));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
