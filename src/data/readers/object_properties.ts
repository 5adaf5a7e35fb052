/**
 * THINGSplus object-property ratings (`thingsplus/objectProperties_animacy.csv`): quoted CSV,
 * header `uniqueID, <p>_mean, <p>_sd, … , n` for 11 properties (manmade, precious, lives,
 * heavy, natural, moves, grasp, hold, be.moved, pleasant, arousing). Rows are NOT all in
 * canonical order, so they are joined BY uniqueID: every concept must appear exactly once.
 */
import { describeValue, InputError } from "../../io/errors.ts";
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { ConceptJoin } from "./join.ts";
import { parseFiniteNumber, parseInteger, parseTable, readText } from "./text.ts";

/** Property ratings in canonical concept order. */
export interface ObjectProperties {
  /** Property names in file order ("manmade", …, "arousing"). */
  names: string[];
  /** Mean rating of concept r on property p: `mean[r * names.length + p]`. */
  mean: Float64Array;
  /** Standard deviation, same layout as `mean`. */
  sd: Float64Array;
  /** Number of raters per concept (column `n`). */
  n: Int32Array;
  /** Number of concepts (rows). */
  rows: number;
  /** Number of properties (columns). */
  cols: number;
}

/** Options of {@link readObjectProperties}. */
export interface ObjectPropertiesOptions {
  /** The canonical concept list. */
  conceptIds: ConceptSource;
}

/**
 * Parse the object-property table and join it to the concept order by uniqueID. An unknown
 * or repeated uniqueID, a non-numeric/NaN/blank cell or a truncated row throws naming the
 * line; missing concepts throw listing the first few.
 */
export function parseObjectProperties(
  text: string,
  file: string,
  options: ObjectPropertiesOptions,
): ObjectProperties {
  const concepts = toConceptIndex(options.conceptIds);
  const table = parseTable(text, file, { delimiter: "," });
  const { header } = table;
  const names = propertyNames(header, { file, line: table.headerLine });
  const rows = concepts.size;
  const cols = names.length;
  const mean = new Float64Array(rows * cols);
  const sd = new Float64Array(rows * cols);
  const n = new Int32Array(rows);
  const join = new ConceptJoin(concepts, { file, column: "uniqueID" });
  for (const { line, fields } of table.records) {
    const r = join.place(fields[0], line);
    for (let p = 0; p < cols; p++) {
      const m = 1 + 2 * p;
      mean[r * cols + p] = parseFiniteNumber(fields[m], { file, line, column: header[m] });
      sd[r * cols + p] = parseFiniteNumber(fields[m + 1], { file, line, column: header[m + 1] });
    }
    n[r] = parseInteger(fields[header.length - 1], { file, line, column: "n" }, { min: 0 });
  }
  join.finish();
  return { names, mean, sd, n, rows, cols };
}

/** Read the object-property table; see {@link parseObjectProperties}. */
export async function readObjectProperties(
  path: string,
  options: ObjectPropertiesOptions,
): Promise<ObjectProperties> {
  return parseObjectProperties(await readText(path), path, options);
}

/** Property names from a header `uniqueID, p_mean, p_sd, …, n`. */
function propertyNames(header: string[], where: { file: string; line: number }): string[] {
  const names: string[] = [];
  const last = header.length - 1;
  let ok = header[0] === "uniqueID" && header[last] === "n" && last % 2 === 1 && last > 1;
  for (let i = 1; ok && i < last; i += 2) {
    const name = header[i].slice(0, -"_mean".length);
    ok = header[i] === `${name}_mean` && header[i + 1] === `${name}_sd` && name !== "";
    names.push(name);
  }
  if (ok) return names;
  throw new InputError({
    ...where,
    expected: "a header uniqueID, <property>_mean, <property>_sd, …, n",
    found: describeValue(header.join(",")),
  });
}
