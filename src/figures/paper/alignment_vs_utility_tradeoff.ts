/**
 * Paper figure: human alignment (human-pair ρ) against utility (top-1), one point per model.
 * Live, it draws only the reader's selection of models (`context.models`) and, with
 * `context.regression`, a descriptive least-squares line (simple-statistics
 * `linearRegression`) fitted to the points drawn.
 */
import * as Plot from "@observablehq/plot";
import { linearRegression } from "simple-statistics";
import { spearman } from "../../metrics/correlation.ts";
import { type BenchmarkRow, fmt, metricRows } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import {
  type LabelPlacement,
  modelColorScale,
  paddedExtent,
  placedLabelMarks,
  scatterLayout,
} from "../common/plots.ts";
import { estimateTip, tipOptions } from "../common/tips.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface Point {
  model: string;
  label: string;
  x: BenchmarkRow;
  y: BenchmarkRow;
}

function points(tables: TableSet, models?: readonly string[]): Point[] {
  const x = metricRows(tables, "human_pair_rho", { subset: "test", exclude: [SPOSE49] });
  const y = metricRows(tables, "top1", { subset: "test" });
  const chosen = models ? x.filter((r) => models.includes(r.model)) : x;
  return sortModels(chosen.map((r) => r.model)).flatMap((model) => {
    const px = x.find((r) => r.model === model), py = y.find((r) => r.model === model);
    return px && py ? [{ model, label: modelStyle(model).label, x: px, y: py }] : [];
  });
}

/** A least-squares line `y = slope · x + intercept` over `n` points. */
export interface TradeoffFit {
  /** Slope (top-1 per unit of human-pair ρ). */
  slope: number;
  /** Intercept. */
  intercept: number;
  /** Points fitted. */
  n: number;
}

/**
 * The least-squares line of top-1 on human-pair ρ over `points` (simple-statistics
 * `linearRegression`), or null with fewer than two points or no spread in x. Descriptive only:
 * a handful of models, no interval.
 */
export function tradeoffFit(points: readonly { x: number; y: number }[]): TradeoffFit | null {
  const xs = points.map((p) => p.x);
  if (points.length < 2 || Math.max(...xs) - Math.min(...xs) <= 0) return null;
  const { m, b } = linearRegression(points.map((p) => [p.x, p.y]));
  return Number.isFinite(m) && Number.isFinite(b)
    ? { slope: m, intercept: b, n: points.length }
    : null;
}

/** The fitted line across `xDomain`, clipped to the frame. */
function fitMark(fit: TradeoffFit, xDomain: [number, number]): Plot.Markish {
  const ends = xDomain.map((x) => ({ x, y: fit.slope * x + fit.intercept }));
  return Plot.line(ends, {
    x: "x",
    y: "y",
    stroke: INK.text,
    strokeWidth: 1.4,
    strokeOpacity: 0.7,
    clip: true,
  });
}

/** Tooltip of a point: the model, its human-pair ρ and its top-1 with intervals. */
function pointTip(p: Point): string {
  return estimateTip(p.label, p.x, {
    metric: "human-pair ρ",
    extra: [estimateTip("", p.y, { metric: "top-1" })],
  });
}

/** The interval, point and label marks of the scatter. */
function pointMarks(data: Point[], placements: LabelPlacement[]): Plot.Markish[] {
  return [
    Plot.ruleY(data.filter((p) => p.x.ci_low !== null), {
      y: (p: Point) => p.y.value,
      x1: (p: Point) => p.x.ci_low,
      x2: (p: Point) => p.x.ci_high,
      stroke: "label",
      strokeOpacity: 0.6,
    }),
    Plot.ruleX(data.filter((p) => p.y.ci_low !== null), {
      x: (p: Point) => p.x.value,
      y1: (p: Point) => p.y.ci_low,
      y2: (p: Point) => p.y.ci_high,
      stroke: "label",
      strokeOpacity: 0.6,
    }),
    Plot.dot(data, {
      x: (p: Point) => p.x.value,
      y: (p: Point) => p.y.value,
      fill: "label",
      r: 5.5,
      stroke: INK.background,
      ...tipOptions(pointTip),
    }),
    ...placedLabelMarks(data, placements, {
      x: (q: Point) => q.x.value,
      y: (q: Point) => q.y.value,
    }),
  ];
}

/** The scatter panel of `data` (non-empty), with the fitted line when `fit` is given. */
function scatterPanel(context: FigureContext, data: Point[], fit: TradeoffFit | null): Element {
  const base = data.find((p) => p.model === BASELINE);
  const xDomain = paddedExtent(
    data.flatMap((p) => [p.x.value, p.x.ci_low ?? NaN, p.x.ci_high ?? NaN]),
  );
  const yDomain = paddedExtent(
    data.flatMap((p) => [p.y.value, p.y.ci_low ?? NaN, p.y.ci_high ?? NaN]),
  );
  const { width, height, margin, placements } = scatterLayout(
    context,
    data.map((p) => ({ x: p.x.value, y: p.y.value, label: p.label })),
    { x: xDomain, y: yDomain },
  );
  return Plot.plot({
    document: context.document,
    width,
    height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: {
      domain: xDomain,
      label: "human-pair ρ (held-out pairs)",
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: { domain: yDomain, label: "test top-1", labelArrow: "none" },
    color: modelColorScale(data.map((p) => p.model)),
    marks: [
      Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
      Plot.gridY({ stroke: INK.grid, strokeOpacity: 1 }),
      ...(base
        ? [
          Plot.ruleX([base.x.value], { stroke: INK.reference, strokeDasharray: "4,3" }),
          Plot.ruleY([base.y.value], { stroke: INK.reference, strokeDasharray: "4,3" }),
        ]
        : []),
      ...(fit ? [fitMark(fit, xDomain)] : []),
      ...pointMarks(data, placements),
    ],
  });
}

/** Scatter of human-pair ρ (x) against test top-1 (y) with 95% intervals both ways. */
export const alignmentVsUtilityTradeoff: FigureSpec = {
  name: "alignment_vs_utility_tradeoff",
  family: "paper",
  title: "Alignment vs utility trade-off",
  purpose: "Do models that agree more with human similarity also classify better, or is there a " +
    "trade-off between human alignment and practical utility?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const data = points(tables, context.models);
    const fit = context.regression
      ? tradeoffFit(data.map((p) => ({ x: p.x.value, y: p.y.value })))
      : null;
    const panel = data.length ? scatterPanel(context, data, fit) : messagePanel(
      context,
      `No models with both human_pair_rho and top1 in ${tableFile(TABLE.benchmark)}` +
        (context.models ? " among the selected models." : "."),
    );
    return composeFigure(context, {
      title: "Human alignment versus practical utility",
      subtitle:
        "Each model's Spearman ρ with human similarity on held-out concept pairs against its " +
        "nearest-prototype test top-1, with 95% bootstrap intervals; dashed lines mark the baseline." +
        (fit
          ? ` The solid line is the least-squares fit over the ${fit.n} models shown ` +
            `(slope ${fmt(fit.slope, 2)}; descriptive).`
          : ""),
      panels: [panel],
    });
  },
  notes(tables) {
    const data = points(tables);
    if (!data.length) return ["No models with both human_pair_rho and top1."];
    const notes: string[] = [];
    if (data.length >= 3) {
      const rho = spearman(data.map((p) => p.x.value), data.map((p) => p.y.value));
      notes.push(
        `Across ${data.length} models, Spearman ρ between human-pair ρ and top-1 is ${
          fmt(rho, 2)
        }.`,
      );
    }
    const base = data.find((p) => p.model === BASELINE);
    if (base) {
      const both = data.filter((p) =>
        p !== base && p.x.value > base.x.value && p.y.value > base.y.value
      );
      notes.push(
        both.length
          ? `Above the baseline on both axes: ${both.map((p) => p.label).join(", ")}.`
          : "No model is above the baseline on both human-pair ρ and top-1.",
      );
    }
    return notes;
  },
};
