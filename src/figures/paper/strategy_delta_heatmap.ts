/** Paper figure: model × metric deltas versus the baseline (comparisons.arrow). */
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { type ComparisonRow, comparisonRows, excludesZero, fmt, fmtSigned } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { DELTA_COLORS, INK } from "../style.ts";
import { comparisonMetricLabel, labelMargin } from "../common/plots.ts";
import { estimateTip, tipOptions } from "../common/tips.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface Cell extends ComparisonRow {
  /** Delta divided by the largest |delta| of its metric (−1…1). */
  scaled: number;
  /** Row and column labels. */
  modelLabel: string;
  metricLabel: string;
}

function cells(tables: TableSet): Cell[] {
  const rows = comparisonRows(tables).filter((r) => r.relation === "vs_baseline");
  // largest |Δ| of each metric row
  const scale: Map<string, number> = d3.rollup(
    rows,
    (v: ComparisonRow[]) => d3.max(v, (r: ComparisonRow) => Math.abs(r.delta)) ?? 0,
    comparisonMetricLabel,
  );
  return rows.map((r) => {
    const metricLabel = comparisonMetricLabel(r);
    const max = scale.get(metricLabel)!;
    return {
      ...r,
      scaled: max > 0 ? r.delta / max : 0,
      modelLabel: modelStyle(r.model_a).label,
      metricLabel,
    };
  });
}

/** Heatmap of deltas versus the baseline, coloured per metric column. */
export const strategyDeltaHeatmap: FigureSpec = {
  name: "strategy_delta_heatmap",
  family: "paper",
  title: "Strategy delta heatmap",
  purpose:
    "Which metrics does each human-informed strategy (and each control) move relative to the " +
    "image-only baseline, and are the changes beyond bootstrap noise?",
  tables: [TABLE.comparisons],
  render(tables, context) {
    const data = cells(tables);
    const models = sortModels(data.map((c) => c.model_a)).map((m) => modelStyle(m).label);
    const metrics = [...new Set(data.map((c) => c.metricLabel))];
    const width = panelWidth(context);
    const panel = data.length
      ? Plot.plot({
        document: context.document,
        width,
        height: 130 + 30 * models.length,
        marginTop: 8,
        marginLeft: labelMargin(models),
        marginBottom: 120,
        x: { domain: metrics, label: null, tickRotate: -35 },
        y: { domain: models, label: null },
        color: {
          type: "linear",
          domain: [-1, 0, 1],
          range: [DELTA_COLORS.negative, DELTA_COLORS.zero, DELTA_COLORS.positive],
        },
        marks: [
          Plot.cell(data, {
            x: "metricLabel",
            y: "modelLabel",
            fill: "scaled",
            inset: 0.5,
            ...tipOptions((c: Cell) =>
              estimateTip(c.modelLabel, { value: c.delta, ci_low: c.ci_low, ci_high: c.ci_high }, {
                metric: `${c.metricLabel} Δ`,
                extra: ["vs baseline"],
              })
            ),
          }),
          Plot.text(data, {
            x: "metricLabel",
            y: "modelLabel",
            text: (c: Cell) =>
              `${fmtSigned(c.delta)}${excludesZero(c.ci_low, c.ci_high) ? "*" : ""}`,
            fill: (c: Cell) => (Math.abs(c.scaled) > 0.6 ? INK.background : INK.text),
            fontSize: 9,
          }),
        ],
      })
      : messagePanel(context, `No vs_baseline rows in ${tableFile(TABLE.comparisons)}.`);
    return composeFigure(context, {
      title: "Change versus the image-only baseline",
      subtitle:
        "Δ = model − baseline on the headline metrics (same concepts, paired bootstrap). Colour is " +
        "scaled per metric column (the largest |Δ| of the column is full colour; blue = higher); " +
        "* marks 95% intervals that exclude 0.",
      legend: [
        { label: "lower than baseline", color: DELTA_COLORS.negative },
        { label: "higher than baseline", color: DELTA_COLORS.positive },
      ],
      panels: [panel],
    });
  },
  notes(tables) {
    const data = cells(tables);
    if (!data.length) return [`No vs_baseline rows in ${tableFile(TABLE.comparisons)}.`];
    const beyond = data.filter((c) => excludesZero(c.ci_low, c.ci_high));
    const top = data.reduce((a, b) => (b.scaled > a.scaled ? b : a));
    const bottom = data.reduce((a, b) => (b.scaled < a.scaled ? b : a));
    return [
      `${beyond.length} of ${data.length} model × metric deltas versus the baseline have 95% ` +
      "intervals that exclude 0.",
      `Largest relative gain: ${top.modelLabel} on ${top.metricLabel} (Δ ${fmt(top.delta)}).`,
      `Largest relative loss: ${bottom.modelLabel} on ${bottom.metricLabel} (Δ ${
        fmt(bottom.delta)
      }).`,
    ];
  },
};
