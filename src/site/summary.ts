/**
 * Descriptive summaries of the reader's selection on the site (simple-statistics): count, mean,
 * median, quartiles, sample standard deviation, range, and the least-squares line drawn on the
 * trade-off plot. They describe whatever rows the reader has filtered to, nothing more: no
 * interval, test or correction is computed here.
 *
 * The statistics behind the scientific claims (bootstrap intervals, paired permutation tests,
 * Holm-adjusted p-values, the "robust" and "saturated" calls) live in src/stats, run in the
 * pipeline and are checked against scipy; the site shows their results from the tables and
 * never recomputes them in the browser.
 *
 * Browser-safe: no Deno or Node APIs.
 *
 * @module
 */
import * as ss from "simple-statistics";
import { format as d3Format } from "d3";

/** Descriptive summary of a selection's numeric values (null fields when there are none). */
export interface Summary {
  /** Number of finite values summarised. */
  n: number;
  /** Values left out because they were null, undefined, NaN, infinite or not numbers. */
  missing: number;
  /** Arithmetic mean. */
  mean: number | null;
  /** Median (the 0.5 quantile below). */
  median: number | null;
  /**
   * Lower quartile: simple-statistics' `quantile`, linear interpolation between order
   * statistics at (n − 1)·p (R type 7, numpy's default `method="linear"`).
   */
  q25: number | null;
  /** Upper quartile (same definition). */
  q75: number | null;
  /** Sample standard deviation (divisor n − 1, numpy `ddof=1`); null when n < 2. */
  sd: number | null;
  /** Smallest value. */
  min: number | null;
  /** Largest value. */
  max: number | null;
}

/** Least-squares line y = intercept + slope·x through a selection's points. */
export interface LinearFit {
  /** Slope. */
  slope: number;
  /** Intercept. */
  intercept: number;
  /** Coefficient of determination; null when every y is equal (it is 0/0 then). */
  r2: number | null;
  /** Points used (both coordinates finite). */
  n: number;
  /** Points left out (a coordinate null or not finite). */
  missing: number;
}

/** A point of {@link linearFit}: `[x, y]` or `{x, y}`. */
export type Point = readonly [unknown, unknown] | { x: unknown; y: unknown };

/** Options of {@link formatSummary}. */
export interface FormatSummaryOptions {
  /** Decimals of the values (default 3). */
  digits?: number;
  /** Name of the summarised column, leading the line. */
  label?: string;
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Descriptive summary of the finite numbers among `values`; the rest are counted as missing. */
export function describeSelection(values: Iterable<unknown> | ArrayLike<unknown>): Summary {
  const all = Array.from(values as ArrayLike<unknown>);
  const xs = all.filter(finite);
  const missing = all.length - xs.length;
  if (!xs.length) {
    return {
      n: 0,
      missing,
      mean: null,
      median: null,
      q25: null,
      q75: null,
      sd: null,
      min: null,
      max: null,
    };
  }
  const [q25, median, q75] = ss.quantile(xs, [0.25, 0.5, 0.75]);
  return {
    n: xs.length,
    missing,
    mean: ss.mean(xs),
    median,
    q25,
    q75,
    sd: xs.length < 2 ? null : ss.sampleStandardDeviation(xs),
    min: ss.min(xs),
    max: ss.max(xs),
  };
}

/**
 * Ordinary least-squares line through the points with finite coordinates (simple-statistics
 * `linearRegression`, `rSquared`); null when fewer than two points remain or every x is equal
 * (no line is defined).
 */
export function linearFit(points: Iterable<Point>): LinearFit | null {
  const used: [number, number][] = [];
  let missing = 0;
  for (const point of points) {
    const [x, y] = Array.isArray(point)
      ? point
      : [(point as { x: unknown }).x, (point as { y: unknown }).y];
    if (finite(x) && finite(y)) used.push([x, y]);
    else missing++;
  }
  if (used.length < 2 || used.every(([x]) => x === used[0][0])) return null;
  const { m, b } = ss.linearRegression(used);
  const constantY = used.every(([, y]) => y === used[0][1]);
  const r2 = constantY ? null : ss.rSquared(used, ss.linearRegressionLine({ m, b }));
  return { slope: m, intercept: b, r2, n: used.length, missing };
}

/**
 * One line for the page: `value: n 12 · mean 0.812 · median … · sd (sample) … · min–max …`,
 * numbers formatted with d3-format; "no values" when the selection has none.
 */
export function formatSummary(summary: Summary, options: FormatSummaryOptions = {}): string {
  const number = d3Format(`.${options.digits ?? 3}f`);
  const show = (value: number | null) => (value === null ? "—" : number(value));
  const lead = options.label ? `${options.label}: ` : "";
  const missing = summary.missing ? ` · ${summary.missing} missing` : "";
  if (!summary.n) return `${lead}no values${missing}`;
  return `${lead}n ${summary.n} · mean ${show(summary.mean)} · median ${show(summary.median)}` +
    ` · q25–q75 ${show(summary.q25)}–${show(summary.q75)} · sd (sample) ${show(summary.sd)}` +
    ` · min–max ${show(summary.min)}–${show(summary.max)}${missing}`;
}
