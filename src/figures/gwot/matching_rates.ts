/** GWOT figure: matching rates (top-1/5/10, category) of the selected plans with chance levels. */
import * as Plot from "@observablehq/plot";
import { fmt, num, str, tableRows } from "../data.ts";
import { composeFigure, type LegendItem, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { labelMargin, modelColorScale } from "../paper/common.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";

/** One model's row of `gwot_summary.arrow`. */
export interface GwotSummary {
  /** Model key. */
  model: string;
  /** Concepts aligned. */
  n: number;
  /** Matching rates of the selected plan. */
  top1: number;
  /** Top-5 matching rate. */
  top5: number;
  /** Top-10 matching rate. */
  top10: number;
  /** Category matching rate. */
  category: number;
  /** Permutation chance of top-1 (mean, 95th percentile). */
  chanceTop1: [number, number];
  /** Permutation chance of the category rate (mean, 95th percentile). */
  chanceCategory: [number, number];
  /** RSA of the same RDMs (Spearman). */
  rsaSpearman: number;
  /** ε of the selected run. */
  eps: number;
}

/** Rows of `gwot_summary` (first row per model), in display order. */
export function gwotSummaries(tables: TableSet): GwotSummary[] {
  const seen = new Map<string, GwotSummary>();
  for (const r of tableRows(tables, "gwot_summary")) {
    const model = str(r.model);
    if (seen.has(model)) continue;
    seen.set(model, {
      model,
      n: num(r.n_concepts) ?? 0,
      top1: num(r.top1) ?? NaN,
      top5: num(r.top5) ?? NaN,
      top10: num(r.top10) ?? NaN,
      category: num(r.category_rate) ?? NaN,
      chanceTop1: [num(r.chance_top1_mean) ?? NaN, num(r.chance_top1_p95) ?? NaN],
      chanceCategory: [num(r.chance_category_mean) ?? NaN, num(r.chance_category_p95) ?? NaN],
      rsaSpearman: num(r.rsa_spearman) ?? NaN,
      eps: num(r.eps) ?? NaN,
    });
  }
  return sortModels(seen.keys()).map((m) => seen.get(m)!);
}

const RATES = [
  { key: "top1", label: "top-1", legend: "circle" },
  { key: "top5", label: "top-5", legend: "ring" },
  { key: "top10", label: "top-10", legend: "square" },
] as const;

/** Matching rates with permutation chance levels. */
export const matchingRatesFigure: FigureSpec = {
  name: "matching_rates",
  family: "gwot",
  title: "GWOT matching rates",
  purpose:
    "Does unsupervised alignment recover which model concept is which human concept (top-k) or " +
    "at least its category, beyond permutation chance?",
  tables: ["gwot_summary"],
  render(tables, context) {
    const rows = gwotSummaries(tables);
    const models = rows.map((r) => r.model);
    const labels = models.map((m) => modelStyle(m).label);
    const y = (r: { model: string }) => modelStyle(r.model).label;
    const width = panelWidth(context, 2);
    const height = 48 + 24 * Math.max(1, rows.length);
    const n = rows[0]?.n ?? 0;
    const objects = Plot.plot({
      document: context.document,
      width,
      height,
      marginLeft: labelMargin(labels),
      marginTop: 10,
      marginRight: 14,
      marginBottom: 34,
      x: { domain: [0, 1], label: "share of concepts matched", labelAnchor: "center" },
      y: { domain: labels, label: null },
      color: modelColorScale(models),
      marks: [
        Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
        // chance: permutation mean to 95th percentile of top-1, and k/n for top-5/10
        Plot.ruleY(rows, {
          y,
          x1: (r) => r.chanceTop1[0],
          x2: (r) => r.chanceTop1[1],
          stroke: INK.reference,
          strokeWidth: 7,
          strokeOpacity: 0.5,
        }),
        ...(n > 0
          ? [Plot.ruleX([5 / n, 10 / n], { stroke: INK.reference, strokeDasharray: "3,3" })]
          : []),
        Plot.ruleY(rows, { y, x1: "top1", x2: "top10", stroke: y, strokeOpacity: 0.5 }),
        Plot.dot(rows, { y, x: "top10", symbol: "square", fill: y, r: 3.5 }),
        Plot.dot(rows, { y, x: "top5", stroke: y, fill: INK.background, strokeWidth: 1.5, r: 3.5 }),
        Plot.dot(rows, { y, x: "top1", fill: y, r: 4 }),
      ],
    });
    const category = Plot.plot({
      document: context.document,
      width,
      height,
      marginLeft: 12,
      marginTop: 10,
      marginRight: 30,
      marginBottom: 34,
      x: { domain: [0, 1], label: "category matching rate", labelAnchor: "center" },
      y: { domain: labels, label: null, axis: null },
      color: modelColorScale(models),
      marks: [
        Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
        Plot.ruleY(rows, {
          y,
          x1: (r) => r.chanceCategory[0],
          x2: (r) => r.chanceCategory[1],
          stroke: INK.reference,
          strokeWidth: 7,
          strokeOpacity: 0.5,
        }),
        Plot.dot(rows, { y, x: "category", fill: y, r: 4 }),
        Plot.text(rows, {
          y,
          x: "category",
          text: (r) => fmt(r.category, 2),
          dx: 8,
          textAnchor: "start",
          fontSize: 9,
          fill: INK.text,
        }),
      ],
    });
    const legend: LegendItem[] = [
      ...RATES.map((k): LegendItem => ({ label: k.label, color: INK.text, symbol: k.legend })),
      { label: "permutation chance (mean to 95th pct.)", color: "#cccccc", symbol: "square" },
      { label: "k/n (top-5, top-10 chance)", color: INK.reference, symbol: "dash" },
    ];
    return composeFigure(context, {
      title: "Unsupervised matching rates of the selected plans",
      subtitle: `Share of ${n} concepts whose own human concept is among the k largest entries ` +
        "of their plan row (left), and whose best match shares a THINGSplus category (right).",
      legend,
      panels: rows.length
        ? [{ svg: objects, label: "Object matching" }, {
          svg: category,
          label: "Category matching",
        }]
        : [messagePanel(context, "No rows in gwot_summary.arrow.")],
      columns: 2,
    });
  },
  notes(tables) {
    const rows = gwotSummaries(tables);
    if (!rows.length) return ["No rows in gwot_summary.arrow."];
    const above = rows.filter((r) => r.top1 > r.chanceTop1[1]);
    const catAbove = rows.filter((r) => r.category > r.chanceCategory[1]);
    const best = rows.filter((r) => r.model !== "spose49").reduce<GwotSummary | null>(
      (a, b) => (!a || b.top1 > a.top1 ? b : a),
      null,
    );
    const notes = [
      `${above.length} of ${rows.length} models match concepts above the 95th percentile of ` +
      `permutation chance at top-1 (${
        above.map((r) => modelStyle(r.model).label).join(", ") || "none"
      }).`,
      `${catAbove.length} of ${rows.length} match categories above chance.`,
    ];
    if (best) {
      notes.push(
        `Best image model: ${modelStyle(best.model).label}, top-1 ${fmt(best.top1, 3)}, top-10 ` +
          `${fmt(best.top10, 3)}, category ${fmt(best.category, 3)} (chance p95 ` +
          `${fmt(best.chanceCategory[1], 3)}).`,
      );
    }
    return notes;
  },
};
