/**
 * One epoch's optimizer steps for `trainModel`: the run's state that moves epoch to epoch,
 * a stage's optimizer and inputs, and the batch loop (losses summed by term).
 */
import * as tf from "@tensorflow/tfjs";
import { createProgress } from "../pipeline/progress.ts";
import type { Adam } from "./adam.ts";
import { type BatchInput, batchLoss, type LossContext } from "./batch_loss.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { StageConfig } from "./config.ts";
import { epochBatches } from "./sampler.ts";
import type { LogRow, TrainRun } from "./trainer.ts";

/** Training state saved in every checkpoint (exact resumption). */
export interface TrainState {
  stage: number;
  epochInStage: number;
  globalEpoch: number;
  step: number;
  bestVal: number;
  bestEpoch: number;
  badEpochs: number;
  log: Omit<LogRow, "seconds">[];
  done: boolean;
}

/** A `trainModel` call under way: its run, checkpoint paths and what moves as it trains. */
export interface Session {
  run: TrainRun;
  log: (message: string) => void;
  lastPath: string;
  bestPath: string;
  timingsPath: string;
  state: TrainState;
  /** `last.ckpt` when resumed from it. */
  restored?: Checkpoint<TrainState>;
  /** Fixed class prototypes (disposed when the call returns). */
  prototypes?: tf.Tensor2D;
  /** Seconds per global epoch. */
  timings: number[];
  /** Optimizer steps taken in this call. */
  steps: number;
}

/** A stage under way: its config, trained variables, optimizer and (head-only) frozen features. */
export interface StageRun {
  stage: StageConfig;
  vars: tf.Variable[];
  adam: Adam;
  /** Pooled features of every image, when the top is frozen. */
  frozenFeatures?: Float32Array;
  featureDim: number;
}

/** Losses of an epoch's batches, summed by term. */
export interface EpochLosses {
  sums: { total: number; ce: number; triplet: number; matrix: number };
  /** Number of batches. */
  batches: number;
}

/** Gather rows of a row-major array into a new array. */
export function gatherRows(
  data: Float32Array,
  rowSize: number,
  rows: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(rows.length * rowSize);
  for (let i = 0; i < rows.length; i++) {
    out.set(data.subarray(rows[i] * rowSize, (rows[i] + 1) * rowSize), i * rowSize);
  }
  return out;
}

/** A batch's input tensors: frozen features, or trunk activations. */
function batchInput(
  run: TrainRun,
  st: StageRun,
  rows: Int32Array,
): Pick<BatchInput, "features" | "trunk"> {
  return st.frozenFeatures
    ? {
      features: tf.tensor2d(gatherRows(st.frozenFeatures, st.featureDim, rows), [
        rows.length,
        st.featureDim,
      ]),
    }
    : {
      trunk: tf.tensor(run.trunk.gather(rows), [
        rows.length,
        ...run.trunk.shape,
      ]),
    };
}

/**
 * The optimizer steps of the current epoch; undefined when the call's `maxSteps` is reached
 * first (the caller stops, leaving the run resumable).
 */
export async function trainEpochBatches(
  s: Session,
  st: StageRun,
  lossContext: LossContext,
): Promise<EpochLosses | undefined> {
  const { run, state } = s;
  const { config, net } = run;
  const { stage, vars, adam } = st;
  const batches = epochBatches(run.data, config.sampler, {
    seed: run.seed,
    epoch: state.globalEpoch,
    triplets: run.triplets,
  }).slice(0, config.maxBatchesPerEpoch);
  const progress = createProgress(
    `train ${config.name} · ${stage.name} epoch ${state.epochInStage + 1}/${stage.epochs}`,
    batches.length,
    { unit: "batches" },
  );
  const sums = { total: 0, ce: 0, triplet: 0, matrix: 0 };
  for (const batch of batches) {
    if (run.maxSteps !== undefined && s.steps >= run.maxSteps) return undefined;
    const input = batchInput(run, st, batch.rows);
    const { value, grads, terms } = await batchLoss(
      net,
      { ...input, batch, step: state.step, vars },
      lossContext,
    );
    adam.apply(vars.map((v) => grads[v.name] ?? null));
    sums.total += value;
    sums.ce += terms.ce;
    sums.triplet += terms.triplet;
    sums.matrix += terms.matrix;
    tf.dispose([...Object.values(grads), ...Object.values(input)]);
    state.step++;
    s.steps++;
    progress.tick();
  }
  progress.done();
  return { sums, batches: batches.length };
}
