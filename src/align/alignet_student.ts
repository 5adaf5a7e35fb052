/**
 * AligNet's student: the baseline network's top (boundary activations → pooled embedding)
 * fine-tuned so that its triplet distributions match the teacher's soft labels:
 *
 *   L = D(p_teacher ‖ softmax(cos(student)/τ_s)) + λ₀ · Σ_l ‖W_l − W⁰_l‖²_F
 *
 * with D = KL (default) or Jensen–Shannon, cosine similarities of the student's embeddings and
 * the decay-to-init term pulling the weights back toward the baseline. Trained from the cached
 * trunk activations with Adam; after every epoch the mean KL on validation triplets (validation
 * images, same sampling) is measured and the best epoch's weights are kept.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Triplets } from "../metrics/types.ts";
import { ALIGNET } from "../models/registry.ts";
import { createProgress } from "../pipeline/progress.ts";
import { createRng, type Rng } from "../stats/random.ts";
import type { TrunkActivations } from "../train/activations.ts";
import { Adam } from "../train/adam.ts";
import { jsdTripletLoss, klTripletLoss, l2ToInit } from "../train/losses/distill.ts";
import { type Network, topFeatures } from "../train/trainer.ts";
import { meanTripletKl, tripletLogits } from "./alignet.ts";

/** Distillation divergences. */
export type DistillLoss = "kl" | "jsd";

/** Triplets over trunk rows with the teacher's probabilities (n × 3, row-major). */
export interface TeacherTriplets {
  triplets: Triplets;
  probabilities: Float64Array;
  /**
   * Batch boundaries (batches + 1 offsets into the triplets) when the triplets come in batches
   * that share images (`sampleTripletBatches` in alignet.ts): each step is one batch, batches in a new
   * random order every epoch. Without them, triplets are shuffled and cut into `batchSize`.
   */
  batchStarts?: Int32Array;
}

/** Options of {@link distillStudent}. */
export interface DistillOptions {
  /** Divergence (default KL). */
  loss: DistillLoss;
  /** Student temperature τ_s. */
  tau: number;
  /** Decay-to-init strength λ₀. */
  lambdaInit: number;
  /** Epochs over the training triplets. */
  epochs: number;
  /** Triplets per step (ignored when the training triplets come in batches). */
  batchSize: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Seed of the triplet order. */
  seed: number;
  /** Log a line. */
  log?: (message: string) => void;
  /** Progress label. */
  label?: string;
}

/** One epoch of {@link distillStudent}'s log. */
export interface DistillEpoch {
  epoch: number;
  /** Mean training objective (divergence + decay-to-init). */
  trainLoss: number;
  /** Mean KL(teacher ‖ student) on the validation triplets. */
  valKl: number;
  seconds: number;
}

/** Result of {@link distillStudent}. */
export interface DistillResult {
  /** Validation KL of the untrained student (epoch 0). */
  initialValKl: number;
  epochs: DistillEpoch[];
  /** Epoch whose weights were kept (0 = none improved on the start). */
  bestEpoch: number;
}

/** Validation KL of the network's current embeddings. */
async function validationKl(
  net: Network,
  trunk: TrunkActivations,
  val: TeacherTriplets,
  tau: number,
): Promise<number> {
  return meanTripletKl(val.probabilities, await studentLogits(net, trunk, val.triplets), tau);
}

/** The student's triplet logits (cosine similarities of its embeddings) on triplets of trunk rows. */
export async function studentLogits(
  net: Network,
  trunk: TrunkActivations,
  triplets: Triplets,
): Promise<Float64Array> {
  const rows = [...new Set([...triplets.a, ...triplets.b, ...triplets.odd])].sort((x, y) => x - y);
  const local = new Map(rows.map((r, i) => [r, i]));
  const feats = await topFeatures(net, trunk, rows);
  const dim = feats.length / Math.max(1, rows.length);
  return tripletLogits(
    { data: Float64Array.from(feats), rows: rows.length, cols: dim },
    {
      a: Int32Array.from(triplets.a.subarray(0, triplets.n), (r) => local.get(r)!),
      b: Int32Array.from(triplets.b.subarray(0, triplets.n), (r) => local.get(r)!),
      odd: Int32Array.from(triplets.odd.subarray(0, triplets.n), (r) => local.get(r)!),
      n: triplets.n,
    },
    { normalise: true },
  );
}

/** Fine-tune the network's top by distillation (see the module documentation). */
export async function distillStudent(
  net: Network,
  data: { trunk: TrunkActivations; train: TeacherTriplets; val: TeacherTriplets },
  options: DistillOptions,
): Promise<DistillResult> {
  const { trunk, train, val } = data;
  const log = options.log ?? (() => {});
  const vars = net.top.trainableWeights.map((w) => w.read() as tf.Variable);
  const initial = vars.map((v) => tf.keep(tf.clone(v)));
  const adam = new Adam(vars, { learningRate: options.learningRate });
  const rng = createRng(options.seed, { label: "alignet-student" });
  const order = Int32Array.from({ length: train.triplets.n }, (_, i) => i);
  const initialValKl = await validationKl(net, trunk, val, options.tau);
  let best = initialValKl, bestEpoch = 0;
  let bestWeights = vars.map((v) => tf.keep(tf.clone(v)));
  const epochs: DistillEpoch[] = [];
  const divergence = options.loss === "jsd" ? jsdTripletLoss : klTripletLoss;
  const st: StudentTraining = { net, trunk, train, options, vars, initial, adam, divergence };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const start = performance.now();
    const { sum, steps } = await distillEpoch(st, { epoch, rng, order });
    const valKl = await validationKl(net, trunk, val, options.tau);
    const row = {
      epoch,
      trainLoss: sum / Math.max(1, steps),
      valKl,
      seconds: (performance.now() - start) / 1000,
    };
    epochs.push(row);
    log(
      `${options.label ?? ALIGNET} epoch ${epoch}: loss ${row.trainLoss.toFixed(4)} · val KL ${
        valKl.toFixed(4)
      } (start ${initialValKl.toFixed(4)}) · ${row.seconds.toFixed(1)}s`,
    );
    if (valKl < best) {
      best = valKl;
      bestEpoch = epoch;
      tf.dispose(bestWeights);
      bestWeights = vars.map((v) => tf.keep(tf.clone(v)));
    }
  }
  vars.forEach((v, i) => v.assign(bestWeights[i]));
  tf.dispose([...initial, ...bestWeights]);
  adam.dispose();
  return { initialValKl, epochs, bestEpoch };
}

/** A distillation under way: the network, its data and options, variables and optimizer. */
interface StudentTraining {
  net: Network;
  trunk: TrunkActivations;
  train: TeacherTriplets;
  options: DistillOptions;
  /** The top's trainable variables. */
  vars: tf.Variable[];
  /** Their values at the start (decay-to-init). */
  initial: tf.Tensor[];
  adam: Adam;
  divergence: typeof klTripletLoss;
}

/**
 * One epoch of Adam steps over the training triplets (batches in a new random order, or the
 * triplets shuffled and cut into `batchSize`); the summed loss and the number of steps.
 */
async function distillEpoch(
  st: StudentTraining,
  epochRun: { epoch: number; rng: Rng; order: Int32Array },
): Promise<{ sum: number; steps: number }> {
  const { train, options } = st;
  const { epoch, rng, order } = epochRun;
  const starts = train.batchStarts;
  const batchOrder = starts
    ? rng.shuffle(Int32Array.from({ length: starts.length - 1 }, (_, i) => i))
    : undefined;
  if (!starts) rng.shuffle(order);
  const steps = batchOrder ? batchOrder.length : Math.ceil(order.length / options.batchSize);
  const progress = createProgress(
    `${options.label ?? ALIGNET} epoch ${epoch}/${options.epochs}`,
    steps,
    { unit: "batches" },
  );
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    const idx = batchOrder
      ? order.subarray(starts![batchOrder[s]], starts![batchOrder[s] + 1])
      : order.subarray(s * options.batchSize, (s + 1) * options.batchSize);
    if (idx.length === 0) {
      progress.tick();
      continue;
    }
    sum += await distillStep(st, idx);
    progress.tick();
  }
  progress.done();
  return { sum, steps };
}

/** One Adam step on the training triplets `idx`; returns its loss. */
async function distillStep(st: StudentTraining, idx: Int32Array): Promise<number> {
  const { net, trunk, train, options, vars, initial, adam, divergence } = st;
  const t = train.triplets;
  const rows = [...new Set(Array.from(idx, (q) => [t.a[q], t.b[q], t.odd[q]]).flat())];
  const local = new Map(rows.map((r, i) => [r, i]));
  const at = (col: Int32Array) =>
    tf.tensor1d(Int32Array.from(idx, (q) => local.get(col[q])!), "int32");
  const ia = at(t.a), ib = at(t.b), io = at(t.odd);
  const targets = tf.tensor2d(
    Float32Array.from(
      { length: idx.length * 3 },
      (_, j) => train.probabilities[idx[Math.floor(j / 3)] * 3 + (j % 3)],
    ),
    [idx.length, 3],
  );
  const x = tf.tensor(trunk.gather(rows), [rows.length, ...trunk.shape]);
  const { value, grads } = tf.variableGrads(() => {
    const feats = net.top.apply(x, { training: false }) as tf.Tensor2D;
    const unit = tf.div(feats, tf.maximum(tf.norm(feats, 2, 1, true), 1e-12)) as tf.Tensor2D;
    const ua = tf.gather(unit, ia), ub = tf.gather(unit, ib), uo = tf.gather(unit, io);
    const logits = tf.stack([
      tf.sum(tf.mul(ua, ub), 1),
      tf.sum(tf.mul(ua, uo), 1),
      tf.sum(tf.mul(ub, uo), 1),
    ], 1) as tf.Tensor2D;
    const d = divergence(targets, logits, { temperature: options.tau });
    return tf.add(d, l2ToInit(vars, initial, { lambda: options.lambdaInit })) as tf.Scalar;
  }, vars);
  adam.apply(vars.map((v) => grads[v.name] ?? null));
  const loss = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads), x, ia, ib, io, targets]);
  return loss;
}
