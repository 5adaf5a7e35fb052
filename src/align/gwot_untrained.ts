/**
 * The untrained-network baseline of the GWOT analysis (seed 003: "the results for the untrained
 * models are averaged over 10 random initializations, with error bars representing the 5th and
 * 95th percentiles"): the pipeline's backbone with random weights — every weight drawn from the
 * initializer its layer declares (Keras' `weights=None` model: Glorot-uniform convolutions, zero
 * biases, BatchNorm γ = 1, β = 0, moving mean 0, moving variance 1), seeded so that the same seed
 * gives the same network on every machine — its concept prototypes (mean pooled feature of a
 * concept's training images, L2-normalised, as `embed` makes them for the trained models), and
 * the mean and 5th/95th percentiles of a statistic over the random networks.
 *
 * Every network runs in inference mode with its BatchNorm folded into the convolutions
 * (`src/models/fold.ts`); each image batch is decoded once and passed through every network.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadBackbone } from "../models/backbones.ts";
import { type FoldedModel, foldModel } from "../models/fold.ts";
import { loadImageBatch } from "../models/images.ts";
import { percentile } from "../stats/bootstrap.ts";
import { createRng, type Rng } from "../stats/random.ts";

/** A serialised TF.js initializer (`layer.getConfig().kernelInitializer`). */
interface InitializerConfig {
  className: string;
  config?: Record<string, unknown>;
}

/** Config key of the initializer of each weight, by the weight's name within its layer. */
const INITIALIZER_KEYS: Readonly<Record<string, string>> = {
  kernel: "kernelInitializer",
  depthwise_kernel: "depthwiseInitializer",
  pointwise_kernel: "pointwiseInitializer",
  bias: "biasInitializer",
  gamma: "gammaInitializer",
  beta: "betaInitializer",
  moving_mean: "movingMeanInitializer",
  moving_variance: "movingVarianceInitializer",
};

/** Keras' fan-in and fan-out of a weight shape (channels last). */
export function weightFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  let receptive = 1;
  for (const s of shape.slice(0, -2)) receptive *= s;
  return {
    fanIn: shape[shape.length - 2] * receptive,
    fanOut: shape[shape.length - 1] * receptive,
  };
}

/** A standard normal draw (Box–Muller). */
function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A normal draw truncated at two standard deviations (redrawn outside, as Keras does). */
function truncatedGaussian(rng: Rng): number {
  for (;;) {
    const z = gaussian(rng);
    if (Math.abs(z) <= 2) return z;
  }
}

/** Variance-scaling parameters of the named initializers (TF.js class names). */
const NAMED: Readonly<Record<string, { scale: number; mode: string; distribution: string }>> = {
  GlorotUniform: { scale: 1, mode: "fanAvg", distribution: "uniform" },
  GlorotNormal: { scale: 1, mode: "fanAvg", distribution: "truncatedNormal" },
  HeUniform: { scale: 2, mode: "fanIn", distribution: "uniform" },
  HeNormal: { scale: 2, mode: "fanIn", distribution: "truncatedNormal" },
  LeCunUniform: { scale: 1, mode: "fanIn", distribution: "uniform" },
  LeCunNormal: { scale: 1, mode: "fanIn", distribution: "truncatedNormal" },
};

/**
 * Values of one weight drawn from its initializer config (Zeros, Ones, Constant, RandomUniform,
 * RandomNormal, TruncatedNormal, VarianceScaling and its named forms), with `rng`. Throws a
 * `RangeError` naming an initializer it does not know.
 */
export function initialValues(
  init: InitializerConfig,
  options: { shape: readonly number[]; rng: Rng },
): Float32Array {
  const { shape, rng } = options;
  const size = shape.reduce((a, b) => a * b, 1);
  const c = init.config ?? {};
  const numberOf = (key: string, fallback: number) =>
    typeof c[key] === "number" ? c[key] as number : fallback;
  const fill = (f: () => number) => Float32Array.from({ length: size }, f);
  switch (init.className) {
    case "Zeros":
      return new Float32Array(size);
    case "Ones":
      return new Float32Array(size).fill(1);
    case "Constant":
      return new Float32Array(size).fill(numberOf("value", 0));
    case "RandomUniform": {
      const lo = numberOf("minval", -0.05), hi = numberOf("maxval", 0.05);
      return fill(() => lo + (hi - lo) * rng.next());
    }
    case "RandomNormal":
      return fill(() => numberOf("mean", 0) + numberOf("stddev", 0.05) * gaussian(rng));
    case "TruncatedNormal":
      return fill(() => numberOf("mean", 0) + numberOf("stddev", 0.05) * truncatedGaussian(rng));
  }
  const vs = init.className === "VarianceScaling"
    ? {
      scale: numberOf("scale", 1),
      mode: String(c.mode ?? "fanIn"),
      distribution: String(c.distribution ?? "normal"),
    }
    : NAMED[init.className];
  if (!vs) throw new RangeError(`random initialisation: unknown initializer ${init.className}`);
  const { fanIn, fanOut } = weightFans(shape);
  const mode = vs.mode.replace("_", "").toLowerCase();
  const n = mode === "fanout" ? fanOut : mode === "fanavg" ? (fanIn + fanOut) / 2 : fanIn;
  const variance = vs.scale / Math.max(1, n);
  const distribution = vs.distribution.replace("_", "").toLowerCase();
  if (distribution === "uniform") {
    const limit = Math.sqrt(3 * variance);
    return fill(() => (2 * rng.next() - 1) * limit);
  }
  if (distribution === "untruncatednormal") return fill(() => Math.sqrt(variance) * gaussian(rng));
  // "normal" (Keras 2's name for the truncated normal) and "truncated_normal": the standard
  // deviation corrected for the truncation at ±2σ
  const std = Math.sqrt(variance) / 0.87962566103423978;
  return fill(() => std * truncatedGaussian(rng));
}

/**
 * Replace every weight of `model` with a fresh draw from its layer's initializer (see the module
 * documentation). Each weight has its own random stream, derived from `options.seed` and the
 * weight's name, so the draw does not depend on the order of the layers. Returns the number of
 * weights drawn.
 */
export function randomizeWeights(model: tf.LayersModel, options: { seed: number }): number {
  let count = 0;
  for (const layer of model.layers) {
    if (!layer.weights.length) continue;
    const config = layer.getConfig() as Record<string, unknown>;
    for (const weight of layer.weights) {
      const local = weight.originalName.split("/").pop()!;
      const key = INITIALIZER_KEYS[local];
      const init = key ? config[key] as InitializerConfig | undefined : undefined;
      if (!init) {
        throw new RangeError(
          `random initialisation: no initializer for ${weight.originalName} (${layer.name})`,
        );
      }
      const rng = createRng(options.seed, { label: `untrained:${weight.originalName}` });
      const values = initialValues(init, { shape: weight.shape as number[], rng });
      const tensor = tf.tensor(values, weight.shape as number[], "float32");
      weight.write(tensor);
      tensor.dispose();
      count++;
    }
  }
  return count;
}

/** Prototypes of one random network ({@link untrainedPrototypes}). */
export interface UntrainedNetwork {
  /** The network's seed. */
  seed: number;
  /** L2-normalised prototypes, concepts × dim (rows in the order of `concepts`). */
  vectors: Float64Array;
}

/** Result of {@link untrainedPrototypes}. */
export interface UntrainedPrototypes {
  /** Concept of each prototype row (ascending). */
  concepts: Int32Array;
  /** Feature length. */
  dim: number;
  /** One entry per seed. */
  networks: UntrainedNetwork[];
  /** Images embedded (each by every network). */
  images: number;
  /** Wall time in seconds. */
  seconds: number;
}

/** Options of {@link untrainedPrototypes}. */
export interface UntrainedOptions {
  /** Backbone name (`mobilenet_v2_035`, `resnet50`). */
  backbone: string;
  /** One random network per seed. */
  seeds: readonly number[];
  /** Images per forward pass (default 32). */
  batchSize?: number;
  /** Images decoded at once (default 8). */
  decodeWorkers?: number;
  /** Folder of the backbone models (default `data/models/`). */
  modelsRoot?: string;
}

/**
 * Concept prototypes of the backbone with random weights, one network per seed: every image
 * (absolute `paths`, each with its concept) passes through every network; a concept's prototype
 * is the mean pooled feature of its images, L2-normalised (an all-zero mean stays zero).
 */
export async function untrainedPrototypes(
  images: { paths: readonly string[]; concept: Int32Array },
  options: UntrainedOptions,
): Promise<UntrainedPrototypes> {
  const start = performance.now();
  const concepts = Int32Array.from(new Set(images.concept)).sort();
  const row = new Map(Array.from(concepts, (c, r) => [c, r]));
  const nets: { seed: number; folded: FoldedModel; dispose: () => void }[] = [];
  let spec;
  try {
    for (const seed of options.seeds) {
      const backbone = await loadBackbone(options.backbone, { root: options.modelsRoot });
      spec = backbone.spec;
      randomizeWeights(backbone.model, { seed });
      nets.push({
        seed,
        folded: foldModel(backbone.model),
        dispose: () => backbone.file.dispose(),
      });
    }
    if (!spec) throw new RangeError("untrainedPrototypes: no seeds");
    const dim = spec.featureDim, size = spec.inputSize;
    const sums = nets.map(() => new Float64Array(concepts.length * dim));
    const batchSize = options.batchSize ?? 32;
    for (let i = 0; i < images.paths.length; i += batchSize) {
      const paths = images.paths.slice(i, i + batchSize);
      const pixels = await loadImageBatch(paths, {
        size,
        preprocess: spec.preprocess,
        concurrency: options.decodeWorkers,
      });
      const x = tf.tensor4d(pixels.data, [paths.length, size, size, 3]);
      for (const [k, net] of nets.entries()) {
        const out = net.folded.predict(x);
        const values = await out.data() as Float32Array;
        out.dispose();
        for (let b = 0; b < paths.length; b++) {
          const base = row.get(images.concept[i + b])! * dim;
          for (let d = 0; d < dim; d++) sums[k][base + d] += values[b * dim + d];
        }
      }
      x.dispose();
    }
    // the mean's direction is the sum's: normalising the sum gives the normalised mean
    for (const s of sums) {
      for (let r = 0; r < concepts.length; r++) {
        let norm = 0;
        for (let d = 0; d < dim; d++) norm += s[r * dim + d] ** 2;
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let d = 0; d < dim; d++) s[r * dim + d] *= inv;
      }
    }
    return {
      concepts,
      dim,
      networks: nets.map((n, k) => ({ seed: n.seed, vectors: sums[k] })),
      images: images.paths.length,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    for (const n of nets) {
      n.folded.dispose();
      n.dispose();
    }
  }
}

/** Mean and 5th/95th percentiles of a statistic over networks. */
export interface Spread {
  /** Mean over the finite values (NaN when none). */
  mean: number;
  /** 5th percentile (numpy's linear interpolation). */
  p05: number;
  /** 95th percentile. */
  p95: number;
  /** Finite values used. */
  n: number;
}

/**
 * Mean, 5th and 95th percentiles (numpy's default linear interpolation) of `values`, ignoring
 * non-finite ones; all NaN when none is finite.
 */
export function spread(values: ArrayLike<number>): Spread {
  const finite = Array.from(values).filter(Number.isFinite);
  if (!finite.length) return { mean: NaN, p05: NaN, p95: NaN, n: 0 };
  return {
    mean: finite.reduce((s, v) => s + v, 0) / finite.length,
    p05: percentile(finite, 0.05),
    p95: percentile(finite, 0.95),
    n: finite.length,
  };
}

/** Seeds of the untrained networks of a stage run: `seed`, `seed + 1`, … (`count` of them). */
export function untrainedSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => seed + k);
}
