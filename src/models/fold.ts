/**
 * Inference-only execution of a frozen TF.js layers model with BatchNorm folded into the
 * preceding convolution and activations fused into it.
 *
 * A Keras backbone runs `Conv2D → BatchNormalization → ReLU` about fifty times; executed layer
 * by layer that is a convolution plus three elementwise passes over the activation tensor
 * (bias, normalisation, activation), which on a 2-core CPU cost a third of ResNet-50's
 * inference time. Folding rewrites each pair as one convolution with
 *
 *   w' = w · γ / √(σ² + ε)        b' = (b − μ) · γ / √(σ² + ε) + β
 *
 * (per output channel) and hands the following ReLU/ReLU6 to `tf.fused.conv2d`. A residual
 * `Add → ReLU` becomes one `relu(add)`. Every other layer runs through its own `apply`.
 *
 * The folded convolution weights are copies taken at fold time (other layers read their live
 * weights): use this for frozen models only (the trunk, the ImageNet classifier), never for
 * layers that are being trained. Outputs equal `model.predict` up to
 * float32 rounding (about 1e-6 relative; the tests bound it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type Layer = tf.layers.Layer;
type Activation = "linear" | "relu" | "relu6";

/** One step of the folded program. */
interface Step {
  /** Id of the symbolic tensor this step computes. */
  out: number;
  /** Ids of its inputs. */
  inputs: number[];
  /** Computes the output from the inputs. */
  run: (xs: tf.Tensor[]) => tf.Tensor;
}

/** A frozen model compiled for inference ({@link foldModel}). */
export interface FoldedModel {
  /** Run the model on a batch (the caller owns the returned tensor). */
  predict(x: tf.Tensor): tf.Tensor;
  /** BatchNorm layers folded into a convolution. */
  foldedBatchNorms: number;
  /** Activations fused into a convolution or a residual add. */
  fusedActivations: number;
  /** Layers run as themselves (not folded or fused). */
  passthroughLayers: number;
  /** Free the folded weights. */
  dispose(): void;
}

/** Options of {@link foldModel}. */
export interface FoldOptions {
  /** Keep BatchNorm layers as they are (for comparisons; default false). */
  noFold?: boolean;
}

interface SymbolicNode {
  layer: Layer;
  inputs: tf.SymbolicTensor[];
  output: tf.SymbolicTensor;
}

/** Walk back from the single output to the single input; nodes in topological order. */
function collectNodes(model: tf.LayersModel): SymbolicNode[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `foldModel: ${model.name} has ${model.inputs.length} inputs and ${model.outputs.length} ` +
        "outputs; only single-input, single-output models are supported",
    );
  }
  const inputId = model.inputs[0].id;
  const seen = new Set<number>();
  const order: SymbolicNode[] = [];
  const visit = (t: tf.SymbolicTensor): void => {
    if (t.id === inputId || seen.has(t.id)) return;
    seen.add(t.id);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (t.tensorIndex !== 0 || node.outputTensors.length !== 1) {
      throw new Error(`foldModel: layer ${t.sourceLayer.name} has several outputs`);
    }
    for (const i of node.inputTensors) visit(i);
    order.push({ layer: t.sourceLayer, inputs: node.inputTensors, output: t });
  };
  visit(model.outputs[0]);
  return order;
}

/** The activation a layer applies, when it is a pure ReLU/ReLU6/linear activation layer. */
function activationOf(layer: Layer): Activation | undefined {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  if (cls === "Activation") {
    const a = cfg.activation;
    return a === "relu" || a === "relu6" || a === "linear" ? a : undefined;
  }
  if (cls === "ReLU") {
    const max = cfg.maxValue ?? cfg.max_value;
    if (max == null) return "relu";
    if (max === 6) return "relu6";
  }
  return undefined;
}

/** A layer's variable whose name ends with `/suffix` (or equals it). */
function weightNamed(layer: Layer, suffix: string): tf.Tensor | undefined {
  const w = layer.weights.find((v) =>
    v.originalName === suffix || v.originalName.endsWith(`/${suffix}`) ||
    v.name.endsWith(`/${suffix}`)
  );
  return w?.read();
}

/** Per-channel scale and shift of an inference-mode BatchNormalization layer. */
function batchNormAffine(bn: SymbolicNode): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const cfg = bn.layer.getConfig() as Record<string, unknown>;
  const axis = cfg.axis;
  const rank = bn.inputs[0].shape.length;
  const ax = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (!(ax === -1 || ax === rank - 1)) {
    throw new Error(
      `foldModel: ${bn.layer.name} normalises axis ${axis}; only the last axis folds`,
    );
  }
  const eps = Number(cfg.epsilon ?? 1e-3);
  const mean = weightNamed(bn.layer, "moving_mean");
  const variance = weightNamed(bn.layer, "moving_variance");
  if (!mean || !variance) throw new Error(`foldModel: ${bn.layer.name} has no moving statistics`);
  return tf.tidy(() => {
    const gamma = weightNamed(bn.layer, "gamma") ?? tf.onesLike(mean);
    const beta = weightNamed(bn.layer, "beta") ?? tf.zerosLike(mean);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, eps))) as tf.Tensor1D;
    const shift = tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D;
    return { scale, shift };
  });
}

/** The sole consumer of a tensor, when there is exactly one. */
function soleConsumer(
  consumers: Map<number, SymbolicNode[]>,
  id: number,
): SymbolicNode | undefined {
  const c = consumers.get(id) ?? [];
  return c.length === 1 ? c[0] : undefined;
}

/** Convolution step with optional folded BatchNorm and fused activation. */
function convStep(
  node: SymbolicNode,
  fold: { scale: tf.Tensor1D; shift: tf.Tensor1D } | undefined,
  options: { activation: Activation; out: number; inputId: number; keep: tf.Tensor[] },
): Step {
  const layer = node.layer;
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  if ((cfg.dataFormat ?? "channelsLast") !== "channelsLast") {
    throw new Error(`foldModel: ${layer.name} is not channels-last`);
  }
  const depthwise = cls === "DepthwiseConv2D";
  const kernel = weightNamed(layer, depthwise ? "depthwise_kernel" : "kernel")!;
  const bias = cfg.useBias ? weightNamed(layer, "bias") : undefined;
  const own = (cfg.activation ?? "linear") as string;
  if (own !== "linear" && (fold || options.activation !== "linear")) {
    throw new Error(`foldModel: ${layer.name} has its own activation ${own}`);
  }
  const [filter, b] = tf.tidy(() => {
    if (!fold) return [kernel.clone(), bias?.clone()];
    const [, , cin, mult] = kernel.shape;
    const s = depthwise ? fold.scale.reshape([1, 1, cin, mult]) : fold.scale;
    const f = tf.mul(kernel, s);
    const b0 = bias ?? tf.zerosLike(fold.scale);
    return [f, tf.add(tf.mul(b0, fold.scale), fold.shift)];
  }) as [tf.Tensor4D, tf.Tensor | undefined];
  options.keep.push(filter, ...(b ? [b] : []));
  const activation = (options.activation === "linear" ? own : options.activation) as Activation;
  const strides = cfg.strides as [number, number];
  const pad = cfg.padding as "same" | "valid";
  const dilations = (cfg.dilationRate ?? [1, 1]) as [number, number];
  const args = { filter, strides, pad, dilations, bias: b, activation };
  const conv = depthwise ? tf.fused.depthwiseConv2d : tf.fused.conv2d;
  const run = ([x]: tf.Tensor[]) => conv({ x: x as tf.Tensor4D, ...args });
  return { out: options.out, inputs: [options.inputId], run };
}

/** Apply a fused activation to a tensor. */
function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  return a === "relu" ? tf.relu(x) : a === "relu6" ? tf.relu6(x) : x;
}

/**
 * Compile a frozen single-input, single-output layers model for inference: BatchNorm folded into
 * the convolution before it, ReLU/ReLU6 fused (see the module documentation). Convolution
 * weights are copied at this call, so fold again after changing the model.
 */
export function foldModel(model: tf.LayersModel, options: FoldOptions = {}): FoldedModel {
  const program = compileProgram(model, options);
  const { steps, keep, counts } = program;
  const inputId = model.inputs[0].id;
  const finalId = resolve(program, program.outputId);
  return {
    foldedBatchNorms: counts.foldedBatchNorms,
    fusedActivations: counts.fusedActivations,
    passthroughLayers: counts.passthroughLayers,
    predict: programRunner(steps, { inputId, finalId }),
    dispose(): void {
      tf.dispose(keep);
    },
  };
}

/** The folded program of a model, and the bookkeeping of its compilation. */
interface Program {
  /** Tensor id → the nodes that read it. */
  consumers: Map<number, SymbolicNode[]>;
  /** Id of the model's output. */
  outputId: number;
  /** Nodes folded or fused into an earlier step. */
  absorbed: Set<SymbolicNode>;
  /** Tensor id → the id whose value stands for it after fusion. */
  alias: Map<number, number>;
  /** Folded weights owned by the program. */
  keep: tf.Tensor[];
  steps: Step[];
  counts: { foldedBatchNorms: number; fusedActivations: number; passthroughLayers: number };
}

/** The id whose value stands for `id` after fusion. */
function resolve(p: Program, id: number): number {
  return p.alias.get(id) ?? id;
}

/** The steps of a model, in topological order, with folding and fusion applied. */
function compileProgram(model: tf.LayersModel, options: FoldOptions): Program {
  const nodes = collectNodes(model);
  const consumers = new Map<number, SymbolicNode[]>();
  for (const n of nodes) {
    for (const i of n.inputs) consumers.set(i.id, [...(consumers.get(i.id) ?? []), n]);
  }
  const p: Program = {
    consumers,
    outputId: model.outputs[0].id,
    absorbed: new Set<SymbolicNode>(),
    alias: new Map<number, number>(),
    keep: [],
    steps: [],
    counts: { foldedBatchNorms: 0, fusedActivations: 0, passthroughLayers: 0 },
  };
  for (const node of nodes) {
    if (p.absorbed.has(node)) continue;
    const cls = node.layer.getClassName();
    const inputId = node.inputs.length === 1 ? resolve(p, node.inputs[0].id) : -1;
    if (cls === "Conv2D" || cls === "DepthwiseConv2D") {
      p.steps.push(foldedConvStep(p, node, { noFold: options.noFold, inputId }));
      continue;
    }
    if (cls === "Add" && node.inputs.length === 2) {
      const { activation, out } = takeActivation(p, node.output.id);
      p.steps.push({
        out,
        inputs: node.inputs.map((t) => resolve(p, t.id)),
        run: ([a, b]) => activate(tf.add(a, b), activation),
      });
      continue;
    }
    p.counts.passthroughLayers++;
    const layer = node.layer;
    p.steps.push({
      out: node.output.id,
      inputs: node.inputs.map((t) => resolve(p, t.id)),
      run: (xs) => layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor,
    });
  }
  return p;
}

/** Absorb the sole activation consumer of `id` (not the model output). */
function takeActivation(p: Program, id: number): { activation: Activation; out: number } {
  const next = soleConsumer(p.consumers, id);
  const a = next && id !== p.outputId ? activationOf(next.layer) : undefined;
  if (!next || !a) return { activation: "linear", out: id };
  p.absorbed.add(next);
  p.alias.set(id, next.output.id);
  p.counts.fusedActivations++;
  return { activation: a, out: next.output.id };
}

/** A convolution's step, with the BatchNorm after it folded in and its activation fused. */
function foldedConvStep(
  p: Program,
  node: SymbolicNode,
  options: { noFold?: boolean; inputId: number },
): Step {
  let fold: { scale: tf.Tensor1D; shift: tf.Tensor1D } | undefined;
  let tail = node.output.id;
  const bn = soleConsumer(p.consumers, node.output.id);
  if (
    !options.noFold && bn && bn.layer.getClassName() === "BatchNormalization" &&
    node.output.id !== p.outputId
  ) {
    fold = batchNormAffine(bn);
    p.absorbed.add(bn);
    p.alias.set(node.output.id, bn.output.id);
    tail = bn.output.id;
    p.counts.foldedBatchNorms++;
  }
  const own = (node.layer.getConfig() as Record<string, unknown>).activation ?? "linear";
  const act = own === "linear"
    ? takeActivation(p, tail)
    : { activation: "linear" as Activation, out: tail };
  const step = convStep(node, fold, {
    activation: act.activation,
    out: act.out,
    inputId: options.inputId,
    keep: p.keep,
  });
  if (fold) tf.dispose([fold.scale, fold.shift]);
  return step;
}

/** Run the steps on a batch, releasing each intermediate after its last use. */
function programRunner(
  steps: Step[],
  ids: { inputId: number; finalId: number },
): (x: tf.Tensor) => tf.Tensor {
  const { inputId, finalId } = ids;
  // release each intermediate after its last use
  const lastUse = new Map<number, number>();
  steps.forEach((s, k) => s.inputs.forEach((i) => lastUse.set(i, k)));
  return (x: tf.Tensor): tf.Tensor => {
    const values = new Map<number, tf.Tensor>([[inputId, x]]);
    let result: tf.Tensor | undefined;
    steps.forEach((s, k) => {
      const ins = s.inputs.map((i) => {
        const v = values.get(i);
        if (!v) throw new Error(`foldModel: internal error, tensor ${i} not computed`);
        return v;
      });
      const y = tf.tidy(() => s.run(ins));
      values.set(s.out, y);
      for (const i of s.inputs) {
        if (lastUse.get(i) === k && i !== inputId && i !== finalId) {
          values.get(i)!.dispose();
          values.delete(i);
        }
      }
      if (s.out === finalId) result = y;
    });
    for (const [id, v] of values) if (id !== inputId && id !== finalId) v.dispose();
    if (!result) throw new Error("foldModel: the output was not computed");
    return result;
  };
}
