/** Exploratory figure: training curves (validation top-1 and loss per epoch) of every model. */
import * as Plot from "@observablehq/plot";
import { panelRow } from "../common/layout.ts";
import { fmt, num, str } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { modelColorScale, modelLegend } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { MODEL_NAMES } from "../../train/model_names.ts";
import { trainingTable } from "../../tables/names.ts";

/** Panel width below which the two panels go one above the other. */
const STACK_BELOW = 240;

/** The trained models (`training/<model>` tables written by `deno task train`). */
const TRAINED_MODELS: readonly string[] = MODEL_NAMES;

/** One epoch of one model. */
export interface EpochRow {
  /** Model key. */
  model: string;
  /** 1-based epoch. */
  epoch: number;
  /** Schedule stage. */
  stage: string;
  /** Mean total loss of the epoch. */
  loss: number;
  /** Validation top-1 after the epoch. */
  valTop1: number;
}

/** Epoch rows of every trained model's table present in `tables`. */
export function epochRows(tables: TableSet): EpochRow[] {
  return sortModels(TRAINED_MODELS.filter((m) => tables[trainingTable(m)])).flatMap((m) =>
    tables[trainingTable(m)].map((r) => ({
      model: m,
      epoch: num(r.epoch) ?? 0,
      stage: str(r.stage),
      loss: num(r.loss_total) ?? NaN,
      valTop1: num(r.val_top1) ?? NaN,
    }))
  );
}

/** Validation top-1 and loss per epoch. */
export const trainingCurvesFigure: FigureSpec = {
  name: "training_curves",
  family: "exploratory",
  title: "Training curves",
  purpose: "Did every model train to convergence, and does adding the human loss change how fast " +
    "validation accuracy rises?",
  tables: TRAINED_MODELS.map(trainingTable),
  render(tables, context) {
    const rows = epochRows(tables);
    const models = sortModels(rows.map((r) => r.model));
    const label = (r: EpochRow) => modelStyle(r.model).label;
    // side by side, or one above the other on a narrow page
    const stacked = (panelWidth(context) - 10) / 2 < STACK_BELOW;
    const width = stacked ? panelWidth(context) : Math.floor((panelWidth(context) - 10) / 2);
    const plot = (y: "valTop1" | "loss", yLabel: string, log: boolean) =>
      Plot.plot({
        document: context.document,
        width,
        height: 300,
        marginTop: 10,
        marginBottom: 36,
        marginLeft: 48,
        x: { label: "epoch", labelAnchor: "center", labelArrow: "none" },
        y: { label: yLabel, grid: true, labelArrow: "none", ...(log ? { type: "log" } : {}) },
        color: modelColorScale(models),
        marks: [
          Plot.line(rows.filter((r) => Number.isFinite(r[y]) && (!log || r[y] > 0)), {
            x: "epoch",
            y,
            z: label,
            stroke: label,
            strokeWidth: 1.6,
            ...tipOptions((r: EpochRow) =>
              `${label(r)}\nepoch ${r.epoch} · ${yLabel} ${fmt(r[y], y === "loss" ? 4 : 3)}`
            ),
          }),
        ],
      });
    return composeFigure(context, {
      title: "Training curves",
      subtitle: "Validation top-1 of the concept head and mean total loss per epoch (log scale; " +
        "the human-informed losses add their own terms, so levels differ between models).",
      legend: modelLegend(models, "line"),
      panels: !rows.length ? [messagePanel(context, "No training tables.")] : stacked
        ? [
          { label: "Validation top-1", svg: plot("valTop1", "val top-1", false) },
          { label: "Loss", svg: plot("loss", "total loss", true) },
        ]
        : [panelRow(context, [
          { label: "Validation top-1", svg: plot("valTop1", "val top-1", false) },
          { label: "Loss", svg: plot("loss", "total loss", true) },
        ])],
    });
  },
  notes(tables) {
    const rows = epochRows(tables);
    if (!rows.length) return ["No training tables."];
    return sortModels(rows.map((r) => r.model)).map((m) => {
      const own = rows.filter((r) => r.model === m);
      const best = own.reduce((a, b) => (b.valTop1 > a.valTop1 ? b : a));
      const last = own[own.length - 1];
      return `${modelStyle(m).label}: ${own.length} epoch${own.length === 1 ? "" : "s"}, best ` +
        `val top-1 ${fmt(best.valTop1)} ` +
        `(epoch ${best.epoch}), last ${fmt(last.valTop1)}.`;
    });
  },
};
