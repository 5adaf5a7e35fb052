/** GWOT figure: the selected (minimum-GWD) transport plans, concepts sorted by category. */
import * as d3 from "d3";
import { type CategoryOrder, categoryOrder, conceptInfo } from "../common/concepts.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, DEFAULT_SEED, HUMAN_MODEL } from "../common/models.ts";
import { cellVector } from "../common/vectors.ts";
import { fmt, num, str } from "../data.ts";
import { composeFigure, messagePanel, panelWidth } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import type { FigureSpec, Row, TableSet } from "../spec.ts";
import { matrixRow, permuteMatrix } from "./matrix_panel.ts";
import { gwotPlanTable, TABLE } from "../../tables/names.ts";

const MODELS = [BASELINE, HUMAN_MODEL];

/** Table name of a model's selected plan (`gwot/plans/<model>.seed<k>`). */
export function planTable(model: string, seed: number = DEFAULT_SEED): string {
  return gwotPlanTable(`${model}.seed${seed}`);
}

/** A transport plan read from its table. */
export interface Plan {
  /** Concepts (rows: the model's; columns: the human's, same order). */
  ids: string[];
  /** Row-major n × n mass. */
  mass: Float64Array;
}

/** Reads a plan table; null when it is missing or not square. */
export function readPlan(rows: Row[] | undefined): Plan | null {
  if (!rows?.length) return null;
  const n = rows.length;
  const mass = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const v = cellVector(rows[i].plan);
    if (v.length !== n) return null;
    for (let j = 0; j < n; j++) mass[i * n + j] = v[j];
  }
  return { ids: rows.map((r) => str(r.uniqueID)), mass };
}

/** Share of a plan's mass on the diagonal (own concept) and within the same category. */
export function planMassShares(
  plan: Plan,
  primary: readonly string[],
): { diagonal: number; category: number } {
  const n = plan.ids.length;
  let total = 0, diagonal = 0, category = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const m = plan.mass[i * n + j];
      total += m;
      if (i === j) diagonal += m;
      if (primary[i] === primary[j]) category += m;
    }
  }
  return { diagonal: total ? diagonal / total : NaN, category: total ? category / total : NaN };
}

/** Each row divided by its maximum (so every concept's best match is full colour). */
export function rowMaxNormalise(mass: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let j = 0; j < n; j++) max = Math.max(max, mass[i * n + j]);
    for (let j = 0; j < n; j++) out[i * n + j] = max > 0 ? mass[i * n + j] / max : 0;
  }
  return out;
}

interface PlanView {
  model: string;
  plan: Plan;
  order: CategoryOrder;
  summary: Row | undefined;
  /** The plan in category order, each row divided by its maximum (what is drawn). */
  display: Float64Array;
}

/** The plans with their category order and drawn values, once per input row arrays. */
function planViews(tables: TableSet): PlanView[] {
  const inputs = [TABLE.concepts, TABLE.gwotSummary, ...MODELS.map((m) => planTable(m))];
  return memoAll(inputs.map((t) => tables[t]), "planViews", () => buildPlanViews(tables));
}

function buildPlanViews(tables: TableSet): PlanView[] {
  const concepts = conceptInfo(tables);
  const summaries = tables[TABLE.gwotSummary] ?? [];
  return MODELS.flatMap((model) => {
    const plan = readPlan(tables[planTable(model)]);
    if (!plan) return [];
    const order = categoryOrder(plan.ids, (id) => concepts.get(id)?.categories ?? []);
    const summary = summaries.find((r) =>
      str(r.model) === model && (r.solution == null || r.solution === "min_gwd")
    );
    const n = plan.ids.length;
    const display = rowMaxNormalise(permuteMatrix(plan.mass, { n, order: order.order }), n);
    return [{ model, plan, order, summary, display }];
  });
}

/** The selected transport plans of the baseline and the human-matrix model. */
export const transportPlanFigure: FigureSpec = {
  name: "transport_plan",
  family: "gwot",
  title: "Selected transport plans",
  purpose:
    "Where does the minimum-GWD Gromov–Wasserstein plan send each model concept: to its own " +
    "human concept (diagonal), to its category (blocks), or elsewhere?",
  tables: [TABLE.concepts, TABLE.gwotSummary, planTable(BASELINE), planTable(HUMAN_MODEL)],
  render(tables, context) {
    const views = planViews(tables);
    const first = views[0];
    const panel = !first
      ? messagePanel(context, "No transport plan tables (run `deno task align:gwot`).")
      : matrixRow(context, {
        width: panelWidth(context),
        n: first.plan.ids.length,
        blocks: first.order.blocks,
        matrices: views.map((v) => {
          const s = v.summary;
          return {
            label: modelStyle(v.model).label,
            detail: s
              ? `top-1 ${fmt(num(s.top1), 3)} (chance p95 ${fmt(num(s.chance_top1_p95), 3)}), ` +
                `ε ${(num(s.eps) ?? NaN).toExponential(1)}`
              : undefined,
            values: v.display,
          };
        }),
        interpolate: d3.interpolateBlues,
        domain: [0, 1],
        colorBar: { low: "0", high: "row maximum", title: "transported mass / row maximum" },
        axes: { rows: "model concept ↓", columns: "human concept →" },
        separator: "#c6c6c6",
      });
    return composeFigure(context, {
      title: "Gromov–Wasserstein transport plans (minimum-GWD runs)",
      subtitle:
        "Row i: how the mass of the model's concept i is sent to human concepts, without the " +
        "alignment knowing which concept is which. A perfect unsupervised match is the " +
        "diagonal; mass inside a block matches the right THINGSplus category.",
      panels: [panel],
    });
  },
  notes(tables) {
    const views = planViews(tables);
    if (!views.length) return ["No transport plan tables (run `deno task align:gwot`)."];
    return views.map((v) => {
      const primary = v.order.primary;
      const shares = planMassShares(v.plan, primary);
      const n = v.plan.ids.length;
      const s = v.summary;
      const rate = s
        ? ` top-1 matching ${fmt(num(s.top1), 3)} vs chance p95 ${fmt(num(s.chance_top1_p95), 3)};`
        : "";
      return `${modelStyle(v.model).label}:${rate} ${fmt(shares.diagonal * 100, 1)}% of the mass ` +
        `on the own concept (uniform plan: ${fmt(100 / n, 1)}%), ` +
        `${fmt(shares.category * 100, 1)}% within the primary category.`;
    });
  },
};
