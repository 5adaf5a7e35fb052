/**
 * GWOT figure (seed 003, Fig. 3f–g): for a few query concepts, the five human concepts the
 * selected (minimum-GWD) transport plan sends most of the model concept's mass to, with that
 * mass as a share of the row, for the baseline and the human-informed model.
 *
 * @module
 */
import { conceptInfo, conceptWord } from "../common/concepts.ts";
import {
  conceptImages,
  MARK,
  queryBlockGrid,
  queryTileBlock,
  type RowItem,
} from "../common/images.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, HUMAN_MODEL } from "../common/models.ts";
import { fmt } from "../data.ts";
import { composeFigure, messagePanel } from "../frame.ts";
import { modelStyle } from "../palette.ts";
import { PREFERRED_PROBES } from "../examples/semantic_probes.ts";
import type { FigureContext, FigureSpec, TableSet } from "../spec.ts";
import { type Plan, planTable, readPlan } from "./transport_plan.ts";
import { TABLE } from "../../tables/names.ts";

const MODELS = [BASELINE, HUMAN_MODEL];

/** Matches shown per query. */
export const TOP_K = 5;

/** One human concept a query is matched to. */
export interface PlanMatch {
  /** Human concept (uniqueID). */
  uniqueID: string;
  /** Its mass as a share of the query's row (0…1). */
  weight: number;
}

/** The top matches of one query in one model's plan. */
export interface QueryMatches {
  /** Query concept (uniqueID): a row of the plan (the model's concept). */
  query: string;
  /** Per model with a plan: its {@link TOP_K} largest entries of the query's row. */
  models: { model: string; matches: PlanMatch[] }[];
}

/**
 * The `k` largest entries of row `row` of a plan as matches (ties: the lower column first), each
 * weighted by its share of the row's mass.
 */
export function topMatches(plan: Plan, options: { row: number; k: number }): PlanMatch[] {
  const n = plan.ids.length;
  const values = plan.mass.subarray(options.row * n, (options.row + 1) * n);
  let total = 0;
  for (const v of values) total += v;
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) =>
    values[b] - values[a] || a - b
  );
  return order.slice(0, options.k).map((j) => ({
    uniqueID: plan.ids[j],
    weight: total > 0 ? values[j] / total : NaN,
  }));
}

/**
 * Query concepts and their matches. Queries: {@link PREFERRED_PROBES} that every plan has, then
 * (to reach `count`) the first concepts of the plan whose categories no query has yet.
 */
export function queryMatches(tables: TableSet, options: { count?: number } = {}): QueryMatches[] {
  const count = options.count ?? 4;
  const inputs = [TABLE.concepts, ...MODELS.map((m) => planTable(m))];
  return memoAll(
    inputs.map((t) => tables[t]),
    `gwotTopMatches:${count}`,
    () => computeQueries(tables, count),
  );
}

function computeQueries(tables: TableSet, count: number): QueryMatches[] {
  const plans = MODELS.flatMap((model) => {
    const plan = readPlan(tables[planTable(model)]);
    return plan ? [{ model, plan, row: new Map(plan.ids.map((id, i) => [id, i])) }] : [];
  });
  if (!plans.length) return [];
  const concepts = conceptInfo(tables);
  const candidates = plans[0].plan.ids.filter((id) => plans.every((p) => p.row.has(id)));
  const queries = PREFERRED_PROBES.filter((p) => candidates.includes(p)).slice(0, count);
  const used = new Set(queries.flatMap((q) => concepts.get(q)?.categories ?? []));
  for (const id of candidates) {
    if (queries.length >= count) break;
    const cats = concepts.get(id)?.categories ?? [];
    if (queries.includes(id) || !cats.length || cats.some((c) => used.has(c))) continue;
    queries.push(id);
    cats.forEach((c) => used.add(c));
  }
  for (const id of candidates) {
    if (queries.length >= count) break;
    if (!queries.includes(id)) queries.push(id);
  }
  return queries.map((query) => ({
    query,
    models: plans.map((p) => ({
      model: p.model,
      matches: topMatches(p.plan, { row: p.row.get(query)!, k: TOP_K }),
    })),
  }));
}

function queryBlock(
  context: FigureContext,
  result: QueryMatches,
  options: {
    x: number;
    y: number;
    images: Map<string, string>;
    words: (id: string) => string;
    categories: (id: string) => string[];
  },
): { group: SVGGElement; height: number } {
  const own = new Set(options.categories(result.query));
  return queryTileBlock(context, {
    x: options.x,
    y: options.y,
    title: options.words(result.query),
    item: { path: options.images.get(result.query) ?? null, label: "query" },
    rows: result.models.map(({ model, matches }) => ({
      label: modelStyle(model).label,
      color: modelStyle(model).color,
      items: matches.map((m): RowItem => {
        const same = m.uniqueID === result.query;
        const category = !same && options.categories(m.uniqueID).some((c) => own.has(c));
        return {
          path: options.images.get(m.uniqueID) ?? null,
          label: options.words(m.uniqueID),
          detail: `${fmt(m.weight * 100, 0)}%`,
          frame: same || category ? MARK.match : undefined,
          dashed: category,
        };
      }),
    })),
  });
}

/** Top-5 matched objects of example queries. */
export const topMatchesFigure: FigureSpec = {
  name: "top_matches",
  family: "gwot",
  title: "Top-5 matched objects",
  purpose:
    "Where does the selected Gromov–Wasserstein plan send a few example concepts: to the same " +
    "human concept, to concepts of its category, or elsewhere?",
  tables: [TABLE.concepts, TABLE.images, TABLE.gwotSummary, ...MODELS.map((m) => planTable(m))],
  render(tables, context) {
    const results = queryMatches(tables);
    const concepts = conceptInfo(tables);
    const images = conceptImages(tables);
    const panel = results.length
      ? queryBlockGrid(context, results, {
        k: TOP_K,
        draw: (result, at) =>
          queryBlock(context, result, {
            ...at,
            images,
            words: (id) => conceptWord(concepts, id),
            categories: (id) => concepts.get(id)?.categories ?? [],
          }),
      })
      : messagePanel(context, "No transport plan tables (run `deno task align:gwot`).");
    return composeFigure(context, {
      title: `Top-${TOP_K} matched objects of the selected transport plans`,
      subtitle: `For each query (a model concept), the ${TOP_K} human concepts its row of the ` +
        "minimum-GWD plan sends the most mass to, found without knowing which concept is which; " +
        "the number is that mass as a share of the row.",
      legend: [
        { label: "the query's own concept", color: MARK.match, symbol: "ring" },
        { label: "same THINGSplus category", color: MARK.match, symbol: "dash" },
      ],
      panels: [panel],
    });
  },
  notes(tables) {
    const results = queryMatches(tables);
    if (!results.length) return ["No transport plan tables (run `deno task align:gwot`)."];
    const concepts = conceptInfo(tables);
    const perModel = MODELS.flatMap((model) => {
      let hits = 0, first = 0, present = false;
      for (const r of results) {
        const m = r.models.find((x) => x.model === model);
        if (!m) continue;
        present = true;
        if (m.matches.some((x) => x.uniqueID === r.query)) hits++;
        if (m.matches[0]?.uniqueID === r.query) first++;
      }
      return present
        ? [
          `${
            modelStyle(model).label
          }: own concept first for ${first}, in the top ${TOP_K} for ${hits}`,
        ]
        : [];
    });
    return [
      `Queries: ${results.map((r) => conceptWord(concepts, r.query)).join(", ")}.`,
      `Of these ${results.length} queries — ${perModel.join("; ")}.`,
    ];
  },
};
