/** Paper figure: same-concept retrieval@k curves (k = 1…10) per model. */
import * as Plot from "@observablehq/plot";
import { type BenchmarkRow, benchmarkRows, fmt, metricRows, modelsOf } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { benchmarkTip, modelColorScale, modelLegend } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface CurvePoint extends BenchmarkRow {
  k: number;
}

function curves(tables: TableSet): CurvePoint[] {
  return benchmarkRows(tables).flatMap((r) => {
    const match = /^retrieval@(\d+)$/.exec(r.metric);
    return match && r.subset === "test" ? [{ ...r, k: Number(match[1]) }] : [];
  }).sort((a, b) => a.k - b.k);
}

/** Retrieval@k curves with 95% bands. */
export const retrievalCurves: FigureSpec = {
  name: "retrieval_curves",
  family: "paper",
  title: "Retrieval curves",
  purpose:
    "How often is an image of the same concept among the k nearest held-out images (k = 1…10), " +
    "model by model?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const points = curves(tables);
    const models = modelsOf(points);
    const label = (r: BenchmarkRow) => modelStyle(r.model).label;
    const width = panelWidth(context);
    const panel = points.length
      ? Plot.plot({
        document: context.document,
        width,
        height: 370,
        marginTop: 26,
        marginBottom: 36,
        x: {
          label: "k (neighbours retrieved)",
          ticks: 10,
          labelAnchor: "center",
          labelArrow: "none",
        },
        y: { label: "retrieval@k", grid: true, nice: true, labelArrow: "none" },
        color: modelColorScale(models),
        marks: [
          Plot.areaY(points.filter((r) => r.ci_low !== null), {
            x: "k",
            y1: "ci_low",
            y2: "ci_high",
            z: label,
            fill: label,
            fillOpacity: 0.05,
          }),
          Plot.line(points, { x: "k", y: "value", z: label, stroke: label, strokeWidth: 1.8 }),
          Plot.dot(points, {
            x: "k",
            y: "value",
            fill: label,
            r: 2.6,
            ...tipOptions(benchmarkTip),
          }),
        ],
      })
      : messagePanel(context, `No retrieval@k rows in ${tableFile(TABLE.benchmark)}.`);
    return composeFigure(context, {
      title: "Same-concept retrieval@k",
      subtitle:
        "Share of held-out query images whose k nearest other held-out images include one of the " +
        "same concept; shaded bands are 95% bootstrap intervals over concepts.",
      legend: modelLegend(models, "line"),
      panels: [panel],
      caption: points.length
        ? `Retrieval mAP: ${
          metricRows(tables, "mAP", { subset: "test" }).map((r) =>
            `${modelStyle(r.model).label} ${fmt(r.value)}`
          ).join(" · ")
        }.`
        : undefined,
    });
  },
  notes(tables) {
    const points = curves(tables);
    if (!points.length) return [`No retrieval@k rows in ${tableFile(TABLE.benchmark)}.`];
    const at = (k: number) => points.filter((r) => r.k === k);
    const range = (rows: BenchmarkRow[]) => {
      const best = rows.reduce((a, b) => (b.value > a.value ? b : a));
      const worst = rows.reduce((a, b) => (b.value < a.value ? b : a));
      return `${fmt(worst.value)} (${modelStyle(worst.model).label}) to ${fmt(best.value)} ` +
        `(${modelStyle(best.model).label})`;
    };
    const kMax = Math.max(...points.map((r) => r.k));
    const notes = [
      `Retrieval@1 ranges from ${range(at(1))}.`,
      `Retrieval@${kMax} ranges from ${range(at(kMax))}.`,
    ];
    const map = metricRows(tables, "mAP", { subset: "test" });
    if (map.length) notes.push(`Retrieval mAP ranges from ${range(map)}.`);
    return notes;
  },
};
