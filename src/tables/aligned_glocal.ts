/**
 * `aligned/glocal.arrow` (written by `align:glocal`): the registry row of the gLocal model — its
 * source model, the chosen λ and α, and the validation accuracy of every grid point. Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import {
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";

/** The gLocal model's registry row. */
export interface GlocalRegistryRow {
  /** Model key. */
  model: string;
  /** Pipeline seed. */
  seed: number;
  /** Model whose features were transformed. */
  source: string;
  /** Method name as reported. */
  method: string;
  /** Chosen λ. */
  lambda: number;
  /** Chosen α. */
  alpha: number;
  /** Validation odd-one-out accuracy of the chosen point. */
  valAccuracy: number;
  /** Every grid point with its validation accuracy. */
  grid: { lambda: number; alpha: number; val: number }[];
}

/** Write `aligned/glocal.arrow` (`path`: {@link alignedPath}). */
export async function writeGlocalRegistry(
  path: string,
  row: GlocalRegistryRow,
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: stringColumn([row.model]),
    seed: int32Column([row.seed]),
    source: stringColumn([row.source]),
    method: stringColumn([row.method]),
    lambda: float64Column([row.lambda]),
    alpha: float64Column([row.alpha]),
    val_accuracy: float64Column([row.valAccuracy]),
    grid: stringColumn([JSON.stringify(row.grid)]),
  });
  await writeTable(path, table, meta);
}
