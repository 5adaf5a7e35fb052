/** Paper figure: triplet margins per model (mean with 95% interval over the per-triplet spread). */
import * as Plot from "@observablehq/plot";
import {
  type BenchmarkRow,
  firstSeeds,
  fmt,
  fmtInterval,
  metricRows,
  str,
  tableRows,
} from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { memo } from "../common/memo.ts";
import type { FigureContext, FigureSpec, Row, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { labelMargin, modelColorScale } from "../common/plots.ts";
import { estimateTip, tipOptions } from "../common/tips.ts";
import { SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface Spread {
  model: string;
  subset: string;
  label: string;
  q10: number;
  q25: number;
  median: number;
  q75: number;
  q90: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Quantiles of the per-triplet margins (benchmark/triplet_margins.arrow), one seed per model,
 * once per row array. The table has a row per triplet (about 215,000 on the embedded default), so
 * the loop is kept tight.
 */
function spreads(tables: TableSet): Spread[] {
  const rows = tableRows(tables, TABLE.tripletMargins);
  return memo(rows, "marginSpreads", () => buildSpreads(rows));
}

function buildSpreads(rows: Row[]): Spread[] {
  const minSeed = firstSeeds(rows);
  const groups = new Map<unknown, Map<unknown, number[]>>();
  // rows come in runs of one model and subset: look the group up when the run changes
  let lastModel: unknown = undefined, lastSubset: unknown = undefined, lastSeed: unknown = NaN;
  let values: number[] | null = null, wanted = false;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const margin = r.margin;
    if (typeof margin !== "number") continue;
    const seed = r.seed ?? null;
    if (r.model !== lastModel || r.subset !== lastSubset || seed !== lastSeed) {
      lastModel = r.model;
      lastSubset = r.subset;
      lastSeed = seed;
      wanted = seed === minSeed.get(r.model as string);
      if (wanted) {
        let bySubset = groups.get(r.model);
        if (!bySubset) groups.set(r.model, bySubset = new Map());
        values = bySubset.get(r.subset) ?? null;
        if (!values) bySubset.set(r.subset, values = []);
      }
    }
    if (wanted) values!.push(margin);
  }
  const out: Spread[] = [];
  for (const [model, bySubset] of groups) {
    for (const [subset, values] of bySubset) {
      const sorted = Float64Array.from(values).sort();
      out.push({
        model: str(model),
        subset: str(subset),
        label: modelStyle(str(model)).label,
        q10: quantile(sorted, 0.1),
        q25: quantile(sorted, 0.25),
        median: quantile(sorted, 0.5),
        q75: quantile(sorted, 0.75),
        q90: quantile(sorted, 0.9),
      });
    }
  }
  return out;
}

function panel(
  context: FigureContext,
  width: number,
  models: string[],
  means: BenchmarkRow[],
  spread: Spread[],
  hideModels: boolean,
): Element {
  const labels = models.map((m) => modelStyle(m).label);
  const label = (r: BenchmarkRow) => modelStyle(r.model).label;
  return Plot.plot({
    document: context.document,
    width,
    height: 44 + 28 * labels.length,
    marginTop: 10,
    marginBottom: 34,
    marginLeft: hideModels ? 12 : labelMargin(labels),
    marginRight: 12,
    x: { label: "margin (cos sim positive − negative)", labelAnchor: "center", labelArrow: "none" },
    y: { domain: labels, label: null, axis: hideModels ? null : "left" },
    color: modelColorScale(models),
    marks: [
      Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
      Plot.ruleX([0], { stroke: INK.reference }),
      Plot.ruleY(spread, {
        y: "label",
        x1: "q10",
        x2: "q90",
        stroke: "label",
        strokeOpacity: 0.35,
      }),
      Plot.barX(spread, {
        y: "label",
        x1: "q25",
        x2: "q75",
        fill: "label",
        fillOpacity: 0.2,
        insetTop: 7,
        insetBottom: 7,
      }),
      Plot.tickX(spread, { y: "label", x: "median", stroke: "label", insetTop: 7, insetBottom: 7 }),
      Plot.ruleY(means.filter((r) => r.ci_low !== null), {
        y: label,
        x1: "ci_low",
        x2: "ci_high",
        stroke: INK.text,
        strokeWidth: 2,
      }),
      Plot.dot(means, {
        y: label,
        x: "value",
        fill: label,
        stroke: INK.text,
        r: 3.5,
        ...tipOptions((r: BenchmarkRow) => estimateTip(label(r), r, { metric: "mean margin" })),
      }),
    ],
  });
}

/** Per-model triplet margins on training and held-out triplets. */
export const tripletMarginIntervals: FigureSpec = {
  name: "triplet_margin_intervals",
  family: "paper",
  title: "Triplet margin intervals",
  purpose:
    "By how much does each model prefer the human-similar concept over the odd one, on average " +
    "(with a 95% interval) and across individual triplets?",
  tables: [TABLE.benchmark, TABLE.tripletMargins],
  render(tables, context) {
    const all = spreads(tables);
    const means = (subset: string) =>
      metricRows(tables, "triplet_margin", { subset, exclude: [SPOSE49] });
    const subsets = ["train", "test"].filter((s) => means(s).length);
    const models = sortModels(subsets.flatMap((s) => means(s).map((r) => r.model)));
    if (!models.length) {
      return composeFigure(context, {
        title: "Triplet margins",
        panels: [messagePanel(context, `No triplet_margin rows in ${tableFile(TABLE.benchmark)}.`)],
      });
    }
    const margin = labelMargin(models.map((m) => modelStyle(m).label));
    const rest = Math.floor((panelWidth(context) - margin - 10 * subsets.length) / subsets.length);
    return composeFigure(context, {
      title: "Triplet margins",
      subtitle:
        "Margin = similarity of the anchor prototype to the positive minus to the negative " +
        "concept. Dot and black bar: mean with 95% bootstrap interval over concepts; box: " +
        "quartiles and median of the individual triplets; thin line: 10th–90th percentile. " +
        "SPoSE-49 (dot products, another scale) is left out.",
      columns: subsets.length,
      panels: subsets.map((subset, i) => ({
        label: subset === "train" ? "Training triplets" : "Held-out triplets (test pairs)",
        svg: panel(
          context,
          i === 0 ? margin + rest : rest,
          models,
          means(subset),
          all.filter((s) => s.subset === subset && models.includes(s.model)),
          i > 0,
        ),
      })),
    });
  },
  notes(tables) {
    const notes: string[] = [];
    for (const subset of ["train", "test"]) {
      const rows = metricRows(tables, "triplet_margin", { subset, exclude: [SPOSE49] });
      if (!rows.length) continue;
      const positive = rows.filter((r) => r.ci_low !== null && r.ci_low > 0);
      const best = rows.reduce((a, b) => (b.value > a.value ? b : a));
      notes.push(
        `${subset === "train" ? "Training" : "Held-out"} triplets: ${positive.length} of ` +
          `${rows.length} models have a mean margin whose interval is above 0; largest ` +
          `${modelStyle(best.model).label} ${fmt(best.value)} ${
            fmtInterval(best.ci_low, best.ci_high)
          }.`,
      );
    }
    return notes.length ? notes : [`No triplet_margin rows in ${tableFile(TABLE.benchmark)}.`];
  },
};
