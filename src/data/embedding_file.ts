/**
 * Load a concept-level embedding (or similarity matrix) from any supported file: whitespace text
 * (`.txt`, `.tsv`, SPoSE style; `.csv` may be comma-separated), NumPy `.npy`, or an Arrow table
 * with a uniqueID column. Plain matrices can also be read without a concept list
 * ({@link readPlainMatrix}), rows being items in file order.
 */
import { extname } from "node:path";
import { type FixedSizeList, type Table } from "apache-arrow";
import { readTable, vectorColumnToFlat } from "../io/arrow.ts";
import { InputError } from "../io/errors.ts";
import { readNpy } from "../io/npy.ts";
import type { Matrix } from "../metrics/types.ts";
import { type ConceptIndex, readSposeEmbedding } from "./readers/mod.ts";
import { tableReader } from "../tables/reader.ts";
import { TABLE_EXT } from "../tables/names.ts";

/** A concept-level matrix in canonical concept order, with the rows that hold data. */
export interface ConceptMatrix {
  /** rows = every concept of the index (absent rows are zeros), cols = dims. */
  matrix: Matrix;
  /** 1 where the file had a vector for the concept. */
  present: Uint8Array;
  /** `embedding` (rows are vectors) or `similarity` (a square concept × concept matrix). */
  kind: "embedding" | "similarity";
  /** How rows were formed (e.g. "mean of 12 image rows per concept"), for reports. */
  note?: string;
}

/** Extensions read as plain matrices: one item per row, in file order, no labels. */
const PLAIN_EXTENSIONS = [".txt", ".tsv", ".csv", ".npy"];

/**
 * True when `path` is a plain matrix file (`.txt`, `.tsv`, `.csv` or `.npy`): rows in file
 * order without labels, as opposed to an Arrow table with a uniqueID column.
 */
export function isPlainMatrixFile(path: string): boolean {
  return PLAIN_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Read a plain matrix file (see {@link isPlainMatrixFile}): whitespace-separated text (`.txt`,
 * `.tsv`; `.csv` may be comma-separated), or a 2-D NumPy `.npy` array. The file must have at
 * least one row, rows of equal length, and finite numbers only; `options.rows` (e.g. the number
 * of concepts) is checked when given. Problems throw an {@link InputError} naming the file and
 * the line (text) or row (`.npy`).
 */
export async function readPlainMatrix(
  path: string,
  options: { rows?: number } = {},
): Promise<Matrix> {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") {
    const array = await readNpy(path);
    const n = options.rows;
    if (
      array.shape.length !== 2 || (n !== undefined && array.shape[0] !== n) ||
      array.shape[0] === 0 || array.shape[1] === 0
    ) {
      throw new InputError({
        file: path,
        expected: n !== undefined
          ? `a 2-D array with ${n} rows (one per concept, canonical order)`
          : "a 2-D array with at least one row and one column",
        found: `shape (${array.shape.join(", ")})`,
      });
    }
    const data = array.data instanceof Float64Array
      ? array.data
      : Float64Array.from(array.data as ArrayLike<number>);
    assertFinite(data, path, array.shape[1]);
    return { data, rows: array.shape[0], cols: array.shape[1] };
  }
  if (ext === ".txt" || ext === ".tsv" || ext === ".csv") {
    return await readSposeEmbedding(path, {
      ...(options.rows !== undefined ? { rows: options.rows } : {}),
      delimiter: ext === ".csv" ? "auto" : "whitespace",
    });
  }
  throw new InputError({
    file: path,
    expected: "a .txt, .tsv, .csv or .npy file",
    found: `extension "${ext}"`,
  });
}

/**
 * Read `path` as a concept matrix. Text (`.txt`, `.tsv`, `.csv`) and `.npy` files must have one
 * row per concept in canonical order. Arrow tables need a `uniqueID` column and a fixed-size-list
 * column (`vector`, `embedding`, `similarity` or the only such column); several rows of one
 * concept (per-image embeddings) are averaged into the concept's prototype; a `similarity` column
 * whose width equals the number of concepts is read as a similarity matrix.
 */
export async function readConceptMatrix(
  path: string,
  concepts: ConceptIndex,
): Promise<ConceptMatrix> {
  const ext = extname(path).toLowerCase();
  const n = concepts.size;
  if (isPlainMatrixFile(path)) {
    const matrix = await readPlainMatrix(path, { rows: n });
    return { matrix, present: new Uint8Array(n).fill(1), kind: "embedding" };
  }
  if (ext === TABLE_EXT || ext === ".feather" || ext === ".ipc") {
    return fromArrow(path, await readTable(path, { require: ["uniqueID"] }), concepts);
  }
  throw new InputError({
    file: path,
    expected: `a .txt, .tsv, .csv, .npy or ${TABLE_EXT} file`,
    found: `extension "${ext}"`,
  });
}

function fromArrow(path: string, table: Table, concepts: ConceptIndex): ConceptMatrix {
  const listColumns = table.schema.fields.filter((f) => f.type.typeId === 16).map((f) => f.name);
  const column = ["vector", "embedding", "similarity"].find((c) => listColumns.includes(c)) ??
    (listColumns.length === 1 ? listColumns[0] : undefined);
  if (!column) {
    throw new InputError({
      file: path,
      expected: "one fixed-size-list column (vector, embedding or similarity)",
      found: listColumns.length ? `columns ${listColumns.join(", ")}` : "none",
    });
  }
  const n = concepts.size;
  const flat = vectorColumnToFlat(table, column);
  const ids = tableReader(table, path).strings("uniqueID");
  const dim = (table.schema.fields.find((f) => f.name === column)!.type as FixedSizeList).listSize;
  const data = new Float64Array(n * dim);
  const counts = new Int32Array(n);
  ids.forEach((id, r) => {
    const row = concepts.indexOf(id, { file: path, row: r + 1 });
    counts[row]++;
    for (let c = 0; c < dim; c++) data[row * dim + c] += flat.data[r * dim + c];
  });
  assertFinite(flat.data, path, dim);
  let maxCount = 0;
  for (let i = 0; i < n; i++) {
    if (counts[i] > 1) { for (let c = 0; c < dim; c++) data[i * dim + c] /= counts[i]; }
    maxCount = Math.max(maxCount, counts[i]);
  }
  const present = Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0));
  const kind = column === "similarity" && dim === n ? "similarity" : "embedding";
  const note = maxCount > 1 ? `mean of the rows of each concept (up to ${maxCount})` : undefined;
  return { matrix: { data, rows: n, cols: dim }, present, kind, note };
}

function assertFinite(data: ArrayLike<number>, file: string, cols: number) {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError({
        file,
        row: Math.floor(i / cols) + 1,
        column: (i % cols) + 1,
        expected: "a finite number",
        found: String(data[i]),
      });
    }
  }
}
