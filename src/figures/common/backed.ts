/**
 * Figures with backing data: the seed's "improved" figures ship the numbers they draw as a CSV
 * next to the image. A {@link BackedFigureSpec} adds `data(tables)` (the plotted rows, computed
 * from the tables like the figure) to the figure contract; {@link rowsToCsv} writes them.
 * Browser-safe.
 *
 * @module
 */
import type { FigureSpec, Row, TableSet } from "../spec.ts";

/** A figure that also returns the rows it plots. */
export interface BackedFigureSpec extends FigureSpec {
  /** The plotted numbers, one plain row per mark (same for the same tables). */
  data(tables: TableSet): Row[];
}

/** Whether a figure has backing data. */
export function hasBackingData(spec: FigureSpec): spec is BackedFigureSpec {
  return typeof (spec as Partial<BackedFigureSpec>).data === "function";
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 CSV of `rows`: columns in first-seen order over all rows, numbers in full precision,
 * null/undefined/NaN as empty cells, `\n` line ends and a final newline.
 */
export function rowsToCsv(rows: Row[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}
