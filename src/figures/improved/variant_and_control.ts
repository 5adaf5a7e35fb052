/** Improved figure: each variant's and its shuffled control's change vs the baseline. */
import type { BackedFigureSpec } from "../common/backed.ts";
import { type ComparisonRow, comparisonRows, excludesZero } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import { comparisonMetricLabel, forestPanel } from "../common/plots.ts";
import type { TableSet } from "../spec.ts";
import { BASELINE } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** One variant with its control: their deltas vs the baseline and against each other. */
export interface ControlPair {
  /** Human-informed variant. */
  variant: string;
  /** Its shuffled control. */
  control: string;
  /** Variant − baseline, per metric. */
  variantRows: ComparisonRow[];
  /** Control − baseline, per metric. */
  controlRows: ComparisonRow[];
  /** Variant − control, per metric. */
  direct: ComparisonRow[];
}

/** Variant/control pairs of `comparisons.arrow` (relation `variant_vs_control`). */
export function controlPairs(tables: TableSet): ControlPair[] {
  const rows = comparisonRows(tables);
  const pairs = new Map<string, [string, string]>();
  for (const r of rows) {
    if (r.relation === "variant_vs_control") pairs.set(r.model_a, [r.model_a, r.model_b]);
  }
  const vsBaseline = (m: string) =>
    rows.filter((r) => r.relation === "vs_baseline" && r.model_a === m && r.model_b === BASELINE);
  return sortModels(pairs.keys()).map((variant) => {
    const control = pairs.get(variant)![1];
    return {
      variant,
      control,
      variantRows: vsBaseline(variant),
      controlRows: vsBaseline(control),
      direct: rows.filter((r) =>
        r.relation === "variant_vs_control" && r.model_a === variant && r.model_b === control
      ),
    };
  });
}

/**
 * Metrics on which the control moves like the variant: both deltas vs the baseline have the
 * same sign and the direct variant − control interval contains zero.
 */
export function controlMatches(pair: ControlPair): string[] {
  return pair.variantRows.flatMap((v) => {
    const c = pair.controlRows.find((r) => r.metric === v.metric && r.subset === v.subset);
    const d = pair.direct.find((r) => r.metric === v.metric && r.subset === v.subset);
    if (!c || !d) return [];
    return Math.sign(v.delta) === Math.sign(c.delta) && !excludesZero(d.ci_low, d.ci_high)
      ? [comparisonMetricLabel(v)]
      : [];
  });
}

/** Variant and control deltas vs the baseline. */
export const variantAndControlFigure: BackedFigureSpec = {
  name: "variant_and_control",
  family: "improved",
  title: "Variants and their controls vs the baseline",
  purpose:
    "Does a human-informed variant move the metrics differently from its shuffled control, or " +
    "does the control improve almost identically?",
  tables: [TABLE.comparisons],
  render(tables, context) {
    const pairs = controlPairs(tables).filter((p) => p.variantRows.length);
    const panels = pairs.map((p) => {
      const metrics = [...new Set(p.variantRows.map(comparisonMetricLabel))];
      return {
        label: `${modelStyle(p.variant).label} and ${modelStyle(p.control).label}`,
        svg: forestPanel(context, {
          width: panelWidth(context),
          metrics,
          series: [
            {
              label: modelStyle(p.variant).label,
              color: modelStyle(p.variant).color,
              rows: p.variantRows,
            },
            {
              label: modelStyle(p.control).label,
              color: modelStyle(p.control).color,
              rows: p.controlRows,
              hollow: true,
            },
          ],
        }),
      };
    });
    return composeFigure(context, {
      title: "Human-informed variants and their shuffled controls, both against the baseline",
      subtitle: "Δ vs the image-only baseline with paired bootstrap 95% intervals; filled: the " +
        "variant trained on human similarity, hollow: its control trained on shuffled " +
        "similarity. Overlapping pairs mean the human structure itself adds little.",
      legend: pairs.flatMap((p) => [
        {
          label: modelStyle(p.variant).label,
          color: modelStyle(p.variant).color,
          symbol: "circle" as const,
        },
        {
          label: modelStyle(p.control).label,
          color: modelStyle(p.control).color,
          symbol: "ring" as const,
        },
      ]),
      panels: panels.length
        ? panels
        : [messagePanel(context, `No variant_vs_control rows in ${tableFile(TABLE.comparisons)}.`)],
    });
  },
  data(tables) {
    return controlPairs(tables).flatMap((p) =>
      p.variantRows.map((v) => {
        const c = p.controlRows.find((r) => r.metric === v.metric && r.subset === v.subset);
        const d = p.direct.find((r) => r.metric === v.metric && r.subset === v.subset);
        return {
          variant: p.variant,
          control: p.control,
          metric: v.metric,
          subset: v.subset,
          variant_delta: v.delta,
          variant_ci_low: v.ci_low,
          variant_ci_high: v.ci_high,
          control_delta: c?.delta ?? null,
          control_ci_low: c?.ci_low ?? null,
          control_ci_high: c?.ci_high ?? null,
          variant_minus_control: d?.delta ?? null,
          variant_minus_control_ci_low: d?.ci_low ?? null,
          variant_minus_control_ci_high: d?.ci_high ?? null,
          p_holm: d?.p_adj ?? null,
        };
      })
    );
  },
  notes(tables) {
    const pairs = controlPairs(tables).filter((p) => p.variantRows.length);
    if (!pairs.length) return [`No variant_vs_control rows in ${tableFile(TABLE.comparisons)}.`];
    return pairs.map((p) => {
      const same = controlMatches(p);
      return `${modelStyle(p.control).label} moves like ${modelStyle(p.variant).label} (same ` +
        `direction vs the baseline, variant − control interval includes 0) on ${same.length} of ` +
        `${p.variantRows.length} metrics${same.length ? `: ${same.join(", ")}` : ""}.`;
    });
  },
};
