/**
 * CSV of a table for the site's download links, browser side. Arquero's `toCSV` writes it
 * (RFC 4180 quoting: a field holding the delimiter, a double quote, CR or LF is wrapped in
 * double quotes with inner quotes doubled; lines end in LF), with the cells CSV has no form for
 * written explicitly:
 *
 * - null (and undefined) → an empty field. CSV cannot tell a missing value from an empty
 *   string, so both are an empty field; the Arrow download keeps the difference.
 * - lists and vectors (Arrow List / FixedSizeList, typed arrays) → JSON array text
 *   (`[0.1,0.2]`); structs and maps → JSON object text.
 * - 64-bit integers decoded as BigInt → their decimal digits; dates → ISO 8601 (arquero).
 * - numbers → JavaScript's shortest round-trip text (`Number(text)` gives the value back;
 *   `NaN`, `Infinity`, `-Infinity` spelled so).
 *
 * Browser-safe: no Deno or Node APIs.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { arqueroTable, type TableViewInput } from "./table_view.ts";

/** Options of {@link tableCSV}. */
export interface TableCSVOptions {
  /** Columns to write, in order (default all, in the table's order). */
  columns?: string[];
}

/** A cell that is not a string, number, boolean, date or null as JSON-ready data. */
function jsonReady(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>, jsonReady);
  }
  if (Array.isArray(value)) return value.map(jsonReady);
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [k, jsonReady(v)]));
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    if (typeof (value as { toArray?: unknown }).toArray === "function") {
      return jsonReady((value as { toArray(): unknown }).toArray());
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonReady(v);
    return out;
  }
  return value;
}

/**
 * The text of one cell before quoting: null/undefined → null (arquero writes an empty field),
 * BigInt → digits, lists/typed arrays/structs → JSON text, anything else unchanged.
 */
export function csvCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "object" && !(value instanceof Date)) {
    return JSON.stringify(jsonReady(value));
  }
  return value;
}

/**
 * The CSV text of a table (Arrow IPC bytes or an arquero table): a header line of the column
 * names, then one line per row, cells written as the module comment says.
 */
export function tableCSV(input: TableViewInput, options: TableCSVOptions = {}): string {
  const table: ColumnTable = arqueroTable(input);
  const names = options.columns ?? table.columnNames();
  for (const name of names) {
    if (!table.column(name)) {
      throw new Error(
        `tableCSV: expected a column "${name}"; the table has ${table.columnNames().join(", ")}`,
      );
    }
  }
  const format: Record<string, (value: unknown) => unknown> = {};
  for (const name of names) format[name] = csvCell;
  return aq.toCSV(table, { columns: names, format });
}
