/**
 * Typed column access to one Arrow table read from disk: the only place (with `src/io/arrow.ts`)
 * that touches Arrow vectors by name. The per-table modules of `src/tables/` read through it and
 * hand stages typed arrays.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { readTable, type TableMetadata, tableMetadata, vectorColumnToFlat } from "../io/arrow.ts";
import { numberColumn } from "./columns.ts";
import { columnValues } from "./rows.ts";

/** A table's columns, typed by how they are read. */
export interface TableReader {
  /** The file it was read from. */
  file: string;
  /** Rows. */
  numRows: number;
  /** Column names, in schema order. */
  names: string[];
  /** The provenance metadata ({@link tableMetadata}). */
  metadata(): TableMetadata;
  /** A string column (each cell `String(value)`; null cells as "null"). */
  strings(name: string): string[];
  /** An int32 column, copied. */
  int32(name: string): Int32Array;
  /** A float64 column, copied. */
  float64(name: string): Float64Array;
  /** A numeric column with null or missing cells as NaN. */
  numbers(name: string): Float64Array;
  /** A boolean column. */
  bools(name: string): boolean[];
  /** A list-of-strings column (null cells as empty lists). */
  stringLists(name: string): string[][];
  /** A FixedSizeList<float> column as one row-major float64 array. */
  vectors(name: string): { data: Float64Array; dim: number };
  /** Every row as a plain object (Arrow's `toArray`). */
  rows(): Record<string, unknown>[];
  /** The cells of a column as Arrow returns them (`get(r)`), for columns of any type. */
  cells(name: string): unknown[];
}

/** The column or a RangeError naming the table (callers list required columns first). */
function column(table: Table, file: string, name: string) {
  const vector = table.getChild(name);
  if (!vector) throw new RangeError(`${file}: no column ${name}`);
  return vector;
}

/** Wrap a table that is already in memory. */
export function tableReader(table: Table, file: string): TableReader {
  const col = (name: string) => column(table, file, name);
  return {
    file,
    numRows: table.numRows,
    names: table.schema.fields.map((f) => f.name),
    metadata: () => tableMetadata(table),
    strings: (name) => Array.from(columnValues(col(name)), String),
    int32: (name) => Int32Array.from(col(name).toArray() as ArrayLike<number>),
    float64: (name) => Float64Array.from(col(name).toArray() as ArrayLike<number>),
    numbers: (name) => {
      col(name); // the missing-column error names the file
      return numberColumn(table, name);
    },
    bools: (name) => Array.from(col(name).toArray() as ArrayLike<boolean>),
    stringLists: (name) => {
      const v = col(name);
      return Array.from({ length: table.numRows }, (_, r) => {
        const cell = v.get(r);
        return cell ? [...cell].map(String) : [];
      });
    },
    vectors: (name) => {
      const { data, dim } = vectorColumnToFlat(table, name);
      return { data, dim };
    },
    rows: () => table.toArray() as Record<string, unknown>[],
    cells: (name) => {
      const v = col(name);
      return Array.from({ length: table.numRows }, (_, r) => v.get(r));
    },
  };
}

/**
 * Read a table file, checking that the `require`d columns are present (an error names the file
 * and the missing columns; a missing file names the stage that writes it).
 */
export async function openTable(path: string, require: string[] = []): Promise<TableReader> {
  return tableReader(await readTable(path, { require }), path);
}
