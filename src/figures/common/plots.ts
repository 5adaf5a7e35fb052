/**
 * Plot building blocks shared by the paper, improved, exploratory, combined, client and gwot
 * figures: model colour scales and legends, the dot-and-interval panel (one row per model) and a
 * figure of one such panel, the variant-vs-control forest panel, and label placement for scatter
 * plots. Browser-safe.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import {
  type BenchmarkRow,
  type ComparisonRow,
  comparisonRows,
  fmt,
  fmtInterval,
  modelsOf,
} from "../data.ts";
import { composeFigure, type LegendItem, messagePanel, panelWidth } from "../frame.ts";
import { metricLabel, modelStyle } from "../palette.ts";
import type { FigureContext, TableSet } from "../spec.ts";
import { FONT_SIZE, INK, textWidth } from "../style.ts";
import { estimateTip, pointerTip } from "./tips.ts";

/** Plot colour scale options mapping model labels to palette colours. */
export function modelColorScale(models: string[]): { domain: string[]; range: string[] } {
  return {
    domain: models.map((m) => modelStyle(m).label),
    range: models.map((m) => modelStyle(m).color),
  };
}

/** Left margin that fits the longest of `labels` at Plot's tick font size. */
export function labelMargin(labels: string[], fontSize: number = 10): number {
  return Math.ceil(Math.max(40, ...labels.map((l) => textWidth(l, fontSize))) + 14);
}

/** Legend entries for models (palette colours and labels). */
export function modelLegend(
  models: string[],
  symbol: LegendItem["symbol"] = "square",
): LegendItem[] {
  return models.map((m) => ({ label: modelStyle(m).label, color: modelStyle(m).color, symbol }));
}

/** One series of an {@link intervalPanel}: rows of one metric/subset drawn with one symbol. */
export interface IntervalSeries {
  /** Rows (one per model). */
  rows: BenchmarkRow[];
  /** `dot` (filled), `ring` (hollow) or `diamond` (filled diamond, e.g. a head's top-1). */
  symbol: "dot" | "ring" | "diamond";
  /** Vertical offset within the model's row, in pixels. */
  dy: number;
  /** Print the value right of the interval. */
  labels?: boolean;
}

/** Options of {@link intervalPanel}. */
export interface IntervalPanelOptions {
  /** Panel width. */
  width: number;
  /** Models in row order. */
  models: string[];
  /** Series drawn in each model's row. */
  series: IntervalSeries[];
  /** x-axis label. */
  xLabel: string;
  /** Fixed x domain. */
  xDomain?: [number, number];
  /** Vertical reference line (e.g. chance 0.5, or 0). */
  reference?: number;
  /** Row height in pixels (default 26). */
  rowHeight?: number;
  /** Hide the model labels (for panels to the right of another). */
  hideModels?: boolean;
}

/** What {@link intervalFigure} draws. */
export interface IntervalFigureOptions extends Omit<IntervalPanelOptions, "width" | "models"> {
  /** Figure title. */
  title: string;
  /** Figure subtitle. */
  subtitle: string;
  /** Legend entries. */
  legend: LegendItem[];
  /** Message shown when there is no model to draw. */
  empty: string;
  /** Rows of the panel (default: the models of every series, in display order). */
  models?: string[];
}

/** A figure of one {@link intervalPanel} over the models of its series, or a message. */
export function intervalFigure(
  context: FigureContext,
  options: IntervalFigureOptions,
): SVGSVGElement {
  const { title, subtitle, legend, empty, models: given, ...panel } = options;
  const models = given ?? modelsOf(options.series.flatMap((s) => s.rows));
  return composeFigure(context, {
    title,
    subtitle,
    legend,
    panels: [
      models.length
        ? intervalPanel(context, { ...panel, width: panelWidth(context), models })
        : messagePanel(context, empty),
    ],
  });
}

/** One row per model: point estimates with 95% intervals, coloured by model. */
export function intervalPanel(context: FigureContext, options: IntervalPanelOptions): Element {
  const labels = options.models.map((m) => modelStyle(m).label);
  const rowHeight = options.rowHeight ?? 26;
  const marks: Plot.Markish[] = [Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 })];
  if (options.reference !== undefined) {
    marks.push(Plot.ruleX([options.reference], { stroke: INK.reference, strokeDasharray: "4,3" }));
  }
  for (const s of options.series) {
    const data = s.rows.filter((r) => options.models.includes(r.model));
    const y = (r: BenchmarkRow) => modelStyle(r.model).label;
    const withCi = data.filter((r) => r.ci_low !== null && r.ci_high !== null);
    marks.push(Plot.ruleY(withCi, {
      y,
      x1: "ci_low",
      x2: "ci_high",
      dy: s.dy,
      stroke: y,
      strokeWidth: 1.6,
    }));
    const symbol = s.symbol === "diamond" ? "diamond2" : "circle";
    marks.push(Plot.dot(data, {
      y,
      x: "value",
      dy: s.dy,
      r: s.symbol === "diamond" ? 3.5 : 4,
      symbol,
      fill: s.symbol === "ring" ? INK.background : y,
      stroke: y,
      strokeWidth: 1.5,
    }));
    if (s.labels) {
      marks.push(Plot.text(data, {
        y,
        x: (r: BenchmarkRow) => Math.max(r.value, r.ci_high ?? r.value),
        dy: s.dy,
        dx: 7,
        text: (r: BenchmarkRow) => fmt(r.value),
        textAnchor: "start",
        fill: INK.text,
        fontSize: FONT_SIZE.small - 1,
      }));
    }
  }
  // one tip for every series (a tip per mark would show one per series at once)
  const tipped = options.series.flatMap((s) =>
    s.rows.filter((r) => options.models.includes(r.model))
  );
  marks.push(pointerTip(tipped, {
    x: "value",
    y: (r: BenchmarkRow) => modelStyle(r.model).label,
    title: benchmarkTip,
  }));
  return Plot.plot({
    document: context.document,
    width: options.width,
    height: 44 + rowHeight * Math.max(1, labels.length),
    marginTop: 10,
    marginLeft: options.hideModels ? 12 : labelMargin(labels),
    marginRight: 46,
    marginBottom: 34,
    x: {
      label: options.xLabel,
      labelAnchor: "center",
      labelArrow: "none",
      ...(options.xDomain ? { domain: options.xDomain } : { nice: true }),
    },
    y: { domain: labels, label: null, axis: options.hideModels ? null : "left" },
    color: modelColorScale(options.models),
    marks,
  });
}

/** Tooltip text of a benchmark row: `Baseline` over `Test top-1 0.412 [0.380, 0.440]`. */
export function benchmarkTip(r: BenchmarkRow): string {
  return estimateTip(modelStyle(r.model).label, r, { metric: comparisonMetricLabel(r) });
}

/** Comparisons of one pair of models (a − b), one row per metric, in table order. */
export function pairDeltas(tables: TableSet, modelA: string, modelB: string): ComparisonRow[] {
  return comparisonRows(tables).filter((r) => r.model_a === modelA && r.model_b === modelB);
}

/** A forest series: deltas of one model pair, in a colour and symbol. */
export interface ForestSeries {
  /** Legend label. */
  label: string;
  /** Colour. */
  color: string;
  /** Rows (one per metric). */
  rows: ComparisonRow[];
  /** Hollow symbol. */
  hollow?: boolean;
}

/** Label of a comparison's metric row (metric plus its subset where it matters). */
export function comparisonMetricLabel(r: { metric: string; subset: string }): string {
  const subset = r.subset === "test" || r.subset === "with_images" ||
      r.subset === "mean_over_targets" || r.subset === "concept_pairs"
    ? ""
    : ` (${r.subset})`;
  return `${metricLabel(r.metric)}${subset}`;
}

/** Forest plot: one row per metric, deltas with paired 95% intervals, a line at zero. */
export function forestPanel(
  context: FigureContext,
  options: { width: number; series: ForestSeries[]; metrics: string[] },
): Element {
  const rowHeight = 14 + 9 * options.series.length;
  const offsets = options.series.map((_, i) => (i - (options.series.length - 1) / 2) * 8);
  const marks: Plot.Markish[] = [
    Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
    Plot.ruleX([0], { stroke: INK.reference }),
  ];
  options.series.forEach((s, i) => {
    const y = (r: ComparisonRow) => comparisonMetricLabel(r);
    marks.push(Plot.ruleY(s.rows, {
      y,
      x1: "ci_low",
      x2: "ci_high",
      dy: offsets[i],
      stroke: s.color,
      strokeWidth: 1.6,
    }));
    marks.push(Plot.dot(s.rows, {
      y,
      x: "delta",
      dy: offsets[i],
      r: 3.8,
      fill: s.hollow ? INK.background : s.color,
      stroke: s.color,
      strokeWidth: 1.5,
    }));
  });
  const tipped = options.series.flatMap((s) => s.rows.map((row) => ({ row, label: s.label })));
  marks.push(pointerTip(tipped, {
    x: (d: { row: ComparisonRow }) => d.row.delta,
    y: (d: { row: ComparisonRow }) => comparisonMetricLabel(d.row),
    title: (d: { row: ComparisonRow; label: string }) =>
      estimateTip(d.label, { value: d.row.delta, ci_low: d.row.ci_low, ci_high: d.row.ci_high }, {
        metric: `${comparisonMetricLabel(d.row)} Δ`,
      }),
  }));
  return Plot.plot({
    document: context.document,
    width: options.width,
    height: 44 + rowHeight * Math.max(1, options.metrics.length),
    marginTop: 10,
    marginLeft: labelMargin(options.metrics),
    marginRight: 20,
    marginBottom: 34,
    x: { label: "Δ (paired bootstrap 95% interval)", labelAnchor: "center", labelArrow: "none" },
    y: { domain: options.metrics, label: null },
    marks,
  });
}

/** A note like `top-1 Δ 0.000 [−0.008, 0.009]` for one comparison row. */
export function deltaNote(r: ComparisonRow): string {
  return `${comparisonMetricLabel(r)} Δ ${fmt(r.delta)} ${fmtInterval(r.ci_low, r.ci_high)}`;
}

/** A point to label in pixel coordinates of its panel. */
export interface LabelPoint {
  /** x in pixels. */
  px: number;
  /** y in pixels. */
  py: number;
  /** Label text. */
  label: string;
}

/** Where a label goes relative to its point. */
export interface LabelPlacement {
  /** Horizontal offset (pixels). */
  dx: number;
  /** Vertical offset (pixels). */
  dy: number;
  /** Text anchor. */
  anchor: "start" | "end";
}

/** Size, margins and label placements of a labelled scatter panel ({@link scatterLayout}). */
export interface ScatterLayout {
  /** Panel width (the figure's panel width). */
  width: number;
  /** Panel height (0.62 × width, at most {@link MAX_SCATTER_HEIGHT}). */
  height: number;
  /** Plot margins. */
  margin: { top: number; right: number; bottom: number; left: number };
  /** Where each point's label goes ({@link placeLabels}), in the points' order. */
  placements: LabelPlacement[];
}

/** Tallest scatter panel, in pixels ({@link scatterLayout}). */
export const MAX_SCATTER_HEIGHT = 600;

/**
 * The layout of a scatter panel of labelled points (`x`, `y` in data units within the given
 * domains): the panel size and margins the scatter figures share, and label placements that
 * avoid the points and each other.
 */
export function scatterLayout(
  context: FigureContext,
  points: readonly { x: number; y: number; label: string }[],
  domains: { x: [number, number]; y: [number, number] },
): ScatterLayout {
  const width = panelWidth(context);
  // no taller than MAX_SCATTER_HEIGHT on a wide page
  const height = Math.min(Math.round(width * 0.62), MAX_SCATTER_HEIGHT);
  const margin = { top: 24, right: 30, bottom: 40, left: 50 };
  const placements = placeLabels(
    points.map((p) => ({
      px: toPixels(p.x, domains.x, margin.left, width - margin.right),
      py: toPixels(p.y, domains.y, height - margin.bottom, margin.top),
      label: p.label,
    })),
    { width, height },
  );
  return { width, height, margin, placements };
}

/**
 * Plot text marks writing each point's `label` at the offset {@link placeLabels} chose for it
 * (one mark per point, since the offsets differ); `options.x`/`options.y` are the point's Plot
 * position channels.
 */
export function placedLabelMarks<T>(
  points: readonly T[],
  placements: readonly LabelPlacement[],
  options: { x: Plot.ChannelValue; y: Plot.ChannelValue },
): Plot.Markish[] {
  return points.map((p, i) =>
    Plot.text([p], {
      x: options.x,
      y: options.y,
      text: "label",
      dx: placements[i].dx,
      dy: placements[i].dy,
      textAnchor: placements[i].anchor,
      fontSize: 10,
    })
  );
}

/**
 * Greedy label placement for scatter plots: each label (in the points' order) takes the first of
 * right, upper right, lower right, left, upper left, lower left, … whose box overlaps neither an
 * earlier label nor a point and stays inside `bounds`; failing all, the right side.
 */
export function placeLabels(
  points: LabelPoint[],
  options: { width: number; height: number; fontSize?: number; radius?: number },
): LabelPlacement[] {
  const fontSize = options.fontSize ?? 10, radius = options.radius ?? 6;
  const h = fontSize * 1.2;
  const boxes: [number, number, number, number][] = points.map((p) => [
    p.px - radius,
    p.py - radius,
    p.px + radius,
    p.py + radius,
  ]);
  const candidates: LabelPlacement[] = [];
  for (const dy of [0, -12, 12, -24, 24]) {
    candidates.push({ dx: radius + 3, dy, anchor: "start" });
    candidates.push({ dx: -(radius + 3), dy, anchor: "end" });
  }
  const overlaps = (a: number[], b: number[]) =>
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  return points.map((p, i) => {
    const w = textWidth(p.label, fontSize);
    for (const c of candidates) {
      const x0 = c.anchor === "start" ? p.px + c.dx : p.px + c.dx - w;
      const box = [x0, p.py + c.dy - h / 2, x0 + w, p.py + c.dy + h / 2];
      const inside = box[0] >= 0 && box[2] <= options.width && box[1] >= 0 &&
        box[3] <= options.height;
      if (inside && !boxes.some((b, j) => j !== i && overlaps(box, b))) {
        boxes.push(box as [number, number, number, number]);
        return c;
      }
    }
    return candidates[0];
  });
}

/** Linear map of `value` from `domain` onto the pixel range `[from, to]`. */
export function toPixels(
  value: number,
  domain: [number, number],
  from: number,
  to: number,
): number {
  const [lo, hi] = domain;
  return hi > lo ? from + ((value - lo) / (hi - lo)) * (to - from) : (from + to) / 2;
}

/** `[min, max]` of `values` widened by `pad` of the range on each side. */
export function paddedExtent(values: number[], pad: number = 0.05): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - pad * span, hi + pad * span];
}
