/**
 * Typed access to the tables figures read most (benchmark.arrow, comparisons.arrow), number
 * formatting for notes and labels, and model selection in display order.
 *
 * @module
 */
import {
  asCriterion,
  benchmarkSaturation,
  type Saturation,
  SATURATION_LABELS,
  type SaturationCriterion,
  saturationKey,
} from "../eval/benchmark/saturation.ts";
import { sortModels } from "./palette.ts";
import { FONT_SIZE, textWidth } from "./style.ts";
import type { Row, TableSet } from "./spec.ts";
import type { BenchmarkRow, ComparisonRow } from "../tables/benchmark.ts";
import { TABLE } from "../tables/names.ts";

export type { BenchmarkRow, ComparisonRow };

/** The rows of table `name`, or an error naming the table (figures declare what they read). */
export function tableRows(tables: TableSet, name: string): Row[] {
  const rows = tables[name];
  if (!rows) throw new Error(`figure needs table "${name}", which was not loaded`);
  return rows;
}

/** A number from a cell (bigint and numeric strings converted; null/undefined/NaN → null). */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "bigint" ? Number(value) : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A string from a cell (null/undefined → ""). */
export function str(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/**
 * The seed figures show for each model of `rows` (any table with `model` and `seed` columns):
 * the smallest seed the model has, or null for a model without one (the SPoSE reference), so
 * figures show one run per model even after `--seeds 7,8,9`.
 */
export function firstSeeds(rows: readonly Row[]): Map<string, number | null> {
  const seedOf = new Map<string, number | null>();
  let lastModel: unknown = undefined, lastSeed: unknown = undefined;
  for (const r of rows) {
    // tables come in runs of one model and seed: skip repeats cheaply
    if (r.model === lastModel && r.seed === lastSeed) continue;
    lastModel = r.model;
    lastSeed = r.seed;
    const model = str(r.model), seed = num(r.seed);
    const current = seedOf.get(model);
    if (current === undefined || (seed !== null && (current === null || seed < current))) {
      seedOf.set(model, seed);
    }
  }
  return seedOf;
}

/** Rows of `benchmark.arrow`, one seed per model (see {@link firstSeeds}). */
export function benchmarkRows(tables: TableSet): BenchmarkRow[] {
  const raw = tableRows(tables, TABLE.benchmark);
  const seedOf = firstSeeds(raw);
  const rows = raw.map((r): BenchmarkRow => ({
    model: str(r.model),
    seed: num(r.seed),
    metric: str(r.metric),
    subset: str(r.subset),
    group: str(r.group) as BenchmarkRow["group"],
    value: num(r.value) ?? NaN,
    ci_low: num(r.ci_low),
    ci_high: num(r.ci_high),
    n: num(r.n) ?? 0,
    source: r.source == null ? null : str(r.source),
    note: r.note == null ? null : str(r.note),
  }));
  return rows.filter((r) => r.seed === seedOf.get(r.model) && Number.isFinite(r.value));
}

/** Rows of one metric and subset, in model display order (see {@link benchmarkRows}). */
export function metricRows(
  tables: TableSet,
  metric: string,
  options: { subset?: string; exclude?: string[] } = {},
): BenchmarkRow[] {
  const exclude = new Set(options.exclude ?? []);
  const rows = benchmarkRows(tables).filter((r) =>
    r.metric === metric && (options.subset === undefined || r.subset === options.subset) &&
    !exclude.has(r.model)
  );
  const order = sortModels(rows.map((r) => r.model));
  return rows.sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model));
}

/**
 * Rows of `comparisons.arrow`: over-seed rows (null seed) where a pair has them, else the
 * smallest seed of the pair.
 */
export function comparisonRows(tables: TableSet): ComparisonRow[] {
  const rows = tableRows(tables, TABLE.comparisons).map((r): ComparisonRow => ({
    model_a: str(r.model_a),
    model_b: str(r.model_b),
    relation: str(r.relation),
    seed: num(r.seed),
    metric: str(r.metric),
    subset: str(r.subset),
    value_a: num(r.value_a) ?? NaN,
    value_b: num(r.value_b) ?? NaN,
    delta: num(r.delta) ?? NaN,
    ci_low: num(r.ci_low) ?? NaN,
    ci_high: num(r.ci_high) ?? NaN,
    p: num(r.p) ?? NaN,
    p_adj: num(r.p_adj) ?? NaN,
    n_units: num(r.n_units) ?? 0,
    test: str(r.test),
    saturated: r.saturated === true,
    saturation_reason: r.saturated === true ? asCriterion(r.saturation_reason) : null,
  }));
  const key = (r: ComparisonRow) => `${r.model_a}\u0000${r.model_b}`;
  const chosen = new Map<string, number | null>();
  for (const r of rows) {
    const current = chosen.get(key(r));
    if (current === null) continue;
    if (r.seed === null || current === undefined || r.seed < current) chosen.set(key(r), r.seed);
  }
  return rows.filter((r) => r.seed === chosen.get(key(r)) && Number.isFinite(r.delta));
}

/**
 * The saturation guard's verdict on every metric × subset of benchmark.arrow, by
 * `metric|subset` (src/eval/benchmark/saturation.ts: the rule the bench stage writes the
 * `saturated` column with, applied to every model and seed, the SPoSE reference left out).
 */
export function benchmarkVerdicts(tables: TableSet): Map<string, Saturation> {
  return benchmarkSaturation(
    tableRows(tables, TABLE.benchmark).map((r) => ({
      model: str(r.model),
      seed: num(r.seed),
      metric: str(r.metric),
      subset: str(r.subset),
      value: num(r.value) ?? NaN,
      ci_low: num(r.ci_low),
      ci_high: num(r.ci_high),
    })),
  );
}

/** The verdict on one metric × subset (undefined when benchmark.arrow has no such rows). */
export function verdictOf(
  verdicts: Map<string, Saturation>,
  metric: string,
  subset: string,
): Saturation | undefined {
  return verdicts.get(saturationKey(metric, subset));
}

/**
 * The mark a panel heading gets for a flagged metric: `saturated (at ceiling)`,
 * `indistinguishable` (spread between models < interval half-width), or `saturated` where the
 * reason is unknown.
 */
export function saturationTag(criterion: SaturationCriterion | null | undefined): string {
  return criterion === "ceiling"
    ? SATURATION_LABELS.ceiling
    : criterion === "indistinguishable"
    ? "indistinguishable"
    : "saturated";
}

/**
 * A panel heading for a flagged metric: `<label> · saturated (at ceiling)` or `<label> ·
 * indistinguishable` ({@link saturationTag}), or the short `<label> · at ceiling` / `<label> ·
 * tied` where the long one is wider than `width` pixels (bold body text); the figure's subtitle and
 * notes give the reason in full.
 */
export function flaggedHeading(
  label: string,
  options: { criterion: SaturationCriterion | null | undefined; width: number },
): string {
  const long = `${label} · ${saturationTag(options.criterion)}`;
  if (textWidth(long, FONT_SIZE.body, { bold: true }) <= options.width) return long;
  const short = options.criterion === "indistinguishable"
    ? "tied"
    : options.criterion === "ceiling"
    ? "at ceiling"
    : "saturated";
  return `${label} · ${short}`;
}

/**
 * The opening of a sentence on flagged metrics of one criterion: `Saturated (at ceiling)`,
 * `Models indistinguishable (spread < interval half-width)`, or `Saturated` where unknown.
 */
export function saturationOpening(criterion: SaturationCriterion | null | undefined): string {
  const words = criterion ? SATURATION_LABELS[criterion] : "saturated";
  return words[0].toUpperCase() + words.slice(1);
}

/**
 * "Saturated (at ceiling), so the models cannot be told apart: Retrieval@1 — every model within
 * its interval of the ceiling 1. Models indistinguishable (spread < interval half-width), so the
 * models cannot be told apart: stress top-1 — spread 0.002 < median half-width 0.050." for the
 * flagged items, one sentence per criterion ("" when none).
 */
export function saturatedSentence(
  items: readonly { label: string; verdict: Saturation | undefined }[],
): string {
  const saturated = items.filter((i) => i.verdict?.saturated);
  const sentences: string[] = [];
  for (const criterion of ["ceiling", "indistinguishable"] as const) {
    const group = saturated.filter((i) => i.verdict!.criterion === criterion);
    if (!group.length) continue;
    sentences.push(
      `${saturationOpening(criterion)}, so the models cannot be told apart: ` +
        group.map((i) => `${i.label} — ${i.verdict!.reason}`).join("; ") + ".",
    );
  }
  return sentences.join(" ");
}

/** Models present in `rows`, in display order. */
export function modelsOf(rows: { model: string }[]): string[] {
  return sortModels(rows.map((r) => r.model));
}

/** `value` with `digits` decimals and a typographic minus (−0.012). */
export function fmt(value: number | null | undefined, digits: number = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text.replace("-", "\u2212");
}

/** A signed value (+0.012, −0.012, 0.000). */
export function fmtSigned(value: number, digits: number = 3): string {
  const text = fmt(value, digits);
  return value > 0 && text !== fmt(0, digits) ? `+${text}` : text;
}

/** A 95% interval as `[low, high]`. */
export function fmtInterval(low: number | null, high: number | null, digits: number = 3): string {
  return `[${fmt(low, digits)}, ${fmt(high, digits)}]`;
}

/** Whether an interval excludes zero. */
export function excludesZero(low: number | null, high: number | null): boolean {
  return low !== null && high !== null && (low > 0 || high < 0);
}
