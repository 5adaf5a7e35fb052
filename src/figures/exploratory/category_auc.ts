/** Exploratory figure: category AUC per THINGSplus category and model. */
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { firstSeeds, fmt, num, str, tableRows } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { labelMargin } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { FONT_SIZE } from "../style.ts";
import { BASELINE } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** One category AUC of `benchmark/transfer_targets` (kind `category`). */
export interface CategoryAuc {
  /** Model key. */
  model: string;
  /** THINGSplus category. */
  category: string;
  /** Cross-validated AUC. */
  auc: number;
}

/** Category AUCs (first seed per model). */
export function categoryAucs(tables: TableSet): CategoryAuc[] {
  const rows = tableRows(tables, TABLE.transferTargets).filter((r) => str(r.kind) === "category");
  const seedOf = firstSeeds(rows);
  return rows.filter((r) => num(r.seed) === seedOf.get(str(r.model)) && num(r.value) !== null)
    .map((r) => ({ model: str(r.model), category: str(r.target), auc: num(r.value)! }));
}

/** Categories ordered by their mean AUC over models (hardest last). */
export function categoryOrderByAuc(aucs: CategoryAuc[]): string[] {
  const mean: [string, number][] = d3.rollups(
    aucs,
    (v: CategoryAuc[]) => d3.mean(v, (a: CategoryAuc) => a.auc),
    (a: CategoryAuc) => a.category,
  );
  return mean.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
}

/** Smallest AUC difference from the baseline that the heatmap labels with a number. */
export const LABEL_DELTA = 0.05;

/**
 * The cells the heatmap labels with their value: every baseline cell, and the other models' cells
 * that differ from the baseline's AUC on the same category by at least {@link LABEL_DELTA}
 * (every cell when there is no baseline).
 */
export function labelledCells(aucs: CategoryAuc[]): CategoryAuc[] {
  const base = new Map(
    aucs.filter((a) => a.model === BASELINE).map((a) => [a.category, a.auc]),
  );
  if (!base.size) return aucs;
  return aucs.filter((a) => {
    const b = base.get(a.category);
    return a.model === BASELINE || b === undefined || Math.abs(a.auc - b) >= LABEL_DELTA - 1e-12;
  });
}

/** Heatmap of category AUC. */
export const categoryAucFigure: FigureSpec = {
  name: "category_auc",
  family: "exploratory",
  title: "Category AUC by category",
  purpose: "Which THINGSplus categories can be read out of each embedding, and where do the " +
    "human-informed models differ from the baseline?",
  tables: [TABLE.transferTargets],
  render(tables, context) {
    const aucs = categoryAucs(tables);
    const models = sortModels(aucs.map((a) => a.model));
    const labels = models.map((m) => modelStyle(m).label);
    const categories = categoryOrderByAuc(aucs);
    const panel = aucs.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 120 + 15 * categories.length,
        marginLeft: labelMargin(categories, FONT_SIZE.small),
        marginTop: 110,
        marginRight: 56,
        marginBottom: 10,
        x: { domain: labels, label: null, axis: "top", tickRotate: -40 },
        y: { domain: categories, label: null, tickSize: 0 },
        color: { type: "linear", domain: [0.5, 1], scheme: "blues", clamp: true },
        marks: [
          Plot.cell(aucs, {
            x: (a: CategoryAuc) => modelStyle(a.model).label,
            y: "category",
            fill: "auc",
            inset: 0.5,
            ...tipOptions((a: CategoryAuc) =>
              `${modelStyle(a.model).label}\n${a.category} · AUC ${fmt(a.auc)}`
            ),
          }),
          Plot.text(labelledCells(aucs), {
            x: (a: CategoryAuc) => modelStyle(a.model).label,
            y: "category",
            text: (a: CategoryAuc) => fmt(a.auc, 2),
            fontSize: 8,
            fill: (a: CategoryAuc) => (a.auc > 0.85 ? "white" : "black"),
          }),
        ],
      })
      : messagePanel(context, `No category rows in ${tableFile(TABLE.transferTargets)}.`);
    return composeFigure(context, {
      title: "THINGSplus category read-out, category by category",
      subtitle: "Cross-validated ridge on the concept embeddings predicting membership of each " +
        "THINGSplus category (ROC AUC; 0.5 = chance). Categories sorted by their mean AUC. " +
        `Numbers: the baseline's AUC, and the others' where they differ from it by ≥ ${LABEL_DELTA}.`,
      panels: [panel],
    });
  },
  notes(tables) {
    const aucs = categoryAucs(tables);
    if (!aucs.length) return [`No category rows in ${tableFile(TABLE.transferTargets)}.`];
    const order = categoryOrderByAuc(aucs);
    const base = new Map(
      aucs.filter((a) => a.model === BASELINE).map((a) => [a.category, a.auc]),
    );
    const notes = [
      `${order.length} categories; easiest ${order.slice(0, 3).join(", ")}; hardest ` +
      `${order.slice(-3).reverse().join(", ")}.`,
    ];
    for (const m of sortModels(aucs.map((a) => a.model))) {
      if (m === BASELINE || !base.size) continue;
      const own = aucs.filter((a) => a.model === m && base.has(a.category));
      const up = own.filter((a) => a.auc > base.get(a.category)!).length;
      notes.push(
        `${
          modelStyle(m).label
        }: higher AUC than the baseline on ${up} of ${own.length} categories.`,
      );
    }
    return notes;
  },
};
