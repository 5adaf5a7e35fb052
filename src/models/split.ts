/**
 * Split a functional TF.js layers model at a layer into a frozen-trunk model and a trainable top.
 *
 * The trunk maps the model's inputs to the boundary layer's output. The top takes a new input of
 * the boundary tensor's shape and re-applies the original layer objects downstream of the
 * boundary, in topological order (the order of a depth-first walk back from the outputs), so the
 * top shares its weights with the original model: `top(trunk(x))` equals `model(x)`, and training
 * the top trains those layers of the original model too. Residual merges (`Add`, `Concatenate`…)
 * after the boundary are rebuilt with their inputs' counterparts; a merge that also needs a tensor
 * computed before the boundary without passing through it — a branch crossing the boundary —
 * makes the boundary invalid and throws.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type Layer = tf.layers.Layer;
type LayerNode = Layer["inboundNodes"][number];

/** Result of {@link splitAt}. */
export interface SplitModel {
  /** Model inputs → boundary tensor. */
  trunk: tf.LayersModel;
  /** Boundary-shaped input → model outputs, re-applying the layers after the boundary. */
  top: tf.LayersModel;
  /** Layers of the top in the order of `model.layers` (without its input layer). */
  topLayers: Layer[];
  /** Shape of the boundary tensor (with the batch axis as `null`). */
  boundaryShape: (number | null)[];
}

/** Options of {@link splitAt}. */
export interface SplitOptions {
  /** Name prefix of the two new models (default the model's name). */
  name?: string;
}

/** Thrown when a model cannot be split at a layer (unknown layer, branch crossing it). */
export class SplitError extends Error {
  /** Build from a message. */
  constructor(message: string) {
    super(message);
    this.name = "SplitError";
  }
}

/** Marks a tensor computed without passing through the boundary. */
const BEFORE = Symbol("before-boundary");

/**
 * Split `model` after the layer `layerName` (see the module documentation). Throws
 * {@link SplitError} when the layer is unknown, is not on the path to the outputs, or a branch
 * crosses the boundary.
 */
export function splitAt(
  model: tf.LayersModel,
  layerName: string,
  options: SplitOptions = {},
): SplitModel {
  const name = options.name ?? model.name;
  let boundaryLayer: Layer;
  try {
    boundaryLayer = model.getLayer(layerName);
  } catch {
    throw new SplitError(`${model.name} has no layer "${layerName}"`);
  }
  const w: Walk = {
    model,
    layerName,
    name,
    boundaryLayer,
    topLayers: [],
    memo: new Map<number, tf.SymbolicTensor | typeof BEFORE>(),
    modelInputs: new Set(model.inputs.map((t) => t.id)),
  };
  const outputs = model.outputs.map((t) => rebuild(w, t));
  const { boundary, input, topLayers } = w;
  if (boundary === undefined || input === undefined || outputs.some((t) => t === BEFORE)) {
    throw new SplitError(
      `layer "${layerName}" of ${model.name} is not on the path from the inputs to every output`,
    );
  }
  const trunk = tf.model({ inputs: model.inputs, outputs: boundary, name: `${name}_trunk` });
  const top = tf.model({
    inputs: input,
    outputs: outputs.length === 1
      ? outputs[0] as tf.SymbolicTensor
      : outputs as tf.SymbolicTensor[],
    name: `${name}_top`,
  });
  const order = new Map(model.layers.map((l, i) => [l, i]));
  topLayers.sort((a, b) => order.get(a)! - order.get(b)!);
  return { trunk, top, topLayers, boundaryShape: [...boundary.shape] };
}

/** The walk back from the outputs: what it splits at, and what it has found and rebuilt. */
interface Walk {
  model: tf.LayersModel;
  layerName: string;
  /** Name prefix of the new models. */
  name: string;
  boundaryLayer: Layer;
  /** The boundary tensor, once reached. */
  boundary?: tf.SymbolicTensor;
  /** The top's input, once the boundary is reached. */
  input?: tf.SymbolicTensor;
  /** Layers re-applied in the top (in the order first applied). */
  topLayers: Layer[];
  /** Tensor id → its counterpart in the top, or {@link BEFORE}. */
  memo: Map<number, tf.SymbolicTensor | typeof BEFORE>;
  /** Ids of the model's inputs. */
  modelInputs: Set<number>;
}

/** A tensor's counterpart in the top, or {@link BEFORE} when computed without the boundary. */
function rebuild(w: Walk, tensor: tf.SymbolicTensor): tf.SymbolicTensor | typeof BEFORE {
  const known = w.memo.get(tensor.id);
  if (known !== undefined) return known;
  let result: tf.SymbolicTensor | typeof BEFORE;
  if (tensor.sourceLayer === w.boundaryLayer) {
    if (w.boundary !== undefined && w.boundary.id !== tensor.id) {
      throw new SplitError(
        `layer "${w.layerName}" is applied more than once in ${w.model.name}; cannot split there`,
      );
    }
    w.boundary = tensor;
    w.input ??= tf.input({
      shape: tensor.shape.slice(1) as number[],
      dtype: tensor.dtype,
      name: `${w.name}_${w.layerName}_top_input`,
    });
    result = w.input;
  } else if (w.modelInputs.has(tensor.id)) {
    result = BEFORE;
  } else {
    result = rebuildNode(w, tensor);
  }
  w.memo.set(tensor.id, result);
  return result;
}

/** Re-apply the layer that computed a tensor to its rebuilt inputs (throws on a crossing). */
function rebuildNode(w: Walk, tensor: tf.SymbolicTensor): tf.SymbolicTensor | typeof BEFORE {
  const node: LayerNode = tensor.sourceLayer.inboundNodes[tensor.nodeIndex];
  const inputs = node.inputTensors.map((t) => rebuild(w, t));
  const before = inputs.filter((t) => t === BEFORE).length;
  if (before === inputs.length) return BEFORE;
  if (before > 0) {
    const crossing = node.inputTensors.filter((_, i) => inputs[i] === BEFORE)
      .map((t) => t.sourceLayer.name);
    throw new SplitError(
      `cannot split ${w.model.name} at "${w.layerName}": layer "${node.outboundLayer.name}" ` +
        `also takes ${crossing.map((n) => `"${n}"`).join(", ")}, computed before the ` +
        "boundary (a branch crosses it)",
    );
  }
  const layer = node.outboundLayer;
  const args = inputs as tf.SymbolicTensor[];
  const applied = layer.apply(args.length === 1 ? args[0] : args, node.callArgs ?? {});
  const outputs = Array.isArray(applied) ? applied : [applied];
  if (!w.topLayers.includes(layer)) w.topLayers.push(layer);
  return outputs[tensor.tensorIndex] as tf.SymbolicTensor;
}

/**
 * The layers of `model` listed after `layerName` (Keras/TF.js keep `model.layers` in
 * topological order); for a valid split these are exactly the top's layers.
 */
export function layersAfter(model: tf.LayersModel, layerName: string): Layer[] {
  const index = model.layers.findIndex((l) => l.name === layerName);
  if (index < 0) throw new SplitError(`${model.name} has no layer "${layerName}"`);
  return model.layers.slice(index + 1);
}
