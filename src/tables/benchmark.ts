/**
 * `benchmark.arrow` and `comparisons.arrow` (written by `bench`): one row per model, seed, metric
 * and subset, and the paired comparisons with their intervals and Holm-adjusted p-values, both
 * with the saturation guard's flags. The row types here are the tables' rows, used by the
 * benchmark, the figures and the write-up alike. Columns as `docs/tables.md` documents them.
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
  writeTable,
} from "../io/arrow.ts";
import type { SaturationCriterion } from "../eval/benchmark/saturation.ts";
import type { BenchGroup } from "../eval/benchmark/spec.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";

/** Paths of `benchmark.arrow` and `comparisons.arrow` in a tables folder. */
export function benchmarkPaths(tables: string): { benchmark: string; comparisons: string } {
  return {
    benchmark: tablePath(tables, TABLE.benchmark),
    comparisons: tablePath(tables, TABLE.comparisons),
  };
}

/** One row of benchmark.arrow. */
export interface BenchmarkRow {
  /** Model key. */
  model: string;
  /** Training seed (null for the SPoSE reference). */
  seed: number | null;
  /** Metric key. */
  metric: string;
  /** Subset. */
  subset: string;
  /** `core` or `expanded`. */
  group: BenchGroup;
  /** Value on all items. */
  value: number;
  /** 95% bootstrap interval (null where none). */
  ci_low: number | null;
  /** 95% bootstrap interval (null where none). */
  ci_high: number | null;
  /** Items behind the value. */
  n: number;
  /** Where the items come from. */
  source: string | null;
  /** A note on the value. */
  note: string | null;
  /**
   * The saturation guard's flag of the row's metric × subset (saturation.ts): written by the bench
   * stage, absent on the rows of a run and in tables written before the column.
   */
  saturated?: boolean;
  /**
   * Why it is flagged (saturation.ts): `ceiling` or `indistinguishable`; null when not flagged;
   * absent where `saturated` is, and in tables written before the column.
   */
  saturation_reason?: SaturationCriterion | null;
}

/** One row of comparisons.arrow. */
export interface ComparisonRow {
  /** First model (delta = a − b). */
  model_a: string;
  /** Second model. */
  model_b: string;
  /** `variant_vs_control`, `vs_baseline` or `baseline_vs_imagenet`. */
  relation: string;
  /** Training seed (null = over seeds). */
  seed: number | null;
  /** Metric key. */
  metric: string;
  /** Subset. */
  subset: string;
  /** Value of model a. */
  value_a: number;
  /** Value of model b. */
  value_b: number;
  /** a − b. */
  delta: number;
  /** Paired 95% interval of the delta. */
  ci_low: number;
  /** Paired 95% interval of the delta. */
  ci_high: number;
  /** p-value. */
  p: number;
  /** Holm-adjusted p-value. */
  p_adj: number;
  /** Resampling units (concepts, or seeds for over-seed rows). */
  n_units: number;
  /** The test behind p. */
  test: string;
  /**
   * The saturation guard's flag of the compared metric × subset (saturation.ts): written by the
   * bench stage, absent on the rows of a run and in tables written before the column.
   */
  saturated?: boolean;
  /** Why it is flagged (benchmark.arrow's `saturation_reason`); null when not flagged. */
  saturation_reason?: SaturationCriterion | null;
}

/** The saturation guard's flag and reason of a row's metric × subset. */
export interface SaturationFlags {
  /** Whether the row's metric × subset is saturated. */
  saturated: (r: { metric: string; subset: string }) => boolean;
  /** Why (null when not flagged). */
  reason: (r: { metric: string; subset: string }) => string | null;
}

/** Write `benchmark.arrow`. */
export async function writeBenchmark(
  tables: string,
  { rows, flags }: { rows: readonly BenchmarkRow[]; flags: SaturationFlags },
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: stringColumn(rows.map((r) => r.model)),
    seed: int32Column(rows.map((r) => r.seed)),
    metric: stringColumn(rows.map((r) => r.metric)),
    subset: stringColumn(rows.map((r) => r.subset)),
    group: stringColumn(rows.map((r) => r.group)),
    value: float64Column(rows.map((r) => r.value)),
    ci_low: float64Column(rows.map((r) => r.ci_low)),
    ci_high: float64Column(rows.map((r) => r.ci_high)),
    n: int32Column(rows.map((r) => r.n)),
    source: stringColumn(rows.map((r) => r.source)),
    note: stringColumn(rows.map((r) => r.note)),
    saturated: boolColumn(rows.map(flags.saturated)),
    saturation_reason: stringColumn(rows.map(flags.reason)),
  });
  await writeTable(benchmarkPaths(tables).benchmark, table, meta);
}

/** Write `comparisons.arrow`: the comparisons with a finite delta. */
export async function writeComparisons(
  tables: string,
  { comparisons, flags }: { comparisons: readonly ComparisonRow[]; flags: SaturationFlags },
  meta: TableMetadata,
): Promise<void> {
  const c = comparisons.filter((r) => Number.isFinite(r.delta));
  const table = makeTable({
    model_a: stringColumn(c.map((r) => r.model_a)),
    model_b: stringColumn(c.map((r) => r.model_b)),
    relation: stringColumn(c.map((r) => r.relation)),
    seed: int32Column(c.map((r) => r.seed)),
    metric: stringColumn(c.map((r) => r.metric)),
    subset: stringColumn(c.map((r) => r.subset)),
    value_a: float64Column(c.map((r) => r.value_a)),
    value_b: float64Column(c.map((r) => r.value_b)),
    delta: float64Column(c.map((r) => r.delta)),
    ci_low: float64Column(c.map((r) => r.ci_low)),
    ci_high: float64Column(c.map((r) => r.ci_high)),
    p: float64Column(c.map((r) => r.p)),
    p_adj: float64Column(c.map((r) => r.p_adj)),
    n_units: int32Column(c.map((r) => r.n_units)),
    test: stringColumn(c.map((r) => r.test)),
    saturated: boolColumn(c.map(flags.saturated)),
    saturation_reason: stringColumn(c.map(flags.reason)),
  });
  await writeTable(benchmarkPaths(tables).comparisons, table, meta);
}
