/**
 * The float32 error model ({@link assertFloat32Close}) for whole networks: two evaluations of a
 * TF.js layers model by different kernels (a folded and an unfolded program, a split and a whole
 * model) compared segment by segment.
 *
 * A worst-case bound through fifty layers is useless (it multiplies |W| fifty times), so the
 * model is cut at tensors every path passes through ({@link checkpoints}: a layer group in a
 * chain, a residual block) and each segment is checked on its own, with the difference observed
 * at its input carried through:
 *
 *   |ŷ − y| ≤ |S|(d) + 2·γ(n)·|S|⁺(|x| + d)
 *
 * where x is the reference value at the segment input, d = |x̂ − x| the difference observed
 * there, |S| the segment with every weight replaced by its absolute value, BatchNorm by its
 * absolute per-channel scale, ReLU/ReLU6 by the identity (1-Lipschitz, |relu(z)| ≤ |z|) and no
 * biases (how an input difference propagates), |S|⁺ the same with absolute biases and shifts
 * (the magnitude of every summed term), and n the longest chain of rounded operations through
 * the segment (first order in γ, Higham §3.5; see {@link segmentTerms}).
 *
 * @module
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { assertFloat32Close, type ErrorReport } from "./numeric.ts";

type Layer = tf.layers.Layer;

/** Rounded operations a BatchNormalization adds to a chain (see {@link segmentTerms}). */
export const BATCH_NORM_TERMS = 16;

interface Node {
  layer: Layer;
  inputs: tf.SymbolicTensor[];
  output: tf.SymbolicTensor;
}

/** The nodes computing `to` from `from`, in topological order; throws if another input is needed. */
function segmentNodes(from: tf.SymbolicTensor, to: tf.SymbolicTensor): Node[] {
  const seen = new Set<number>();
  const order: Node[] = [];
  const visit = (t: tf.SymbolicTensor): void => {
    if (t.id === from.id || seen.has(t.id)) return;
    seen.add(t.id);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (t.sourceLayer.getClassName() === "InputLayer" || node.inputTensors.length === 0) {
      throw new Error(`segment ${from.name} → ${to.name} also needs ${t.name}`);
    }
    for (const i of node.inputTensors) visit(i);
    order.push({ layer: t.sourceLayer, inputs: node.inputTensors, output: t });
  };
  visit(to);
  return order;
}

/** All nodes of a single-input, single-output model, in topological order. */
function modelNodes(model: tf.LayersModel): Node[] {
  return segmentNodes(model.inputs[0], model.outputs[0]);
}

/**
 * Where to compare two evaluations of a model: every tensor that all paths from the input to
 * the output pass through (a cut: in a chain every layer output, in a residual network the block
 * outputs), except padding outputs (exact) and those consumed by a BatchNormalization or an
 * activation (inside a convolution–BatchNorm–ReLU group that a folded program computes as one
 * step), then the output.
 */
export function checkpoints(model: tf.LayersModel): tf.SymbolicTensor[] {
  const nodes = modelNodes(model);
  const position = new Map<number, number>([[model.inputs[0].id, -1]]);
  nodes.forEach((n, k) => position.set(n.output.id, k));
  // spanned[k] > 0: some edge runs from before node k to after it
  const spanned = new Int32Array(nodes.length + 1);
  const consumers = new Map<number, Node[]>();
  nodes.forEach((n, q) => {
    for (const i of n.inputs) {
      consumers.set(i.id, [...(consumers.get(i.id) ?? []), n]);
      const p = position.get(i.id)!;
      if (q - p > 1) {
        spanned[p + 1]++;
        spanned[q]--;
      }
    }
  });
  for (let k = 1; k < spanned.length; k++) spanned[k] += spanned[k - 1];
  const out = nodes.filter((n, k) => {
    if (spanned[k] > 0 || n.output.id === model.outputs[0].id) return false;
    // padding is exact: its output differs exactly as its input did
    if (n.layer.getClassName() === "ZeroPadding2D") return false;
    const next = consumers.get(n.output.id) ?? [];
    return !next.some((c) =>
      c.layer.getClassName() === "BatchNormalization" || isActivation(c.layer)
    );
  });
  return [...out.map((n) => n.output), model.outputs[0]];
}

/** ReLU, ReLU6 or linear activation layers (1-Lipschitz, |f(z)| ≤ |z|, exact in float). */
function isActivation(layer: Layer): boolean {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  if (cls === "ReLU") return true;
  return cls === "Activation" && ["relu", "relu6", "linear"].includes(cfg.activation as string);
}

/** A layer's weight whose name ends with `suffix`. */
function weight(layer: Layer, suffix: string): tf.Tensor | undefined {
  const k = layer.weights.findIndex((w) => w.originalName.endsWith(suffix));
  return k < 0 ? undefined : layer.weights[k].read();
}

/** A layer's own activation must be one the model covers. */
function ownActivation(layer: Layer): void {
  const a = (layer.getConfig() as Record<string, unknown>).activation ?? "linear";
  if (!["linear", "relu", "relu6"].includes(a as string)) {
    throw new Error(`no error model for ${layer.name}'s activation ${a}`);
  }
}

/**
 * One layer on the two streams: `m` (magnitudes, absolute biases) and `p` (propagated input
 * differences, no biases); returns the rounded operations it adds to a chain.
 */
function absLayer(node: Node, m: tf.Tensor[], p: tf.Tensor[]): [tf.Tensor, tf.Tensor, number] {
  const layer = node.layer;
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  const same = (f: (x: tf.Tensor) => tf.Tensor): [tf.Tensor, tf.Tensor] => [f(m[0]), f(p[0])];
  switch (cls) {
    case "Conv2D":
    case "DepthwiseConv2D": {
      ownActivation(layer);
      const depthwise = cls === "DepthwiseConv2D";
      const kernel = tf.abs(weight(layer, depthwise ? "depthwise_kernel" : "kernel")!);
      const bias = cfg.useBias ? tf.abs(weight(layer, "bias")!) : undefined;
      const strides = cfg.strides as [number, number];
      const pad = cfg.padding as "same" | "valid";
      const dil = (cfg.dilationRate ?? [1, 1]) as [number, number];
      const conv = (x: tf.Tensor) =>
        depthwise
          ? tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad, "NHWC", dil)
          : tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad, "NHWC", dil);
      const [kh, kw, cin] = kernel.shape;
      const terms = kh * kw * (depthwise ? 1 : cin) + (bias ? 1 : 0);
      return [bias ? tf.add(conv(m[0]), bias) : conv(m[0]), conv(p[0]), terms];
    }
    case "BatchNormalization": {
      const mean = weight(layer, "moving_mean")!, variance = weight(layer, "moving_variance")!;
      const gamma = weight(layer, "gamma"), beta = weight(layer, "beta");
      const eps = Number(cfg.epsilon ?? 1e-3);
      const s = tf.div(gamma ? tf.abs(gamma) : 1, tf.sqrt(tf.add(variance, eps)));
      const shift = tf.add(beta ? tf.abs(beta) : 0, tf.mul(tf.abs(mean), s));
      return [tf.add(tf.mul(m[0], s), shift), tf.mul(p[0], s), BATCH_NORM_TERMS];
    }
    case "Dense": {
      ownActivation(layer);
      const kernel = tf.abs(weight(layer, "kernel")!);
      const bias = cfg.useBias ? tf.abs(weight(layer, "bias")!) : undefined;
      const mm = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
      return [bias ? tf.add(mm(m[0]), bias) : mm(m[0]), mm(p[0]), kernel.shape[0] + 1];
    }
    case "Add":
      return [tf.addN(m), tf.addN(p), m.length - 1];
    case "ReLU":
    case "Activation":
      if (!isActivation(layer)) throw new Error(`no error model for ${layer.name}`);
      return [m[0], p[0], 0];
    case "ZeroPadding2D":
    case "MaxPooling2D":
    case "Flatten":
    case "Reshape":
    case "Dropout": {
      // linear, or 1-Lipschitz in the max norm and monotone (max pooling): no rounding
      const apply = (x: tf.Tensor) => layer.apply(x, { training: false }) as tf.Tensor;
      return [...same(apply), 0];
    }
    case "GlobalAveragePooling2D": {
      const [, h, w] = node.inputs[0].shape as number[];
      const apply = (x: tf.Tensor) => layer.apply(x, { training: false }) as tf.Tensor;
      return [...same(apply), h * w + 2];
    }
    default:
      throw new Error(`no error model for ${layer.name} (${cls})`);
  }
}

/** The error model of one segment: magnitudes, propagated difference, chain length. */
export interface SegmentModel {
  /** |S|⁺(|x| + d) per output element. */
  scale: Float32Array;
  /** |S|(d) per output element. */
  propagated: Float32Array;
  /** n: the longest chain of rounded operations from the segment input to its output. */
  terms: number;
}

/**
 * The error model of the segment `from` → `to` of `model` at reference input `x` with input
 * difference `d` (zero when omitted). n counts, along the longest path: kh·kw·cin (+1 with a bias)
 * per convolution, kh·kw (+1) per depthwise convolution, cin + 1 per dense layer, one per add,
 * h·w + 2 per global average pool (sum, 1/(h·w), product), none for ReLU/ReLU6, padding and max
 * pooling (exact), and {@link BATCH_NORM_TERMS} per BatchNorm: the per-channel factor
 * γ/√(σ² + ε) (an add, a square root or approximate reciprocal square root of a few ulps, a
 * division: ≤ 8 u), the subtraction of μ, the product and the shift of the layer, or in a folded
 * program w·s and (b − μ)·s + β.
 */
export function segmentModel(
  from: tf.SymbolicTensor,
  to: tf.SymbolicTensor,
  x: tf.Tensor,
  d?: tf.Tensor,
): SegmentModel {
  const nodes = segmentNodes(from, to);
  let terms = 0;
  // (typed arrays are read outside tidy, which would walk every element of a returned array)
  const [scale, propagated] = tf.tidy(() => {
    const diff = d ?? tf.zerosLike(x);
    const m = new Map<number, tf.Tensor>([[from.id, tf.add(tf.abs(x), diff)]]);
    const p = new Map<number, tf.Tensor>([[from.id, diff]]);
    const depth = new Map<number, number>([[from.id, 0]]);
    for (const node of nodes) {
      const ids = node.inputs.map((t) => t.id);
      const [mo, po, n] = absLayer(node, ids.map((i) => m.get(i)!), ids.map((i) => p.get(i)!));
      m.set(node.output.id, mo);
      p.set(node.output.id, po);
      depth.set(node.output.id, Math.max(...ids.map((i) => depth.get(i)!)) + n);
    }
    terms = Math.max(1, depth.get(to.id)!);
    return [m.get(to.id)!, p.get(to.id)!];
  });
  const out = {
    scale: scale.dataSync() as Float32Array,
    propagated: propagated.dataSync() as Float32Array,
    terms,
  };
  tf.dispose([scale, propagated]);
  return out;
}

/**
 * Check `actual` (e.g. the folded program's value at `to`) against `expected` (the reference's)
 * under the segment's error model ({@link segmentModel}); `x` is the reference value at `from`
 * and `xActual` the other evaluation's (the same tensor when both start from the same input).
 */
export function assertSegmentClose(
  actual: tf.Tensor,
  expected: tf.Tensor,
  segment: { from: tf.SymbolicTensor; to: tf.SymbolicTensor; x: tf.Tensor; xActual?: tf.Tensor },
  label: string,
): ErrorReport {
  const d = segment.xActual && segment.xActual !== segment.x
    ? tf.tidy(() => tf.abs(tf.sub(segment.xActual!, segment.x)))
    : undefined;
  const model = segmentModel(segment.from, segment.to, segment.x, d);
  d?.dispose();
  return assertFloat32Close(actual.dataSync(), expected.dataSync(), {
    scale: model.scale,
    propagated: model.propagated,
    terms: model.terms,
    label,
  });
}

/**
 * A folded program (`fold`, e.g. `foldModel`) against `model.predict`, segment by segment: at
 * every checkpoint (a layer group of a chain, a residual block) the folded prefix model's value
 * must lie within the bound carried from the previous checkpoint's observed difference.
 * `fold(model)` folds the whole model, whose output is the last checkpoint; a prefix model and
 * the whole folded model compute a shared checkpoint with the same kernels on the same input,
 * so bit-identically (the one assumption besides the error model).
 */
export function assertFoldedMatches(
  model: tf.LayersModel,
  fold: (m: tf.LayersModel) => { predict(x: tf.Tensor): tf.Tensor; dispose(): void },
  x: tf.Tensor,
  label: string,
): void {
  const cuts = checkpoints(model);
  const reference = tf.model({ inputs: model.inputs, outputs: cuts });
  const refs = reference.predict(x) as tf.Tensor | tf.Tensor[];
  const wanted = Array.isArray(refs) ? refs : [refs];
  let from = model.inputs[0], xRef = x, xGot = x;
  cuts.forEach((to, k) => {
    const prefix = k === cuts.length - 1 ? model : tf.model({ inputs: model.inputs, outputs: to });
    const folded = fold(prefix);
    const got = folded.predict(x);
    folded.dispose();
    assert.deepEqual(got.shape, wanted[k].shape);
    assertSegmentClose(got, wanted[k], { from, to, x: xRef, xActual: xGot }, `${label} ${to.name}`);
    if (xGot !== x) xGot.dispose();
    [from, xRef, xGot] = [to, wanted[k], got];
  });
  xGot.dispose();
  tf.dispose(wanted);
}
