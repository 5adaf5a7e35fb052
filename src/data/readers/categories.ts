/**
 * THINGSplus category membership (`thingsplus/Categories_final_20200131.tsv`): tab-separated,
 * header `Word, Definition…, <53 category names>`, one row per concept in canonical order
 * with "1" or blank per category, then a footer row (blank Word and Definition) holding the
 * number of members of each category. Rows are joined to the concept list BY POSITION (Word
 * uses homonym-free spellings such as "bat" for bat1/bat2).
 */
import { describeValue, InputError } from "../../io/errors.ts";
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { badCell, parseInteger, parseTable, readText, type Table } from "./text.ts";

/** Category membership matrix. */
export interface CategoryMembership {
  /** Category names in file order. */
  names: string[];
  /** 1 when concept r is in category c: `member[r * names.length + c]`. */
  member: Uint8Array;
  /** Members per category (from the footer, checked against the column sums). */
  counts: Int32Array;
  /** Number of concepts (rows). */
  rows: number;
  /** Number of categories (columns). */
  cols: number;
  /** The Word column, in concept order. */
  words: string[];
}

/** Options of {@link readThingsplusCategories}. */
export interface CategoriesOptions {
  /** The canonical concept list. */
  conceptIds: ConceptSource;
  /**
   * Check that each Word matches its row's uniqueID after mapping spaces and hyphens to "_"
   * and dropping trailing digits ("flip-flop" ~ flip_flop, "bat" ~ bat1). Default true: a
   * shifted row is caught instead of silently misaligning every row below it.
   */
  checkWords?: boolean;
}

/**
 * Parse the THINGSplus category table: exactly one row per concept (then the footer), cells
 * "1" or blank, footer counts equal to the column sums. Errors name the line (and category).
 */
export function parseThingsplusCategories(
  text: string,
  file: string,
  options: CategoriesOptions,
): CategoryMembership {
  const concepts = toConceptIndex(options.conceptIds);
  const table = parseTable(text, file, { delimiter: "\t" });
  const { header, records } = table;
  if (header[0] !== "Word" || !header[1].startsWith("Definition") || header.length < 3) {
    throw new InputError({
      file,
      line: table.headerLine,
      expected: "a header Word, Definition…, then category names",
      found: describeValue(header.slice(0, 3).join("\t")),
    });
  }
  const names = header.slice(2);
  const cols = names.length;
  const rows = concepts.size;
  checkRowLayout(table, rows);
  const last = records[rows];
  const member = new Uint8Array(rows * cols);
  const sums = new Int32Array(cols);
  const words: string[] = new Array(rows);
  const checkWords = options.checkWords ?? true;
  for (let r = 0; r < rows; r++) {
    const { line, fields } = records[r];
    words[r] = fields[0];
    if (checkWords && baseName(fields[0]) !== baseName(concepts.ids[r])) {
      throw new InputError({
        file,
        line,
        column: "Word",
        expected: `the word of concept ${r + 1}, ${describeValue(concepts.ids[r])}`,
        found: describeValue(fields[0]),
      });
    }
    for (let c = 0; c < cols; c++) {
      const cell = fields[c + 2];
      if (cell === "1") {
        member[r * cols + c] = 1;
        sums[c]++;
      } else if (cell !== "") {
        throw badCell(cell, { file, line, column: names[c], expected: `"1" or blank` });
      }
    }
  }
  const counts = new Int32Array(cols);
  for (let c = 0; c < cols; c++) {
    const where = { file, line: last.line, column: names[c] };
    counts[c] = parseInteger(last.fields[c + 2], where, { min: 0 });
    if (counts[c] !== sums[c]) {
      throw new InputError({
        ...where,
        expected: `the footer count to equal the column sum ${sums[c]}`,
        found: describeValue(last.fields[c + 2]),
      });
    }
  }
  return { names, member, counts, rows, cols, words };
}

/** Read the THINGSplus category table; see {@link parseThingsplusCategories}. */
export async function readThingsplusCategories(
  path: string,
  options: CategoriesOptions,
): Promise<CategoryMembership> {
  return parseThingsplusCategories(await readText(path), path, options);
}

/** Throw unless the table has exactly `rows` concept rows followed by one footer row. */
function checkRowLayout(table: Table, rows: number): void {
  const { file, records } = table;
  const footerAt = records.findIndex((r) => r.fields[0] === "");
  let line: number;
  let found: string;
  if (footerAt < 0) {
    line = records.length > rows ? records[rows].line : table.endLine;
    found = `${records.length} rows and no footer (blank Word)`;
  } else if (footerAt < rows) {
    line = records[footerAt].line;
    found = `a blank Word after only ${footerAt} concept rows`;
  } else if (footerAt > rows) {
    line = records[rows].line;
    found = `${footerAt} concept rows`;
  } else if (records.length > rows + 1) {
    line = records[rows + 1].line;
    found = "another row after the footer";
  } else {
    return;
  }
  throw new InputError({
    file,
    line,
    expected: `${rows} concept rows (one per concept, by position) then a footer row of counts`,
    found,
  });
}

/** Word/uniqueID normalised for the alignment check. */
function baseName(s: string): string {
  return s.replace(/[ -]/g, "_").replace(/\d+$/, "").toLowerCase();
}
