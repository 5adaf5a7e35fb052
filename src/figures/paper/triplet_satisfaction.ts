/** Paper figure: share of human-derived triplets each model satisfies (train and test). */
import { fmt, fmtInterval, metricRows } from "../data.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec } from "../spec.ts";
import { INK } from "../style.ts";
import { intervalFigure } from "../common/plots.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Triplet satisfaction on training and held-out triplets with 95% intervals. */
export const tripletSatisfaction: FigureSpec = {
  name: "triplet_satisfaction",
  family: "paper",
  title: "Triplet satisfaction",
  purpose:
    "How many human-derived triplets (anchor nearer the human-similar concept than the odd one) " +
    "does each model's embedding already satisfy, on the training triplets and on held-out ones?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const train = metricRows(tables, "triplet_satisfaction", { subset: "train" });
    const test = metricRows(tables, "triplet_satisfaction", { subset: "test" });
    return intervalFigure(context, {
      title: "Triplet satisfaction",
      subtitle:
        "Share of triplets whose anchor prototype is more similar to the positive than to the " +
        "negative concept; 95% bootstrap intervals over concepts; dashed line = chance (0.5).",
      legend: [
        { label: "training triplets", color: INK.text, symbol: "circle" },
        { label: "held-out triplets (test pairs)", color: INK.text, symbol: "ring" },
      ],
      series: [
        { rows: train, symbol: "dot", dy: -6, labels: true },
        { rows: test, symbol: "ring", dy: 6, labels: true },
      ],
      xLabel: "triplets satisfied",
      reference: 0.5,
      rowHeight: 30,
      empty: `No triplet_satisfaction rows in ${tableFile(TABLE.benchmark)}.`,
    });
  },
  notes(tables) {
    const notes: string[] = [];
    for (const subset of ["train", "test"]) {
      const rows = metricRows(tables, "triplet_satisfaction", { subset, exclude: [SPOSE49] });
      if (!rows.length) continue;
      const base = rows.find((r) => r.model === BASELINE);
      const best = rows.reduce((a, b) => (b.value > a.value ? b : a));
      notes.push(
        `${subset === "train" ? "Training" : "Held-out"} triplets: ` +
          (base
            ? `the image-only baseline already satisfies ${fmt(base.value)} ` +
              `${fmtInterval(base.ci_low, base.ci_high)}; `
            : "") +
          `highest ${modelStyle(best.model).label} ${fmt(best.value)}.`,
      );
    }
    return notes.length
      ? notes
      : [`No triplet_satisfaction rows in ${tableFile(TABLE.benchmark)}.`];
  },
};
