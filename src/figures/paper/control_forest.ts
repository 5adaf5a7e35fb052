/**
 * The variant-versus-control figure shared by the two matched pairs: paired deltas (variant −
 * control, variant − baseline, control − baseline) per headline metric from comparisons.arrow.
 */
import { comparisonRows, excludesZero } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import {
  comparisonMetricLabel,
  deltaNote,
  forestPanel,
  type ForestSeries,
} from "../common/plots.ts";
import { BASELINE } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

function series(tables: TableSet, variant: string, control: string): ForestSeries[] {
  const rows = comparisonRows(tables);
  const pair = (a: string, b: string) => rows.filter((r) => r.model_a === a && r.model_b === b);
  const v = modelStyle(variant), c = modelStyle(control);
  return [
    { label: `${v.label} − ${c.label}`, color: v.color, rows: pair(variant, control) },
    {
      label: `${v.label} − baseline`,
      color: v.color,
      rows: pair(variant, BASELINE),
      hollow: true,
    },
    {
      label: `${c.label} − baseline`,
      color: c.color,
      rows: pair(control, BASELINE),
      hollow: true,
    },
  ].filter((s) => s.rows.length);
}

/** Options of {@link controlForestFigure}. */
export interface ControlForestOptions {
  /** File-name stem. */
  name: string;
  /** The human-informed variant. */
  variant: string;
  /** Its matched shuffled control. */
  control: string;
  /** Figure title. */
  title: string;
  /** Sentence on what the control keeps and what it shuffles. */
  controlDescription: string;
}

/** A figure comparing a variant with its matched control (see module docs). */
export function controlForestFigure(options: ControlForestOptions): FigureSpec {
  const { variant, control } = options;
  return {
    name: options.name,
    family: "paper",
    title: options.title,
    purpose:
      `Is ${modelStyle(variant).label}'s change due to the human similarity structure, or does ` +
      `its matched shuffled control (${modelStyle(control).label}) change the same way?`,
    tables: [TABLE.comparisons],
    render(tables, context) {
      const s = series(tables, variant, control);
      const metrics = [
        ...new Set(s.flatMap((x) => x.rows.map((r) => comparisonMetricLabel(r)))),
      ];
      return composeFigure(context, {
        title: options.title,
        subtitle: `${options.controlDescription} Points are paired deltas on the same concepts ` +
          "with 95% paired bootstrap intervals; filled = variant − control.",
        legend: s.map((x) => ({
          label: x.label,
          color: x.color,
          symbol: x.hollow ? "ring" : "circle",
        })),
        panels: [
          s.length
            ? forestPanel(context, { width: panelWidth(context), series: s, metrics })
            : messagePanel(
              context,
              `No comparisons of ${variant} with ${control} or the baseline in ${
                tableFile(TABLE.comparisons)
              }.`,
            ),
        ],
      });
    },
    notes(tables) {
      const s = series(tables, variant, control);
      const direct = s.find((x) => x.rows[0].model_a === variant && x.rows[0].model_b === control);
      if (!direct) return [`No ${variant} vs ${control} rows in ${tableFile(TABLE.comparisons)}.`];
      const headline = direct.rows.filter((r) =>
        ["top1", "human_pair_rho", "rsa_spearman", "object_properties_rho"].includes(r.metric)
      );
      const beyond = direct.rows.filter((r) => excludesZero(r.ci_low, r.ci_high));
      return [
        ...headline.map((r) =>
          `${modelStyle(variant).label} vs ${modelStyle(control).label}: ${deltaNote(r)}.`
        ),
        `${beyond.length} of ${direct.rows.length} metrics differ between variant and control ` +
        `beyond the 95% interval${
          beyond.length ? ` (${beyond.map((r) => comparisonMetricLabel(r)).join(", ")})` : ""
        }.`,
      ];
    },
  };
}
