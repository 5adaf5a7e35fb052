/** Paper figure: bump chart of model ranks across the headline benchmarks. */
import * as Plot from "@observablehq/plot";
import { type BenchmarkRow, benchmarkRows, fmt } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { metricLabel, modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { labelMargin, modelColorScale } from "../common/plots.ts";
import { estimateTip, tipOptions } from "../common/tips.ts";
import { SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Headline benchmarks of the bump chart (higher is better for each). */
export const RANK_METRICS: readonly { metric: string; subset: string; short: string }[] = [
  { metric: "top1", subset: "test", short: "top-1" },
  { metric: "retrieval@1", subset: "test", short: "retrieval@1" },
  { metric: "mAP", subset: "test", short: "mAP" },
  { metric: "human_pair_rho", subset: "test", short: "human-pair ρ" },
  { metric: "rsa_spearman", subset: "with_images", short: "RSA" },
  { metric: "oddoneout_accuracy", subset: "with_images", short: "odd-one-out" },
  { metric: "object_properties_rho", subset: "mean_over_targets", short: "properties ρ" },
  { metric: "category_comembership_auc", subset: "concept_pairs", short: "category AUC" },
  { metric: "triplet_satisfaction", subset: "test", short: "triplets" },
];

interface Rank {
  model: string;
  label: string;
  metric: string;
  /** Competition rank (ties share the best rank). */
  rank: number;
  /** Row position 1…n (ties broken by display order), so tied models do not overlap. */
  position: number;
  value: number;
}

/** Competition ranks (1 = best; ties share the best rank) of image models per metric. */
export function metricRanks(tables: TableSet): Rank[] {
  const rows = benchmarkRows(tables).filter((r) => r.model !== SPOSE49);
  const ranks: Rank[] = [];
  for (const m of RANK_METRICS) {
    const models = sortModels(rows.map((r) => r.model));
    const group = rows.filter((r) => r.metric === m.metric && r.subset === m.subset)
      .sort((a, b) => b.value - a.value || models.indexOf(a.model) - models.indexOf(b.model));
    group.forEach((r, i) => {
      ranks.push({
        model: r.model,
        label: modelStyle(r.model).label,
        metric: m.short,
        rank: 1 + group.filter((o: BenchmarkRow) => o.value > r.value).length,
        position: i + 1,
        value: r.value,
      });
    });
  }
  return ranks;
}

/** Bump chart of ranks across benchmarks. */
export const benchmarkRankBump: FigureSpec = {
  name: "benchmark_rank_bump",
  family: "paper",
  title: "Benchmark rank bump",
  purpose:
    "Does any model lead consistently, or do ranks reshuffle between practical, human-alignment " +
    "and transfer benchmarks?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const ranks = metricRanks(tables);
    const models = sortModels(ranks.map((r) => r.model));
    const metrics = RANK_METRICS.map((m) => m.short).filter((m) =>
      ranks.some((r) => r.metric === m)
    );
    const labels = models.map((m) => modelStyle(m).label);
    const first = ranks.filter((r) => r.metric === metrics[0]);
    const last = ranks.filter((r) => r.metric === metrics[metrics.length - 1]);
    const margin = labelMargin(labels) + 10;
    const panel = ranks.length
      ? Plot.plot({
        document: context.document,
        width: panelWidth(context),
        height: 100 + 34 * models.length,
        marginTop: 14,
        marginBottom: 80,
        marginLeft: margin,
        marginRight: margin,
        x: { domain: metrics, label: null, inset: 10, tickRotate: -30, tickSize: 0 },
        y: { domain: models.map((_, i) => i + 1), label: "rank", axis: null },
        color: modelColorScale(models),
        marks: [
          Plot.line(ranks, {
            x: "metric",
            y: "position",
            z: "label",
            stroke: "label",
            strokeWidth: 2.2,
            strokeOpacity: 0.9,
          }),
          Plot.dot(ranks, {
            x: "metric",
            y: "position",
            fill: "label",
            r: 8,
            ...tipOptions((r: Rank) =>
              estimateTip(r.label, r, { metric: r.metric, extra: [`rank ${r.rank}`] })
            ),
          }),
          Plot.text(ranks, {
            x: "metric",
            y: "position",
            text: (r: Rank) => String(r.rank),
            fill: "white",
            fontSize: 9,
            fontWeight: "bold",
          }),
          Plot.text(first, {
            x: "metric",
            y: "position",
            text: "label",
            textAnchor: "end",
            dx: -14,
            fontSize: 10,
          }),
          Plot.text(last, {
            x: "metric",
            y: "position",
            text: "label",
            textAnchor: "start",
            dx: 14,
            fontSize: 10,
          }),
        ],
      })
      : messagePanel(context, `No headline metrics in ${tableFile(TABLE.benchmark)}.`);
    return composeFigure(context, {
      title: "Model ranks across benchmarks",
      subtitle: "Rank of each model (1 = best, ties share a rank) on the headline benchmarks: " +
        RANK_METRICS.filter((m) => metrics.includes(m.short)).map((m) =>
          `${m.short} = ${metricLabel(m.metric)}`
        ).join("; ") + ".",
      panels: [panel],
    });
  },
  notes(tables) {
    const ranks = metricRanks(tables);
    if (!ranks.length) return [`No headline metrics in ${tableFile(TABLE.benchmark)}.`];
    const mean = sortModels(ranks.map((r) => r.model)).map((model) => {
      const own = ranks.filter((r) => r.model === model);
      return { model, mean: own.reduce((s, r) => s + r.rank, 0) / own.length, n: own.length };
    }).sort((a, b) => a.mean - b.mean);
    const firsts = ranks.filter((r) => r.rank === 1);
    const leaders = [...new Set(firsts.map((r) => modelStyle(r.model).label))];
    return [
      `Best mean rank: ${modelStyle(mean[0].model).label} (${fmt(mean[0].mean, 2)} over ` +
      `${mean[0].n} benchmarks); worst: ${modelStyle(mean[mean.length - 1].model).label} ` +
      `(${fmt(mean[mean.length - 1].mean, 2)}).`,
      `${leaders.length} different models rank first on at least one benchmark: ${
        leaders.join(", ")
      }.`,
    ];
  },
};
