/**
 * Row order of the 48-object RDM (`rdm/RDM48_concepts_order.tsv`): tab-separated with header
 * `rdm_index, uniqueID, things_row_index_0based[, image_name_in_source]`. Each row is checked
 * against the concept list: rdm_index runs 0, 1, 2, …; the uniqueID is known and listed once;
 * things_row equals its 0-based row in the concept list.
 */
import { describeValue, InputError } from "../../io/errors.ts";
import { type ConceptSource, toConceptIndex } from "./concepts.ts";
import { type CellLocation, parseInteger, parseTable, readText, requireColumns } from "./text.ts";

/** One RDM row. */
export interface RdmOrderRow {
  /** 0-based row/column of the RDM. */
  rdmIndex: number;
  /** Concept uniqueID. */
  uniqueID: string;
  /** 0-based row of the concept in the canonical concept list. */
  thingsRow: number;
  /** "image_name_in_source" when the file has it, else "". */
  imageName: string;
}

/** Options of {@link readRdmOrder}. */
export interface RdmOrderOptions {
  /** The canonical concept list. */
  conceptIds: ConceptSource;
  /** Expected number of rows (e.g. 48); checked when given. */
  count?: number;
}

/** Parse the RDM order table and verify it against the concept order (errors name the line). */
export function parseRdmOrder(
  text: string,
  file: string,
  options: RdmOrderOptions,
): RdmOrderRow[] {
  const concepts = toConceptIndex(options.conceptIds);
  const table = parseTable(text, file, { delimiter: "\t" });
  const col = requireColumns(table, ["rdm_index", "uniqueID", "things_row_index_0based"]);
  const imageCol = table.header.indexOf("image_name_in_source");
  const seen = new Map<string, number>();
  const out = table.records.map(({ line, fields }, i): RdmOrderRow => {
    const rdmIndex = expectInteger(fields[col.rdm_index], i, "rows numbered 0, 1, 2, … in order", {
      file,
      line,
      column: "rdm_index",
    });
    const uniqueID = fields[col.uniqueID];
    const row = concepts.indexOf(uniqueID, { file, line, column: "uniqueID" });
    const first = seen.get(uniqueID);
    if (first !== undefined) {
      throw new InputError({
        file,
        line,
        column: "uniqueID",
        expected: "each uniqueID once",
        found: `${describeValue(uniqueID)} again (first at line ${first})`,
      });
    }
    seen.set(uniqueID, line);
    const thingsRow = expectInteger(
      fields[col.things_row_index_0based],
      row,
      `the 0-based row of ${describeValue(uniqueID)} in ${concepts.source}`,
      { file, line, column: "things_row_index_0based" },
    );
    return { rdmIndex, uniqueID, thingsRow, imageName: imageCol >= 0 ? fields[imageCol] : "" };
  });
  if (options.count !== undefined && out.length !== options.count) {
    const extra = out.length > options.count;
    throw new InputError({
      file,
      line: extra ? table.records[options.count].line : table.endLine,
      expected: `${options.count} RDM rows`,
      found: `${out.length}`,
    });
  }
  return out;
}

/** Read the RDM order table; see {@link parseRdmOrder}. */
export async function readRdmOrder(
  path: string,
  options: RdmOrderOptions,
): Promise<RdmOrderRow[]> {
  return parseRdmOrder(await readText(path), path, options);
}

/** Parse an integer cell that must equal `expected` (explained by `why`). */
function expectInteger(cell: string, expected: number, why: string, where: CellLocation): number {
  const value = parseInteger(cell, where, { min: 0 });
  if (value === expected) return value;
  throw new InputError({ ...where, expected: `${expected} (${why})`, found: describeValue(cell) });
}
