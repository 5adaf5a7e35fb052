/**
 * Qualitative statements from numbers, by explicit thresholds. Every word such as "improved",
 * "almost identically" or "did not robustly improve" in the write-up is the output of one of
 * these functions on rows of `comparisons.arrow`; docs/site.md lists the rules.
 *
 * @module
 */
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

/** The human-alignment headline metric (held-out human pairs). */
export const ALIGNMENT_METRIC = "human_pair_rho";

/** The external THINGSplus transfer headline metric. */
export const TRANSFER_METRIC = "object_properties_rho";

/** How one paired difference reads. */
export type Effect =
  | "robust_increase"
  | "robust_decrease"
  | "nominal_increase"
  | "nominal_decrease"
  | "no_clear_change";

/**
 * Classify a paired difference: robust when its 95% interval excludes zero and its
 * Holm-adjusted p-value is below `alpha`; nominal when only the interval excludes zero; otherwise
 * no clear change.
 */
export function classifyEffect(row: ComparisonRow, thresholds: Thresholds = THRESHOLDS): Effect {
  const excludesZeroUp = row.ci_low > 0;
  const excludesZeroDown = row.ci_high < 0;
  const robust = row.p_adj < thresholds.alpha;
  if (excludesZeroUp) return robust ? "robust_increase" : "nominal_increase";
  if (excludesZeroDown) return robust ? "robust_decrease" : "nominal_decrease";
  return "no_clear_change";
}

/** Words for an effect (`rose robustly`, `fell, not robustly`, …). */
export function effectWords(effect: Effect): string {
  switch (effect) {
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

/** True when every row is within the tie threshold and none is a robust difference. */
export function almostIdentical(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): boolean {
  return rows.length > 0 && rows.every((row) =>
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
 * Direction of a set of practical-metric differences: "improved" / "worsened" when the mean Δ
 * is beyond the tie threshold; "slightly improved" / "slightly worsened" when it is within it but
 * some metric moved robustly in one direction only; else "barely changed".
 */
export function practicalDirection(
  rows: readonly ComparisonRow[],
  thresholds: Thresholds = THRESHOLDS,
): "improved" | "worsened" | "slightly improved" | "slightly worsened" | "barely changed" {
  if (!rows.length) return "barely changed";
  const mean = rows.reduce((s, r) => s + r.delta, 0) / rows.length;
  if (mean > thresholds.tie) return "improved";
  if (mean < -thresholds.tie) return "worsened";
  const up = anyRobustIncrease(rows, thresholds);
  const down = anyRobustDecrease(rows, thresholds);
  if (up && !down) return "slightly improved";
  if (down && !up) return "slightly worsened";
  return "barely changed";
}

/** Rows of one comparison (model a vs model b) for the given metrics, in metric order. */
export function comparisonRows(
  comparisons: readonly ComparisonRow[],
  modelA: string,
  modelB: string,
  metrics: readonly string[],
  seed?: number | null,
): ComparisonRow[] {
  const out: ComparisonRow[] = [];
  for (const metric of metrics) {
    const row = comparisons.find((r) =>
      r.model_a === modelA && r.model_b === modelB && r.metric === metric &&
      (seed === undefined || r.seed === seed)
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
