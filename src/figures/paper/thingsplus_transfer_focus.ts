/** Paper figure: THINGSplus rating transfer per target, each model against the baseline band. */
import * as Plot from "@observablehq/plot";
import { type BenchmarkRow, benchmarkRows, fmt } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { labelMargin, modelColorScale, modelLegend } from "../common/plots.ts";
import { estimateTip, pointerTip } from "../common/tips.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Display name of a THINGSplus target (`property_be_moved` → `be moved`). */
export function targetLabel(subset: string): string {
  return subset.replace(/^property_/, "").replace(/_mean$/, "").replaceAll("_", " ");
}

function rows(tables: TableSet): BenchmarkRow[] {
  return benchmarkRows(tables).filter((r) =>
    r.metric === "thingsplus_rating_rho" && r.model !== SPOSE49
  );
}

/** Dot plot: y = THINGSplus target, x = cross-validated ridge ρ, one dot per model. */
export const thingsplusTransferFocus: FigureSpec = {
  name: "thingsplus_transfer_focus",
  family: "paper",
  title: "THINGSplus transfer focus",
  purpose:
    "Does human-informed training transfer to external THINGSplus ratings (properties, size) " +
    "that no model was trained on, target by target?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const data = rows(tables);
    const models = sortModels(data.map((r) => r.model));
    const targets = [...new Set(data.map((r) => targetLabel(r.subset)))];
    const baseline = data.filter((r) => r.model === BASELINE && r.ci_low !== null);
    const offset = (i: number) =>
      (i - (models.length - 1) / 2) * (14 / Math.max(1, models.length - 1));
    const label = (r: BenchmarkRow) => modelStyle(r.model).label;
    const target = (r: BenchmarkRow) => targetLabel(r.subset);
    const panel = data.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 50 + 26 * targets.length,
        marginTop: 10,
        marginBottom: 36,
        marginLeft: labelMargin(targets),
        x: { label: "cross-validated ridge ρ", labelAnchor: "center", labelArrow: "none" },
        y: { domain: targets, label: null },
        color: modelColorScale(models),
        marks: [
          Plot.gridX({ stroke: INK.grid, strokeOpacity: 1 }),
          Plot.ruleX([0], { stroke: INK.reference }),
          Plot.barX(baseline, {
            y: target,
            x1: "ci_low",
            x2: "ci_high",
            fill: "#000000",
            fillOpacity: 0.08,
            insetTop: 3,
            insetBottom: 3,
          }),
          ...models.map((model, i) =>
            Plot.dot(data.filter((r) => r.model === model), {
              y: target,
              x: "value",
              dy: offset(i),
              fill: label,
              r: 3.2,
            })
          ),
          pointerTip(data, {
            x: "value",
            y: target,
            title: (r: BenchmarkRow) => estimateTip(label(r), r, { metric: `${target(r)} ρ` }),
          }),
        ],
      })
      : messagePanel(context, `No thingsplus_rating_rho rows in ${tableFile(TABLE.benchmark)}.`);
    return composeFigure(context, {
      title: "Transfer to THINGSplus ratings",
      subtitle:
        "Spearman ρ of 5-fold cross-validated ridge predictions of each THINGSplus rating from the " +
        "concept prototypes; the grey band is the baseline's 95% bootstrap interval.",
      legend: [...modelLegend(models, "circle"), {
        label: "baseline 95% interval",
        color: "#e0e0e0",
      }],
      panels: [panel],
    });
  },
  notes(tables) {
    const data = rows(tables);
    if (!data.length) return [`No thingsplus_rating_rho rows in ${tableFile(TABLE.benchmark)}.`];
    const baseline = new Map(
      data.filter((r) => r.model === BASELINE && r.ci_low !== null && r.ci_high !== null)
        .map((r) => [r.subset, r]),
    );
    const notes: string[] = [];
    for (const model of sortModels(data.map((r) => r.model))) {
      if (model === BASELINE || !baseline.size) continue;
      const own = data.filter((r) => r.model === model && baseline.has(r.subset));
      const above = own.filter((r) => r.value > baseline.get(r.subset)!.ci_high!).length;
      const below = own.filter((r) => r.value < baseline.get(r.subset)!.ci_low!).length;
      const meanDelta = own.reduce((s, r) => s + r.value - baseline.get(r.subset)!.value, 0) /
        Math.max(1, own.length);
      notes.push(
        `${modelStyle(model).label}: mean Δρ vs baseline ${fmt(meanDelta)} over ${own.length} ` +
          `targets; ${above} above and ${below} below the baseline's interval.`,
      );
    }
    return notes;
  },
};
