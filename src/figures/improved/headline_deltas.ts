/**
 * Improved figure: every model's change vs the baseline per headline metric, with Holm marks.
 * Metrics the bench stage flagged (comparisons.arrow `saturated`, with `saturation_reason`: at
 * ceiling or models indistinguishable) say so in their panel heading, the subtitle and the notes:
 * a Holm mark there is no robust difference.
 */
import * as Plot from "@observablehq/plot";
import type { BackedFigureSpec } from "../common/backed.ts";
import { fitColumns, panelRow, rowWidths } from "../common/layout.ts";
import type { SaturationCriterion } from "../../eval/benchmark/saturation.ts";
import {
  type ComparisonRow,
  comparisonRows,
  flaggedHeading,
  fmt,
  fmtInterval,
  fmtSigned,
  saturationOpening,
} from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { comparisonMetricLabel, labelMargin, modelColorScale } from "../common/plots.ts";
import { estimateTip, pointerTip } from "../common/tips.ts";
import type { FigureContext, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { BASELINE } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Holm-adjusted p below which a delta counts as significant. */
export const ALPHA = 0.05;

/** `vs_baseline` comparisons (model − baseline), models in display order. */
export function baselineDeltas(tables: TableSet): ComparisonRow[] {
  const rows = comparisonRows(tables).filter((r) =>
    r.relation === "vs_baseline" && r.model_b === BASELINE
  );
  const order = sortModels(rows.map((r) => r.model_a));
  return rows.sort((a, b) => order.indexOf(a.model_a) - order.indexOf(b.model_a));
}

interface MetricKey {
  key: string;
  label: string;
  saturated: boolean;
  reason: SaturationCriterion | null;
}

function metricKeys(rows: ComparisonRow[]): MetricKey[] {
  const out = new Map<string, Omit<MetricKey, "key">>();
  for (const r of rows) {
    out.set(`${r.metric}|${r.subset}`, {
      label: comparisonMetricLabel(r),
      saturated: r.saturated ?? false,
      reason: r.saturation_reason ?? null,
    });
  }
  return [...out].map(([key, m]) => ({ key, ...m }));
}

/**
 * "Saturated (at ceiling), so the models cannot be told apart and a Holm mark is no robust
 * difference: Retrieval@1, mAP." (and likewise for models indistinguishable) for the flagged
 * metrics, one sentence per reason ("" when none).
 */
function saturatedNote(rows: ComparisonRow[]): string {
  const saturated = metricKeys(rows).filter((m) => m.saturated);
  const sentences: string[] = [];
  for (const reason of ["ceiling", "indistinguishable", null] as const) {
    const group = saturated.filter((m) => m.reason === reason);
    if (!group.length) continue;
    sentences.push(
      `${saturationOpening(reason)}, so the models cannot be told apart and a Holm mark is no ` +
        `robust difference: ${group.map((m) => m.label).join(", ")}.`,
    );
  }
  return sentences.join(" ");
}

const COLUMNS = 3;

function deltaPanel(
  context: FigureContext,
  options: { rows: ComparisonRow[]; models: string[]; width: number; hideModels: boolean },
): Element {
  const labels = options.models.map((m) => modelStyle(m).label);
  const y = (r: ComparisonRow) => modelStyle(r.model_a).label;
  return Plot.plot({
    document: context.document,
    width: options.width,
    height: 44 + 17 * labels.length,
    marginLeft: options.hideModels ? 12 : labelMargin(labels),
    marginRight: 12,
    marginTop: 8,
    marginBottom: 30,
    x: { label: "Δ vs baseline", labelAnchor: "center", labelArrow: "none", nice: true, ticks: 3 },
    y: { domain: labels, label: null, axis: options.hideModels ? null : "left" },
    color: modelColorScale(options.models),
    marks: [
      Plot.gridX({ stroke: INK.grid, strokeOpacity: 1, ticks: 3 }),
      Plot.ruleX([0], { stroke: INK.reference }),
      Plot.ruleY(options.rows, { y, x1: "ci_low", x2: "ci_high", stroke: y, strokeWidth: 1.6 }),
      // two marks: a fill channel mixing scale values and a literal colour would drop points
      Plot.dot(options.rows.filter((r) => r.p_adj < ALPHA), {
        y,
        x: "delta",
        r: 3.8,
        fill: y,
      }),
      Plot.dot(options.rows.filter((r) => !(r.p_adj < ALPHA)), {
        y,
        x: "delta",
        r: 3.8,
        stroke: y,
        strokeWidth: 1.5,
        fill: INK.background,
      }),
      pointerTip(options.rows, { x: "delta", y, title: deltaTip }),
    ],
  });
}

/** Tooltip of a Δ vs baseline: model, metric, Δ, paired interval and Holm-adjusted p. */
function deltaTip(r: ComparisonRow): string {
  return estimateTip(modelStyle(r.model_a).label, {
    value: r.delta,
    ci_low: r.ci_low,
    ci_high: r.ci_high,
  }, { metric: `${comparisonMetricLabel(r)} Δ`, extra: [`vs baseline · Holm p ${fmt(r.p_adj)}`] });
}

/** Δ vs baseline with paired intervals and Holm-adjusted significance. */
export const headlineDeltasFigure: BackedFigureSpec = {
  name: "headline_deltas",
  family: "improved",
  title: "Headline deltas vs the baseline",
  purpose:
    "Which models change which headline metric relative to the image-only baseline, by how " +
    "much, and which changes survive Holm correction?",
  tables: [TABLE.comparisons],
  render(tables, context) {
    const rows = baselineDeltas(tables);
    const metrics = metricKeys(rows);
    const models = sortModels(rows.map((r) => r.model_a));
    if (!rows.length) {
      return composeFigure(context, {
        title: "Change vs the image-only baseline",
        panels: [messagePanel(context, `No vs_baseline rows in ${tableFile(TABLE.comparisons)}.`)],
      });
    }
    const margin = labelMargin(models.map((m) => modelStyle(m).label));
    // fewer columns on a narrow page
    const columns = fitColumns(panelWidth(context), { count: COLUMNS, margin });
    const widths = rowWidths(panelWidth(context), { count: columns, margin });
    const panels: Element[] = [];
    for (let start = 0; start < metrics.length; start += columns) {
      panels.push(panelRow(
        context,
        metrics.slice(start, start + columns).map((m, i) => ({
          label: m.saturated
            ? flaggedHeading(m.label, { criterion: m.reason, width: widths[i] })
            : m.label,
          svg: deltaPanel(context, {
            rows: rows.filter((r) => `${r.metric}|${r.subset}` === m.key),
            models,
            width: widths[i],
            hideModels: i > 0,
          }),
        })),
      ));
    }
    return composeFigure(context, {
      title: "Change vs the image-only baseline, metric by metric",
      subtitle: "Δ = model − baseline on the same concepts with paired bootstrap 95% intervals; " +
        `filled dots: Holm-adjusted p < ${ALPHA} over every comparison of the benchmark, ` +
        "hollow: not significant. Each panel has its own scale." +
        (saturatedNote(rows) ? ` ${saturatedNote(rows)}` : ""),
      legend: [
        { label: `Holm p < ${ALPHA}`, color: INK.text, symbol: "circle" },
        { label: "not significant", color: INK.text, symbol: "ring" },
      ],
      panels,
    });
  },
  data(tables) {
    return baselineDeltas(tables).map((r) => ({
      model: r.model_a,
      versus: r.model_b,
      metric: r.metric,
      subset: r.subset,
      value_model: r.value_a,
      value_baseline: r.value_b,
      delta: r.delta,
      ci_low: r.ci_low,
      ci_high: r.ci_high,
      p: r.p,
      p_holm: r.p_adj,
      significant: r.p_adj < ALPHA,
      saturated: r.saturated ?? false,
      saturation_reason: r.saturation_reason,
    }));
  },
  notes(tables) {
    const rows = baselineDeltas(tables);
    if (!rows.length) return [`No vs_baseline rows in ${tableFile(TABLE.comparisons)}.`];
    const significant = rows.filter((r) => r.p_adj < ALPHA);
    const notes = [
      `${significant.length} of ${rows.length} model × metric deltas vs the baseline survive Holm ` +
      `correction (p < ${ALPHA}).`,
    ];
    for (const m of sortModels(significant.map((r) => r.model_a))) {
      const own = significant.filter((r) => r.model_a === m);
      notes.push(
        `${modelStyle(m).label}: ${
          own.map((r) =>
            `${comparisonMetricLabel(r)} ${fmtSigned(r.delta)} ${fmtInterval(r.ci_low, r.ci_high)}`
          ).join("; ")
        }.`,
      );
    }
    const largest = rows.reduce((a, b) => (Math.abs(b.delta) > Math.abs(a.delta) ? b : a));
    notes.push(
      `Largest change: ${modelStyle(largest.model_a).label} ${comparisonMetricLabel(largest)} ` +
        `${fmtSigned(largest.delta)} (p Holm ${fmt(largest.p_adj, 3)}).`,
    );
    const saturated = saturatedNote(rows);
    if (saturated) notes.push(saturated);
    return notes;
  },
};
