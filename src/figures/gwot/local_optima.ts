/** GWOT figure: GW distance vs matching rate of every run (ε × initial plan), per model. */
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { firstSeeds, fmt, num, str, tableRows } from "../data.ts";
import { composeFigure, type LegendItem, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle, sortModels } from "../palette.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";
import { pointerTip } from "../common/tips.ts";
import { UNTRAINED } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** One run of `gwot.arrow`. */
export interface GwotRun {
  /** Model key. */
  model: string;
  /** Entropic regularisation. */
  eps: number;
  /** Initial plan (0 = product plan). */
  init: number;
  /** GW distance. */
  gwd: number;
  /** Top-1 matching rate. */
  top1: number;
  /** Minimum-GWD run of the model. */
  selected: boolean;
  /** Highest-matching-rate run of the model (`best_matching`; false in older tables). */
  bestMatching: boolean;
}

/**
 * Runs of `gwot.arrow` (first seed per model), models in display order. The untrained networks'
 * runs are left out: their GW distances, several times the models', would squeeze the shared
 * axis (the matching-rates figure shows the untrained baseline).
 */
export function gwotRuns(tables: TableSet): GwotRun[] {
  const rows = tableRows(tables, TABLE.gwot).filter((r) => r.model !== UNTRAINED);
  const seedOf = firstSeeds(rows);
  const runs = rows.filter((r) => num(r.seed) === seedOf.get(str(r.model))).map((r) => ({
    model: str(r.model),
    eps: num(r.eps) ?? NaN,
    init: num(r.init) ?? 0,
    gwd: num(r.gwd) ?? NaN,
    top1: num(r.top1) ?? NaN,
    selected: r.selected === true,
    bestMatching: r.best_matching === true,
  })).filter((r) => Number.isFinite(r.gwd) && Number.isFinite(r.top1));
  const order = sortModels(runs.map((r) => r.model));
  return runs.sort((a, b) =>
    order.indexOf(a.model) - order.indexOf(b.model) || a.eps - b.eps || a.init - b.init
  );
}

/** Tooltip of one run: model, ε, initial plan, GW distance and top-1 matching rate. */
function runTip(r: GwotRun): string {
  const role = r.selected ? "\nminimum GWD (selected)" : r.bestMatching ? "\nbest matching" : "";
  return `${modelStyle(r.model).label}\ntop-1 ${fmt(r.top1)} · GWD ${fmt(r.gwd, 4)}\n` +
    `ε ${r.eps.toPrecision(2)} · initial plan ${r.init}${role}`;
}

/**
 * Per model: whether the selected (minimum-GWD) run also has the highest top-1 of its runs, and
 * the top-1 of the selected and the best run.
 */
export function selectionAgreement(
  runs: GwotRun[],
): { model: string; selectedTop1: number; bestTop1: number; agrees: boolean }[] {
  return sortModels(runs.map((r) => r.model)).map((model) => {
    const own = runs.filter((r) => r.model === model);
    const selected = own.find((r) => r.selected) ??
      own.reduce((a, b) => (b.gwd < a.gwd ? b : a));
    const bestTop1 = Math.max(...own.map((r) => r.top1));
    return { model, selectedTop1: selected.top1, bestTop1, agrees: selected.top1 >= bestTop1 };
  });
}

/** Position of each run's ε in its model's ε grid (0 = smallest). */
export function epsSteps(runs: GwotRun[]): Map<GwotRun, number> {
  const grids: Map<string, number[]> = d3.rollup(
    runs,
    (v: GwotRun[]) => [...new Set(v.map((r) => r.eps))].sort((a, b) => a - b),
    (r: GwotRun) => r.model,
  );
  return new Map(runs.map((r) => [r, grids.get(r.model)!.indexOf(r.eps)]));
}

/** `k` in subscript digits. */
function subscript(k: number): string {
  return String(k).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
}

const COLUMNS = 4;

/** Narrowest facet, in pixels, before the grid drops a column. */
const FACET_WIDTH = 140;

/** Ring of the highest-matching-rate run (seed 003, Fig. 4c: red circle). */
const BEST_MATCHING_COLOR = "#d73027";

/** Colours of the runs by the step of their model's own ε grid. */
interface StepColors {
  /** Steps of the longest grid. */
  steps: number;
  /** Colour of step `k`. */
  stepColor: (k: number) => string;
  /** Colour of a run. */
  color: (r: GwotRun) => string;
}

/** The ε-step colours of `runs`. */
function stepColors(runs: GwotRun[]): StepColors {
  // ε grids are scaled per model: colour by the step of the model's own grid, on viridis
  // stopping short of its pale yellow end (hard to see on white)
  const step = epsSteps(runs);
  const steps = Math.max(1, ...step.values()) + 1;
  const stepColor = (k: number) =>
    d3.interpolateViridis(steps > 1 ? (0.85 * k) / (steps - 1) : 0.4);
  const color = (r: GwotRun) => stepColor(step.get(r)!);
  return { steps, stepColor, color };
}

/** The top-1 chance level (95th percentile) of each model's minimum-GWD solution. */
function chanceLevels(tables: TableSet, models: string[]): { model: string; chance: number }[] {
  // the minimum-GWD solution's chance level (tables before the `solution` column: every row)
  const chance = new Map(
    tableRows(tables, TABLE.gwotSummary).filter((r) =>
      r.solution == null || r.solution === "min_gwd"
    )
      .map((r) => [str(r.model), num(r.chance_top1_p95)]),
  );
  return models.flatMap((m) => {
    const c = chance.get(m);
    return c === null || c === undefined ? [] : [{ model: m, chance: c }];
  });
}

/** The faceted scatter of GW distance against top-1, one facet per model. */
function sweepPlot(
  context: FigureContext,
  data: {
    runs: GwotRun[];
    models: string[];
    chanceRows: { model: string; chance: number }[];
    color: (r: GwotRun) => string;
  },
) {
  const { runs, models, chanceRows, color } = data;
  const facet = new Map(models.map((m, i) => [m, i]));
  const width = panelWidth(context);
  // fewer facet columns on a narrow page (each facet at least FACET_WIDTH wide)
  const columns = Math.max(1, Math.min(COLUMNS, Math.floor((width - 52) / FACET_WIDTH)));
  const fx = (r: { model: string }) => facet.get(r.model)! % columns;
  const fy = (r: { model: string }) => Math.floor(facet.get(r.model)! / columns);
  const rowsOfFacets = Math.ceil(models.length / columns);
  const at = { x: "gwd", y: "top1", fx, fy };
  return Plot.plot({
    document: context.document,
    width,
    height: 40 + rowsOfFacets * 150,
    marginLeft: 44,
    marginTop: 16,
    marginBottom: 36,
    marginRight: 8,
    fx: { axis: null, padding: 0.12 },
    fy: { axis: null, padding: 0.2 },
    x: { label: "GW distance", labelAnchor: "center", labelArrow: "none", ticks: 3 },
    y: { label: "top-1 matching", domain: [0, 1], ticks: 4, labelArrow: "none" },
    marks: [
      Plot.frame({ stroke: INK.grid }),
      Plot.ruleY(chanceRows, {
        y: "chance",
        fx,
        fy,
        stroke: INK.reference,
        strokeDasharray: "3,3",
      }),
      Plot.dot(runs.filter((r) => r.init !== 0), {
        ...at,
        stroke: color,
        strokeWidth: 1.4,
        r: 3,
      }),
      Plot.dot(runs.filter((r) => r.init === 0), {
        ...at,
        fill: color,
        r: 3.2,
      }),
      Plot.dot(runs.filter((r) => r.bestMatching && !r.selected), {
        ...at,
        stroke: BEST_MATCHING_COLOR,
        strokeWidth: 1.4,
        r: 6.5,
      }),
      Plot.dot(runs.filter((r) => r.selected), {
        ...at,
        stroke: INK.text,
        strokeWidth: 1.4,
        r: 6.5,
      }),
      Plot.text(models.map((m) => ({ model: m })), {
        fx,
        fy,
        frameAnchor: "top-left",
        dx: 4,
        dy: 4,
        text: (d: { model: string }) => modelStyle(d.model).label,
        fontSize: FONT_SIZE.small,
        fontWeight: "bold",
        fill: (d: { model: string }) => modelStyle(d.model).color,
      }),
      // one tip for all runs: per-mark tips would each show one in a faceted plot
      pointerTip(runs, { ...at, title: runTip }),
    ],
  });
}

/** Legend: one entry per ε step, then the start, selection and chance marks. */
function sweepLegend(runs: GwotRun[], colors: StepColors): LegendItem[] {
  const { steps, stepColor } = colors;
  return [
    ...Array.from({ length: steps }, (_, k): LegendItem => ({
      label: k === 0
        ? "ε₁ (smallest)"
        : k === steps - 1
        ? `ε${subscript(k + 1)} (largest)`
        : `ε${subscript(k + 1)}`,
      color: stepColor(k),
      symbol: "circle",
    })),
    {
      label: "product-plan start (filled) / random start (hollow)",
      color: INK.muted,
      symbol: "ring",
    },
    { label: "selected (minimum GWD)", color: INK.text, symbol: "ring" },
    ...(runs.some((r) => r.bestMatching)
      ? [
        {
          label: "highest top-1 (when not the selected run)",
          color: BEST_MATCHING_COLOR,
          symbol: "ring",
        } satisfies LegendItem,
      ]
      : []),
    { label: "top-1 chance (95th pct.)", color: INK.reference, symbol: "dash" },
  ];
}

/** Local optima of the ε × init sweep. */
export const localOptimaFigure: FigureSpec = {
  name: "local_optima",
  family: "gwot",
  title: "GWOT local optima",
  purpose:
    "Across ε and initial plans, do lower Gromov–Wasserstein distances go with better matching, " +
    "so that choosing the minimum-GWD solution is justified?",
  tables: [TABLE.gwot, TABLE.gwotSummary],
  render(tables, context) {
    const runs = gwotRuns(tables);
    if (!runs.length) {
      return composeFigure(context, {
        title: "GW distance vs matching rate",
        panels: [messagePanel(context, `No rows in ${tableFile(TABLE.gwot)}.`)],
      });
    }
    const models = sortModels(runs.map((r) => r.model));
    const colors = stepColors(runs);
    const chanceRows = chanceLevels(tables, models);
    const plot = sweepPlot(context, { runs, models, chanceRows, color: colors.color });
    return composeFigure(context, {
      title: "GW distance vs top-1 matching over the ε × initial-plan sweep",
      subtitle:
        "Each point is one run of entropic Gromov–Wasserstein (ε from each model's own log grid); " +
        "the circled run has the lowest GW distance and is the one reported. Points up and to " +
        "the left are better optima.",
      legend: sweepLegend(runs, colors),
      panels: [plot],
    });
  },
  notes(tables) {
    const runs = gwotRuns(tables);
    if (!runs.length) return [`No rows in ${tableFile(TABLE.gwot)}.`];
    const agreement = selectionAgreement(runs);
    const agree = agreement.filter((a) => a.agrees);
    const misses = agreement.filter((a) => !a.agrees).map((a) =>
      `${modelStyle(a.model).label} ${fmt(a.selectedTop1, 3)} vs ${fmt(a.bestTop1, 3)}`
    );
    const perModel = runs.length / Math.max(1, agreement.length);
    return [
      `${runs.length} runs (${fmt(perModel, 0)} per model: ${
        Math.max(0, ...epsSteps(runs).values()) + 1
      } ε values of each model's grid × initial plans).`,
      `The minimum-GWD run also has the best top-1 of its sweep in ${agree.length} of ` +
      `${agreement.length} models.`,
      ...(misses.length ? [`Selected vs best top-1 elsewhere: ${misses.join("; ")}.`] : []),
    ];
  },
};
