/** Paper figure: classical MDS map of models by their benchmark profiles. */
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { symmetricEigen } from "../../metrics/eigen.ts";
import { type BenchmarkRow, benchmarkRows, fmt } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureSpec, TableSet } from "../spec.ts";
import { INK } from "../style.ts";
import { modelColorScale, paddedExtent, placedLabelMarks, scatterLayout } from "../common/plots.ts";
import { tipOptions } from "../common/tips.ts";
import { BASELINE, IMAGENET, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

interface MapData {
  models: string[];
  /** Euclidean distances between z-scored profiles (row-major n × n). */
  distances: number[][];
  points: { model: string; label: string; x: number; y: number }[];
  metrics: number;
}

/**
 * Models as points: every metric/subset that all image models have is z-scored across models;
 * distances between the profiles are embedded in 2-D by classical MDS (signs fixed so the
 * largest loading of each axis is positive).
 */
export function modelMap(tables: TableSet): MapData {
  const rows = benchmarkRows(tables).filter((r) => r.model !== SPOSE49);
  const models = sortModels(rows.map((r) => r.model));
  const keyOf = (r: { metric: string; subset: string }) => `${r.metric}/${r.subset}`;
  // model → metric/subset → value (the last row of a repeated key, as before)
  const byModel: Map<string, Map<string, number>> = d3.rollup(
    rows,
    (v: BenchmarkRow[]) => v[v.length - 1].value,
    (r: BenchmarkRow) => r.model,
    keyOf,
  );
  const keys = [...new Set(rows.map(keyOf))].filter((k) =>
    models.every((m) => byModel.get(m)!.has(k))
  ).sort();
  const columns = keys.map((k) => {
    const v = models.map((m) => byModel.get(m)!.get(k)!);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    return sd > 0 ? v.map((x) => (x - mean) / sd) : null;
  }).filter((c): c is number[] => c !== null);
  const n = models.length;
  const distances = models.map((_, i) =>
    models.map((_, j) => Math.sqrt(columns.reduce((s, c) => s + (c[i] - c[j]) ** 2, 0)))
  );
  if (n < 3 || !columns.length) return { models, distances, points: [], metrics: columns.length };
  // classical MDS: B = −½ J D² J, top two eigenpairs
  const d2 = distances.map((row) => row.map((d) => d * d));
  const rowMean = d2.map((row) => row.reduce((s, x) => s + x, 0) / n);
  const grand = rowMean.reduce((s, x) => s + x, 0) / n;
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = -0.5 * (d2[i][j] - rowMean[i] - rowMean[j] + grand);
  }
  const { values, vectors } = symmetricEigen({ data: b, rows: n, cols: n });
  const axis = (k: number) => {
    const col = n - 1 - k; // ascending order: largest last
    const scale = Math.sqrt(Math.max(values[col], 0));
    const v = models.map((_, i) => vectors.data[i * n + col] * scale);
    const largest = v.reduce((a, x) => (Math.abs(x) > Math.abs(a) ? x : a), 0);
    return largest < 0 ? v.map((x) => -x) : v;
  };
  const xs = axis(0), ys = axis(1);
  return {
    models,
    distances,
    metrics: columns.length,
    points: models.map((model, i) => ({
      model,
      label: modelStyle(model).label,
      x: xs[i],
      y: ys[i],
    })),
  };
}

/** MDS scatter of models by benchmark profile. */
export const modelSimilarityMap: FigureSpec = {
  name: "model_similarity_map",
  family: "paper",
  title: "Model similarity map",
  purpose:
    "Which models behave alike across all benchmarks: do the human-informed variants separate " +
    "from their shuffled controls and from the baseline?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const map = modelMap(tables);
    const xDomain = paddedExtent(map.points.map((p) => p.x), 0.08);
    const yDomain = paddedExtent(map.points.map((p) => p.y), 0.08);
    const { width, height, margin, placements } = scatterLayout(context, map.points, {
      x: xDomain,
      y: yDomain,
    });
    const panel = map.points.length
      ? Plot.plot({
        document: context.document,
        width,
        height,
        marginTop: margin.top,
        marginLeft: margin.left,
        marginRight: margin.right,
        marginBottom: margin.bottom,
        x: {
          domain: xDomain,
          label: "MDS dimension 1",
          labelAnchor: "center",
          labelArrow: "none",
          grid: true,
        },
        y: { domain: yDomain, label: "MDS dimension 2", labelArrow: "none", grid: true },
        color: modelColorScale(map.models),
        marks: [
          Plot.dot(map.points, {
            x: "x",
            y: "y",
            fill: "label",
            r: 6,
            stroke: INK.background,
            ...tipOptions((p: MapData["points"][number]) =>
              `${p.label}\nMDS (${fmt(p.x, 2)}, ${fmt(p.y, 2)})`
            ),
          }),
          ...placedLabelMarks(map.points, placements, { x: "x", y: "y" }),
        ],
      })
      : messagePanel(
        context,
        `Fewer than three models with common metrics in ${tableFile(TABLE.benchmark)}.`,
      );
    return composeFigure(context, {
      title: "Models by benchmark profile",
      subtitle: `Classical multidimensional scaling of Euclidean distances between the models' ` +
        `z-scored values on the ${map.metrics} metrics every model has; nearby models score alike.`,
      panels: [panel],
    });
  },
  notes(tables) {
    const map = modelMap(tables);
    if (!map.points.length) return ["Fewer than three models with common metrics."];
    return map.models.filter((m) => m !== BASELINE && m !== IMAGENET).map((model) => {
      const i = map.models.indexOf(model);
      let nearest = -1;
      map.models.forEach((_, j) => {
        if (j !== i && (nearest < 0 || map.distances[i][j] < map.distances[i][nearest])) {
          nearest = j;
        }
      });
      return `${modelStyle(model).label} is nearest to ${
        modelStyle(map.models[nearest]).label
      } (profile distance ${fmt(map.distances[i][nearest], 2)} over ${map.metrics} metrics).`;
    });
  },
};
