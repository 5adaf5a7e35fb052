/**
 * Concept facts for figures (display word, THINGSplus categories) and the category sort used by
 * RDMs and transport plans: each concept gets one primary category, and concepts are grouped in
 * category blocks. Browser-safe.
 *
 * @module
 */
import * as d3 from "d3";
import { num, str, tableRows } from "../data.ts";
import type { Row, TableSet } from "../spec.ts";
import { memo } from "./memo.ts";
import { TABLE } from "../../tables/names.ts";

/** One concept of `concepts.arrow`. */
export interface ConceptInfo {
  /** THINGS uniqueID. */
  uniqueID: string;
  /** Display word. */
  word: string;
  /** Canonical row. */
  index: number;
  /** THINGSplus categories. */
  categories: string[];
}

/** Label of concepts without a THINGSplus category. */
export const UNCATEGORISED = "no category";

/** Concepts of `concepts.arrow` by uniqueID (once per row array; do not modify the map). */
export function conceptInfo(tables: TableSet): Map<string, ConceptInfo> {
  const rows = tableRows(tables, TABLE.concepts);
  return memo(rows, "conceptInfo", () => buildConceptInfo(rows));
}

function buildConceptInfo(rows: Row[]): Map<string, ConceptInfo> {
  const out = new Map<string, ConceptInfo>();
  for (const row of rows) {
    const uniqueID = str(row.uniqueID);
    const categories = Array.isArray(row.categories) ? row.categories.map(str) : [];
    out.set(uniqueID, {
      uniqueID,
      word: str(row.word) || uniqueID,
      index: num(row.index) ?? -1,
      categories,
    });
  }
  return out;
}

/** Display word of a concept (its uniqueID when unknown). */
export function conceptWord(concepts: Map<string, ConceptInfo>, uniqueID: string): string {
  return concepts.get(uniqueID)?.word ?? uniqueID;
}

/** One block of consecutive concepts sharing a primary category. */
export interface CategoryBlock {
  /** Category name ({@link UNCATEGORISED} for concepts without one). */
  category: string;
  /** First position in the sorted order. */
  start: number;
  /** Number of concepts. */
  size: number;
}

/** Result of {@link categoryOrder}. */
export interface CategoryOrder {
  /** Positions into the input ids, in display order. */
  order: number[];
  /** Primary category of each input id (input order). */
  primary: string[];
  /** Blocks of the display order. */
  blocks: CategoryBlock[];
}

/**
 * Sorts concepts into category blocks. A concept's primary category is the one of its
 * categories with the most members among `ids` (ties: alphabetical), so broad categories
 * (animal, food) absorb their members and blocks are as large as possible. Blocks are ordered
 * by size (largest first, ties alphabetical), concepts without a category last; within a block
 * concepts keep their input order.
 */
export function categoryOrder(
  ids: readonly string[],
  categoriesOf: (uniqueID: string) => readonly string[],
): CategoryOrder {
  const cats = ids.map((id) => [...new Set(categoriesOf(id))]);
  const members: Map<string, number> = d3.rollup(cats.flat(), (v: string[]) => v.length, String);
  const primary = cats.map((list) => {
    let best = UNCATEGORISED, count = -1;
    for (const c of list) {
      const m = members.get(c)!;
      if (m > count || (m === count && c < best)) [best, count] = [c, m];
    }
    return best;
  });
  const size: Map<string, number> = d3.rollup(primary, (v: string[]) => v.length, String);
  const rank = [...size.keys()].sort((a, b) => {
    if ((a === UNCATEGORISED) !== (b === UNCATEGORISED)) return a === UNCATEGORISED ? 1 : -1;
    return size.get(b)! - size.get(a)! || (a < b ? -1 : a > b ? 1 : 0);
  });
  const rankOf = new Map(rank.map((c, i) => [c, i]));
  const order = ids.map((_, i) => i).sort((a, b) =>
    rankOf.get(primary[a])! - rankOf.get(primary[b])! || a - b
  );
  const blocks: CategoryBlock[] = [];
  order.forEach((i, position) => {
    const last = blocks[blocks.length - 1];
    if (last && last.category === primary[i]) last.size++;
    else blocks.push({ category: primary[i], start: position, size: 1 });
  });
  return { order, primary, blocks };
}
