/**
 * `training/<model>[.seed<k>].arrow` (written by `train`, and by `align:alignet` for its student):
 * one row per epoch of a model's training log; the metadata's `notes.summary` holds the final
 * accuracies. The epochs' wall-clock seconds are in `timings/training/` (src/tables/timings.ts),
 * so the log is the same for the same seed. Columns as `docs/tables.md` documents them.
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
import type { LogRow } from "../train/trainer.ts";

/** Write a training log (`path`: `trainingTablePath`), without the rows' seconds. */
export async function writeTrainingLog(
  path: string,
  log: { rows: readonly LogRow[]; model: string; seed: number; backend: string },
  meta: TableMetadata,
): Promise<void> {
  const { rows, model, seed, backend } = log;
  const table = makeTable({
    model: stringColumn(rows.map(() => model)),
    seed: int32Column(rows.map(() => seed)),
    stage: stringColumn(rows.map((r) => r.stage)),
    epoch: int32Column(rows.map((r) => r.epoch)),
    step: int32Column(rows.map((r) => r.step)),
    loss_total: float64Column(rows.map((r) => r.loss_total)),
    loss_ce: float64Column(rows.map((r) => r.loss_ce)),
    loss_triplet: float64Column(rows.map((r) => r.loss_triplet)),
    loss_matrix: float64Column(rows.map((r) => r.loss_matrix)),
    train_top1: float64Column(rows.map((r) => r.train_top1)),
    val_top1: float64Column(rows.map((r) => r.val_top1)),
    backend: stringColumn(rows.map(() => backend)),
  });
  await writeTable(path, table, meta);
}

/** The notes of a training log's metadata (its `summary`, bad images…). */
export async function readTrainingNotes(path: string): Promise<Record<string, unknown>> {
  return (tableMetadata(await readTable(path)).notes ?? {}) as Record<string, unknown>;
}
