/**
 * Per-concept retrieval scores from `benchmark/retrieval_queries` (mean average precision of a
 * concept's test queries, first seed of each model), shared by the exploratory figures.
 * Browser-safe.
 *
 * @module
 */
import * as d3 from "d3";
import { firstSeeds, num, str, tableRows } from "../data.ts";
import { sortModels } from "../palette.ts";
import { memo } from "../common/memo.ts";
import type { Row, TableSet } from "../spec.ts";
import { TABLE } from "../../tables/names.ts";

/** Mean AP and query count of one model on one concept. */
export interface ConceptScore {
  /** Model key. */
  model: string;
  /** Concept. */
  uniqueID: string;
  /** Mean average precision of the concept's queries. */
  ap: number;
  /** Queries of the concept. */
  queries: number;
}

/**
 * Per-concept mean AP for every model (first seed), models in display order; computed once per
 * row array (do not modify the result).
 */
export function conceptScores(tables: TableSet): ConceptScore[] {
  const rows = tableRows(tables, TABLE.retrievalQueries);
  return memo(rows, "conceptScores", () => buildConceptScores(rows));
}

function buildConceptScores(rows: Row[]): ConceptScore[] {
  const seedOf = firstSeeds(rows);
  const scored = rows.filter((r) =>
    num(r.seed) === seedOf.get(str(r.model)) && num(r.average_precision) !== null
  );
  // mean AP per (model, concept), queries in table order
  const means: [string, string, { ap: number; queries: number }][] = d3.flatRollup(
    scored,
    (v: Row[]) => ({
      ap: d3.sum(v, (r: Row) => num(r.average_precision)) / v.length,
      queries: v.length,
    }),
    (r: Row) => str(r.model),
    (r: Row) => str(r.uniqueID),
  );
  const order = sortModels([...seedOf.keys()]);
  return means.map(([model, uniqueID, { ap, queries }]) => ({ model, uniqueID, ap, queries }))
    .sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model));
}

/**
 * Per-concept change of mean AP from `versus` to `model` (`a` = model, `b` = versus), for
 * concepts both models have.
 */
export function conceptChanges(
  scores: ConceptScore[],
  options: { model: string; versus: string },
): { uniqueID: string; a: number; b: number; delta: number }[] {
  const a = options.model, b = options.versus;
  const of = (m: string) =>
    new Map(scores.filter((s) => s.model === m).map((s) => [s.uniqueID, s]));
  const sa = of(a), sb = of(b);
  return [...sa.values()].flatMap((x) => {
    const y = sb.get(x.uniqueID);
    return y ? [{ uniqueID: x.uniqueID, a: x.ap, b: y.ap, delta: x.ap - y.ap }] : [];
  });
}
