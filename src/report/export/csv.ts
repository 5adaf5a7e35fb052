/**
 * RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a quote, CR
 * or LF (quotes doubled). Numbers in their shortest round-trip form (`.` decimal; `-0` kept,
 * `NaN`, `inf`, `-inf` as pandas reads them), null as an empty field, booleans `True`/`False` (as
 * pandas writes them), string lists joined with `|`.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { arrowRows } from "../../tables/rows.ts";

/** A value a CSV cell can hold. */
export type CsvValue = string | number | boolean | bigint | null | undefined | readonly unknown[];

/** Separator of the items of a list cell (e.g. a concept's categories). */
export const LIST_SEPARATOR = "|";

const NEEDS_QUOTES = /[",\r\n]/;

/** The text of one CSV field (quoted when needed). */
export function csvField(value: CsvValue): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record (fields joined by commas, CRLF-terminated). */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(",") + "\r\n";
}

function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  return Array.from(value, (item) => {
    const text = item === null || item === undefined ? "" : String(item);
    if (text.includes(LIST_SEPARATOR)) {
      throw new RangeError(`csv: list item ${JSON.stringify(text)} contains "${LIST_SEPARATOR}"`);
    }
    return text;
  }).join(LIST_SEPARATOR);
}

/** Shortest text that parses back to the same float64 (ECMAScript Number::toString). */
export function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

/** CSV text of plain rows: `header` names the columns, in order. */
export function csvFromRows(
  header: readonly string[],
  rows: readonly Record<string, CsvValue>[],
): string {
  const parts = [csvLine(header)];
  for (const row of rows) parts.push(csvLine(header.map((h) => row[h])));
  return parts.join("");
}

/** Options of {@link csvFromTable}. */
export interface CsvTableOptions {
  /** Columns written, in order (default: every column of the table). */
  columns?: readonly string[];
  /** Keep only the rows it accepts. */
  where?: (row: Record<string, unknown>) => boolean;
}

/** Rows converted per slice: bounds the memory of tables with millions of rows. */
const SLICE_ROWS = 65_536;

/**
 * CSV bytes of an Arrow table, read slice by slice (the human pairs of the THINGS profile run to
 * 1.7 million rows). Returns the bytes and the number of data rows written.
 */
export function csvFromTable(
  table: Table,
  options: CsvTableOptions = {},
): { bytes: Uint8Array; rows: number } {
  const columns = options.columns ?? table.schema.fields.map((f) => f.name);
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [encoder.encode(csvLine(columns))];
  let rows = 0;
  for (let start = 0; start < table.numRows; start += SLICE_ROWS) {
    const lines: string[] = [];
    for (const row of arrowRows(table.slice(start, start + SLICE_ROWS))) {
      if (options.where && !options.where(row)) continue;
      lines.push(csvLine(columns.map((c) => row[c] as CsvValue)));
    }
    rows += lines.length;
    chunks.push(encoder.encode(lines.join("")));
  }
  return { bytes: concatBytes(chunks), rows };
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
