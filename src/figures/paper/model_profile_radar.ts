/** Paper figure: small-multiple radar profiles of every model over the headline benchmarks. */
import { benchmarkRows, fmt } from "../data.ts";
import {
  composeFigure,
  messagePanel,
  type Panel,
  panelWidth,
  svgElement,
  svgText,
} from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import { RANK_METRICS } from "./benchmark_rank_bump.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Shorter axis labels for the small radars. */
const RADAR_LABELS: Record<string, string> = {
  "retrieval@1": "R@1",
  "human-pair ρ": "pair ρ",
  "odd-one-out": "odd-one-out",
  "properties ρ": "props ρ",
  "category AUC": "cat. AUC",
};

interface Profile {
  model: string;
  /** Min–max normalised value per axis (NaN where the model lacks the metric). */
  scaled: number[];
  values: number[];
}

/** Per-model profiles over the headline axes, min–max scaled across image models. */
export function modelProfiles(tables: TableSet): { axes: string[]; profiles: Profile[] } {
  const rows = benchmarkRows(tables).filter((r) => r.model !== SPOSE49);
  const axes = RANK_METRICS.filter((m) =>
    rows.some((r) => r.metric === m.metric && r.subset === m.subset)
  );
  const models = sortModels(rows.map((r) => r.model));
  const value = (model: string, i: number) =>
    rows.find((r) =>
      r.model === model && r.metric === axes[i].metric && r.subset === axes[i].subset
    )?.value ?? NaN;
  const ranges = axes.map((_, i) => {
    const v = models.map((m) => value(m, i)).filter(Number.isFinite);
    return [Math.min(...v), Math.max(...v)];
  });
  const profiles = models.map((model) => {
    const values = axes.map((_, i) => value(model, i));
    const scaled = values.map((v, i) => {
      const [lo, hi] = ranges[i];
      return hi > lo ? (v - lo) / (hi - lo) : 0.5;
    });
    return { model, values, scaled };
  });
  return { axes: axes.map((a) => RADAR_LABELS[a.short] ?? a.short), profiles };
}

function radar(
  context: FigureContext,
  axes: string[],
  profile: Profile,
  reference: Profile | undefined,
  size: number,
): SVGSVGElement {
  const { document } = context;
  const height = size * 0.86;
  const svg = svgElement(document, "svg", { width: size, height });
  const cx = size / 2, cy = height / 2, radius = Math.min(size * 0.27, height * 0.36);
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
  const point = (i: number, r: number) =>
    `${(cx + r * Math.cos(angle(i))).toFixed(2)},${(cy + r * Math.sin(angle(i))).toFixed(2)}`;
  const polygon = (scaled: number[]) =>
    scaled.map((s, i) => point(i, radius * (0.15 + 0.85 * (Number.isFinite(s) ? s : 0)))).join(" ");
  for (const level of [0.25, 0.5, 0.75, 1]) {
    svg.append(svgElement(document, "polygon", {
      points: axes.map((_, i) => point(i, radius * (0.15 + 0.85 * level))).join(" "),
      fill: "none",
      stroke: INK.grid,
    }));
  }
  axes.forEach((axis, i) => {
    const [x, y] = point(i, radius).split(",");
    svg.append(svgElement(document, "line", { x1: cx, y1: cy, x2: x, y2: y, stroke: INK.grid }));
    const cos = Math.cos(angle(i));
    const [lx, ly] = point(i, radius + 9).split(",").map(Number);
    svg.append(svgText(document, axis, {
      x: lx.toFixed(2),
      y: (ly + 3).toFixed(2),
      "font-size": FONT_SIZE.small - 1.5,
      fill: INK.muted,
      "text-anchor": Math.abs(cos) < 0.2 ? "middle" : cos > 0 ? "start" : "end",
    }));
  });
  if (reference && reference.model !== profile.model) {
    svg.append(svgElement(document, "polygon", {
      points: polygon(reference.scaled),
      fill: "none",
      stroke: modelStyle(reference.model).color,
      "stroke-width": 1,
      "stroke-dasharray": "3,2",
    }));
  }
  const color = modelStyle(profile.model).color;
  const shape = svgElement(document, "polygon", {
    points: polygon(profile.scaled),
    fill: color,
    "fill-opacity": 0.22,
    stroke: color,
    "stroke-width": 1.8,
  });
  // the browser's native tooltip (a <title> draws nothing): the model's value on every axis
  const title = svgElement(document, "title");
  title.textContent = [
    modelStyle(profile.model).label,
    ...axes.map((axis, i) => `${axis} ${fmt(profile.values[i])}`),
  ].join("\n");
  shape.append(title);
  svg.append(shape);
  return svg;
}

/** Radar profiles, one small multiple per model, the baseline dashed in each. */
export const modelProfileRadar: FigureSpec = {
  name: "model_profile_radar",
  family: "paper",
  title: "Model profile radar",
  purpose:
    "What is each model's profile of strengths across practical, human-alignment and transfer " +
    "benchmarks, relative to the other models and to the baseline?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const { axes, profiles } = modelProfiles(tables);
    const columns = 3;
    const size = panelWidth(context, columns);
    const reference = profiles.find((p) => p.model === BASELINE);
    const panels: Panel[] = profiles.map((p) => ({
      label: modelStyle(p.model).label,
      svg: radar(context, axes, p, reference, size),
    }));
    return composeFigure(context, {
      title: "Model profiles across benchmarks",
      subtitle:
        "Each axis is min–max scaled across the image models (centre = lowest, rim = highest); " +
        "the dashed outline is the baseline.",
      legend: reference
        ? [{ label: "baseline profile", color: modelStyle(BASELINE).color, symbol: "dash" }]
        : undefined,
      columns,
      panels: panels.length
        ? panels
        : [messagePanel(context, `No headline metrics in ${tableFile(TABLE.benchmark)}.`)],
    });
  },
  notes(tables) {
    const { axes, profiles } = modelProfiles(tables);
    if (!profiles.length) return [`No headline metrics in ${tableFile(TABLE.benchmark)}.`];
    return profiles.map((p) => {
      const best = axes.filter((_, i) => p.scaled[i] === 1);
      const area = p.scaled.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0) / axes.length;
      return `${modelStyle(p.model).label}: mean scaled score ${fmt(area, 2)}` +
        (best.length ? `; highest of all models on ${best.join(", ")}` : "") + ".";
    });
  },
};
