/**
 * Whole columns of an Arrow table as flat arrays, for reading tables with millions of rows (the
 * THINGS profile's human pairs) without a row object per cell: numbers as a Float64Array,
 * strings as an array. With `src/io/`, the place that touches Arrow vectors by column name.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { arrowRows } from "./rows.ts";

/** Rows converted per slice when reading string columns. */
const SLICE_ROWS = 65_536;

/**
 * A numeric column as float64 (nulls become NaN); a RangeError when the table has no column
 * `name`.
 */
export function numberColumn(table: Table, name: string): Float64Array {
  const vector = table.getChild(name);
  if (!vector) throw new RangeError(`no column ${name}`);
  if (vector.nullCount === 0) return Float64Array.from(vector.toArray() as ArrayLike<number>);
  return Float64Array.from({ length: vector.length }, (_, i) => {
    const v = vector.get(i);
    return v === null ? NaN : Number(v);
  });
}

/**
 * A column's values as strings (null and missing cells stay null), converted a slice of rows at
 * a time.
 */
export function stringValues(table: Table, name: string): (string | null)[] {
  const only = table.select([name]);
  const out: (string | null)[] = new Array(table.numRows);
  for (let start = 0; start < table.numRows; start += SLICE_ROWS) {
    const rows = arrowRows(only.slice(start, start + SLICE_ROWS));
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][name];
      out[start + i] = v === null || v === undefined ? null : String(v);
    }
  }
  return out;
}
