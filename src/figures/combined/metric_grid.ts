/**
 * Composite figures of benchmark metrics: rows of dot-and-interval panels (one per metric, one
 * line per model, 95% bootstrap intervals), the model labels on the first panel of each row.
 * Saturated metrics (src/eval/benchmark/saturation.ts) say so in their panel heading, the
 * subtitle and the notes.
 *
 * @module
 */
import type { Saturation } from "../../eval/benchmark/saturation.ts";
import {
  type BenchmarkRow,
  benchmarkVerdicts,
  flaggedHeading,
  fmt,
  fmtInterval,
  metricRows,
  modelsOf,
  saturatedSentence,
  verdictOf,
} from "../data.ts";
import { fitColumns, panelRow, rowWidths } from "../common/layout.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { metricLabel, modelStyle } from "../palette.ts";
import { intervalPanel, labelMargin } from "../common/plots.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** One metric panel. */
export interface GridMetric {
  /** Metric key of benchmark.arrow. */
  metric: string;
  /** Subset, or a prefix ending in `*` (e.g. `mean_over_*` for category AUC). */
  subset: string;
  /** Panel heading (default: the metric's label). */
  label?: string;
  /** Vertical reference line (e.g. 0.5 for AUC, 1/3 for odd-one-out chance). */
  reference?: number;
}

/** Rows of one grid metric (see {@link GridMetric.subset} for prefixes). */
export function gridRows(
  tables: TableSet,
  m: GridMetric,
  options: { exclude?: string[] } = {},
): BenchmarkRow[] {
  const exclude = options.exclude ?? [];
  const prefix = m.subset.endsWith("*") ? m.subset.slice(0, -1) : null;
  return metricRows(tables, m.metric, prefix === null ? { subset: m.subset, exclude } : { exclude })
    .filter((r) => prefix === null || r.subset.startsWith(prefix));
}

/**
 * The saturation verdict of each grid metric, on the subset its rows have (the first, for a
 * subset prefix); undefined where it has no rows.
 */
export function gridVerdicts(
  tables: TableSet,
  metrics: readonly GridMetric[],
): (Saturation | undefined)[] {
  const verdicts = benchmarkVerdicts(tables);
  return metrics.map((m) => {
    const subset = gridRows(tables, m)[0]?.subset;
    return subset === undefined ? undefined : verdictOf(verdicts, m.metric, subset);
  });
}

/** The panel heading of a grid metric, marked (see {@link flaggedHeading}) when it is flagged. */
function panelLabel(m: GridMetric, verdict: Saturation | undefined, width: number): string {
  const label = m.label ?? metricLabel(m.metric);
  return verdict?.saturated
    ? flaggedHeading(label, { criterion: verdict.criterion, width })
    : label;
}

/** {@link saturatedSentence} of the grid metrics ("" when none is saturated). */
export function gridSaturationSentence(tables: TableSet, metrics: readonly GridMetric[]): string {
  const verdicts = gridVerdicts(tables, metrics);
  return saturatedSentence(
    metrics.map((m, i) => ({ label: m.label ?? metricLabel(m.metric), verdict: verdicts[i] })),
  );
}

/** Draws the grid panels (`columns` per row) for `metrics`. */
export function metricGridPanels(
  tables: TableSet,
  context: FigureContext,
  options: { metrics: GridMetric[]; columns: number; exclude?: string[] },
): Element[] {
  const rows = options.metrics.map((m) => gridRows(tables, m, { exclude: options.exclude }));
  const verdicts = gridVerdicts(tables, options.metrics);
  const models = modelsOf(rows.flat());
  if (!models.length) {
    return [messagePanel(context, `No rows of these metrics in ${tableFile(TABLE.benchmark)}.`)];
  }
  const margin = labelMargin(models.map((m) => modelStyle(m).label));
  const out: Element[] = [];
  // fewer columns on a narrow page
  const columns = fitColumns(panelWidth(context), { count: options.columns, margin });
  const widths = rowWidths(panelWidth(context), { count: columns, margin });
  for (let start = 0; start < options.metrics.length; start += columns) {
    const slice = options.metrics.slice(start, start + columns);
    out.push(panelRow(
      context,
      slice.map((m, i) => ({
        label: panelLabel(m, verdicts[start + i], widths[i]),
        svg: intervalPanel(context, {
          width: widths[i],
          models,
          series: [{ rows: rows[start + i], symbol: "dot", dy: 0, labels: true }],
          xLabel: metricLabel(m.metric),
          reference: m.reference,
          hideModels: i > 0,
        }),
      })),
    ));
  }
  return out;
}

/** Notes: per metric, the best image model and the baseline. */
export function metricGridNotes(tables: TableSet, metrics: GridMetric[]): string[] {
  return metrics.flatMap((m) => {
    const rows = gridRows(tables, m).filter((r) => r.model !== SPOSE49);
    if (!rows.length) return [];
    const best = rows.reduce((a, b) => (b.value > a.value ? b : a));
    const base = rows.find((r) => r.model === BASELINE);
    return [
      `${m.label ?? metricLabel(m.metric)}: best ${modelStyle(best.model).label} ${
        fmt(best.value)
      } ` +
      `${fmtInterval(best.ci_low, best.ci_high)}` +
      (base ? `; baseline ${fmt(base.value)} ${fmtInterval(base.ci_low, base.ci_high)}.` : "."),
    ];
  });
}

/** Options of {@link metricGridFigure}. */
export interface MetricGridOptions {
  /** File-name stem. */
  name: string;
  /** Short title. */
  title: string;
  /** Figure heading. */
  heading: string;
  /** Subtitle. */
  subtitle: string;
  /** Question the figure answers. */
  purpose: string;
  /** Metric panels. */
  metrics: GridMetric[];
  /** Panels per row (default 2). */
  columns?: number;
  /** Models left out (e.g. the SPoSE reference where it is circular). */
  exclude?: string[];
}

/** A combined-family figure of metric panels. */
export function metricGridFigure(options: MetricGridOptions): FigureSpec {
  const columns = options.columns ?? 2;
  return {
    name: options.name,
    family: "combined",
    title: options.title,
    purpose: options.purpose,
    tables: [TABLE.benchmark],
    render(tables, context) {
      const saturated = gridSaturationSentence(tables, options.metrics);
      return composeFigure(context, {
        title: options.heading,
        subtitle: saturated ? `${options.subtitle} ${saturated}` : options.subtitle,
        panels: metricGridPanels(tables, context, {
          metrics: options.metrics,
          columns,
          exclude: options.exclude,
        }),
      });
    },
    notes(tables) {
      const notes = metricGridNotes(tables, options.metrics);
      if (!notes.length) return [`No rows of these metrics in ${tableFile(TABLE.benchmark)}.`];
      const saturated = gridSaturationSentence(tables, options.metrics);
      return saturated ? [...notes, saturated] : notes;
    },
  };
}
