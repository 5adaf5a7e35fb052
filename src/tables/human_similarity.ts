/**
 * `human_similarity.arrow` and its shuffled-labels control `human_similarity_shuffled.arrow`
 * (written by `human`): one row per concept, its row of the SPoSE similarity matrix as a vector.
 * Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  boolColumn,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** The two similarity tables. */
export type SimilarityTable = typeof TABLE.humanSimilarity | typeof TABLE.humanSimilarityShuffled;

/** Path of a similarity table (default: `human_similarity.arrow`). */
export function similarityPath(
  tables: string,
  name: SimilarityTable = TABLE.humanSimilarity,
): string {
  return tablePath(tables, name);
}

/** What a similarity table holds. */
export interface SimilarityColumns {
  /** Concept ids, canonical order. */
  ids: readonly string[];
  /** Whether each concept has images. */
  hasImages: boolean[];
  /** n×n similarities, row-major. */
  data: Float64Array;
  /** The shuffled control: the concept each row's values came from. */
  source?: Int32Array;
}

/**
 * Write a similarity table: the matrix, or (with `source`) its shuffled control, which also
 * names the concept each row's values came from.
 */
export async function writeSimilarity(
  tables: string,
  c: SimilarityColumns & { name: SimilarityTable },
  meta: TableMetadata,
): Promise<void> {
  const n = c.ids.length;
  const table = makeTable({
    index: int32Column(Int32Array.from({ length: n }, (_, i) => i)),
    uniqueID: stringColumn(c.ids),
    has_images: boolColumn(c.hasImages),
    ...(c.source
      ? {
        source_index: int32Column(c.source),
        source_uniqueID: stringColumn(Array.from(c.source, (s) => c.ids[s])),
      }
      : {}),
    similarity: vectorColumn(c.data, n),
  });
  await writeTable(similarityPath(tables, c.name), table, meta);
}

/** A similarity table's matrix: n×n row-major. */
export async function readSimilarity(
  tables: string,
  name: SimilarityTable = TABLE.humanSimilarity,
): Promise<{ data: Float64Array; n: number }> {
  const t = await openTable(similarityPath(tables, name), ["similarity"]);
  return { data: t.vectors("similarity").data, n: t.numRows };
}
