/**
 * Paper figure: nearest-prototype classification top-1 per model with 95% intervals; a saturated
 * top-1 (src/eval/benchmark/saturation.ts) is named in the subtitle and the notes.
 */
import {
  benchmarkVerdicts,
  fmt,
  fmtInterval,
  metricRows,
  modelsOf,
  saturatedSentence,
  verdictOf,
} from "../data.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { intervalFigure } from "../common/plots.ts";
import { BASELINE } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** {@link saturatedSentence} of top-1 on the test and the stress images. */
function top1Saturation(tables: TableSet): string {
  const verdicts = benchmarkVerdicts(tables);
  return saturatedSentence([
    { label: "test top-1", verdict: verdictOf(verdicts, "top1", "test") },
    { label: "stress top-1", verdict: verdictOf(verdicts, "top1", "stress") },
  ]);
}

/** Classification top-1 (test and stress styles, plus each model's own head). */
export const classificationTop1: FigureSpec = {
  name: "classification_top1",
  family: "paper",
  title: "Classification top-1",
  purpose:
    "How well does each model's embedding classify held-out images by nearest concept prototype, " +
    "on the held-out style and on unseen drawing styles?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const test = metricRows(tables, "top1", { subset: "test" });
    const stress = metricRows(tables, "top1", { subset: "stress" });
    const head = metricRows(tables, "head_top1", { subset: "test" });
    const saturated = top1Saturation(tables);
    return intervalFigure(context, {
      title: "Classification top-1 by model",
      subtitle:
        "Nearest-prototype classification of held-out images among all benchmark concepts; " +
        "bars are 95% bootstrap intervals over concepts." + (saturated ? ` ${saturated}` : ""),
      legend: [
        { label: "held-out style (test)", color: INK.text, symbol: "circle" },
        { label: "other drawing styles (stress)", color: INK.text, symbol: "ring" },
        { label: "model's own classification head (test)", color: INK.muted, symbol: "square" },
      ],
      models: modelsOf([...test, ...stress]),
      series: [
        { rows: test, symbol: "dot", dy: -6, labels: true },
        { rows: stress, symbol: "ring", dy: 6, labels: true },
        { rows: head, symbol: "diamond", dy: -6 },
      ],
      xLabel: "top-1 accuracy",
      rowHeight: 30,
      empty: `No top1 rows in ${tableFile(TABLE.benchmark)}.`,
    });
  },
  notes(tables) {
    const test = metricRows(tables, "top1", { subset: "test" });
    if (!test.length) return [`No top-1 rows in ${tableFile(TABLE.benchmark)}.`];
    const best = test.reduce((a, b) => (b.value > a.value ? b : a));
    const baseline = test.find((r) => r.model === BASELINE);
    const notes = [
      `Highest test top-1: ${modelStyle(best.model).label} ${fmt(best.value)} ` +
      `${fmtInterval(best.ci_low, best.ci_high)}.`,
    ];
    if (baseline) {
      notes.push(
        `Baseline test top-1 ${fmt(baseline.value)} ${
          fmtInterval(baseline.ci_low, baseline.ci_high)
        }; ` +
          `${test.filter((r) => r.value > baseline.value).length} of ${
            test.length - 1
          } other models ` +
          "score higher.",
      );
    }
    const stress = metricRows(tables, "top1", { subset: "stress" });
    const drop = test.flatMap((t) => {
      const s = stress.find((r) => r.model === t.model);
      return s ? [t.value - s.value] : [];
    });
    if (drop.length) {
      notes.push(
        `Unseen drawing styles cost ${fmt(Math.min(...drop))}–${fmt(Math.max(...drop))} top-1 ` +
          "(test − stress).",
      );
    }
    const saturated = top1Saturation(tables);
    if (saturated) notes.push(saturated);
    return notes;
  },
};
