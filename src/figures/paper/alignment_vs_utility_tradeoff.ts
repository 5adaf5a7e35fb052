/** Paper figure: human alignment (human-pair ρ) against utility (top-1), one point per model. */
import * as Plot from "@observablehq/plot";
import { spearman } from "../../metrics/correlation.ts";
import { type BenchmarkRow, fmt, metricRows } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { modelColorScale, paddedExtent, placedLabelMarks, scatterLayout } from "../common/plots.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface Point {
  model: string;
  label: string;
  x: BenchmarkRow;
  y: BenchmarkRow;
}

function points(tables: TableSet): Point[] {
  const x = metricRows(tables, "human_pair_rho", { subset: "test", exclude: [SPOSE49] });
  const y = metricRows(tables, "top1", { subset: "test" });
  return sortModels(x.map((r) => r.model)).flatMap((model) => {
    const px = x.find((r) => r.model === model), py = y.find((r) => r.model === model);
    return px && py ? [{ model, label: modelStyle(model).label, x: px, y: py }] : [];
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
    const data = points(tables);
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
    const panel = data.length
      ? Plot.plot({
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
          }),
          ...placedLabelMarks(data, placements, {
            x: (q: Point) => q.x.value,
            y: (q: Point) => q.y.value,
          }),
        ],
      })
      : messagePanel(
        context,
        `No models with both human_pair_rho and top1 in ${tableFile(TABLE.benchmark)}.`,
      );
    return composeFigure(context, {
      title: "Human alignment versus practical utility",
      subtitle:
        "Each model's Spearman ρ with human similarity on held-out concept pairs against its " +
        "nearest-prototype test top-1, with 95% bootstrap intervals; dashed lines mark the baseline.",
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
