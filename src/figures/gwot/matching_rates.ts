/**
 * GWOT figure: matching rates (top-1/5/10, category) of the selected (minimum-GWD) plans with
 * chance levels, the highest-matching-rate solution beside them, and the untrained-network
 * baseline (mean over random initialisations, 5th–95th percentile whiskers).
 */
import * as Plot from "@observablehq/plot";
import { fmt, num, str, tableRows } from "../data.ts";
import { composeFigure, type LegendItem, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { labelMargin, modelColorScale } from "../common/plots.ts";
import { MIN_PLOT_WIDTH } from "../common/layout.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { SPOSE49, UNTRAINED } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

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
  /** Random networks averaged (1 for a trained model; the untrained baseline's count). */
  networks: number;
  /** 5th–95th percentiles over networks of top-1 and the category rate (untrained only). */
  range?: { top1: [number, number]; category: [number, number] };
  /** The highest-matching-rate solution's top-1 and category rate (when the table has it). */
  bestMatching?: { top1: number; category: number };
}

/** A row's solution (`min_gwd` when the table predates the `solution` column). */
function solutionOf(r: Record<string, unknown>): string {
  return r.solution == null ? "min_gwd" : str(r.solution);
}

/**
 * Rows of `gwot_summary` for the minimum-GWD solution (first such row per model), in display
 * order, each with its model's highest-matching-rate row and, for the untrained baseline, the
 * percentile ranges.
 */
export function gwotSummaries(tables: TableSet): GwotSummary[] {
  const seen = new Map<string, GwotSummary>();
  const rows = tableRows(tables, TABLE.gwotSummary);
  for (const r of rows) {
    const model = str(r.model);
    if (seen.has(model) || solutionOf(r) !== "min_gwd") continue;
    const best = rows.find((b) => str(b.model) === model && solutionOf(b) === "max_matching");
    const p05 = num(r.top1_p05), p95 = num(r.top1_p95);
    const c05 = num(r.category_rate_p05), c95 = num(r.category_rate_p95);
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
      networks: num(r.n_networks) ?? 1,
      ...(p05 !== null && p95 !== null
        ? { range: { top1: [p05, p95], category: [c05 ?? NaN, c95 ?? NaN] } }
        : {}),
      ...(best
        ? {
          bestMatching: {
            top1: num(best.top1) ?? NaN,
            category: num(best.category_rate) ?? NaN,
          },
        }
        : {}),
    });
  }
  return sortModels(seen.keys()).map((m) => seen.get(m)!);
}

const RATES = [
  { key: "top1", label: "top-1", legend: "circle" },
  { key: "top5", label: "top-5", legend: "ring" },
  { key: "top10", label: "top-10", legend: "square" },
] as const;

/** What both panels of the matching-rate figure share. */
interface RatesPlotData {
  /** Summaries in display order. */
  rows: GwotSummary[];
  /** Their model keys. */
  models: string[];
  /** Their display labels (the y domain). */
  labels: string[];
  /** Panel width and height. */
  width: number;
  height: number;
  /** Rows with percentile ranges (the untrained baseline). */
  ranged: GwotSummary[];
  /** Rows with a finite highest-matching-rate solution. */
  matched: GwotSummary[];
}

/** The y channel: a row's model label. */
const modelLabel = (r: { model: string }) => modelStyle(r.model).label;

/** Panel data of the figure. */
function ratesPlotData(rows: GwotSummary[], width: number): RatesPlotData {
  const models = rows.map((r) => r.model);
  const labels = models.map((m) => modelStyle(m).label);
  const height = 48 + 24 * Math.max(1, rows.length);
  const ranged = rows.filter((r) => r.range);
  const matched = rows.filter((r) => r.bestMatching && Number.isFinite(r.bestMatching.top1));
  return { rows, models, labels, width, height, ranged, matched };
}

/** Left panel: top-1/5/10 object matching with chance levels. */
function objectMatchingPlot(context: FigureContext, data: RatesPlotData, n: number) {
  const { rows, models, labels, width, height, ranged, matched } = data;
  const y = modelLabel;
  return Plot.plot({
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
      // the untrained baseline: 5th–95th percentile of top-1 over random initialisations
      Plot.tickX(ranged, { y, x: (r) => r.range!.top1[0], stroke: INK.text }),
      Plot.tickX(ranged, { y, x: (r) => r.range!.top1[1], stroke: INK.text }),
      Plot.ruleY(ranged, {
        y,
        x1: (r) => r.range!.top1[0],
        x2: (r) => r.range!.top1[1],
        stroke: INK.text,
      }),
      Plot.dot(rows, { y, x: "top10", symbol: "square", fill: y, r: 3.5 }),
      Plot.dot(rows, { y, x: "top5", stroke: y, fill: INK.background, strokeWidth: 1.5, r: 3.5 }),
      Plot.dot(rows, { y, x: "top1", fill: y, r: 4, ...tipOptions(top1Tip) }),
      Plot.dot(matched, {
        y,
        x: (r) => r.bestMatching!.top1,
        symbol: "diamond",
        stroke: INK.text,
        strokeWidth: 1.2,
        r: 4.5,
      }),
    ],
  });
}

/** Tooltip of a model's top-k matching rates, with the top-1 chance (mean, 95th percentile). */
function top1Tip(r: GwotSummary): string {
  return `${modelLabel(r)}\ntop-1 ${fmt(r.top1)} · top-5 ${fmt(r.top5)} · top-10 ${
    fmt(r.top10)
  }\n` +
    `top-1 chance ${fmt(r.chanceTop1[0])} (95th pct ${fmt(r.chanceTop1[1])})`;
}

/** Tooltip of a model's category matching rate, with its chance (mean, 95th percentile). */
function categoryTip(r: GwotSummary): string {
  return `${modelLabel(r)}\ncategory ${fmt(r.category)}\nchance ` +
    `${fmt(r.chanceCategory[0])} (95th pct ${fmt(r.chanceCategory[1])})`;
}

/** Right panel: category matching rate with chance levels (model labels when `labelled`). */
function categoryMatchingPlot(context: FigureContext, data: RatesPlotData & { labelled: boolean }) {
  const { rows, models, labels, width, height, ranged, matched } = data;
  const y = modelLabel;
  return Plot.plot({
    document: context.document,
    width,
    height,
    marginLeft: data.labelled ? labelMargin(labels) : 12,
    marginTop: 10,
    marginRight: 30,
    marginBottom: 34,
    x: { domain: [0, 1], label: "category matching rate", labelAnchor: "center" },
    y: { domain: labels, label: null, axis: data.labelled ? "left" : null },
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
      Plot.ruleY(ranged, {
        y,
        x1: (r) => r.range!.category[0],
        x2: (r) => r.range!.category[1],
        stroke: INK.text,
      }),
      Plot.dot(rows, { y, x: "category", fill: y, r: 4, ...tipOptions(categoryTip) }),
      Plot.dot(matched, {
        y,
        x: (r) => r.bestMatching!.category,
        symbol: "diamond",
        stroke: INK.text,
        strokeWidth: 1.2,
        r: 4.5,
      }),
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
}

/** Legend of the figure (diamond and whisker entries only when some row has them). */
function matchingLegend(rows: GwotSummary[]): LegendItem[] {
  return [
    ...RATES.map((k): LegendItem => ({ label: k.label, color: INK.text, symbol: k.legend })),
    ...(rows.some((r) => r.bestMatching)
      ? [
        {
          label: "highest-matching-rate solution (top-1; category)",
          color: INK.text,
          symbol: "diamond",
        } satisfies LegendItem,
      ]
      : []),
    ...(rows.some((r) => r.range)
      ? [
        {
          label: "untrained: 5th–95th pct. over random initialisations",
          color: INK.text,
          symbol: "line",
        } satisfies LegendItem,
      ]
      : []),
    { label: "permutation chance (mean to 95th pct.)", color: "#cccccc", symbol: "square" },
    { label: "k/n (top-5, top-10 chance)", color: INK.reference, symbol: "dash" },
  ];
}

/** Matching rates with permutation chance levels. */
export const matchingRatesFigure: FigureSpec = {
  name: "matching_rates",
  family: "gwot",
  title: "GWOT matching rates",
  purpose:
    "Does unsupervised alignment recover which model concept is which human concept (top-k) or " +
    "at least its category, beyond permutation chance?",
  tables: [TABLE.gwotSummary],
  render(tables, context) {
    const rows = gwotSummaries(tables);
    const n = rows[0]?.n ?? 0;
    // side by side, or one above the other (both with model labels) on a narrow page
    const labelled = labelMargin(rows.map(modelLabel));
    const stacked = panelWidth(context, 2) - labelled - 14 < MIN_PLOT_WIDTH;
    const data = ratesPlotData(rows, panelWidth(context, stacked ? 1 : 2));
    const objects = objectMatchingPlot(context, data, n);
    const category = categoryMatchingPlot(context, { ...data, labelled: stacked });
    return composeFigure(context, {
      title: "Unsupervised matching rates of the selected plans",
      subtitle: `Share of ${n} concepts whose own human concept is among the k largest entries ` +
        "of their plan row (left), and whose best match shares a THINGSplus category (right), " +
        "for the minimum-GWD plan of each model; the untrained row averages the backbone with " +
        "random weights over its initialisations.",
      legend: matchingLegend(rows),
      panels: rows.length
        ? [{ svg: objects, label: "Object matching" }, {
          svg: category,
          label: "Category matching",
        }]
        : [messagePanel(context, `No rows in ${tableFile(TABLE.gwotSummary)}.`)],
      columns: stacked ? 1 : 2,
    });
  },
  notes(tables) {
    const rows = gwotSummaries(tables);
    if (!rows.length) return [`No rows in ${tableFile(TABLE.gwotSummary)}.`];
    const above = rows.filter((r) => r.top1 > r.chanceTop1[1]);
    const catAbove = rows.filter((r) => r.category > r.chanceCategory[1]);
    const best = rows.filter((r) => r.model !== SPOSE49 && r.model !== UNTRAINED).reduce<
      GwotSummary | null
    >(
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
    const untrained = rows.find((r) => r.model === UNTRAINED && r.range);
    if (untrained) {
      notes.push(
        `Untrained backbone (${untrained.networks} random initialisations): top-1 ` +
          `${fmt(untrained.top1, 3)} (5th–95th pct. ${fmt(untrained.range!.top1[0], 3)}–` +
          `${fmt(untrained.range!.top1[1], 3)}), category ${fmt(untrained.category, 3)}, RSA ` +
          `(Spearman) ${fmt(untrained.rsaSpearman, 3)}.`,
      );
    }
    const differs = rows.filter((r) => r.bestMatching && r.bestMatching.top1 > r.top1);
    if (rows.some((r) => r.bestMatching)) {
      notes.push(
        `The highest-matching-rate solution beats the minimum-GWD one at top-1 for ` +
          `${differs.length} of ${rows.length} models${
            differs.length
              ? ` (${
                differs.map((r) =>
                  `${modelStyle(r.model).label} ${fmt(r.top1, 3)} → ${fmt(r.bestMatching!.top1, 3)}`
                ).join(", ")
              })`
              : ""
          }.`,
      );
    }
    return notes;
  },
};
