/**
 * `timings/…`: the wall-clock measurements of a run, kept apart from its results. Seconds differ
 * between any two runs (and between a local run and a cluster's jobs); the result tables do not
 * hold them, so the same seed, inputs and code give byte-identical result tables.
 *
 * - `timings/training/<model>[.seed<k>].arrow` (written by `train`): one row per row of the
 *   model's training log (`stage`, `epoch`, `seconds`); the metadata's `notes` hold
 *   `train_seconds`, `trunk_seconds` and `trunk_cache_hit`.
 * - `timings/gwot/<model>[.seed<k>].arrow` (written by `align:gwot:<model>`; `untrained` for the
 *   random networks): one row per run of the unit's part of gwot.arrow (`model`, `seed`, `eps`,
 *   `init`, `seconds`).
 *
 * Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  type TableMetadata,
  tableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import { gwotRunKeys } from "./gwot.ts";
import { gwotTimingTable, trainingTimingTable } from "./names.ts";
import { tablePath } from "./paths.ts";

/** Path of a training log's timings (`stem`: model key with its seed suffix). */
export function trainingTimingPath(tables: string, stem: string): string {
  return tablePath(tables, trainingTimingTable(stem));
}

/** Path of a GWOT unit's timings (`seed` null: no suffix; else `.seed<k>`). */
export function gwotTimingPath(tables: string, model: string, seed: number | null): string {
  return tablePath(tables, gwotTimingTable(seed == null ? model : `${model}.seed${seed}`));
}

/** The wall-clock side of a training run. */
export interface TrainingTimings {
  /** Stage of every epoch row, as in the training log. */
  stages: readonly string[];
  /** Epoch of every row. */
  epochs: readonly number[];
  /** Wall seconds of every row (training steps plus the train/val top-1 pass). */
  seconds: readonly number[];
  /** Whole-run timings: `train_seconds`, `trunk_seconds`, `trunk_cache_hit`. */
  notes: Record<string, unknown>;
}

/** Write a training run's timings. */
export async function writeTrainingTimings(
  path: string,
  t: TrainingTimings,
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    stage: stringColumn(t.stages),
    epoch: int32Column(Int32Array.from(t.epochs)),
    seconds: float64Column(Float64Array.from(t.seconds)),
  });
  await writeTable(path, table, { ...meta, notes: { ...meta.notes, ...t.notes } });
}

/** A training run's timings, or undefined when the run has none (tables of older versions). */
export async function readTrainingTimings(path: string): Promise<TrainingTimings | undefined> {
  if (!(await exists(path))) return undefined;
  const table = await readTable(path, { require: ["stage", "epoch", "seconds"] });
  return {
    stages: table.getChild("stage")!.toArray() as string[],
    epochs: Array.from(table.getChild("epoch")!.toArray() as Int32Array),
    seconds: Array.from(table.getChild("seconds")!.toArray() as Float64Array),
    notes: (tableMetadata(table).notes ?? {}) as Record<string, unknown>,
  };
}

/** One GWOT run's wall time. */
export interface GwotRunTiming {
  /** Model key. */
  model: string;
  /** Seed (null for SPoSE-49). */
  seed: number | null;
  /** ε of the run. */
  epsilon: number;
  /** Initial plan. */
  init: number;
  /** Wall seconds. */
  seconds: number;
}

/** Write a GWOT unit's timings. */
export async function writeGwotTimings(
  path: string,
  runs: readonly GwotRunTiming[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    ...gwotRunKeys(runs),
    seconds: float64Column(runs.map((r) => r.seconds)),
  });
  await writeTable(path, table, meta);
}
