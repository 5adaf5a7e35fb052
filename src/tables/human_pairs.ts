/**
 * `human_pairs.arrow` (written by `human`): every pair a < b among the concepts with images, its
 * human similarity and both splits. Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** Path of `human_pairs.arrow` in a tables folder. */
export function humanPairsPath(tables: string): string {
  return tablePath(tables, TABLE.humanPairs);
}

/** The pairs (canonical concept indices) with their similarity and split. */
export interface PairColumns {
  /** First concept (a < b). */
  a: Int32Array;
  /** Second concept. */
  b: Int32Array;
  /** Human similarity. */
  similarity: Float64Array;
  /** `train`, `val` or `test`. */
  split: string[];
}

/** Write `human_pairs.arrow` (`ids` names the concepts). */
export async function writeHumanPairs(
  tables: string,
  pairs: PairColumns & { ids: readonly string[]; splitDisjoint: string[] },
  meta: TableMetadata,
): Promise<void> {
  const id = (i: number) => pairs.ids[i];
  const table = makeTable({
    a: int32Column(pairs.a),
    b: int32Column(pairs.b),
    a_uniqueID: stringColumn(Array.from(pairs.a, id)),
    b_uniqueID: stringColumn(Array.from(pairs.b, id)),
    similarity: float64Column(pairs.similarity),
    split: stringColumn(pairs.split),
    split_concept_disjoint: stringColumn(pairs.splitDisjoint),
  });
  await writeTable(humanPairsPath(tables), table, meta);
}

/** The pairs with their splits (no similarities). */
export async function readPairSplits(
  tables: string,
): Promise<Omit<PairColumns, "similarity">> {
  const t = await openTable(humanPairsPath(tables), ["a", "b", "split"]);
  return { a: t.int32("a"), b: t.int32("b"), split: t.strings("split") };
}

/** The pairs with their similarities and splits. */
export async function readHumanPairs(tables: string): Promise<PairColumns> {
  const t = await openTable(humanPairsPath(tables), ["a", "b", "similarity", "split"]);
  return {
    a: t.int32("a"),
    b: t.int32("b"),
    similarity: t.float64("similarity"),
    split: t.strings("split"),
  };
}
