/**
 * Whole columns of an Arrow table as flat arrays, for reading tables with millions of rows (the
 * THINGS profile's human pairs) without a row object per cell: numbers as a Float64Array,
 * strings as an array. With `src/io/`, the place that touches Arrow vectors by column name.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { columnValues } from "./rows.ts";

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

/** A column's values as strings (null cells, and every cell of a missing column, are null). */
export function stringValues(table: Table, name: string): (string | null)[] {
  const vector = table.getChild(name);
  if (!vector) return new Array<string | null>(table.numRows).fill(null);
  return Array.from(
    columnValues(vector),
    (v) => (v === null || v === undefined ? null : String(v)),
  );
}
