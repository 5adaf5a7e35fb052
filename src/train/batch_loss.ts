/**
 * The loss of one batch for a model's config: weighted cross-entropy, triplet and matrix terms,
 * with gradients for the trainable variables and each term's value for the training log.
 */
import * as tf from "@tensorflow/tfjs";
import type { TrainConfig } from "./config.ts";
import type { HumanMatrix, TrainData, TripletRows } from "./dataset.ts";
import {
  batchPrototypeTripletLoss,
  crossEntropyLoss,
  matrixAlignmentLoss,
  prototypeTripletLoss,
} from "./losses/mod.ts";
import { type Batch, tripletsForRows } from "./sampler.ts";
import type { Network } from "./trainer.ts";

/** Everything the loss needs besides the batch. */
export interface LossContext {
  config: TrainConfig;
  data: TrainData;
  seed: number;
  triplets?: TripletRows;
  byAnchor?: Map<number, number[]>;
  human?: HumanMatrix;
  /** Fixed class prototypes [C, D] (fixed-prototype triplet variants). */
  prototypes?: tf.Tensor2D;
}

/** The batch input: precomputed features (frozen top) or trunk activations. */
export interface BatchInput {
  features?: tf.Tensor2D;
  trunk?: tf.Tensor;
  batch: Batch;
  step: number;
  vars: tf.Variable[];
}

/** Loss terms of a batch. */
export interface LossTerms {
  ce: number;
  triplet: number;
  matrix: number;
}

/** Compute the weighted loss, its gradients and the value of each term. */
export async function batchLoss(
  net: Network,
  input: BatchInput,
  ctx: LossContext,
): Promise<{ value: number; grads: tf.NamedTensorMap; terms: LossTerms }> {
  const targets = batchTargets(input, ctx);
  const kept: KeptTerms = {
    ce: undefined,
    triplet: undefined,
    matrix: undefined,
  };
  const { value, grads } = tf.variableGrads(
    () => weightedLoss(net, input, { ctx, targets, kept }),
    input.vars,
  );
  const terms = await termValues(kept);
  const v = (await value.data())[0];
  value.dispose();
  const { matrix } = targets;
  if (matrix) tf.dispose([matrix.similarity, matrix.mask]);
  return { value: v, grads, terms };
}

/** Each term's loss, kept out of the gradient scope (undefined where the term is off). */
type KeptTerms = Record<keyof LossTerms, tf.Scalar | undefined>;

/** What a batch's losses compare against. */
interface BatchTargets {
  /** Class of each row. */
  labels: Int32Array;
  /** Concept of each row. */
  conceptOfRow: Int32Array;
  /** Triplets against fixed prototypes (fixed-prototype variants). */
  fixed?: ReturnType<typeof tripletsForRows>;
  /** Human sub-matrix of the batch's concepts (matrix loss). */
  matrix?: ReturnType<typeof humanSubmatrix>;
}

/** A batch's labels, concepts, fixed-prototype triplets and human sub-matrix. */
function batchTargets(input: BatchInput, ctx: LossContext): BatchTargets {
  const { config, data } = ctx;
  const rows = input.batch.rows;
  const labels = Int32Array.from(rows, (r) => data.imageClass[r]);
  const conceptOfRow = Int32Array.from(rows, (r) => data.imageConcept[r]);
  const fixed =
    config.loss.triplet > 0 && config.triplets?.prototypes === "fixed" && ctx.triplets &&
      ctx.byAnchor
      ? tripletsForRows(rows, {
        data,
        byAnchor: ctx.byAnchor,
        triplets: ctx.triplets,
        seed: ctx.seed,
        step: input.step,
      })
      : undefined;
  const matrix = config.loss.matrix > 0 && ctx.human
    ? humanSubmatrix(conceptOfRow, ctx.human)
    : undefined;
  return { labels, conceptOfRow, fixed, matrix };
}

/** The weighted loss of a batch (inside the gradient scope), keeping each term in `kept`. */
function weightedLoss(
  net: Network,
  input: BatchInput,
  parts: { ctx: LossContext; targets: BatchTargets; kept: KeptTerms },
): tf.Scalar {
  const { ctx, kept } = parts;
  const { labels, conceptOfRow, fixed, matrix } = parts.targets;
  const { config, data } = ctx;
  const feats = input.features ??
    (net.top.apply(input.trunk!, { training: false }) as tf.Tensor2D);
  const logits = net.head.apply(feats) as tf.Tensor2D;
  let total = tf.scalar(0);
  const add = (name: keyof LossTerms, weight: number, term: tf.Scalar) => {
    kept[name] = tf.keep(term);
    total = tf.add(total, tf.mul(term, weight));
  };
  if (config.loss.ce > 0) add("ce", config.loss.ce, crossEntropyLoss(logits, labels));
  if (fixed && fixed.anchorRows.length > 0 && ctx.prototypes) {
    add(
      "triplet",
      config.loss.triplet,
      prototypeTripletLoss(feats, ctx.prototypes, {
        anchorRows: fixed.anchorRows,
        positive: Int32Array.from(fixed.positive, (c) => data.conceptClass[c]),
        negative: Int32Array.from(fixed.negative, (c) => data.conceptClass[c]),
        margin: config.triplets!.margin,
        distance: config.triplets!.distance,
      }),
    );
  }
  if (
    config.loss.triplet > 0 && config.triplets?.prototypes === "batch" && input.batch.triplets
  ) {
    add(
      "triplet",
      config.loss.triplet,
      batchPrototypeTripletLoss(feats, conceptOfRow, {
        triplets: input.batch.triplets,
        margin: config.triplets.margin,
        distance: config.triplets.distance,
      }),
    );
  }
  if (matrix) {
    add(
      "matrix",
      config.loss.matrix,
      matrixAlignmentLoss(feats, matrix.localConcept, {
        humanSimilarity: matrix.similarity,
        kind: config.matrix!.kind,
        mask: matrix.mask,
      }),
    );
  }
  return total as tf.Scalar;
}

/** Read (and dispose) the kept terms; 0 for a term that is off. */
async function termValues(kept: KeptTerms): Promise<LossTerms> {
  const terms: LossTerms = { ce: 0, triplet: 0, matrix: 0 };
  for (const name of ["ce", "triplet", "matrix"] as const) {
    const t = kept[name];
    if (t) {
      terms[name] = (await t.data())[0];
      t.dispose();
    }
  }
  return terms;
}

/**
 * The human similarity sub-matrix of a batch's concepts (in order of first appearance), the
 * local concept index of every row, and the mask of train pairs (so held-out pairs never train).
 */
export function humanSubmatrix(
  conceptOfRow: Int32Array,
  human: HumanMatrix,
): { localConcept: Int32Array; similarity: tf.Tensor2D; mask: tf.Tensor2D } {
  const order: number[] = [];
  const local = new Map<number, number>();
  const localConcept = Int32Array.from(conceptOfRow, (c) => {
    let k = local.get(c);
    if (k === undefined) {
      k = order.length;
      local.set(c, k);
      order.push(c);
    }
    return k;
  });
  const c = order.length;
  const sim = new Float32Array(c * c);
  const mask = new Float32Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      sim[i * c + j] = human.data[order[i] * human.n + order[j]];
      mask[i * c + j] = human.trainMask[order[i] * human.n + order[j]];
    }
  }
  return { localConcept, similarity: tf.tensor2d(sim, [c, c]), mask: tf.tensor2d(mask, [c, c]) };
}
