/**
 * The table `align:glocal apply` writes for a researcher's own features: the transformed rows
 * (`vector`, `vector_l2`) with the id columns carried over from the input (or a `row` index when
 * it had none).
 *
 * @module
 */
import {
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";

/** What the table holds. */
export interface FeatureTableColumns {
  /** Id columns carried over from the input, by name (numbers or strings; null cells allowed). */
  carried: Map<string, unknown[]>;
  /** Transformed rows, rows × dim. */
  vectors: Float32Array;
  /** Their L2-normalised copy. */
  vectorsL2: Float32Array;
  /** Rows. */
  rows: number;
  /** Vector length. */
  dim: number;
}

/** Write the transformed features to `path`. */
export async function writeFeatureTable(
  path: string,
  c: FeatureTableColumns,
  meta: TableMetadata,
): Promise<void> {
  const columns: Record<string, ReturnType<typeof stringColumn>> = {};
  if (c.carried.size === 0) {
    columns.row = int32Column(Int32Array.from({ length: c.rows }, (_, i) => i));
  }
  for (const [name, values] of c.carried) {
    columns[name] = typeof values.find((v) => v != null) === "number"
      ? int32Column(values as (number | null)[])
      : stringColumn(values.map((v) => (v == null ? null : String(v))));
  }
  columns.vector = vectorColumn(c.vectors, c.dim);
  columns.vector_l2 = vectorColumn(c.vectorsL2, c.dim);
  await writeTable(path, makeTable(columns), meta);
}
