/**
 * The saturation guard. A metric × subset is flagged (`saturated`) when the benchmark cannot tell
 * its models apart, for one of two reasons, kept apart because they mean different things:
 *
 * - `ceiling` — saturated (at ceiling): the metric is bounded (spec.ts, {@link metricCeiling})
 *   and every model is within its own 95% interval half-width of the ceiling,
 *   |ceiling − value| ≤ (ci_high − ci_low)/2; the benchmark is too easy for these models;
 * - `indistinguishable` — models indistinguishable: at least two models, and the spread of their
 *   values (max − min) is smaller than the median of their 95% interval half-widths. This says
 *   nothing about a ceiling (top-1 can be flagged at 0.65): the models differ by less than the
 *   benchmark's resolution.
 *
 * The ceiling test comes first. A model without a finite value and interval makes the metric not
 * flagged (nothing to judge it by). The bench stage writes the flag and the reason on
 * benchmark.arrow and comparisons.arrow (`saturated`, `saturation_reason`); the write-up never
 * calls a difference on a flagged metric robust, and it and the figures name the reason
 * ({@link SATURATION_LABELS}).
 *
 * @module
 */
import { median } from "../../stats/median.ts";
import { metricCeiling } from "./spec.ts";

/** The cells of one model's row that the rule reads. */
export interface SaturationInput {
  /** Point estimate. */
  value: number;
  /** Lower end of the 95% interval (null where none). */
  ci_low: number | null;
  /** Upper end of the 95% interval (null where none). */
  ci_high: number | null;
}

/**
 * Which criterion flagged a metric: `ceiling` (every model within its interval of the ceiling)
 * or `indistinguishable` (spread between models < their median interval half-width).
 */
export type SaturationCriterion = "ceiling" | "indistinguishable";

/** Every {@link SaturationCriterion}, in the order the rule tests them. */
export const SATURATION_CRITERIA: readonly SaturationCriterion[] = ["ceiling", "indistinguishable"];

/** How the write-up, the figures and the site name each criterion. */
export const SATURATION_LABELS: Readonly<Record<SaturationCriterion, string>> = {
  ceiling: "saturated (at ceiling)",
  indistinguishable: "models indistinguishable (spread < interval half-width)",
};

/** A table cell's criterion (`saturation_reason`), or null when it is not one. */
export function asCriterion(value: unknown): SaturationCriterion | null {
  return SATURATION_CRITERIA.includes(value as SaturationCriterion)
    ? value as SaturationCriterion
    : null;
}

/** The verdict on one metric × subset. */
export interface Saturation {
  /** True when the models cannot be told apart on this metric. */
  saturated: boolean;
  /** The criterion met (the ceiling one first), null when not saturated. */
  criterion: SaturationCriterion | null;
  /**
   * Why, in words: `every model within its interval of the ceiling 1`,
   * `spread 0.004 < median half-width 0.010`, or why not.
   */
  reason: string;
  /** The metric's ceiling (null for unbounded metrics). */
  ceiling: number | null;
  /** max − min of the values (NaN when a model has no finite value or interval). */
  spread: number;
  /** Median 95% interval half-width over the models (NaN likewise). */
  medianHalfWidth: number;
  /** Models (rows) judged. */
  models: number;
}

/** Slack for float round-off in the ceiling test (weighted means of 0/1 scores). */
const EPSILON = 1e-9;

/** A number for a reason: 3 decimals, or 2 significant digits below 0.001. */
function fmtReason(x: number): string {
  return x !== 0 && Math.abs(x) < 0.001 ? x.toPrecision(2) : x.toFixed(3);
}

/**
 * Whether one metric × subset is saturated over the rows of its models (see the module
 * documentation); `ceiling` is the metric's ceiling, null or absent for an unbounded metric.
 */
export function saturation(
  rows: readonly SaturationInput[],
  options: { ceiling?: number | null } = {},
): Saturation {
  const ceiling = options.ceiling ?? null;
  const base = { ceiling, models: rows.length, spread: NaN, medianHalfWidth: NaN };
  const not = (reason: string): Saturation => ({
    ...base,
    saturated: false,
    criterion: null,
    reason,
  });
  if (!rows.length) return not("no models");
  const halfWidths: number[] = [];
  for (const r of rows) {
    const half = r.ci_low === null || r.ci_high === null ? NaN : (r.ci_high - r.ci_low) / 2;
    if (!Number.isFinite(r.value) || !(Number.isFinite(half) && half >= 0)) {
      return not("a model has no finite value and 95% interval");
    }
    halfWidths.push(half);
  }
  const values = rows.map((r) => r.value);
  const spread = Math.max(...values) - Math.min(...values);
  const medianHalfWidth = median([...halfWidths].sort((a, b) => a - b));
  const measured = { ...base, spread, medianHalfWidth };
  if (
    ceiling !== null &&
    rows.every((r, i) => Math.abs(ceiling - r.value) <= halfWidths[i] + EPSILON)
  ) {
    return {
      ...measured,
      saturated: true,
      criterion: "ceiling",
      reason: `every model within its interval of the ceiling ${ceiling}`,
    };
  }
  const comparison = `spread ${fmtReason(spread)} ${
    spread < medianHalfWidth ? "<" : "≥"
  } median half-width ${fmtReason(medianHalfWidth)}`;
  if (rows.length >= 2 && spread < medianHalfWidth) {
    return { ...measured, saturated: true, criterion: "indistinguishable", reason: comparison };
  }
  return {
    ...measured,
    saturated: false,
    criterion: null,
    reason: rows.length < 2 ? "a single model, not at its ceiling" : comparison,
  };
}

/** One benchmark.arrow row as {@link benchmarkSaturation} reads it. */
export interface SaturationRow extends SaturationInput {
  /** Model key. */
  model: string;
  /** Training seed; null for the SPoSE reference row, which is not judged. */
  seed: number | null;
  /** Metric. */
  metric: string;
  /** Subset. */
  subset: string;
}

/** Key of a metric × subset in {@link benchmarkSaturation}'s map (`metric|subset`). */
export function saturationKey(metric: string, subset: string): string {
  return `${metric}|${subset}`;
}

/**
 * The verdict of every metric × subset of benchmark rows, over the rows of the models that are
 * compared (every model and seed; the SPoSE reference row, whose seed is null, is left out:
 * its human-metric values are circular). Metrics with only reference rows are absent from the
 * map. Ceilings come from {@link metricCeiling}.
 */
export function benchmarkSaturation(rows: readonly SaturationRow[]): Map<string, Saturation> {
  const groups = new Map<string, SaturationRow[]>();
  for (const r of rows) {
    if (r.seed === null) continue;
    const key = saturationKey(r.metric, r.subset);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const out = new Map<string, Saturation>();
  for (const [key, group] of groups) {
    out.set(key, saturation(group, { ceiling: metricCeiling(group[0].metric) }));
  }
  return out;
}
