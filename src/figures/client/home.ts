/**
 * The client readout's data: home-product queries (concepts in THINGSplus home categories), each
 * model's suggested related items among the query's held-out human pairs, and how humans rate
 * those suggestions. Only pairs of the `test` split are candidates, so the human similarity that
 * scores a suggestion was never part of any model's training (the matrix models train on the
 * `train` pairs). Browser-safe.
 *
 * @module
 */
import { conceptInfo } from "../common/concepts.ts";
import { humanPairs } from "../common/human.ts";
import { memoAll } from "../common/memo.ts";
import { BASELINE, CONTROL_MODEL, HUMAN_MODEL, prototypesTable } from "../common/models.ts";
import { similaritiesTo, topK, type VectorSet, vectorSet } from "../common/vectors.ts";
import type { TableSet } from "../spec.ts";
import { TABLE } from "../../tables/names.ts";

/** THINGSplus categories of home products. */
export const HOME_CATEGORIES = [
  "furniture",
  "home decor",
  "home appliance",
  "kitchen appliance",
  "kitchen tool",
  "lighting",
  "container",
];

/** Concepts also in these categories are not home products (test tube, syringe, petri dish). */
export const EXCLUDED_CATEGORIES = ["scientific equipment", "medical equipment"];

/** Suggestions per query. */
export const SUGGESTIONS = 3;

/** Models of the readout: baseline, human-matrix alignment, its shuffled-matrix control. */
export const CLIENT_MODELS = [BASELINE, HUMAN_MODEL, CONTROL_MODEL];

/** One suggestion. */
export interface Suggestion {
  /** Suggested concept. */
  uniqueID: string;
  /** Its held-out human similarity to the query. */
  human: number;
}

/** One home-product query. */
export interface HomeQuery {
  /** Query concept. */
  query: string;
  /** Held-out candidates (concepts with a test pair to the query and a prototype in every model). */
  candidates: number;
  /** Suggestions per model (models with a prototype table only). */
  suggestions: Map<string, Suggestion[]>;
  /** Mean held-out human similarity of each model's suggestions. */
  score: Map<string, number>;
}

/** Whether a concept's categories make it a home product. */
export function isHomeProduct(categories: readonly string[]): boolean {
  return categories.some((c) => HOME_CATEGORIES.includes(c)) &&
    !categories.some((c) => EXCLUDED_CATEGORIES.includes(c));
}

/**
 * The readout for every home-product query with at least `k + 2` held-out candidates, in
 * canonical concept order. Suggestions: the `k` candidates with the highest prototype cosine
 * (ties by the model's prototype order). Memoised per input row arrays.
 */
export function homeQueries(tables: TableSet, options: { k?: number } = {}): {
  models: string[];
  queries: HomeQuery[];
} {
  const k = options.k ?? SUGGESTIONS;
  const inputs = [TABLE.concepts, TABLE.humanPairs, ...CLIENT_MODELS.map(prototypesTable)];
  return memoAll(inputs.map((t) => tables[t]), `homeQueries:${k}`, () => buildQueries(tables, k));
}

function buildQueries(tables: TableSet, k: number): { models: string[]; queries: HomeQuery[] } {
  const concepts = conceptInfo(tables);
  const human = humanPairs(tables);
  const sets: [string, VectorSet][] = CLIENT_MODELS.filter((m) => tables[prototypesTable(m)])
    .map((m) => [m, vectorSet(tables[prototypesTable(m)])]);
  if (!sets.length) return { models: [], queries: [] };
  const inAll = (id: string) => sets.every(([, s]) => s.index.has(id));
  const queries: HomeQuery[] = [];
  const ids = [...sets[0][1].ids].sort((a, b) =>
    (concepts.get(a)?.index ?? 0) - (concepts.get(b)?.index ?? 0)
  );
  for (const query of ids) {
    if (!inAll(query) || !isHomeProduct(concepts.get(query)?.categories ?? [])) continue;
    const heldOut = new Map(
      human.partners(query).filter((p) => p.split === "test" && inAll(p.uniqueID))
        .map((p) => [p.uniqueID, p.similarity]),
    );
    if (heldOut.size < k + 2) continue;
    const suggestions = new Map<string, Suggestion[]>();
    const score = new Map<string, number>();
    for (const [model, set] of sets) {
      // only the held-out candidates are ranked: the other similarities are not computed
      const include = (j: number) => heldOut.has(set.ids[j]);
      const sims = similaritiesTo(set, set.index.get(query)!, { include });
      const list = topK(sims, k, { include })
        .map((j) => ({ uniqueID: set.ids[j], human: heldOut.get(set.ids[j])! }));
      suggestions.set(model, list);
      score.set(model, list.reduce((s, x) => s + x.human, 0) / Math.max(1, list.length));
    }
    queries.push({ query, candidates: heldOut.size, suggestions, score });
  }
  return { models: sets.map(([m]) => m), queries };
}

/** Change of a query's score from `versus` to `model`; NaN when either is missing. */
export function scoreChange(q: HomeQuery, options: { model: string; versus: string }): number {
  const x = q.score.get(options.model), y = q.score.get(options.versus);
  return x === undefined || y === undefined ? NaN : x - y;
}

/**
 * Counts of queries that improve, worsen or stay (|Δ| ≤ `tolerance`, default 1e-9) from
 * `versus` to `model`, and the mean change.
 */
export function changeCounts(
  queries: HomeQuery[],
  options: { model: string; versus: string; tolerance?: number },
): { better: number; worse: number; same: number; mean: number } {
  const tolerance = options.tolerance ?? 1e-9;
  const deltas = queries.map((q) => scoreChange(q, options)).filter(Number.isFinite);
  return {
    better: deltas.filter((d) => d > tolerance).length,
    worse: deltas.filter((d) => d < -tolerance).length,
    same: deltas.filter((d) => Math.abs(d) <= tolerance).length,
    mean: deltas.length ? deltas.reduce((s, d) => s + d, 0) / deltas.length : NaN,
  };
}

/**
 * Cases for the readout: the `improved` queries whose score rises most from the baseline to the
 * human-matrix model, then the `declined` ones whose score falls most (ties by query order);
 * when there are fewer, unchanged queries (in query order) fill the remaining places.
 */
export function selectCases(
  queries: HomeQuery[],
  options: { improved?: number; declined?: number } = {},
): { query: HomeQuery; change: number }[] {
  const scored = queries.map((query, i) => ({
    query,
    i,
    change: scoreChange(query, { model: HUMAN_MODEL, versus: BASELINE }),
  })).filter((c) => Number.isFinite(c.change));
  const up = scored.filter((c) => c.change > 0).sort((a, b) => b.change - a.change || a.i - b.i)
    .slice(0, options.improved ?? 3);
  const down = scored.filter((c) => c.change < 0).sort((a, b) => a.change - b.change || a.i - b.i)
    .slice(0, options.declined ?? 1);
  const total = (options.improved ?? 3) + (options.declined ?? 1);
  const rest = scored.filter((c) => c.change === 0).slice(
    0,
    Math.max(0, total - up.length - down.length),
  );
  return [...up, ...down, ...rest].map(({ query, change }) => ({ query, change }));
}
