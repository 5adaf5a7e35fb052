/**
 * The `embed` stage: penultimate (pooled) embeddings of every image for every model, with an
 * L2-normalised copy, concept prototypes (train-image means), and the `models.arrow` summary.
 * The ImageNet-only backbone is embedded too, as model `imagenet`.
 */
import { stageMetadata } from "../pipeline/metadata.ts";
import { IMAGENET } from "../models/registry.ts";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { TableMetadata } from "../io/arrow.ts";
import { modelsPath, type ModelSummaryRow, writeModels } from "../tables/models.ts";
import { TABLE } from "../tables/names.ts";
import { readTrainingNotes } from "../tables/training.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { writeEmbeddingTables } from "./embedding_tables.ts";
import { loadTrainData, type TrainData } from "./dataset.ts";
import { buildNetwork } from "./network.ts";
import { loadTrainedWeights, sharedTrunk, splitTop1, trainedConfig } from "./stage.ts";
import { topFeatures } from "./trainer.ts";
import {
  checkpointDir,
  embeddingPath,
  prototypePath,
  tablePath,
  trainingTablePath,
} from "../tables/paths.ts";

/** Options of the embed stage. */
export interface EmbedOptions extends Record<string, unknown> {
  backbone: string;
  /** Training seeds to embed (the first is the pipeline's primary seed). */
  seeds: number[];
  /** Models to embed (default: every trained model). */
  models: string[];
  backend: string;
  skipBadImages: boolean;
  /** Images per forward pass through the top (memory; seed 000's `--batch-size`; default 128). */
  batchSize?: number;
  /** Images decoded at once for the trunk cache (`--num-workers`; not part of the cache key). */
  decodeWorkers?: number;
}

/** Write a model's embeddings of every image of `data` and its prototypes (atomically). */
export async function writeModelEmbeddings(
  ctx: StageContext,
  options: {
    model: string;
    seed: number;
    data: TrainData;
    features: Float32Array;
    dim: number;
    meta: TableMetadata;
  },
): Promise<void> {
  const { model, seed, data } = options;
  await writeEmbeddingTables(
    { embeddings: embeddingPath(ctx, model, seed), prototypes: prototypePath(ctx, model, seed) },
    {
      imageIds: data.imageIds,
      concept: data.imageConcept,
      conceptIds: data.conceptIds,
      split: data.imageSplit,
      features: options.features,
      dim: options.dim,
    },
    options.meta,
  );
}

/** What embedding one model needs. */
interface EmbedJob {
  /** The stage (for its metadata). */
  stage: Stage<EmbedOptions>;
  /** Model key. */
  model: string;
  /** Training seed. */
  seed: number;
  /** The images. */
  data: TrainData;
  /** Trunk activations of every image. */
  trunk: Awaited<ReturnType<typeof sharedTrunk>>;
  /** Every image row. */
  all: Int32Array;
  /** The stage's options. */
  options: EmbedOptions;
  /** Hashes of the stage's inputs (images and weights). */
  inputs: Record<string, string>;
}

/**
 * Embed one model's images (the ImageNet backbone, or a trained model from its checkpoint),
 * write its embedding and prototype tables, and return its row of `models.arrow`.
 */
async function embedModel(ctx: StageContext, job: EmbedJob): Promise<ModelSummaryRow> {
  const { model, seed, data, trunk, all, options } = job;
  const net = await buildNetwork(options.backbone, {
    nClasses: Math.max(1, data.classConcept.length),
    seed,
  });
  let notes: Record<string, unknown> = {};
  if (model !== IMAGENET) {
    await loadTrainedWeights(ctx, net, { model, seed });
    notes = await readTrainingNotes(trainingTablePath(ctx, model, seed));
  }
  const features = await topFeatures(net, trunk, all, { chunk: options.batchSize ?? 128 });
  const dim = features.length / all.length;
  const meta = await stageMetadata(ctx, job.stage, {
    stageOptions: options,
    notes: { model },
    inputs: job.inputs,
    seed,
    backend: true,
  });
  await writeModelEmbeddings(ctx, { model, seed, data, features, dim, meta });
  const s = (notes.summary ?? {}) as Record<string, number>;
  const config = model === IMAGENET ? undefined : await trainedConfig(ctx, { model, seed });
  const row: ModelSummaryRow = {
    model,
    seed,
    init: config?.init ?? IMAGENET,
    trained: model !== IMAGENET,
    control_of: config?.controlOf ?? null,
    test_top1: model === IMAGENET
      ? null
      : await splitTop1(net, { data, rows: data.rows.test, trunk }),
    val_top1: s.val_top1 ?? null,
    stress_top1: s.stress_top1 ?? null,
    chance: 1 / data.classConcept.length,
    n_classes: data.classConcept.length,
    backend: options.backend,
    config: config ? JSON.stringify(config) : null,
  };
  tf.dispose([net.top, net.head].flatMap((m) => m.weights.map((w) => w.read())));
  return row;
}

/** The embed stage. */
export const embedStage: Stage<EmbedOptions> = {
  name: "embed",
  modules: [import.meta.url],
  inputs(ctx, options) {
    const files = [TABLE.images, TABLE.splits, TABLE.concepts].map((t) => tablePath(ctx.tables, t));
    for (const seed of options.seeds) {
      for (const model of options.models) {
        files.push(
          join(checkpointDir(ctx, model, seed), "final.ckpt"),
          trainingTablePath(ctx, model, seed),
        );
      }
    }
    return Promise.resolve(files);
  },
  outputs(ctx, options) {
    const out = [modelsPath(ctx.tables)];
    for (const seed of options.seeds) {
      for (const model of [IMAGENET, ...options.models]) {
        if (model === IMAGENET && seed !== options.seeds[0]) continue;
        out.push(embeddingPath(ctx, model, seed), prototypePath(ctx, model, seed));
      }
    }
    return out;
  },
  async run(ctx, options) {
    const data = await loadTrainData(ctx.tables);
    const trunk = await sharedTrunk(ctx, data, options);
    const all = Int32Array.from({ length: data.imageIds.length }, (_, i) => i);
    const summaries: ModelSummaryRow[] = [];
    // provenance of the embedding tables: images and weights only (the training tables also
    // hold wall-clock timings, which would make identical embeddings differ in their metadata)
    const inputs = await ctx.hasher.hashAll(
      (await this.inputs(ctx, options)).filter((f) => !f.includes("/training/")),
    );
    for (const seed of options.seeds) {
      for (const model of [IMAGENET, ...options.models]) {
        if (model === IMAGENET && seed !== options.seeds[0]) continue;
        summaries.push(
          await embedModel(ctx, { stage: this, model, seed, data, trunk, all, options, inputs }),
        );
      }
    }
    await writeModels(
      ctx.tables,
      summaries,
      await stageMetadata(ctx, this, {
        stageOptions: options,
        inputs,
        seed: options.seeds[0],
        backend: true,
      }),
    );
    return `${summaries.length} models embedded (${data.imageIds.length} images each)`;
  },
};
