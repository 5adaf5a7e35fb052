/**
 * Qualitative statements from numbers, by explicit thresholds. Every word such as "improved",
 * "almost identically" or "did not robustly improve" in the write-up is the output of one of
 * these functions on rows of `comparisons.arrow`; docs/site.md lists the rules.
 *
 * @module
 */
import {
  type Saturation,
  SATURATION_LABELS,
  type SaturationCriterion,
} from "../eval/benchmark/saturation.ts";
import type { BenchmarkRow, ComparisonRow } from "./tables.ts";

/** The thresholds behind the qualitative words. */
export interface Thresholds {
  /**
   * Largest |Δ| (absolute, on a 0–1 scale) at which two models count as "almost identical" on a
   * practical metric (top-1, retrieval@1, mAP). One percentage point.
   */
  tie: number;
  /** Holm-adjusted p-value below which a difference counts as robust. */
  alpha: number;
  /** Δ human-pair ρ from which a human-alignment gain is called "large" rather than "small". */
  largeAlignmentGain: number;
}

/** Default thresholds (documented in docs/site.md). */
export const THRESHOLDS: Thresholds = { tie: 0.01, alpha: 0.05, largeAlignmentGain: 0.1 };

/** Practical (visual utility) metrics: classification and retrieval on the held-out style. */
export const PRACTICAL_METRICS: readonly string[] = ["top1", "retrieval@1", "mAP"];

/** The subset the practical metrics are judged on: the held-out style. */
export const PRACTICAL_SUBSET = "test";

/** The human-alignment headline metric (held-out human pairs). */
export const ALIGNMENT_METRIC = "human_pair_rho";

/** Its subset: the held-out human pairs. */
export const ALIGNMENT_SUBSET = "test";

/** The external THINGSplus transfer headline metric. */
export const TRANSFER_METRIC = "object_properties_rho";

/** Its subset: the mean over the THINGSplus targets. */
export const TRANSFER_SUBSET = "mean_over_targets";

/**
 * The external human-similarity metric: RSA (Spearman) with the 48-object behavioural RDM of
 * Hebart et al. (2020), independent of the SPoSE similarity the variants train on; its subset.
 */
export const EXTERNAL_RSA_METRIC = "rdm48_rsa_spearman";
export const EXTERNAL_RSA_SUBSET = "rdm48";

/** How one paired difference reads. */
export type Effect =
  | "robust_increase"
  | "robust_decrease"
  | "nominal_increase"
  | "nominal_decrease"
  | "no_clear_change"
  | "saturated";

/**
 * Classify a paired difference: saturated when its metric is (the row's `saturated` flag, see
 * src/eval/benchmark/saturation.ts), whatever the interval and p-value; else robust when its 95%
 * interval excludes zero and its Holm-adjusted p-value is below `alpha`; nominal when only the
 * interval excludes zero; otherwise no clear change.
 */
export function classifyEffect(row: ComparisonRow, thresholds: Thresholds = THRESHOLDS): Effect {
  if (row.saturated === true) return "saturated";
  const excludesZeroUp = row.ci_low > 0;
  const excludesZeroDown = row.ci_high < 0;
  const robust = row.p_adj < thresholds.alpha;
  if (excludesZeroUp) return robust ? "robust_increase" : "nominal_increase";
  if (excludesZeroDown) return robust ? "robust_decrease" : "nominal_decrease";
  return "no_clear_change";
}

/**
 * Words for an effect (`rose robustly`, `fell, not robustly`, …). For a metric the saturation
 * guard flags, by its criterion: `cannot be told apart: saturated (at ceiling): <reason>` or
 * `cannot be told apart: models indistinguishable (spread < interval half-width)`; without a
 * criterion (tables that do not say), `cannot be told apart: the metric is saturated (<reason>)`.
 */
export function effectWords(
  effect: Effect,
  options: { criterion?: SaturationCriterion | null; reason?: string } = {},
): string {
  switch (effect) {
    case "saturated":
      if (options.criterion === "ceiling") {
        return `cannot be told apart: ${SATURATION_LABELS.ceiling}` +
          (options.reason ? `: ${options.reason}` : "");
      }
      if (options.criterion === "indistinguishable") {
        return `cannot be told apart: ${SATURATION_LABELS.indistinguishable}`;
      }
      return "cannot be told apart: the metric is saturated" +
        (options.reason ? ` (${options.reason})` : "");
    case "robust_increase":
      return "rose robustly";
    case "robust_decrease":
      return "fell robustly";
    case "nominal_increase":
      return "rose, but not robustly after Holm correction";
    case "nominal_decrease":
      return "fell, but not robustly after Holm correction";
    default:
      return "did not change clearly";
  }
}

/**
 * Why a metric is flagged, in words without derived numbers (the write-up prints only table
 * cells): `every model within its interval of the ceiling 1`, or that the spread between models is
 * below their median interval half-width; "" when not flagged.
 */
export function saturationWords(verdict: Saturation | undefined): string {
  if (verdict?.criterion === "ceiling") {
    return `every model within its interval of the ceiling ${verdict.ceiling}`;
  }
  if (verdict?.criterion === "indistinguishable") {
    return "the spread between models is smaller than their median 95% interval half-width";
  }
  return "";
}

/**
 * What flagged metrics do, as a verb phrase ("every practical metric …"), from their criteria:
 * `is saturated (at ceiling)`, `leaves the models indistinguishable (spread < interval
 * half-width)`, both joined by "or" when they differ, and `is flagged by the saturation guard`
 * where a criterion is unknown.
 */
export function flaggedClause(criteria: readonly (SaturationCriterion | null)[]): string {
  const known = new Set(criteria);
  if (known.has(null) || !known.size) return "is flagged by the saturation guard";
  const ceiling = known.has("ceiling"), tie = known.has("indistinguishable");
  if (ceiling && tie) return "is saturated (at ceiling) or leaves the models indistinguishable";
  return ceiling
    ? `is ${SATURATION_LABELS.ceiling}`
    : "leaves the models indistinguishable (spread < interval half-width)";
}

/** True when the row's metric is saturated (its comparisons are never robust). */
export function isSaturated(row: ComparisonRow): boolean {
  return row.saturated === true;
}

/** The rows whose metric is not saturated (those the qualitative words judge). */
export function unsaturated(rows: readonly ComparisonRow[]): ComparisonRow[] {
  return rows.filter((row) => !isSaturated(row));
}

/**
 * True when every row of a metric that is not saturated is within the tie threshold and none is a
 * robust difference; false when there is no such row (saturated metrics say nothing).
 */
export function almostIdentical(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): boolean {
  const judged = unsaturated(rows);
  return judged.length > 0 && judged.every((row) =>
    Math.abs(row.delta) <= thresholds.tie &&
    !classifyEffect(row, thresholds).startsWith("robust")
  );
}

/** True when at least one row is a robust increase. */
export function anyRobustIncrease(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): boolean {
  return rows.some((row) => classifyEffect(row, thresholds) === "robust_increase");
}

/** True when at least one row is a robust decrease. */
export function anyRobustDecrease(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): boolean {
  return rows.some((row) => classifyEffect(row, thresholds) === "robust_decrease");
}

/**
 * Direction of a set of practical-metric differences, over the metrics that are not saturated:
 * "improved" / "worsened" when the mean Δ is beyond the tie threshold; "slightly improved" /
 * "slightly worsened" when it is within it but some metric moved robustly in one direction only;
 * else "barely changed" (also when every metric is saturated: the write-up then says so instead).
 */
export function practicalDirection(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): "improved" | "worsened" | "slightly improved" | "slightly worsened" | "barely changed" {
  const judged = unsaturated(rows);
  if (!judged.length) return "barely changed";
  const mean = judged.reduce((s, r) => s + r.delta, 0) / judged.length;
  if (mean > thresholds.tie) return "improved";
  if (mean < -thresholds.tie) return "worsened";
  const up = anyRobustIncrease(judged, thresholds);
  const down = anyRobustDecrease(judged, thresholds);
  if (up && !down) return "slightly improved";
  if (down && !up) return "slightly worsened";
  return "barely changed";
}

/** Which rows {@link comparisonRows} selects. */
export interface ComparisonSelection {
  /** Model a (`delta = value_a − value_b`). */
  modelA: string;
  /** Model b. */
  modelB: string;
  /** Metrics, in the order wanted. */
  metrics: readonly string[];
  /**
   * The subset every metric is compared on (`test`, `stress`, …): a metric such as top-1 is
   * compared on more than one, so the metric alone does not pick a row.
   */
  subset: string;
  /** Training seed (null: the over-seed rows); any seed when absent. */
  seed?: number | null;
}

/**
 * Rows of one comparison (model a vs model b) for the given metrics on one subset, in metric
 * order; a metric without such a row is left out.
 */
export function comparisonRows(
  comparisons: readonly ComparisonRow[],
  selection: ComparisonSelection,
): ComparisonRow[] {
  const { modelA, modelB, subset, seed } = selection;
  const out: ComparisonRow[] = [];
  for (const metric of selection.metrics) {
    const row = comparisons.find((r) =>
      r.model_a === modelA && r.model_b === modelB && r.metric === metric &&
      r.subset === subset && (seed === undefined || r.seed === seed)
    );
    if (row) out.push(row);
  }
  return out;
}

/** The benchmark row of a model, metric and subset (first seed when `seed` is not given). */
export function benchmarkValue(
  benchmark: readonly BenchmarkRow[],
  model: string,
  metric: string,
  subset: string,
  seed?: number | null,
): BenchmarkRow | undefined {
  return benchmark.find((r) =>
    r.model === model && r.metric === metric && r.subset === subset &&
    (seed === undefined || r.seed === seed)
  );
}
