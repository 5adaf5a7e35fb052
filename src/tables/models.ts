/**
 * `models.arrow` (written by `embed`): one row per embedded image model and seed, with its
 * initialisation, matched variant, head accuracies and training config. Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import {
  boolColumn,
  concatTables,
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** Path of `models.arrow` in a tables folder. */
export function modelsPath(tables: string): string {
  return tablePath(tables, TABLE.models);
}

/** One row of `models.arrow`. */
export interface ModelSummaryRow {
  /** Model key. */
  model: string;
  /** Training seed. */
  seed: number;
  /** What the network started from. */
  init: string;
  /** Whether it was trained (false for the ImageNet-only reference). */
  trained: boolean;
  /** The variant a control is matched to. */
  control_of: string | null;
  /** Test top-1 of its classification head. */
  test_top1: number | null;
  /** Validation top-1 at the end of training. */
  val_top1: number | null;
  /** Stress-split top-1 at the end of training. */
  stress_top1: number | null;
  /** 1 / classes. */
  chance: number;
  /** Classes of the head. */
  n_classes: number;
  /** Backend that embedded it. */
  backend: string;
  /** Its training config as JSON. */
  config: string | null;
}

/** Write `models.arrow` (or, with a model's row path, one model's row of it). */
export async function writeModels(
  path: string,
  rows: readonly ModelSummaryRow[],
  meta: TableMetadata,
): Promise<void> {
  const col = <K extends keyof ModelSummaryRow>(k: K) => rows.map((r) => r[k]);
  const table = makeTable({
    model: stringColumn(col("model")),
    seed: int32Column(col("seed")),
    init: stringColumn(col("init")),
    trained: boolColumn(col("trained")),
    control_of: stringColumn(col("control_of")),
    test_top1: float64Column(col("test_top1")),
    val_top1: float64Column(col("val_top1")),
    stress_top1: float64Column(col("stress_top1")),
    chance: float64Column(col("chance")),
    n_classes: int32Column(col("n_classes")),
    backend: stringColumn(col("backend")),
    config: stringColumn(col("config")),
  });
  await writeTable(path, table, meta);
}

/** Write `models.arrow`: the rows of the models' row tables (`files`), one after another. */
export async function writeJoinedModels(
  tables: string,
  files: readonly string[],
  meta: TableMetadata,
): Promise<void> {
  const parts = await Promise.all(files.map((f) => readTable(f)));
  await writeTable(modelsPath(tables), concatTables(parts, files), meta);
}

/** A model of `models.arrow` or of an aligned registry: key, seed, head top-1 and control. */
export interface ListedModel {
  /** Model key. */
  model: string;
  /** Seed. */
  seed: number;
  /** Test top-1 of its head (null for aligned models). */
  headTop1: number | null;
  /** Matched variant for a control. */
  controlOf: string | null;
}

/** The models of `models.arrow`, in table order. */
export async function readModelRows(tables: string): Promise<ListedModel[]> {
  const t = await openTable(modelsPath(tables), ["model", "seed"]);
  return t.rows().map((r) => ({
    model: String(r.model),
    seed: Number(r.seed),
    headTop1: r.test_top1 == null ? null : Number(r.test_top1),
    controlOf: r.control_of == null ? null : String(r.control_of),
  }));
}

/** The stage options recorded in `models.arrow`'s metadata. */
export async function readModelsOptions(tables: string): Promise<Record<string, unknown>> {
  const t = await openTable(modelsPath(tables));
  return (t.metadata().options ?? {}) as Record<string, unknown>;
}
