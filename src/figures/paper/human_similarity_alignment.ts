/** Paper figure: human similarity alignment (human-pair ρ, RSA, odd-one-out) per model. */
import { type BenchmarkRow, fmt, fmtInterval, metricRows, modelsOf } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { intervalPanel, labelMargin } from "../common/plots.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

const PANELS = [
  { metric: "human_pair_rho", subset: "test", label: "Human-pair ρ (held-out pairs)" },
  { metric: "rsa_spearman", subset: "with_images", label: "RSA (Spearman)" },
  { metric: "oddoneout_accuracy", subset: "with_images", label: "Odd-one-out accuracy" },
] as const;

function panelRows(tables: TableSet): BenchmarkRow[][] {
  return PANELS.map((p) => metricRows(tables, p.metric, { subset: p.subset }));
}

/** Human-pair ρ, RSA and odd-one-out accuracy, side by side. */
export const humanSimilarityAlignment: FigureSpec = {
  name: "human_similarity_alignment",
  family: "paper",
  title: "Human similarity alignment",
  purpose: "How closely does each model's concept similarity follow human similarity judgments " +
    "(held-out human pairs, RSA over all concept pairs, THINGS odd-one-out triplets)?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const rows = panelRows(tables);
    const models = modelsOf(rows.flat());
    if (!models.length) {
      return composeFigure(context, {
        title: "Human similarity alignment",
        panels: [
          messagePanel(context, `No human-alignment rows in ${tableFile(TABLE.benchmark)}.`),
        ],
      });
    }
    const margin = labelMargin(models.map((m) => modelStyle(m).label));
    const rest = Math.floor((panelWidth(context) - margin - 20) / PANELS.length);
    return composeFigure(context, {
      title: "Human similarity alignment",
      subtitle:
        "Spearman ρ between model and human similarity on held-out concept pairs, RSA over all " +
        "benchmark concept pairs, and odd-one-out accuracy on THINGS test triplets; 95% bootstrap " +
        "intervals over concepts. SPoSE-49 is the source of the human similarities (circular).",
      columns: PANELS.length,
      panels: PANELS.map((p, i) => ({
        label: p.label,
        svg: intervalPanel(context, {
          width: i === 0 ? margin + rest : rest,
          models,
          series: [{ rows: rows[i], symbol: "dot", dy: 0 }],
          xLabel: p.label.replace(/ \(.*\)$/, ""),
          hideModels: i > 0,
        }),
      })),
    });
  },
  notes(tables) {
    const rows = panelRows(tables);
    const notes: string[] = [];
    PANELS.forEach((p, i) => {
      const image = rows[i].filter((r) => r.model !== SPOSE49);
      if (!image.length) return;
      const best = image.reduce((a, b) => (b.value > a.value ? b : a));
      const baseline = image.find((r) => r.model === BASELINE);
      notes.push(
        `${p.label}: highest ${modelStyle(best.model).label} ${fmt(best.value)} ` +
          `${fmtInterval(best.ci_low, best.ci_high)}` +
          (baseline ? `; baseline ${fmt(baseline.value)}` : "") + ".",
      );
    });
    return notes.length ? notes : [`No human-alignment rows in ${tableFile(TABLE.benchmark)}.`];
  },
};
