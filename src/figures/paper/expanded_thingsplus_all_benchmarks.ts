/** Paper figure: every expanded benchmark (THINGSplus targets, categories, triplets) × model. */
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { type BenchmarkRow, benchmarkRows, fmt } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { metricLabel, modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { DELTA_COLORS, INK } from "../style.ts";
import { labelMargin } from "../common/plots.ts";
import { estimateTip, pointerTip } from "../common/tips.ts";
import { targetLabel } from "./thingsplus_transfer_focus.ts";
import { SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface Cell extends BenchmarkRow {
  row: string;
  column: string;
  /** z-score of the value across the models of its row. */
  z: number;
}

function rowLabel(r: BenchmarkRow): string {
  if (r.metric === "thingsplus_rating_rho") return `THINGSplus ρ: ${targetLabel(r.subset)}`;
  if (r.metric === "category_auc") {
    return `${metricLabel(r.metric)} (${r.subset.replaceAll("_", " ")})`;
  }
  if (r.subset === "train" || r.subset === "test") return `${metricLabel(r.metric)} (${r.subset})`;
  return metricLabel(r.metric);
}

function cells(tables: TableSet): Cell[] {
  const rows = benchmarkRows(tables).filter((r) =>
    r.group === "expanded" || r.metric === "object_properties_rho"
  );
  const byRow: [string, BenchmarkRow[]][] = d3.groups(rows, rowLabel);
  return byRow.flatMap(([row, group]) => {
    // z-scores over the image models: the SPoSE reference is on other scales (dot products)
    const image = group.filter((r) => r.model !== SPOSE49);
    const mean = image.reduce((s, r) => s + r.value, 0) / Math.max(1, image.length);
    const sd = Math.sqrt(
      image.reduce((s, r) => s + (r.value - mean) ** 2, 0) / Math.max(1, image.length),
    );
    return group.map((r) => ({
      ...r,
      row,
      column: modelStyle(r.model).label,
      z: r.model === SPOSE49 || !(sd > 0) ? 0 : Math.max(-2, Math.min(2, (r.value - mean) / sd)),
    }));
  });
}

/** Heatmap of every expanded benchmark, coloured by z-score within each row. */
export const expandedThingsplusAllBenchmarks: FigureSpec = {
  name: "expanded_thingsplus_all_benchmarks",
  family: "paper",
  title: "Expanded THINGSplus: all benchmarks",
  purpose: "Across every expanded benchmark (each THINGSplus rating, category AUC, category " +
    "co-membership, property differences, triplets), which models are relatively strong or weak?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const data = cells(tables);
    const models = sortModels(data.map((c) => c.model)).map((m) => modelStyle(m).label);
    const rowsOrder = [...new Set(data.map((c) => c.row))];
    const panel = data.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 120 + 19 * rowsOrder.length,
        marginTop: 8,
        marginLeft: labelMargin(rowsOrder),
        marginBottom: 110,
        x: { domain: models, label: null, tickRotate: -35 },
        y: { domain: rowsOrder, label: null },
        color: {
          type: "linear",
          domain: [-2, 0, 2],
          range: [DELTA_COLORS.negative, DELTA_COLORS.zero, DELTA_COLORS.positive],
        },
        marks: [
          Plot.cell(data.filter((c) => c.model !== SPOSE49), {
            x: "column",
            y: "row",
            fill: "z",
            inset: 0.5,
          }),
          Plot.cell(data.filter((c) => c.model === SPOSE49), {
            x: "column",
            y: "row",
            fill: "#eeeeee",
            inset: 0.5,
          }),
          Plot.text(data, {
            x: "column",
            y: "row",
            text: (c: Cell) => fmt(c.value, 2),
            fill: (c: Cell) => (Math.abs(c.z) > 1.3 ? INK.background : INK.text),
            fontSize: 8.5,
          }),
          pointerTip(data, {
            x: "column",
            y: "row",
            title: (c: Cell) =>
              estimateTip(c.column, c, {
                metric: c.row,
                extra: c.model === SPOSE49 ? [] : [`z ${fmt(c.z, 2)} across models`],
              }),
          }),
        ],
      })
      : messagePanel(context, `No expanded benchmark rows in ${tableFile(TABLE.benchmark)}.`);
    return composeFigure(context, {
      title: "All expanded benchmarks",
      subtitle:
        "Values per benchmark (row) and model (column); colour is the z-score within the row " +
        "across the image models (blue = above their mean, red = below, clipped at ±2); the " +
        "SPoSE-49 reference column (grey) is on its own scales and not part of the z-scores.",
      legend: [
        { label: "below the row mean", color: DELTA_COLORS.negative },
        { label: "above the row mean", color: DELTA_COLORS.positive },
      ],
      panels: [panel],
    });
  },
  notes(tables) {
    const data = cells(tables).filter((c) => c.model !== SPOSE49);
    if (!data.length) return [`No expanded benchmark rows in ${tableFile(TABLE.benchmark)}.`];
    const byRow: [string, Cell[]][] = d3.groups(data, (c: Cell) => c.row);
    const best = byRow.map(([, group]) => group.reduce((a, b) => (b.value > a.value ? b : a)));
    const wins: Map<string, number> = d3.rollup(
      best,
      (v: Cell[]) => v.length,
      (c: Cell) => c.model,
    );
    const rows = best.length;
    return [
      `Image models that score highest on at least one of ${rows} expanded benchmarks: ${
        sortModels(wins.keys()).map((m) => `${modelStyle(m).label} (${wins.get(m)})`).join(", ")
      }.`,
    ];
  },
};
