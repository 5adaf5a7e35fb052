/**
 * The human-similarity files of the seed's scripts 06–07:
 * `data/human_similarity/{train,val,test}_similarity_pairs.csv` (the rows of human_pairs.arrow
 * in each split) and `train_triplets.csv`, `shuffled_train_triplets.csv` (the triplet tables).
 *
 * @module
 */
import { csvFromTable } from "./csv.ts";
import { type ExportedFile, SOURCE } from "./plan.ts";
import type { Sources } from "./sources.ts";

/** The pair splits the seed writes one file for. */
export const PAIR_SPLITS: readonly string[] = ["train", "val", "test"];

/** The three pair files and the two triplet files (every column of the tables). */
export function humanFiles(sources: Sources): ExportedFile[] {
  const pairs = sources[SOURCE.humanPairs].table;
  const files: ExportedFile[] = PAIR_SPLITS.map((split) => {
    const csv = csvFromTable(pairs, { where: (row) => row.split === split });
    return {
      path: `data/human_similarity/${split}_similarity_pairs.csv`,
      data: csv.bytes,
      rows: csv.rows,
    };
  });
  const triplets = csvFromTable(sources[SOURCE.triplets].table);
  const shuffled = csvFromTable(sources[SOURCE.tripletsShuffled].table);
  files.push(
    { path: "data/human_similarity/train_triplets.csv", data: triplets.bytes, rows: triplets.rows },
    {
      path: "data/human_similarity/shuffled_train_triplets.csv",
      data: shuffled.bytes,
      rows: shuffled.rows,
    },
  );
  return files;
}
