/**
 * gLocal (Muttenthaler et al. 2023): a post-hoc affine transform of a model's features that
 * aligns their global similarity structure with human odd-one-out choices while keeping the
 * local (image-level) structure.
 *
 * Features are standardised by the scalar mean and standard deviation of the whole matrix;
 * z = x̂·W + b with W initialised to the identity. Loss = (1 − α)·L_global + α·L_local +
 * λ·‖W − mean(diag W)·I‖²_F, where L_global is the cross-entropy of the softmax over the three
 * dot products of a triplet's transformed concept vectors against the human kept-together pair,
 * and L_local the row-wise cross-entropy between softmax(teacher cosine/τ) (the standardised
 * features) and softmax(student cosine/τ) on a batch of images, diagonal masked. Adam.
 * Applying a transform (fitted or published `.npz`): ((x − mean)/std)·W + b.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { GlocalTransform } from "../io/npz.ts";
import { crossProductSimd } from "../metrics/product_simd.ts";
import { type Matrix, transpose, type Triplets } from "../metrics/types.ts";
import { createRng, type Rng } from "../stats/random.ts";

/** Data of {@link fitGlocal}. */
export interface GlocalData {
  /** Concept vectors, one row per concept index used by the triplets. */
  concepts: Matrix;
  /** Training triplets over concept rows: (a, b) kept together, `odd` the odd one out. */
  train: Triplets;
  /** Validation triplets (for choosing λ and α). */
  val: Triplets;
  /** Image features for the local term (rows = images); without them α is ignored. */
  images?: Matrix;
  /**
   * Soft targets ("uncertainty distillation", AligNet): for every training triplet, the
   * probabilities (row-major, train.n × 3) that the pair (a, b), (a, odd) or (b, odd) is kept
   * together, e.g. from SPoSE. Without them the kept pair (a, b) is the hard target.
   */
  targets?: Float64Array;
}

/** Options of {@link fitGlocal}. */
export interface GlocalOptions {
  /** Weight of the regulariser toward a scaled identity. */
  lambda: number;
  /** Weight of the local term, in [0, 1]. */
  alpha: number;
  /** Temperature of the local term (default 0.1). */
  tau?: number;
  /** Passes over the training triplets (default 10). */
  epochs?: number;
  /** Triplets per step (default 256). */
  batchSize?: number;
  /** Images per local-term batch (default 128). */
  localBatch?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of the batch order. */
  seed: number;
}

/** Result of {@link fitGlocal}. */
export interface GlocalFit {
  transform: GlocalTransform;
  /** Odd-one-out accuracy of the transformed concepts on the validation triplets. */
  valAccuracy: number;
  /** Mean training loss of each epoch. */
  losses: number[];
}

/** Scalar mean and standard deviation of all entries. */
function scalarStats(m: Matrix): { mean: number; std: number } {
  let s = 0;
  for (const v of m.data) s += v;
  const mean = s / m.data.length;
  let ss = 0;
  for (const v of m.data) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / m.data.length) || 1 };
}

/**
 * Apply a gLocal transform to the rows of `x`: ((x − mean)/std)·W + b (the product with WASM
 * SIMD, `crossProductSimd`: each entry summed over the features in order, then the bias added).
 */
export function applyGlocal(transform: GlocalTransform, x: Matrix): Matrix {
  const { dim, weights, bias, mean, std } = transform;
  if (x.cols !== dim) {
    throw new RangeError(`applyGlocal: ${x.cols} features, transform is ${dim}×${dim}`);
  }
  const z = Float64Array.from(x.data, (v) => (v - mean) / std);
  const out = crossProductSimd(
    { data: z, rows: x.rows, cols: dim },
    { data: transpose(weights, dim, dim), rows: dim, cols: dim },
  );
  if (bias) {
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < dim; j++) out.data[i * dim + j] += bias[j];
    }
  }
  return out;
}

/** Odd-one-out accuracy of concept vectors (dot products; ties wrong). */
export function tripletAccuracy(z: Matrix, t: Triplets): number {
  const d = z.cols;
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += z.data[i * d + k] * z.data[j * d + k];
    return s;
  };
  let correct = 0;
  for (let q = 0; q < t.n; q++) {
    const ab = dot(t.a[q], t.b[q]);
    if (ab > dot(t.a[q], t.odd[q]) && ab > dot(t.b[q], t.odd[q])) correct++;
  }
  return t.n ? correct / t.n : NaN;
}

/** A batch of the gLocal objective: standardised concept rows of the triplets, and images. */
export interface GlocalBatch {
  /** Rows of the kept pair's first concept, one per triplet (or give `concepts` + `index`). */
  a?: tf.Tensor2D;
  /** Rows of the kept pair's second concept. */
  b?: tf.Tensor2D;
  /** Rows of the odd one out. */
  odd?: tf.Tensor2D;
  /**
   * All standardised concept rows with the triplets' row indices: the transform is applied once
   * per concept and the results gathered (cheaper than a, b, odd when there are fewer concepts
   * than 3 × the triplets of the batch; the same objective).
   */
  concepts?: tf.Tensor2D;
  /** Row indices into `concepts` of a, b and odd. */
  index?: { a: tf.Tensor1D; b: tf.Tensor1D; odd: tf.Tensor1D };
  /** Standardised image features for the local term. */
  images?: tf.Tensor2D;
  /** Soft targets [B, 3] over the pairs (a, b), (a, odd), (b, odd); default one-hot (a, b). */
  targets?: tf.Tensor2D;
}

/**
 * The gLocal objective on a batch (see the module documentation), differentiable in `W` and
 * `b`: (1 − α)·L_global + α·L_local + λ·‖W − mean(diag W)·I‖²_F.
 */
export function glocalLoss(
  batch: GlocalBatch,
  params: { W: tf.Tensor2D; b: tf.Tensor1D },
  options: { alpha: number; lambda: number; tau: number },
): tf.Scalar {
  const { W, b } = params;
  const d = W.shape[0];
  const z = (x: tf.Tensor2D) => tf.add(tf.matMul(x, W), b) as tf.Tensor2D;
  let za: tf.Tensor2D, zb: tf.Tensor2D, zo: tf.Tensor2D;
  if (batch.concepts && batch.index) {
    const zc = z(batch.concepts);
    [za, zb, zo] = [batch.index.a, batch.index.b, batch.index.odd].map((i) => tf.gather(zc, i));
  } else if (batch.a && batch.b && batch.odd) {
    [za, zb, zo] = [z(batch.a), z(batch.b), z(batch.odd)];
  } else {
    throw new RangeError("glocalLoss: give a, b and odd, or concepts and index");
  }
  const logits = tf.stack([
    tf.sum(tf.mul(za, zb), 1),
    tf.sum(tf.mul(za, zo), 1),
    tf.sum(tf.mul(zb, zo), 1),
  ], 1);
  const logP = tf.logSoftmax(logits);
  const global = tf.neg(
    batch.targets
      ? tf.mean(tf.sum(tf.mul(batch.targets, logP), 1))
      : tf.mean(tf.gather(logP, 0, 1)),
  );
  let loss = tf.mul(1 - options.alpha, global) as tf.Scalar;
  if (batch.images && options.alpha > 0) {
    const m = batch.images.shape[0];
    const mask = tf.mul(tf.eye(m), -1e9);
    const cosine = (x: tf.Tensor2D) => {
      const unit = tf.div(x, tf.norm(x, 2, 1, true));
      return tf.add(tf.div(tf.matMul(unit, unit, false, true), options.tau), mask) as tf.Tensor2D;
    };
    const teacher = tf.softmax(cosine(batch.images));
    const student = tf.logSoftmax(cosine(z(batch.images)));
    const local = tf.neg(tf.mean(tf.sum(tf.mul(teacher, student), 1)));
    loss = tf.add(loss, tf.mul(options.alpha, local)) as tf.Scalar;
  }
  const eye = tf.eye(d);
  const offIdentity = tf.sub(W, tf.mul(tf.div(tf.sum(tf.mul(W, eye)), d), eye));
  return tf.add(loss, tf.mul(options.lambda, tf.sum(tf.square(offIdentity)))) as tf.Scalar;
}

/**
 * Fit a gLocal transform (see the module documentation). Values are read with `await data()`,
 * so the fit runs on WebGPU too.
 */
export async function fitGlocal(
  data: GlocalData,
  options: GlocalOptions,
): Promise<GlocalFit> {
  const d = data.concepts.cols;
  const { mean, std } = scalarStats(data.images ?? data.concepts);
  const epochs = options.epochs ?? 10, batchSize = options.batchSize ?? 256;
  const localBatch = options.localBatch ?? 128, tau = options.tau ?? 0.1;
  const alpha = data.images ? options.alpha : 0;
  const standard = (m: Matrix) =>
    tf.tensor2d(Float32Array.from(m.data, (v) => (v - mean) / std), [m.rows, m.cols]);
  const concepts = standard(data.concepts);
  const images = data.images ? standard(data.images) : undefined;
  const W = tf.variable(tf.eye(d)) as tf.Variable<tf.Rank.R2>;
  const b = tf.variable(tf.zeros([d])) as tf.Variable<tf.Rank.R1>;
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const rng = createRng(options.seed, { label: "glocal" });
  const order = Int32Array.from({ length: data.train.n }, (_, i) => i);
  if (data.targets && data.targets.length !== 3 * data.train.n) {
    throw new RangeError(
      `fitGlocal: ${data.targets.length} soft targets for ${data.train.n} triplets (need 3 each)`,
    );
  }
  const fit: GlocalTraining = {
    data,
    lambda: options.lambda,
    alpha,
    tau,
    localBatch,
    concepts,
    images,
    W,
    b,
    optimizer,
    rng,
  };
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order);
    let sum = 0, steps = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.subarray(start, Math.min(order.length, start + batchSize));
      sum += await glocalStep(fit, idx);
      steps++;
    }
    losses.push(sum / Math.max(1, steps));
  }
  const transform: GlocalTransform = {
    weights: Float64Array.from(await W.data()),
    dim: d,
    bias: Float64Array.from(await b.data()),
    mean,
    std,
  };
  tf.dispose([concepts, W, b, ...(images ? [images] : [])]);
  optimizer.dispose();
  const valAccuracy = tripletAccuracy(applyGlocal(transform, data.concepts), data.val);
  return { transform, valAccuracy, losses };
}

/** A gLocal fit under way: its data and settings, standardised features, parameters, optimizer. */
interface GlocalTraining {
  data: GlocalData;
  lambda: number;
  alpha: number;
  tau: number;
  localBatch: number;
  /** Standardised concept vectors. */
  concepts: tf.Tensor2D;
  /** Standardised image features (local term). */
  images?: tf.Tensor2D;
  W: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
  optimizer: tf.Optimizer;
  /** Batch order and local-term image draws. */
  rng: Rng;
}

/** One Adam step on the training triplets `idx` (and a random image batch); returns its loss. */
async function glocalStep(fit: GlocalTraining, idx: Int32Array): Promise<number> {
  const { data, alpha, localBatch, concepts, images, W, b, rng } = fit;
  const ia = tf.tensor1d(Int32Array.from(idx, (q) => data.train.a[q]), "int32");
  const ib = tf.tensor1d(Int32Array.from(idx, (q) => data.train.b[q]), "int32");
  const io = tf.tensor1d(Int32Array.from(idx, (q) => data.train.odd[q]), "int32");
  const imgIdx = images && alpha > 0
    ? tf.tensor1d(
      Int32Array.from({ length: Math.min(localBatch, data.images!.rows) }, () =>
        rng.int(data.images!.rows)),
      "int32",
    )
    : undefined;
  const targets = data.targets
    ? tf.tensor2d(
      Float32Array.from({ length: idx.length * 3 }, (_, j) =>
        data.targets![idx[Math.floor(j / 3)] * 3 + (j % 3)]),
      [idx.length, 3],
    )
    : undefined;
  const cost = fit.optimizer.minimize(
    () =>
      glocalLoss(
        {
          ...(data.concepts.rows < 3 * idx.length
            ? { concepts, index: { a: ia, b: ib, odd: io } }
            : {
              a: tf.gather(concepts, ia),
              b: tf.gather(concepts, ib),
              odd: tf.gather(concepts, io),
            }),
          ...(imgIdx ? { images: tf.gather(images!, imgIdx) } : {}),
          ...(targets ? { targets } : {}),
        },
        { W, b },
        { alpha, lambda: fit.lambda, tau: fit.tau },
      ),
    true,
    [W, b],
  )!;
  const value = (await cost.data())[0];
  tf.dispose([cost, ia, ib, io, ...(imgIdx ? [imgIdx] : []), ...(targets ? [targets] : [])]);
  return value;
}

/** One point of a gLocal hyper-parameter grid and its fit. */
export interface GlocalGridPoint {
  /** Weight of the regulariser. */
  lambda: number;
  /** Weight of the local term. */
  alpha: number;
  /** The fit at this point. */
  fit: GlocalFit;
}

/**
 * Fit a gLocal transform at every (λ, α) of a grid and keep the one with the highest validation
 * odd-one-out accuracy (the first on ties): the selection `align:glocal` makes over λ × α and
 * `align:alignet` over λ for its teacher transform. Logs one line per point, prefixed with
 * `label`.
 */
export async function searchGlocalGrid(
  data: GlocalData,
  options: Omit<GlocalOptions, "lambda" | "alpha"> & {
    grid: readonly { lambda: number; alpha: number }[];
    label: string;
    log?: (line: string) => void;
  },
): Promise<{ points: GlocalGridPoint[]; best: GlocalGridPoint }> {
  const { grid, label, log, ...fitOptions } = options;
  if (grid.length === 0) throw new RangeError("searchGlocalGrid: an empty grid");
  const points: GlocalGridPoint[] = [];
  for (const { lambda, alpha } of grid) {
    const start = performance.now();
    const fit = await fitGlocal(data, { ...fitOptions, lambda, alpha });
    points.push({ lambda, alpha, fit });
    const alphaText = grid.every((g) => g.alpha === 0) ? "" : ` α ${alpha}`;
    log?.(
      `${label} λ ${lambda}${alphaText}: ` +
        `val odd-one-out ${fit.valAccuracy.toFixed(4)} ` +
        `(${((performance.now() - start) / 1000).toFixed(1)}s)`,
    );
  }
  const best = points.reduce((a, b) => (b.fit.valAccuracy > a.fit.valAccuracy ? b : a));
  return { points, best };
}
