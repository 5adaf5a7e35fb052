/**
 * Apply a published gLocal transform (`…_transform.npz`: `weights` W, optional `bias` b, scalar
 * `mean` and `std`) to a user's features of the matching model: every row x becomes
 * ((x − mean)/std)·W + b (`applyGlocal`). Features come from a `.npy` (2-D), an array of a
 * `.npz`, whitespace text (`.txt`, `.tsv`) or comma-separated numbers (`.csv`, one row per
 * line, an optional header line), or an Arrow table such as `tables/embeddings/<model>.arrow`
 * (its `vector` column, or the one named; the id columns `image_id`, `uniqueID`, `split`,
 * `index` are carried over). The result is an Arrow table in the layout of the embedding
 * tables: the carried columns (or `row`, the 0-based input row), `vector` (float32) and
 * `vector_l2` (the same, L2-normalised).
 *
 * @module
 */
import { extname } from "node:path";
import { FixedSizeList, type Table } from "apache-arrow";
import { readSposeEmbedding } from "../data/readers/spose.ts";
import { parseFiniteNumber, readText, splitDelimited, splitLines } from "../data/readers/text.ts";
import { readTable, vectorColumnToFlat } from "../io/arrow.ts";
import { writeFeatureTable } from "../tables/features.ts";
import { tableReader } from "../tables/reader.ts";
import { InputError } from "../io/errors.ts";
import { sha256File } from "../io/hash.ts";
import { type NpyArray, readNpy } from "../io/npy.ts";
import { type GlocalTransform, readGlocalTransform, readNpz } from "../io/npz.ts";
import type { Matrix } from "../metrics/types.ts";
import { pipelineVersion } from "../pipeline/paths.ts";
import { l2Rows } from "../train/embedding_tables.ts";
import { applyGlocal } from "./glocal.ts";
import { TABLE_EXT } from "../tables/names.ts";

/** Columns of an Arrow features table carried over to the output, when present. */
export const CARRIED_COLUMNS: readonly string[] = ["image_id", "uniqueID", "split", "index"];

/** A features file read row by row. */
export interface FeatureRows {
  /** Features, rows × dim. */
  matrix: Matrix;
  /** Columns carried over (Arrow input only), by name. */
  carried: Map<string, (string | number | null)[]>;
  /** What was read (array or column), for the summary. */
  source: string;
}

/** Options of {@link readFeatureRows}. */
export interface ReadFeatureOptions {
  /** Array of a `.npz` (default: its only array). */
  key?: string;
  /** Vector column of an Arrow table (default `vector`, else its only fixed-size-list column). */
  column?: string;
}

/** Rows × columns of a 2-D numeric array (an error names the file and the shape found). */
function npyMatrix(array: NpyArray, where: { file: string; entry?: string }): Matrix {
  if (array.shape.length !== 2 || array.shape[0] === 0 || array.shape[1] === 0) {
    throw new InputError({
      ...where,
      expected: "a non-empty 2-D array (rows × features)",
      found: `shape (${array.shape.join(", ")})`,
    });
  }
  const data = Float64Array.from(array.data as ArrayLike<number>);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new InputError({
      ...where,
      row: Math.floor(bad / array.shape[1]) + 1,
      column: (bad % array.shape[1]) + 1,
      expected: "a finite number",
      found: String(data[bad]),
    });
  }
  return { data, rows: array.shape[0], cols: array.shape[1] };
}

/** Comma-separated numbers, one row per line; a first line without numbers is a header. */
async function readCsvMatrix(path: string): Promise<Matrix> {
  const lines = splitLines(await readText(path), path);
  const cells = lines.map((l) => splitDelimited(l.text, ",", { file: path, line: l.line }));
  const header = cells.length > 0 && cells[0].every((c) => Number.isNaN(Number(c)) || !c.trim());
  const body = header ? cells.slice(1) : cells;
  const first = header ? lines.slice(1) : lines;
  if (body.length === 0) {
    throw new InputError({ file: path, expected: "rows of numbers", found: "none" });
  }
  const cols = body[0].length;
  const data = new Float64Array(body.length * cols);
  body.forEach((row, r) => {
    const line = first[r].line;
    if (row.length !== cols) {
      throw new InputError({
        file: path,
        line,
        expected: `${cols} comma-separated values (as on line ${first[0].line})`,
        found: `${row.length}`,
      });
    }
    row.forEach((
      c,
      k,
    ) => (data[r * cols + k] = parseFiniteNumber(c.trim(), { file: path, line, column: k + 1 })));
  });
  return { data, rows: body.length, cols };
}

/** The vector column of an Arrow features table (see {@link ReadFeatureOptions.column}). */
function vectorColumnName(table: Table, path: string, column?: string): string {
  const lists = table.schema.fields.filter((f) => f.type instanceof FixedSizeList)
    .map((f) => f.name);
  const name = column ?? (lists.includes("vector") ? "vector" : lists.length === 1 ? lists[0] : "");
  if (!lists.includes(name)) {
    throw new InputError({
      file: path,
      expected: column
        ? `a fixed-size-list column ${column}`
        : "a fixed-size-list column `vector` (or a single one; name it with --column)",
      found: lists.length ? `columns ${lists.join(", ")}` : "no vector column",
    });
  }
  return name;
}

/** Read a features file row by row (formats in the module documentation). */
export async function readFeatureRows(
  path: string,
  options: ReadFeatureOptions = {},
): Promise<FeatureRows> {
  const ext = extname(path).toLowerCase();
  const carried = new Map<string, (string | number | null)[]>();
  if (ext === ".npy") {
    return { matrix: npyMatrix(await readNpy(path), { file: path }), carried, source: "array" };
  }
  if (ext === ".npz") {
    const arrays = await readNpz(path, options.key ? { names: [options.key] } : {});
    const names = [...arrays.keys()];
    if (!options.key && names.length !== 1) {
      throw new InputError({
        file: path,
        expected: "a single array (or name one with --key)",
        found: `arrays ${names.join(", ") || "none"}`,
      });
    }
    const key = options.key ?? names[0];
    const matrix = npyMatrix(arrays.get(key)!, { file: path, entry: `${key}.npy` });
    return { matrix, carried, source: `array ${key}` };
  }
  if (ext === ".txt" || ext === ".tsv") {
    return { matrix: await readSposeEmbedding(path), carried, source: "text rows" };
  }
  if (ext === ".csv") return { matrix: await readCsvMatrix(path), carried, source: "csv rows" };
  if (ext === TABLE_EXT || ext === ".feather" || ext === ".ipc") {
    const table = await readTable(path);
    const column = vectorColumnName(table, path, options.column);
    const { data, rows, dim } = vectorColumnToFlat(table, column);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new InputError({
        file: path,
        row: Math.floor(bad / dim) + 1,
        column,
        expected: "finite numbers",
        found: String(data[bad]),
      });
    }
    const reader = tableReader(table, path);
    for (const name of CARRIED_COLUMNS) {
      if (reader.names.includes(name)) {
        carried.set(name, reader.cells(name) as (string | number | null)[]);
      }
    }
    return { matrix: { data, rows, cols: dim }, carried, source: `column ${column}` };
  }
  throw new InputError({
    file: path,
    expected: `features as .npy, .npz, .txt, .tsv, .csv or an Arrow table (${TABLE_EXT})`,
    found: `extension "${ext}"`,
  });
}

/** Options of {@link applyTransformFile}. */
export interface ApplyTransformOptions extends ReadFeatureOptions {
  /** The features file of the matching model. */
  features: string;
  /** Arrow table to write (atomically). */
  out: string;
}

/** What {@link applyTransformFile} did. */
export interface ApplySummary {
  transform: string;
  features: string;
  out: string;
  rows: number;
  dim: number;
  source: string;
  bias: boolean;
  mean: number;
  std: number;
  carried: string[];
  /** Mean L2 norm of the rows before and after. */
  meanNorm: { before: number; after: number };
}

function meanNorm(m: Matrix): number {
  let total = 0;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = 0; k < m.cols; k++) s += m.data[i * m.cols + k] ** 2;
    total += Math.sqrt(s);
  }
  return total / m.rows;
}

/** Check that features fit a transform: as many columns as W has rows. */
export function checkFeatureDim(
  transform: GlocalTransform,
  features: Matrix,
  files: { transform: string; features: string },
): void {
  if (features.cols !== transform.dim) {
    throw new InputError({
      file: files.features,
      expected: `${transform.dim} features per row (the rows of the weights in ` +
        `${files.transform}: features of the model that transform was fitted on)`,
      found: `${features.cols} per row (${features.rows} rows)`,
    });
  }
}

/**
 * Apply the transform in `transformPath` to the rows of `options.features` and write the result
 * to `options.out` (see the module documentation).
 */
export async function applyTransformFile(
  transformPath: string,
  options: ApplyTransformOptions,
): Promise<ApplySummary> {
  const transform = await readGlocalTransform(transformPath);
  const { matrix, carried, source } = await readFeatureRows(options.features, options);
  checkFeatureDim(transform, matrix, { transform: transformPath, features: options.features });
  const z = applyGlocal(transform, matrix);
  const vec = Float32Array.from(z.data);
  await writeFeatureTable(options.out, {
    carried,
    vectors: vec,
    vectorsL2: l2Rows(vec, z.cols),
    rows: z.rows,
    dim: z.cols,
  }, {
    task: "align:glocal apply",
    version: await pipelineVersion(),
    inputs: {
      [transformPath]: await sha256File(transformPath),
      [options.features]: await sha256File(options.features),
    },
    options: { key: options.key ?? null, column: options.column ?? null },
    notes: {
      rows: z.rows,
      dim: z.cols,
      formula: "((x − mean)/std)·W + b, float64, stored as float32",
      source,
    },
  });
  return {
    transform: transformPath,
    features: options.features,
    out: options.out,
    rows: z.rows,
    dim: z.cols,
    source,
    bias: transform.bias !== undefined,
    mean: transform.mean,
    std: transform.std,
    carried: [...carried.keys()],
    meanNorm: { before: meanNorm(matrix), after: meanNorm(z) },
  };
}
