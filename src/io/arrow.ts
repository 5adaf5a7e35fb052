/**
 * Arrow IPC tables: typed column builders, atomic writes and reads with provenance metadata
 * (producing task, version, seed, input hashes, options) stored in the schema metadata.
 */
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  List,
  makeData,
  makeVector,
  Schema,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { writeFileAtomic } from "./atomic.ts";
import { InputError } from "./errors.ts";
import { stableStringify } from "./hash.ts";

/** Provenance carried by every table the pipeline writes. */
export interface TableMetadata {
  /** Stage that produced the table, e.g. `human`. */
  task: string;
  /** Pipeline version (deno.json `version`). */
  version: string;
  /** Random seed used, when the stage is random. */
  seed?: number;
  /** Data profile (`embedded` or `things`). */
  profile?: string;
  /** Input files (relative paths) → sha256. */
  inputs?: Record<string, string>;
  /** Options that affected the result. */
  options?: Record<string, unknown>;
  /** Free-form extra notes (e.g. skipped items, audit numbers). */
  notes?: Record<string, unknown>;
  /** The TF.js backend that computed the table (name, versions, threads, oneDNN and why). */
  backend?: Record<string, unknown>;
}

const PREFIX = "human_things.";

/** Any typed numeric column source. */
export type NumericArray = Float64Array | Float32Array | Int32Array | number[];

/** Float64 column; `null` entries (in a plain array) become Arrow nulls. */
export function float64Column(values: ArrayLike<number | null>): Vector {
  if (values instanceof Float64Array) return makeVector(values);
  return vectorFromArray(Array.from(values), new Float64());
}

/** Float32 column. */
export function float32Column(values: ArrayLike<number>): Vector {
  return makeVector(values instanceof Float32Array ? values : Float32Array.from(values));
}

/** Int32 column; `null` entries (in a plain array) become Arrow nulls. */
export function int32Column(values: ArrayLike<number | null>): Vector {
  if (values instanceof Int32Array) return makeVector(values);
  const list = Array.from(values);
  if (list.some((v) => v === null)) return vectorFromArray(list, new Int32());
  return makeVector(Int32Array.from(list as number[]));
}

/** Boolean column. */
export function boolColumn(values: ArrayLike<boolean>): Vector {
  return vectorFromArray(Array.from(values), new Bool());
}

/** UTF-8 string column (`null` allowed). */
export function stringColumn(values: ArrayLike<string | null>): Vector {
  return vectorFromArray(Array.from(values), new Utf8());
}

/** List<Utf8> column (e.g. the THINGSplus categories of each concept). */
export function stringListColumn(values: ArrayLike<string[]>): Vector {
  return vectorFromArray(Array.from(values), new List(new Field("item", new Utf8(), true)));
}

/**
 * FixedSizeList<Float32|Float64>[dim] column from a flat row-major array of `rows × dim` values
 * (embeddings, similarity rows).
 */
export function vectorColumn(flat: Float32Array | Float64Array, dim: number): Vector {
  if (dim <= 0 || flat.length % dim !== 0) {
    throw new RangeError(`vectorColumn: ${flat.length} values are not a multiple of dim ${dim}`);
  }
  const childType = flat instanceof Float32Array ? new Float32() : new Float64();
  const child = makeData({ type: childType, length: flat.length, nullCount: 0, data: flat });
  const type = new FixedSizeList(dim, new Field("item", childType, false));
  return makeVector(makeData({ type, length: flat.length / dim, nullCount: 0, child }));
}

/** Build a table from named columns, checking they all have the same length. */
export function makeTable(columns: Record<string, Vector>): Table {
  const lengths = new Set(Object.values(columns).map((v) => v.length));
  if (lengths.size > 1) {
    const detail = Object.entries(columns).map(([k, v]) => `${k}=${v.length}`).join(", ");
    throw new RangeError(`makeTable: columns differ in length (${detail})`);
  }
  return new Table(columns);
}

/**
 * The rows of `tables` one after another, as one table in one record batch (what one stage run
 * writing every row would have written): the tables must have the same columns with the same
 * types; `names` (e.g. their files) name the one that differs. Schema metadata is dropped: the
 * caller attaches its own with {@link writeTable}.
 */
export function concatTables(tables: readonly Table[], names: readonly string[] = []): Table {
  if (tables.length === 0) throw new RangeError("concatTables: no tables");
  const fields = tables[0].schema.fields;
  const shape = (t: Table) => t.schema.fields.map((f) => `${f.name}: ${f.type}`).join(", ");
  tables.forEach((t, i) => {
    if (shape(t) !== shape(tables[0])) {
      throw new InputError({
        file: names[i] ?? `table ${i}`,
        expected: `the columns of ${names[0] ?? "the first table"} (${shape(tables[0])})`,
        found: shape(t),
      });
    }
  });
  const columns: Record<string, Vector> = {};
  for (const field of fields) {
    const values = tables.flatMap((t) => Array.from(t.getChild(field.name)!));
    columns[field.name] = vectorFromArray(values, field.type);
  }
  return makeTable(columns);
}

/** Attach provenance metadata to a table's schema. */
export function withMetadata(table: Table, metadata: TableMetadata): Table {
  const map = new Map(table.schema.metadata);
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    map.set(PREFIX + key, typeof value === "string" ? value : stableStringify(value));
  }
  const schema = new Schema(table.schema.fields, map);
  return new Table(schema, table.batches.map((b) => b));
}

/** Read the provenance metadata of a table (what {@link withMetadata} stored). */
export function tableMetadata(table: Table): TableMetadata {
  const out: Record<string, unknown> = {};
  for (const [key, value] of table.schema.metadata) {
    if (!key.startsWith(PREFIX)) continue;
    const name = key.slice(PREFIX.length);
    out[name] = name === "task" || name === "version" || name === "profile"
      ? value
      : JSON.parse(value);
  }
  return out as unknown as TableMetadata;
}

/** Serialise a table (with metadata) to Arrow IPC file bytes. */
export function tableToBytes(table: Table, metadata?: TableMetadata): Uint8Array {
  return tableToIPC(metadata ? withMetadata(table, metadata) : table, "file");
}

/** Write a table as an Arrow IPC file atomically (temp file + rename), with metadata. */
export async function writeTable(
  path: string,
  table: Table,
  metadata: TableMetadata,
): Promise<void> {
  await writeFileAtomic(path, tableToBytes(table, metadata));
}

/** Options of {@link readTable}. */
export interface ReadTableOptions {
  /** Columns that must be present (a clear error names the missing ones). */
  require?: string[];
}

/** The error for a table file that does not exist (names the file; the CLI adds its stage). */
export function missingTableError(path: string): InputError {
  return new InputError({
    file: path,
    expected: "an Arrow table (run the stage that writes it)",
    found: "no file",
  });
}

/** Read an Arrow IPC file (file or stream format); validates required columns. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw missingTableError(path);
    throw error;
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new InputError({
      file: path,
      expected: "an Arrow IPC file",
      found: `unreadable data (${(error as Error).message})`,
    });
  }
  const names = new Set(table.schema.fields.map((f) => f.name));
  const missing = (options.require ?? []).filter((c) => !names.has(c));
  if (missing.length) {
    throw new InputError({
      file: path,
      expected: `columns ${options.require!.join(", ")}`,
      found: `no column ${missing.join(", ")} (has ${[...names].join(", ")})`,
    });
  }
  return table;
}

/**
 * Flat row-major copy of a FixedSizeList<float> column (rows × dim), for the numeric code.
 * Returns `{data, rows, dim}`.
 */
export function vectorColumnToFlat(
  table: Table,
  column: string,
): { data: Float64Array; rows: number; dim: number } {
  const vector = table.getChild(column);
  if (!vector) throw new RangeError(`no column ${column}`);
  const type = vector.type as FixedSizeList;
  if (!(type instanceof FixedSizeList)) {
    throw new RangeError(`column ${column} is not a FixedSizeList`);
  }
  const dim = type.listSize;
  const data = new Float64Array(vector.length * dim);
  let offset = 0;
  for (const chunk of vector.data) {
    const child = chunk.children[0];
    const values = child.values as Float32Array | Float64Array;
    // arrow-js slices a FixedSizeList's child (and its value buffer) together with the parent,
    // so the child's `values` already start at this chunk's first value
    data.set(values.subarray(0, chunk.length * dim), offset);
    offset += chunk.length * dim;
  }
  return { data, rows: vector.length, dim };
}
