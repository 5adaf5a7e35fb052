/** The trainable network of a backbone: frozen trunk, trainable top and a linear concept head. */
import * as tf from "@tensorflow/tfjs";
import { type Backbone, loadBackbone } from "../models/backbones.ts";
import { splitAt } from "../models/split.ts";
import type { Network } from "./trainer.ts";

/** A backbone split for training. */
export interface SplitBackbone {
  backbone: Backbone;
  /** Image → boundary activations (frozen, cached). */
  trunk: tf.LayersModel;
}

/** Load a backbone and split it at its boundary layer. */
export async function loadSplitBackbone(
  name: string,
  options: { modelsRoot?: string } = {},
): Promise<SplitBackbone & { top: tf.LayersModel }> {
  const backbone = await loadBackbone(name, { root: options.modelsRoot });
  const { trunk, top } = splitAt(backbone.model, backbone.spec.boundary);
  return { backbone, trunk, top };
}

/**
 * A fresh network: the backbone's top with its ImageNet weights and a linear head over
 * `nClasses` concepts (Glorot-uniform kernel seeded by `seed`, zero bias).
 */
export async function buildNetwork(
  backboneName: string,
  options: { nClasses: number; seed: number; modelsRoot?: string },
): Promise<Network> {
  const { top, backbone } = await loadSplitBackbone(backboneName, options);
  const head = tf.sequential({
    name: "concept_head",
    layers: [
      tf.layers.dense({
        inputShape: [backbone.spec.featureDim],
        units: options.nClasses,
        kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed }),
        biasInitializer: "zeros",
        name: "concept_logits",
      }),
    ],
  });
  return { top, head };
}
