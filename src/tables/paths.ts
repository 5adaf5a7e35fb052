/**
 * Where a run's artifacts live under its output folder: tables below `<out>/tables/` (by the
 * names of `names.ts`) and checkpoints below `<out>/checkpoints/`. Stages find each other's
 * outputs here instead of importing each other.
 *
 * @module
 */
import { join } from "node:path";
import {
  alignedTable,
  embeddingTable,
  gwotPlanTable,
  modelRowTable,
  prototypesTable,
  tableFile,
  trainingTable,
} from "./names.ts";

/** The part of a stage's context that locates its outputs. */
export interface RunLocation {
  /** Output root (absolute). */
  out: string;
  /** Tables folder (absolute). */
  tables: string;
  /** The pipeline seed: tables of other seeds carry a `.seed<k>` suffix. */
  seed: number;
}

/** Path of table `name` (e.g. `benchmark/retrieval_queries`) under a tables folder. */
export function tablePath(dir: string, name: string): string {
  return join(dir, tableFile(name));
}

/**
 * File name stem of a model's per-seed table: the model key for the pipeline seed, with
 * `.seed<k>` for other seeds (`baseline`, `baseline.seed2`).
 */
export function seedStem(model: string, seed: number, pipelineSeed: number): string {
  return seed === pipelineSeed ? model : `${model}.seed${seed}`;
}

/** The training-log table of a model and seed. */
export function trainingTablePath(ctx: RunLocation, model: string, seed: number): string {
  return tablePath(ctx.tables, trainingTable(seedStem(model, seed, ctx.seed)));
}

/** Path of a model's embedding table. */
export function embeddingPath(ctx: RunLocation, model: string, seed: number): string {
  return tablePath(ctx.tables, embeddingTable(seedStem(model, seed, ctx.seed)));
}

/** Path of a model's concept-prototype table. */
export function prototypePath(ctx: RunLocation, model: string, seed: number): string {
  return tablePath(ctx.tables, prototypesTable(seedStem(model, seed, ctx.seed)));
}

/**
 * The registry file of an aligned model (`tables/aligned/<model>.arrow`): one row per model the
 * stage registers (model, seed, control_of, method, source, chosen hyperparameters); the
 * benchmark scores every model listed in `tables/aligned/`.
 */
export function alignedPath(ctx: Pick<RunLocation, "tables">, model: string): string {
  return tablePath(ctx.tables, alignedTable(model));
}

/** Path of a model's row of `models.arrow` (written by `embed:<model>`). */
export function modelRowPath(ctx: RunLocation, model: string, seed: number): string {
  return tablePath(ctx.tables, modelRowTable(seedStem(model, seed, ctx.seed)));
}

/** Path of a model's GWOT transport plan. */
export function gwotPlanPath(ctx: RunLocation, model: string, seed: number): string {
  return tablePath(ctx.tables, gwotPlanTable(seedStem(model, seed, ctx.seed)));
}

/** Where a model's checkpoints live. */
export function checkpointDir(ctx: Pick<RunLocation, "out">, model: string, seed: number): string {
  return join(ctx.out, "checkpoints", model, `seed-${seed}`);
}
