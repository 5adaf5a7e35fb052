/**
 * The training loop: stages of epochs over cached trunk activations, losses by term, validation
 * top-1 and early stopping per stage, a checkpoint after every epoch, and exact resumption.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import type { TrunkActivations } from "./activations.ts";
import { Adam } from "./adam.ts";
import {
  type Checkpoint,
  loadCheckpoint,
  saveCheckpoint,
  type StoredTensor,
} from "./checkpoint.ts";
import type { StageConfig, TrainConfig } from "./config.ts";
import type { HumanMatrix, TrainData, TripletRows } from "./dataset.ts";
import type { LossContext } from "./batch_loss.ts";
import { tripletsByAnchor } from "./sampler.ts";
import {
  type EpochLosses,
  gatherRows,
  type Session,
  type StageRun,
  trainEpochBatches,
  type TrainState,
} from "./trainer_epoch.ts";

/** The trainable network: the backbone's top (boundary → features) and a linear head. */
export interface Network {
  /** Boundary activations → pooled features (the embedding). */
  top: tf.LayersModel;
  /** Features → class logits. */
  head: tf.LayersModel;
}

export type { TrunkActivations } from "./activations.ts";

/** One row of the training log. */
export interface LogRow {
  stage: string;
  epoch: number;
  step: number;
  loss_total: number;
  loss_ce: number;
  loss_triplet: number;
  loss_matrix: number;
  train_top1: number;
  val_top1: number;
  /** Wall-clock seconds of the epoch (kept out of checkpoints, which stay bit-reproducible). */
  seconds: number;
}

/** What {@link trainModel} needs. */
export interface TrainRun {
  config: TrainConfig;
  seed: number;
  data: TrainData;
  trunk: TrunkActivations;
  net: Network;
  /** Triplets of the config's triplet table. */
  triplets?: TripletRows;
  /** Human matrix of the config's matrix table (with its train-pair mask). */
  human?: HumanMatrix;
  /** Folder for `last.ckpt`, `best.ckpt`, `final.ckpt`. */
  checkpointDir: string;
  /** Continue from `last.ckpt` when present. */
  resume: boolean;
  /** Stop after this many optimizer steps (tests); the run is left resumable. */
  maxSteps?: number;
  /** Log a line (stderr). */
  log?: (message: string) => void;
}

/** Result of a training run. */
export interface TrainResult {
  log: LogRow[];
  /** True when the run finished (not stopped by `maxSteps`). */
  finished: boolean;
  /** Steps taken in this call. */
  steps: number;
}

/** Weights of the network as named tensors (top then head, in `getWeights()` order). */
export async function networkWeights(net: Network): Promise<Record<string, StoredTensor>> {
  const out: Record<string, StoredTensor> = {};
  for (const [part, model] of [["top", net.top], ["head", net.head]] as const) {
    const weights = model.getWeights();
    for (let i = 0; i < weights.length; i++) {
      const data = (await weights[i].data() as Float32Array).slice();
      out[`${part}/${i}`] = { data, shape: weights[i].shape };
    }
  }
  return out;
}

/** Restore weights saved by {@link networkWeights}. */
export function setNetworkWeights(net: Network, tensors: Record<string, StoredTensor>): void {
  for (const [part, model] of [["top", net.top], ["head", net.head]] as const) {
    const current = model.getWeights();
    const values = current.map((w, i) => {
      const s = tensors[`${part}/${i}`];
      if (!s || s.data.length !== w.size) {
        throw new Error(`checkpoint does not match the network (${part}/${i})`);
      }
      return tf.tensor(s.data, s.shape, w.dtype);
    });
    model.setWeights(values);
    tf.dispose(values);
  }
}

async function readTimings(path: string): Promise<number[]> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return [];
  }
}

function withTimes(rows: Omit<LogRow, "seconds">[], timings: number[]): LogRow[] {
  return rows.map((r, i) => ({ ...r, seconds: timings[i] ?? NaN }));
}

/** Pooled features (top output) of image rows, in chunks. */
export async function topFeatures(
  net: Network,
  trunk: TrunkActivations,
  rows: ArrayLike<number>,
  options: { chunk?: number } = {},
): Promise<Float32Array> {
  const chunk = options.chunk ?? 128;
  const dim = (net.top.outputs[0].shape as number[]).at(-1)!;
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i += chunk) {
    const part = Array.from({ length: Math.min(chunk, rows.length - i) }, (_, k) => rows[i + k]);
    const feats = tf.tidy(() => {
      const x = tf.tensor(trunk.gather(part), [part.length, ...trunk.shape]);
      return net.top.apply(x, { training: false }) as tf.Tensor;
    });
    out.set(await feats.data() as Float32Array, i * dim);
    feats.dispose();
  }
  return out;
}

/**
 * Top-1 of the concept head on precomputed features of some images, given each image's class
 * (−1 for images whose concept has no class: they count as wrong).
 */
export async function top1(
  net: Network,
  features: Float32Array,
  classes: Int32Array,
): Promise<number> {
  if (classes.length === 0) return NaN;
  const dim = features.length / classes.length;
  const argmax = tf.tidy(() => {
    const logits = net.head.apply(tf.tensor2d(features, [classes.length, dim])) as tf.Tensor;
    return tf.argMax(logits, 1);
  });
  const predicted = await argmax.data() as Int32Array;
  argmax.dispose();
  let correct = 0;
  classes.forEach((c, i) => {
    if (c >= 0 && predicted[i] === c) correct++;
  });
  return correct / classes.length;
}

/** Train a model per its config (see the module doc). */
export async function trainModel(run: TrainRun): Promise<TrainResult> {
  const s = await openSession(run);
  if (s.state.done) {
    s.prototypes?.dispose();
    return {
      log: withTimes(s.state.log, await readTimings(s.timingsPath)),
      finished: true,
      steps: 0,
    };
  }
  const classes = evaluationClasses(run.data);
  const lossContext = lossContextOf(s);
  const { config } = run;
  for (; s.state.stage < config.stages.length; s.state.stage++, s.state.epochInStage = 0) {
    const st = await beginStage(s, config.stages[s.state.stage]);
    for (; s.state.epochInStage < st.stage.epochs; s.state.epochInStage++) {
      const start = performance.now();
      const losses = await trainEpochBatches(s, st, lossContext);
      if (!losses) {
        st.adam.dispose();
        s.prototypes?.dispose();
        return { log: withTimes(s.state.log, s.timings), finished: false, steps: s.steps };
      }
      const row = await evaluateEpoch(s, st, { losses, classes, start });
      await recordEpoch(s, row);
      if (await closeEpoch(s, st, row.val_top1)) break;
    }
    st.adam.dispose();
  }
  return await finishRun(s);
}

/** Open a call: checkpoint paths, fixed prototypes, and the state (fresh or from `last.ckpt`). */
async function openSession(run: TrainRun): Promise<Session> {
  const { config, data, net } = run;
  const log = run.log ?? (() => {});
  const lastPath = join(run.checkpointDir, "last.ckpt");
  const bestPath = join(run.checkpointDir, "best.ckpt");
  const timingsPath = join(run.checkpointDir, "timings.json");
  let state: TrainState = {
    stage: 0,
    epochInStage: 0,
    globalEpoch: 0,
    step: 0,
    bestVal: -1,
    bestEpoch: -1,
    badEpochs: 0,
    log: [],
    done: false,
  };
  // fixed prototypes come from the initial weights (before any restore), so a resumed run uses
  // exactly the prototypes of an uninterrupted one
  const prototypes = config.loss.triplet > 0 && config.triplets?.prototypes === "fixed"
    ? await classPrototypes(net, run.trunk, data)
    : undefined;
  let restored: Checkpoint<TrainState> | undefined;
  if (run.resume) {
    restored = await loadCheckpoint<TrainState>(lastPath);
    if (restored) {
      state = restored.state;
      setNetworkWeights(net, restored.tensors);
      log(
        `${config.name}: resuming at stage ${config.stages[state.stage]?.name ?? "(done)"}, epoch ${
          state.globalEpoch + 1
        }, step ${state.step}`,
      );
    }
  }
  const timings: number[] = restored
    ? (await readTimings(timingsPath)).slice(0, state.globalEpoch)
    : [];
  return {
    run,
    log,
    lastPath,
    bestPath,
    timingsPath,
    state,
    restored,
    prototypes,
    timings,
    steps: 0,
  };
}

/** Classes of the validation and training images (top-1 after each epoch). */
interface EvaluationClasses {
  val: Int32Array;
  train: Int32Array;
}

/** The class of each validation and training image. */
function evaluationClasses(data: TrainData): EvaluationClasses {
  const val = Int32Array.from(data.rows.val, (r) => data.imageClass[r]);
  const train = Int32Array.from(data.rows.train, (r) => data.imageClass[r]);
  return { val, train };
}

/** What every batch's loss needs besides the batch. */
function lossContextOf(s: Session): LossContext {
  const { run } = s;
  const byAnchor = run.triplets ? tripletsByAnchor(run.triplets, run.data) : undefined;
  return {
    config: run.config,
    data: run.data,
    seed: run.seed,
    triplets: run.triplets,
    byAnchor,
    human: run.human,
    prototypes: s.prototypes,
  };
}

/**
 * Start (or resume) a stage: its variables and optimizer, early stopping reset at its first
 * epoch, and the features of every image when the top is frozen (the head trains on them).
 */
async function beginStage(s: Session, stage: StageConfig): Promise<StageRun> {
  const { net, trunk, data } = s.run;
  const { state, restored } = s;
  const headOnly = stage.trainable === "head";
  const vars = [
    ...(headOnly ? [] : net.top.trainableWeights.map((w) => w.read() as tf.Variable)),
    ...net.head.trainableWeights.map((w) => w.read() as tf.Variable),
  ];
  const adam = new Adam(vars, { learningRate: stage.learningRate });
  if (state.epochInStage > 0 && restored) adam.restore(restored.tensors);
  if (state.epochInStage === 0) {
    state.bestVal = -1;
    state.bestEpoch = -1;
    state.badEpochs = 0;
  }
  // frozen top: features once per stage, the head trains on them
  const frozenFeatures = headOnly
    ? await topFeatures(
      net,
      trunk,
      Int32Array.from({ length: data.imageIds.length }, (_, i) => i),
    )
    : undefined;
  const featureDim = (net.top.outputs[0].shape as number[]).at(-1)!;
  return { stage, vars, adam, frozenFeatures, featureDim };
}

/** The log row of an epoch: mean losses, train and validation top-1, seconds since `start`. */
async function evaluateEpoch(
  s: Session,
  st: StageRun,
  epoch: { losses: EpochLosses; classes: EvaluationClasses; start: number },
): Promise<LogRow> {
  const { net, trunk, data } = s.run;
  const { frozenFeatures, featureDim } = st;
  const { sums, batches } = epoch.losses;
  const valFeatures = frozenFeatures
    ? gatherRows(frozenFeatures, featureDim, data.rows.val)
    : await topFeatures(net, trunk, data.rows.val);
  const trainFeatures = frozenFeatures
    ? gatherRows(frozenFeatures, featureDim, data.rows.train)
    : await topFeatures(net, trunk, data.rows.train);
  const val = await top1(net, valFeatures, epoch.classes.val);
  return {
    stage: st.stage.name,
    epoch: s.state.globalEpoch + 1,
    step: s.state.step,
    loss_total: sums.total / batches,
    loss_ce: sums.ce / batches,
    loss_triplet: sums.triplet / batches,
    loss_matrix: sums.matrix / batches,
    train_top1: await top1(net, trainFeatures, epoch.classes.train),
    val_top1: val,
    seconds: (performance.now() - epoch.start) / 1000,
  };
}

/** Keep an epoch's row in the state, its seconds in `timings.json`, and log it. */
async function recordEpoch(s: Session, row: LogRow): Promise<void> {
  const { state, timings } = s;
  const { seconds, ...kept } = row;
  state.log.push(kept);
  timings[state.globalEpoch] = seconds;
  await writeFileAtomic(s.timingsPath, JSON.stringify(timings));
  s.log(
    `${s.run.config.name} ${row.stage} epoch ${row.epoch}: loss ${
      row.loss_total.toFixed(4)
    } · train top-1 ${row.train_top1.toFixed(3)} · val top-1 ${row.val_top1.toFixed(3)} · ${
      row.seconds.toFixed(1)
    }s`,
  );
  state.globalEpoch++;
}

/**
 * After an epoch: `best.ckpt` when validation improved, then either the end of the stage (early
 * stop or last epoch: back to its best weights; returns true) or `last.ckpt` with the optimizer.
 */
async function closeEpoch(s: Session, st: StageRun, val: number): Promise<boolean> {
  const { state, bestPath, lastPath } = s;
  const { net, config } = s.run;
  const { stage, adam } = st;
  if (val > state.bestVal) {
    state.bestVal = val;
    state.bestEpoch = state.globalEpoch;
    state.badEpochs = 0;
    await saveCheckpoint(bestPath, { state: { ...state }, tensors: await networkWeights(net) });
  } else state.badEpochs++;
  const stop = state.badEpochs >= config.earlyStopping.patience;
  if (stop || state.epochInStage + 1 === stage.epochs) {
    // end of stage: continue from its best epoch
    const best = await loadCheckpoint<TrainState>(bestPath);
    if (best) setNetworkWeights(net, best.tensors);
    state.epochInStage = stage.epochs;
    await saveCheckpoint(lastPath, {
      state: { ...state, stage: state.stage + 1, epochInStage: 0 },
      tensors: await networkWeights(net),
    });
    if (stop) {
      s.log(
        `${config.name} ${stage.name}: early stop, best val top-1 ${
          state.bestVal.toFixed(3)
        } at epoch ${state.bestEpoch}`,
      );
    }
    return true;
  }
  await saveCheckpoint(lastPath, {
    state: { ...state, epochInStage: state.epochInStage + 1 },
    tensors: { ...(await networkWeights(net)), ...(await adam.state()) },
  });
  return false;
}

/** Mark the run done: `last.ckpt` and `final.ckpt` with the final weights. */
async function finishRun(s: Session): Promise<TrainResult> {
  const { state, run } = s;
  s.prototypes?.dispose();
  state.done = true;
  await saveCheckpoint(s.lastPath, { state, tensors: await networkWeights(run.net) });
  await saveCheckpoint(join(run.checkpointDir, "final.ckpt"), {
    state,
    tensors: await networkWeights(run.net),
  });
  return { log: withTimes(state.log, s.timings), finished: true, steps: s.steps };
}

/** Mean pooled feature of each class's training images (fixed prototypes), as a [C, D] tensor. */
export async function classPrototypes(
  net: Network,
  trunk: TrunkActivations,
  data: TrainData,
): Promise<tf.Tensor2D> {
  const features = await topFeatures(net, trunk, data.rows.train);
  const dim = features.length / data.rows.train.length;
  const C = data.classConcept.length;
  const sums = new Float32Array(C * dim);
  const counts = new Float32Array(C);
  data.rows.train.forEach((r, i) => {
    const c = data.imageClass[r];
    counts[c]++;
    for (let d = 0; d < dim; d++) sums[c * dim + d] += features[i * dim + d];
  });
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < dim; d++) sums[c * dim + d] /= Math.max(1, counts[c]);
  }
  return tf.tensor2d(sums, [C, dim]);
}
