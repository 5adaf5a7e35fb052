/**
 * The tables of `align:gwot`: `gwot.arrow` (every ε × initialisation run), `gwot_summary.arrow`
 * (per model the minimum-GWD and the highest-matching-rate solution, and the untrained baseline)
 * and `gwot/plans/<model>[.seed<k>].arrow` (each model's minimum-GWD transport plan). Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import type { Table, Vector } from "apache-arrow";
import {
  boolColumn,
  concatTables,
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  type TableMetadata,
  tableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";
import type { GwotRun } from "../align/gwot_sweep.ts";
import { gwotPartTable, gwotPlanTable, TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** Paths of the GWOT tables in a tables folder. */
export function gwotPaths(tables: string): { runs: string; summary: string } {
  return { runs: tablePath(tables, TABLE.gwot), summary: tablePath(tables, TABLE.gwotSummary) };
}

/** Path of a model's plan (`seed` null: no suffix). */
export function gwotPlanFile(tables: string, model: string, seed: number | null): string {
  return tablePath(tables, gwotPlanTable(seed == null ? model : `${model}.seed${seed}`));
}

/** One run of `gwot.arrow`: a model (or untrained network), ε and initial plan. */
export interface GwotRunRow extends GwotRun {
  /** Model key. */
  model: string;
  /** Training seed (null for SPoSE-49). */
  seed: number | null;
  /** The minimum-GWD run of its model. */
  selected: boolean;
  /** The highest-matching-rate run of its model. */
  bestMatching: boolean;
}

/**
 * Paths of one GWOT unit's parts of the two tables (`gwot/parts/<stem>[.summary].arrow`): a
 * model's (`seed` null: no suffix; else `.seed<k>`) or the untrained networks' (`untrained`).
 */
export function gwotPartPaths(
  tables: string,
  model: string,
  seed: number | null,
): { runs: string; summary: string } {
  const stem = seed == null ? model : `${model}.seed${seed}`;
  return {
    runs: tablePath(tables, gwotPartTable(stem, "runs")),
    summary: tablePath(tables, gwotPartTable(stem, "summary")),
  };
}

/** The columns that name a GWOT run (`model`, `seed`, `eps`, `init`), in gwot.arrow and its timings. */
export function gwotRunKeys(
  runs: readonly Pick<GwotRunRow, "model" | "seed" | "epsilon" | "init">[],
): Record<"model" | "seed" | "eps" | "init", Vector> {
  return {
    model: stringColumn(runs.map((r) => r.model)),
    seed: int32Column(runs.map((r) => r.seed)),
    eps: float64Column(runs.map((r) => r.epsilon)),
    init: int32Column(runs.map((r) => r.init)),
  };
}

/**
 * Write `gwot.arrow` (or a unit's part of it) at `path`; the runs' wall-clock seconds go to
 * `timings/gwot/` (src/tables/timings.ts), so the table is the same for the same seed.
 */
export async function writeGwotRuns(
  path: string,
  runs: readonly GwotRunRow[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    ...gwotRunKeys(runs),
    gwd: float64Column(runs.map((r) => r.gwDistance)),
    top1: float64Column(runs.map((r) => r.top1)),
    top5: float64Column(runs.map((r) => r.top5)),
    top10: float64Column(runs.map((r) => r.top10)),
    category_rate: float64Column(runs.map((r) => r.categoryRate)),
    iterations: int32Column(runs.map((r) => r.iterations)),
    converged: boolColumn(runs.map((r) => r.converged)),
    selected: boolColumn(runs.map((r) => r.selected)),
    best_matching: boolColumn(runs.map((r) => r.bestMatching)),
  });
  await writeTable(path, table, meta);
}

/** One row of `gwot_summary.arrow`. */
export interface GwotSummaryRow {
  /** Model key. */
  model: string;
  /** Training seed (null for SPoSE-49 and the untrained baseline). */
  seed: number | null;
  /** `min_gwd` (minimum GW distance) or `max_matching` (highest top-1 matching rate). */
  solution: "min_gwd" | "max_matching";
  /** Networks summarised: 1 for a trained model, the random initialisations for `untrained`. */
  networks: number;
  /** Values by column name (`top1`, `rsa_spearman`, `chance_top1_p95` …). */
  values: Record<string, number>;
  /** 5th/95th percentiles over networks (untrained only). */
  spreads?: Record<string, { p05: number; p95: number }>;
}

/** The value columns of `gwot_summary.arrow`, in order. */
const SUMMARY_VALUES = [
  "eps",
  "gwd",
  "top1",
  "top5",
  "top10",
  "category_rate",
  "chance_top1_mean",
  "chance_top1_p95",
  "chance_top1_p05",
  "chance_category_mean",
  "chance_category_p95",
  "chance_category_p05",
  "rsa_pearson",
  "rsa_spearman",
] as const;

/**
 * Write `gwot_summary.arrow` (or a unit's part of it) at `path`; `spreadColumns` get
 * `<key>_p05`/`<key>_p95` columns.
 */
export async function writeGwotSummary(
  path: string,
  s: { summary: readonly GwotSummaryRow[]; concepts: number; spreadColumns: readonly string[] },
  meta: TableMetadata,
): Promise<void> {
  const { summary } = s;
  const value = (key: string) => float64Column(summary.map((r) => r.values[key]));
  const spreadColumns = Object.fromEntries(
    s.spreadColumns.flatMap((key) => [
      [`${key}_p05`, float64Column(summary.map((r) => r.spreads?.[key].p05 ?? null))],
      [`${key}_p95`, float64Column(summary.map((r) => r.spreads?.[key].p95 ?? null))],
    ]),
  );
  const table = makeTable({
    model: stringColumn(summary.map((r) => r.model)),
    seed: int32Column(summary.map((r) => r.seed)),
    ...Object.fromEntries(SUMMARY_VALUES.map((key) => [key, value(key)])),
    n_concepts: int32Column(summary.map(() => s.concepts)),
    solution: stringColumn(summary.map((r) => r.solution)),
    n_networks: int32Column(summary.map((r) => r.networks)),
    ...spreadColumns,
  });
  await writeTable(path, table, meta);
}

/** Write one model's transport plan (`plan`: n×n row-major over `ids`). */
export async function writeGwotPlan(
  path: string,
  p: { ids: readonly string[]; plan: ArrayLike<number> },
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    uniqueID: stringColumn(p.ids),
    plan: vectorColumn(Float32Array.from(p.plan), p.ids.length),
  });
  await writeTable(path, table, meta);
}

/** The units' parts of the GWOT tables, read for `align:gwot` to join. */
export interface GwotParts {
  /** Their files, in join order. */
  files: { runs: string[]; summary: string[] };
  /** The run tables. */
  runs: Table[];
  /** The summary tables. */
  summary: Table[];
  /** The concepts each part's sweep covered (`n_concepts`). */
  concepts: number[];
  /** Each summary part's metadata (the untrained unit's holds its networks' note). */
  metadata: TableMetadata[];
}

/** Read the units' parts (`gwotPartPaths` of each unit, in join order). */
export async function readGwotParts(
  parts: readonly { runs: string; summary: string }[],
): Promise<GwotParts> {
  const files = { runs: parts.map((p) => p.runs), summary: parts.map((p) => p.summary) };
  const runs = await Promise.all(files.runs.map((f) => readTable(f)));
  const summary = await Promise.all(
    files.summary.map((f) => readTable(f, { require: ["n_concepts"] })),
  );
  return {
    files,
    runs,
    summary,
    concepts: summary.map((t) => Number(t.getChild("n_concepts")!.get(0))),
    metadata: summary.map(tableMetadata),
  };
}

/**
 * Write `gwot.arrow` and `gwot_summary.arrow`: the parts' rows one after another; returns the
 * summary's rows.
 */
export async function writeJoinedGwot(
  tables: string,
  parts: GwotParts,
  meta: TableMetadata,
): Promise<Record<string, unknown>[]> {
  const paths = gwotPaths(tables);
  await writeTable(paths.runs, concatTables(parts.runs, parts.files.runs), meta);
  const summary = concatTables(parts.summary, parts.files.summary);
  await writeTable(paths.summary, summary, meta);
  return summary.toArray().map((r) => r.toJSON() as Record<string, unknown>);
}

/** The stage options recorded in `gwot_summary.arrow`'s metadata (undefined when none). */
export async function readGwotSummaryOptions(
  tables: string,
): Promise<Record<string, unknown> | undefined> {
  const t = await openTable(gwotPaths(tables).summary);
  return t.metadata().options as Record<string, unknown> | undefined;
}
