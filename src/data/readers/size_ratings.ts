/**
 * THINGSplus real-world size ratings (`thingsplus/size_fixed.csv`): `;`-separated with a
 * header (word; uniqueID; object; image_Nr; N_Ratings; …; meanSize; …; medianSize; …;
 * stdSize). The uniqueID column uses spaces where the concept list has underscores, so each
 * ' ' is replaced by '_' and rows are joined BY uniqueID (every concept exactly once).
 */
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { ConceptJoin } from "./join.ts";
import { parseFiniteNumber, parseTable, readText, requireColumns } from "./text.ts";

/** Size ratings in canonical concept order. */
export interface SizeRatings {
  /** Mean rated size per concept ("meanSize"). */
  meanSize: Float64Array;
  /** Median rated size per concept ("medianSize"). */
  medianSize: Float64Array;
  /** Standard deviation of rated size ("stdSize"). */
  stdSize: Float64Array;
  /** Number of ratings ("N_Ratings"). */
  nRatings: Float64Array;
  /** Every numeric column by header name (all columns except word, uniqueID, object). */
  columns: Record<string, Float64Array>;
  /** The "word" column, in concept order. */
  words: string[];
  /** The "object" column (rated object description), in concept order. */
  objects: string[];
  /** Number of concepts. */
  rows: number;
}

/** Options of {@link readSizeRatings}. */
export interface SizeRatingsOptions {
  /** The canonical concept list. */
  conceptIds: ConceptSource;
}

const TEXT_COLUMNS = ["word", "uniqueID", "object"] as const;

/**
 * Parse the size table and join it to the concept order by uniqueID (after ' ' → '_').
 * Unknown or repeated ids, non-numeric/NaN cells and truncated rows throw naming the line;
 * missing concepts throw listing the first few.
 */
export function parseSizeRatings(
  text: string,
  file: string,
  options: SizeRatingsOptions,
): SizeRatings {
  const concepts = toConceptIndex(options.conceptIds);
  const table = parseTable(text, file, { delimiter: ";" });
  const col = requireColumns(table, [
    ...TEXT_COLUMNS,
    "N_Ratings",
    "meanSize",
    "medianSize",
    "stdSize",
  ]);
  const rows = concepts.size;
  const numeric = table.header
    .map((name, index) => ({ name, index }))
    .filter(({ index }) => !TEXT_COLUMNS.some((t) => col[t] === index));
  const columns: Record<string, Float64Array> = {};
  for (const { name } of numeric) columns[name] = new Float64Array(rows);
  const words: string[] = new Array(rows);
  const objects: string[] = new Array(rows);
  const join = new ConceptJoin(concepts, { file, column: "uniqueID" });
  for (const { line, fields } of table.records) {
    const r = join.place(fields[col.uniqueID].replaceAll(" ", "_"), line);
    words[r] = fields[col.word];
    objects[r] = fields[col.object];
    for (const { name, index } of numeric) {
      columns[name][r] = parseFiniteNumber(fields[index], { file, line, column: name });
    }
  }
  join.finish();
  return {
    meanSize: columns.meanSize,
    medianSize: columns.medianSize,
    stdSize: columns.stdSize,
    nRatings: columns.N_Ratings,
    columns,
    words,
    objects,
    rows,
  };
}

/** Read the size table; see {@link parseSizeRatings}. */
export async function readSizeRatings(
  path: string,
  options: SizeRatingsOptions,
): Promise<SizeRatings> {
  return parseSizeRatings(await readText(path), path, options);
}
