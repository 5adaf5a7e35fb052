/**
 * The benchmark files of the seed's scripts 09, 10 and 13, from the `bench` stage's tables:
 * the summary CSV behind the README's "Current Results Snapshot" (the report's headline table,
 * {@link headlineTable}), the full benchmark report JSON, the compact model comparison and the
 * triplet-satisfaction table.
 *
 * @module
 */
import { sortModels } from "../../figures/palette.ts";
import { SPOSE49 } from "../../models/registry.ts";
import { HEADLINE_COLUMNS, headlineTable } from "../headline.ts";
import type { BenchmarkRow, ReportTables } from "../tables.ts";
import { csvFromRows, csvFromTable, type CsvValue } from "./csv.ts";
import { jsonText } from "./json.ts";
import { type ExportedFile, SOURCE, SUMMARY_FILE, TRIPLET_SATISFACTION_FILE } from "./plan.ts";
import type { Sources } from "./sources.ts";

/** The seed's snapshot column names by headline column key, in the seed's order. */
export const SNAPSHOT_COLUMNS: Readonly<Record<string, string>> = {
  head_top1: "Test top-1",
  retrieval1: "Retrieval@1",
  human_pair_rho: "Human-pair rho",
  object_properties_rho: "Object-properties rho",
};

/** CSV column name of a headline column: the seed's name, else the label (ρ spelled `rho`). */
export function summaryColumnName(key: string): string {
  const column = HEADLINE_COLUMNS.find((c) => c.key === key);
  return SNAPSHOT_COLUMNS[key] ?? (column?.label ?? key).replaceAll("ρ", "rho");
}

/** Headline column keys in CSV order: the seed's snapshot columns, then the others. */
export function summaryColumnKeys(): string[] {
  const keys = HEADLINE_COLUMNS.map((c) => c.key);
  return [
    ...Object.keys(SNAPSHOT_COLUMNS).filter((k) => keys.includes(k)),
    ...keys.filter((k) => !(k in SNAPSHOT_COLUMNS)),
  ];
}

/**
 * The benchmark summary: one row per model of the headline table (the report seed; SPoSE-49
 * last, without a seed), `Model` (display label), `model`, `seed`, `kind`, the headline values
 * and then their 95% intervals (`<column> CI low`, `<column> CI high`).
 */
export function benchmarkSummary(tables: ReportTables): { text: string; rows: number } {
  const headline = headlineTable(tables);
  const keys = summaryColumnKeys();
  const names = keys.map(summaryColumnName);
  const header = [
    "Model",
    "model",
    "seed",
    "kind",
    ...names,
    ...names.flatMap((n) => [`${n} CI low`, `${n} CI high`]),
  ];
  const rows = headline.rows.map((row) => {
    const out: Record<string, CsvValue> = {
      Model: row.label,
      model: row.model,
      seed: row.model === SPOSE49 ? null : headline.seed,
      kind: row.kind,
    };
    keys.forEach((key, k) => {
      const cell = row.cells[key];
      out[names[k]] = cell?.value ?? null;
      out[`${names[k]} CI low`] = cell?.ci_low ?? null;
      out[`${names[k]} CI high`] = cell?.ci_high ?? null;
    });
    return out;
  });
  return { text: csvFromRows(header, rows), rows: rows.length };
}

/** One benchmark value in the report JSON. */
interface ReportCell {
  value: number;
  ci_low: number | null;
  ci_high: number | null;
  n: number;
  seed: number | null;
  group: string;
  source?: string;
  note?: string;
}

type ModelMetrics = Record<string, Record<string, Record<string, ReportCell>>>;

function groupRows(rows: readonly BenchmarkRow[]): ModelMetrics {
  const out: ModelMetrics = {};
  for (const model of sortModels(rows.map((r) => r.model))) {
    const metrics: Record<string, Record<string, ReportCell>> = {};
    for (const r of rows.filter((row) => row.model === model)) {
      (metrics[r.metric] ??= {})[r.subset] = {
        value: r.value,
        ci_low: r.ci_low,
        ci_high: r.ci_high,
        n: r.n,
        seed: r.seed,
        group: r.group,
        ...(r.source ? { source: r.source } : {}),
        ...(r.note ? { note: r.note } : {}),
      };
    }
    out[model] = metrics;
  }
  return out;
}

/**
 * The benchmark report: every row of benchmark.arrow grouped model → metric → subset. `models`
 * holds the report seed's rows and the seedless reference (SPoSE-49); `other_seeds` the rows of
 * any further training seed, keyed by seed.
 */
export function benchmarkReport(
  tables: ReportTables,
  seed: number | null,
): Record<string, unknown> {
  const main = tables.benchmark.filter((r) => r.seed === seed || r.seed === null);
  const others = [...new Set(tables.benchmark.map((r) => r.seed))]
    .filter((s): s is number => s !== null && s !== seed).sort((x, y) => x - y);
  const meta = tables.benchmarkMetadata;
  return {
    seed,
    profile: meta.profile ?? null,
    version: meta.version ?? null,
    options: meta.options ?? null,
    notes: meta.notes ?? null,
    n_rows: tables.benchmark.length,
    models: groupRows(main),
    ...(others.length
      ? {
        other_seeds: Object.fromEntries(
          others.map((s) => [String(s), groupRows(tables.benchmark.filter((r) => r.seed === s))]),
        ),
      }
      : {}),
  };
}

/**
 * Triplet satisfaction per model, seed and triplet set (`train`: triplets.arrow; `test`: the
 * same sampler on the test pairs) with the mean margin beside it; undefined when the benchmark
 * has no `triplet_satisfaction` rows.
 */
export function tripletSatisfaction(
  benchmark: readonly BenchmarkRow[],
): { text: string; rows: number } | undefined {
  const satisfaction = benchmark.filter((r) => r.metric === "triplet_satisfaction");
  if (satisfaction.length === 0) return undefined;
  const key = (r: BenchmarkRow) => `${r.model}|${r.seed}|${r.subset}`;
  const margins = new Map(
    benchmark.filter((r) => r.metric === "triplet_margin").map((r) => [key(r), r]),
  );
  const order = sortModels(satisfaction.map((r) => r.model));
  const sorted = [...satisfaction].sort((x, y) =>
    order.indexOf(x.model) - order.indexOf(y.model) || (x.seed ?? -1) - (y.seed ?? -1)
  );
  const rows = sorted.map((r) => {
    const m = margins.get(key(r));
    return {
      model: r.model,
      seed: r.seed,
      subset: r.subset,
      n: r.n,
      satisfaction: r.value,
      satisfaction_ci_low: r.ci_low,
      satisfaction_ci_high: r.ci_high,
      margin: m?.value ?? null,
      margin_ci_low: m?.ci_low ?? null,
      margin_ci_high: m?.ci_high ?? null,
    };
  });
  return { text: csvFromRows(Object.keys(rows[0]), rows), rows: rows.length };
}

/** What the benchmark export wrote and what it skipped (with the reason). */
export interface BenchExport {
  /** Files to write. */
  files: ExportedFile[];
  /** Skipped files: path and reason. */
  skipped: { path: string; reason: string }[];
}

/**
 * The benchmark files. `tables` come from `loadReportTables`; its `benchmarkMetadata.seed` is the
 * report seed the summary and the report show (the caller sets it for `--seed`).
 */
export function benchFiles(tables: ReportTables, sources: Sources): BenchExport {
  const summary = benchmarkSummary(tables);
  const seed = headlineTable(tables).seed;
  const comparison = csvFromTable(sources[SOURCE.comparisons].table);
  const files: ExportedFile[] = [
    {
      path: "outputs/reports/embedding_benchmark_report_with_joint_matrix.json",
      data: jsonText(benchmarkReport(tables, seed)),
      rows: tables.benchmark.length,
    },
    { path: SUMMARY_FILE, data: summary.text, rows: summary.rows },
    {
      path: "outputs/tables/model_comparison_summary.csv",
      data: comparison.bytes,
      rows: comparison.rows,
    },
  ];
  const skipped: BenchExport["skipped"] = [];
  const triplets = tripletSatisfaction(tables.benchmark);
  if (triplets) {
    files.push({ path: TRIPLET_SATISFACTION_FILE, data: triplets.text, rows: triplets.rows });
  } else {
    skipped.push({
      path: TRIPLET_SATISFACTION_FILE,
      reason:
        `${SOURCE.benchmark} has no triplet_satisfaction rows (run \`deno task bench expanded\`)`,
    });
  }
  return { files, skipped };
}
