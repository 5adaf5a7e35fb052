/**
 * The alignment stages' registries, `aligned/<model>.arrow`: one file per stage, one row per
 * model it registers (model, seed, control_of, method, source, chosen hyperparameters). The
 * benchmark scores every model listed there; the per-method columns are written by
 * `aligned_glocal.ts` and `aligned_alignet.ts`.
 *
 * @module
 */
import { join } from "node:path";
import {
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import type { ListedModel } from "./models.ts";
import { ALIGNED_DIR, isTableFile } from "./names.ts";
import { openTable } from "./reader.ts";

/** The registry files of a tables folder, sorted (none when no alignment stage ran). */
export async function alignedRegistries(tables: string): Promise<string[]> {
  const dir = join(tables, ALIGNED_DIR);
  if (!(await exists(dir))) return [];
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && isTableFile(e.name)) files.push(join(dir, e.name));
  }
  return files.sort();
}

/** The models one registry file lists (no head accuracy: aligned models have no head). */
export async function readAlignedModels(file: string): Promise<ListedModel[]> {
  const t = await openTable(file, ["model", "seed"]);
  return t.rows().map((r) => ({
    model: String(r.model),
    seed: Number(r.seed),
    headTop1: null,
    controlOf: r.control_of == null ? null : String(r.control_of),
  }));
}

/** A registry row with only the columns the benchmark reads. */
export interface AlignedModelRow {
  /** Model key. */
  model: string;
  /** Seed. */
  seed: number;
  /** The model it is the matched control of, else null. */
  controlOf: string | null;
}

/**
 * Write a minimal registry (model, seed, control_of): for models registered from outside the
 * alignment stages, such as the speed suite's simulated models.
 */
export async function writeAlignedModels(
  path: string,
  rows: readonly AlignedModelRow[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: stringColumn(rows.map((r) => r.model)),
    seed: int32Column(rows.map((r) => r.seed)),
    control_of: stringColumn(rows.map((r) => r.controlOf)),
  });
  await writeTable(path, table, meta);
}
