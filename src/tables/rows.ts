/**
 * Arrow tables → plain rows ({@link Row}) for figures: int64 as numbers, lists as arrays,
 * fixed-size float lists (embeddings, similarity rows, transport plans) as typed-array views.
 * Browser-safe (no file access).
 *
 * @module
 */
import { type Data, DataType, Schema, Table, type Vector, vectorFromArray } from "apache-arrow";

/** One table row as a plain object: column name → value. */
export type Row = Record<string, unknown>;

/** Converts every row of an Arrow table to a plain object (column name → value). */
export function arrowRows(table: Table): Row[] {
  const names: string[] = [];
  const columns: ArrayLike<unknown>[] = [];
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    if (!vector) continue;
    names.push(field.name);
    columns.push(columnValues(vector));
  }
  // row-major construction gives every row the same shape at once (about 2× faster)
  const rows: Row[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    for (let j = 0; j < names.length; j++) row[names[j]] = columns[j][i];
    rows[i] = row;
  }
  return rows;
}

/**
 * Builds an Arrow table from plain rows with the fields (types) and metadata of `schema`: the
 * inverse of {@link arrowRows}, for derived tables (test fixtures with a changed value, trimmed
 * copies).
 */
export function rowsToArrow(rows: Row[], schema: Schema): Table {
  const columns: Record<string, Vector> = {};
  for (const field of schema.fields) {
    columns[field.name] = vectorFromArray(rows.map((r) => r[field.name]), field.type);
  }
  const table = new Table(columns);
  return new Table(new Schema(table.schema.fields, schema.metadata), table.batches);
}

/**
 * The values of one column as plain JS values (as {@link arrowRows} gives them): strings decoded
 * a chunk at a time, int64 as numbers, lists as arrays, float vectors as typed-array views.
 */
export function columnValues(vector: Vector): ArrayLike<unknown> {
  const type = vector.type;
  const out: unknown[] = new Array(vector.length);
  let offset = 0;
  if (DataType.isFixedSizeList(type) && DataType.isFloat(type.children[0].type)) {
    const dim = type.listSize;
    for (const chunk of vector.data) {
      const values = chunk.children[0].values as Float32Array | Float64Array;
      for (let i = 0; i < chunk.length; i++) {
        out[offset + i] = chunk.getValid(i) ? values.subarray(i * dim, (i + 1) * dim) : null;
      }
      offset += chunk.length;
    }
    return out;
  }
  if (DataType.isUtf8(type)) {
    for (const chunk of vector.data) {
      utf8Strings(chunk, out, offset);
      offset += chunk.length;
    }
    return out;
  }
  const list = DataType.isList(type) || DataType.isFixedSizeList(type);
  if (!list && vector.nullCount === 0) {
    const values = vector.toArray() as ArrayLike<unknown>;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      return Array.from(values, Number);
    }
    return values;
  }
  for (let i = 0; i < vector.length; i++) {
    const value = vector.get(i);
    out[i] = typeof value === "bigint"
      ? Number(value)
      : list && value !== null
      ? plainList(value)
      : value;
  }
  return out;
}

function plainList(value: unknown): unknown[] {
  const items = (value as { toArray(): ArrayLike<unknown> }).toArray();
  return Array.from(items, (v) => (typeof v === "bigint" ? Number(v) : v));
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/**
 * Writes the strings of one Utf8 chunk into `out` from `offset`. ASCII buffers (the usual case:
 * ids, model and metric names) are decoded once and sliced, far faster than decoding each cell.
 */
function utf8Strings(chunk: Data, out: unknown[], offset: number): void {
  const offsets = chunk.valueOffsets as Int32Array;
  const bytes = chunk.values as Uint8Array;
  const start = offsets[0], end = offsets[chunk.length];
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  const text = ascii ? latin1.decode(bytes.subarray(start, end)) : "";
  for (let i = 0; i < chunk.length; i++) {
    out[offset + i] = !chunk.getValid(i)
      ? null
      : ascii
      ? text.slice(offsets[i] - start, offsets[i + 1] - start)
      : utf8.decode(bytes.subarray(offsets[i], offsets[i + 1]));
  }
}
