/**
 * The tables of `align:gwot`: `gwot.arrow` (every ε × initialisation run), `gwot_summary.arrow`
 * (per model the minimum-GWD and the highest-matching-rate solution, and the untrained baseline)
 * and `gwot/plans/<model>[.seed<k>].arrow` (each model's minimum-GWD transport plan). Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";
import type { GwotRun } from "../align/gwot_sweep.ts";
import { gwotPlanTable, TABLE } from "./names.ts";
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

/** Write `gwot.arrow`. */
export async function writeGwotRuns(
  tables: string,
  runs: readonly GwotRunRow[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: stringColumn(runs.map((r) => r.model)),
    seed: int32Column(runs.map((r) => r.seed)),
    eps: float64Column(runs.map((r) => r.epsilon)),
    init: int32Column(runs.map((r) => r.init)),
    gwd: float64Column(runs.map((r) => r.gwDistance)),
    top1: float64Column(runs.map((r) => r.top1)),
    top5: float64Column(runs.map((r) => r.top5)),
    top10: float64Column(runs.map((r) => r.top10)),
    category_rate: float64Column(runs.map((r) => r.categoryRate)),
    iterations: int32Column(runs.map((r) => r.iterations)),
    converged: boolColumn(runs.map((r) => r.converged)),
    seconds: float64Column(runs.map((r) => r.seconds)),
    selected: boolColumn(runs.map((r) => r.selected)),
    best_matching: boolColumn(runs.map((r) => r.bestMatching)),
  });
  await writeTable(gwotPaths(tables).runs, table, meta);
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

/** Write `gwot_summary.arrow`; `spreadColumns` get `<key>_p05`/`<key>_p95` columns. */
export async function writeGwotSummary(
  tables: string,
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
  await writeTable(gwotPaths(tables).summary, table, meta);
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

/** The stage options recorded in `gwot_summary.arrow`'s metadata (undefined when none). */
export async function readGwotSummaryOptions(
  tables: string,
): Promise<Record<string, unknown> | undefined> {
  const t = await openTable(gwotPaths(tables).summary);
  return t.metadata().options as Record<string, unknown> | undefined;
}
