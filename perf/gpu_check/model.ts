/**
 * MobileNetV2 α=0.35 (the embedded backbone, `data/models/mobilenet_v2_035_224/`) for the device
 * check: loading it without the pipeline's image stack (no sharp), and timing its forward pass
 * and training steps on whatever backend is active.
 *
 * A training step is the project's: `tf.variableGrads` of a softmax cross-entropy through the
 * network (batch norms in inference mode, as `src/train/batch_loss.ts` runs the top) and a dense
 * head, then {@link Adam} (`src/train/adam.ts`) over every trainable variable. Inputs are uploaded
 * from host `Float32Array`s in every step, as the pipeline's batches are.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type FoldedModel, foldModel } from "../../src/models/fold.ts";
import { fileModelHandler } from "../../src/models/model_files.ts";
import { splitAt } from "../../src/models/split.ts";
import { Adam } from "../../src/train/adam.ts";

/** Side of the square input. */
export const SIZE = 224;
/** Layer where the frozen trunk ends (`BACKBONES.mobilenet_v2_035.boundary`). */
export const BOUNDARY = "block_15_add";
/** Classes of the dense head used by the training steps. */
export const CLASSES = 100;

/** The backbone with its pooled feature model, its split and a dense head. */
export interface CheckModel {
  /** Input (N×224×224×3) → pooled features (N×1280). */
  features: tf.LayersModel;
  /** Input → `block_15_add` (N×7×7×56). */
  trunk: tf.LayersModel;
  /** `block_15_add` → pooled features: the part the pipeline trains. */
  top: tf.LayersModel;
  /** Features → logits over {@link CLASSES} classes. */
  head: tf.LayersModel;
  /** Parameters of `features`, `top` and `head`. */
  params: { features: number; top: number; head: number };
}

/**
 * Load MobileNetV2-0.35 from `<repo>/data/models/mobilenet_v2_035_224/model.json` on the active
 * backend, append global average pooling (as `loadBackbone` does), split it at
 * {@link BOUNDARY} and add a seeded dense head.
 */
export async function loadCheckModel(repo: string): Promise<CheckModel> {
  const file = await tf.loadLayersModel(
    fileModelHandler(`${repo}/data/models/mobilenet_v2_035_224/model.json`),
  );
  const pooled = tf.layers.globalAveragePooling2d({ name: "avg_pool" })
    .apply(file.getLayer("out_relu").output as tf.SymbolicTensor) as tf.SymbolicTensor;
  const features = tf.model({ inputs: file.inputs, outputs: pooled, name: "mnv2_features" });
  const split = splitAt(features, BOUNDARY, { name: "mnv2" });
  const head = tf.sequential({
    name: "gc_head",
    layers: [
      tf.layers.dense({
        inputShape: [1280],
        units: CLASSES,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
      }),
    ],
  });
  return {
    features,
    trunk: split.trunk,
    top: split.top,
    head,
    params: {
      features: features.countParams(),
      top: split.top.countParams(),
      head: head.countParams(),
    },
  };
}

/** Seeded pseudo-random floats in [lo, hi) (host memory). */
export function hostUniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = lo + (hi - lo) * ((s >>> 0) / 4294967296);
  }
  return out;
}

/** Seeded labels in [0, {@link CLASSES}). */
export function hostLabels(n: number, seed: number): Int32Array {
  const u = hostUniform(n, seed, 0, CLASSES);
  return Int32Array.from(u, (v) => Math.min(CLASSES - 1, Math.floor(v)));
}

/** The timing of one workload. */
export interface Throughput {
  /** Images per second over the timed steps (after the warm-up step). */
  images_per_s: number;
  /** Images per second of the fastest timed step. */
  best_images_per_s: number;
  /** Images per step. */
  batch: number;
  /** Timed steps. */
  steps: number;
  /** Seconds of the timed steps together. */
  seconds: number;
  /** Seconds of the first (warm-up) step: shader compilation, allocation. */
  warmup_s: number;
  /** Backend the workload ran on. */
  backend: string;
  /** Loss after the last step (training only). */
  loss?: number;
  /** Images per micro-batch, when a step sums the gradients of several. */
  micro_batch?: number;
}

/** Options of {@link timeSteps}. */
export interface TimeOptions {
  /** Images per step. */
  batch: number;
  /** At most this many timed steps (default 20). */
  maxSteps?: number;
  /** Stop timing after this many seconds (at least one timed step is run; default 10). */
  maxSeconds?: number;
  /** No timed step starts after this time (`performance.timeOrigin`-based ms, `Date.now()`). */
  deadline?: number;
}

/** One warm-up step, then timed steps until `maxSteps`, `maxSeconds` or the deadline. */
export async function timeSteps(
  step: () => Promise<number | void>,
  options: TimeOptions,
): Promise<Throughput> {
  const maxSteps = options.maxSteps ?? 20;
  const maxSeconds = options.maxSeconds ?? 10;
  const deadline = options.deadline ?? Infinity;
  let t = performance.now();
  let loss = await step();
  const warmup = (performance.now() - t) / 1000;
  let total = 0;
  let best = Infinity;
  let steps = 0;
  while (steps < maxSteps && (steps === 0 || (total < maxSeconds && Date.now() < deadline))) {
    t = performance.now();
    loss = await step();
    const s = (performance.now() - t) / 1000;
    total += s;
    best = Math.min(best, s);
    steps++;
  }
  return {
    images_per_s: (steps * options.batch) / total,
    best_images_per_s: options.batch / best,
    batch: options.batch,
    steps,
    seconds: total,
    warmup_s: warmup,
    backend: tf.getBackend(),
    ...(typeof loss === "number" ? { loss } : {}),
  };
}

/** A forward step of `predict` on a batch uploaded from `pixels`; awaits the features. */
export function forwardStep(
  predict: (x: tf.Tensor) => tf.Tensor,
  pixels: Float32Array,
  batch: number,
): () => Promise<void> {
  return async () => {
    const y = tf.tidy(() => predict(tf.tensor4d(pixels, [batch, SIZE, SIZE, 3])));
    await y.data();
    y.dispose();
  };
}

/** The variables a training step of `net` + `head` updates. */
function trainableVars(net: tf.LayersModel, head: tf.LayersModel): tf.Variable[] {
  return [...net.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable);
}

/** Softmax cross-entropy of `head(net(x))` against `labels`. */
function lossOf(
  net: tf.LayersModel,
  head: tf.LayersModel,
  x: tf.Tensor,
  labels: tf.Tensor1D,
): tf.Scalar {
  const feats = net.apply(x, { training: false }) as tf.Tensor2D;
  const logits = head.apply(feats) as tf.Tensor2D;
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, CLASSES), logits) as tf.Scalar;
}

/**
 * A training step of `net` + `head` (forward, backward, Adam over all their trainable variables)
 * on inputs of shape `shape` uploaded from `inputs`; resolves to the loss. With `micro` smaller
 * than the batch, the gradients of micro-batches of that size are summed, weighted by their
 * share, before the one Adam update: the same step (batch norms run in inference mode), in less
 * memory (wasm has 4 GiB). Call `dispose` after.
 */
export function trainStep(
  net: tf.LayersModel,
  head: tf.LayersModel,
  inputs: Float32Array,
  labels: Int32Array,
  shape: number[],
  micro?: number,
): { step: () => Promise<number>; dispose: () => void } {
  const vars = trainableVars(net, head);
  const adam = new Adam(vars, { learningRate: 1e-4 });
  const n = shape[0];
  const size = Math.max(1, Math.min(micro ?? n, n));
  const per = inputs.length / n;
  return {
    step: async () => {
      let sum: (tf.Tensor | null)[] | undefined;
      let loss = 0;
      for (let s = 0; s < n; s += size) {
        const k = Math.min(size, n - s);
        const x = tf.tensor(inputs.subarray(s * per, (s + k) * per), [k, ...shape.slice(1)]);
        const y = tf.tensor1d(labels.subarray(s, s + k), "int32");
        const { value, grads } = tf.variableGrads(() => lossOf(net, head, x, y), vars);
        const share = k / n;
        const scaled = vars.map((v) => {
          const g = grads[v.name];
          return g ? (share === 1 ? g : tf.mul(g, share)) : null;
        });
        if (!sum) {
          sum = scaled;
        } else {
          const previous = sum;
          sum = previous.map((a, i) => {
            const b = scaled[i];
            return a && b ? tf.add(a, b) : a ? tf.clone(a) : b ? tf.clone(b) : null;
          });
          tf.dispose([...previous, ...scaled].filter((t): t is tf.Tensor => t !== null));
        }
        loss += (await value.data())[0] * share;
        tf.dispose([x, y, value, ...Object.values(grads).filter((g) => !sum!.includes(g))]);
      }
      adam.apply(sum!);
      tf.dispose(sum!.filter((t): t is tf.Tensor => t !== null));
      return loss;
    },
    dispose: () => adam.dispose(),
  };
}

/** Flat gradients of the loss of `net` + `head` w.r.t. all their trainable variables. */
export async function flatGradients(
  net: tf.LayersModel,
  head: tf.LayersModel,
  inputs: Float32Array,
  labels: Int32Array,
  shape: number[],
): Promise<{ loss: number; grads: Float32Array; features: Float32Array }> {
  const vars = trainableVars(net, head);
  const x = tf.tensor(inputs, shape);
  const y = tf.tensor1d(labels, "int32");
  const { value, grads } = tf.variableGrads(() => lossOf(net, head, x, y), vars);
  const parts = await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>));
  const feats = net.predict(x) as tf.Tensor;
  const features = await feats.data() as Float32Array;
  const loss = (await value.data())[0];
  tf.dispose([x, y, value, feats, ...Object.values(grads)]);
  const flat = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    flat.set(p, o);
    o += p.length;
  }
  return { loss, grads: flat, features };
}

/** The folded model (batch norms folded into the convolutions) the pipeline's embedding runs. */
export function folded(model: tf.LayersModel): FoldedModel {
  return foldModel(model);
}
