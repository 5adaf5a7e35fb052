/**
 * Embedding: penultimate (pooled) embeddings of every image for every model, with an
 * L2-normalised copy, concept prototypes (train-image means), and the `models.arrow` summary.
 * The ImageNet-only backbone is embedded too, as model `imagenet`. One stage run per model and
 * seed (`embed:<model>`, {@link embedModelStage}) writes that model's tables and its row of
 * models.arrow; `embed` ({@link embedStage}) joins the rows ({@link embedRuns} lists them).
 */
import { stageMetadata } from "../pipeline/metadata.ts";
import { IMAGENET } from "../models/registry.ts";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { TableMetadata } from "../io/arrow.ts";
import {
  modelsPath,
  type ModelSummaryRow,
  writeJoinedModels,
  writeModels,
} from "../tables/models.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { readTrainingNotes } from "../tables/training.ts";
import type { Stage, StageContext, StageRun } from "../pipeline/stage.ts";
import { writeEmbeddingTables } from "./embedding_tables.ts";
import { loadTrainData, type TrainData } from "./dataset.ts";
import { buildNetwork } from "./network.ts";
import { loadTrainedWeights, sharedTrunk, splitTop1, trainedConfig } from "./stage.ts";
import { seedSuffix } from "./config.ts";
import { topFeatures } from "./trainer.ts";
import {
  checkpointDir,
  embeddingPath,
  modelRowPath,
  prototypePath,
  tablePath,
  trainingTablePath,
} from "../tables/paths.ts";

/** Options of the embed stage: which models and seeds `deno task embed` embeds. */
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

/** Options of one model's embedding (`embed:<model>[@seed]`). */
export interface EmbedModelOptions extends Record<string, unknown> {
  backbone: string;
  /** Model key (`imagenet`: the backbone without training). */
  model: string;
  /** Training seed. */
  seed: number;
  backend: string;
  skipBadImages: boolean;
  /** Images per forward pass through the top (default 128). */
  batchSize?: number;
  /** Images decoded at once for the trunk cache (not part of the cache key). */
  decodeWorkers?: number;
}

/**
 * The stage runs of `embed`, in order: one `embed:<model>` per model and seed (the ImageNet
 * backbone first, for the first seed only; `@<seed>` added for the other seeds), then `embed`,
 * which joins their rows into models.arrow. Each is a job of its own on a cluster.
 */
export function embedRuns(options: EmbedOptions): StageRun[] {
  const { seeds, models, batchSize, decodeWorkers, ...shared } = options;
  const runs: StageRun[] = [];
  for (const { model, seed } of embeddedModels({ seeds, models })) {
    const id = `embed:${model}${seedSuffix(seed, seeds)}`;
    runs.push({
      id,
      stage: embedModelStage(id),
      options: {
        ...shared,
        model,
        seed,
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(decodeWorkers !== undefined ? { decodeWorkers } : {}),
      },
    });
  }
  runs.push({ id: embedStage.name, stage: embedStage, options: { ...shared, seeds, models } });
  return runs;
}

/** The models and seeds `embed` covers, in models.arrow's order. */
function embeddedModels(options: { seeds: number[]; models: string[] }) {
  return options.seeds.flatMap((seed) =>
    [IMAGENET, ...options.models].filter((m) => m !== IMAGENET || seed === options.seeds[0])
      .map((model) => ({ model, seed }))
  );
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
  /** Model key. */
  model: string;
  /** Training seed. */
  seed: number;
  /** The images. */
  data: TrainData;
  /** Trunk activations of every image. */
  trunk: Awaited<ReturnType<typeof sharedTrunk>>;
  /** The stage's options. */
  options: EmbedModelOptions;
  /** Metadata of the model's tables. */
  meta: TableMetadata;
}

/**
 * Embed one model's images (the ImageNet backbone, or a trained model from its checkpoint),
 * write its embedding and prototype tables, and return its row of `models.arrow`.
 */
async function embedModel(ctx: StageContext, job: EmbedJob): Promise<ModelSummaryRow> {
  const { model, seed, data, trunk, options, meta } = job;
  const all = Int32Array.from({ length: data.imageIds.length }, (_, i) => i);
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

/**
 * One model's embedding (`embed:<model>[@seed]`, the unit id): its embedding and prototype
 * tables and its row of models.arrow (`models/<model>.arrow`).
 */
export function embedModelStage(id: string): Stage<EmbedModelOptions> {
  return {
    name: id,
    modules: [import.meta.url],
    inputs(ctx, options) {
      const files = [TABLE.images, TABLE.splits, TABLE.concepts].map((t) =>
        tablePath(ctx.tables, t)
      );
      if (options.model !== IMAGENET) {
        files.push(
          join(checkpointDir(ctx, options.model, options.seed), "final.ckpt"),
          trainingTablePath(ctx, options.model, options.seed),
        );
      }
      return Promise.resolve(files);
    },
    outputs(ctx, { model, seed }) {
      return [
        embeddingPath(ctx, model, seed),
        prototypePath(ctx, model, seed),
        modelRowPath(ctx, model, seed),
      ];
    },
    async run(ctx, options) {
      const { model, seed } = options;
      const data = await loadTrainData(ctx.tables);
      const trunk = await sharedTrunk(ctx, data, options);
      // provenance of the embedding tables: images and weights only (the training tables also
      // hold wall-clock timings, which would make identical embeddings differ in their metadata)
      const inputs = await ctx.hasher.hashAll(
        (await this.inputs(ctx, options)).filter((f) => !f.includes("/training/")),
      );
      const meta = await stageMetadata(ctx, this, {
        stageOptions: options,
        notes: { model },
        inputs,
        seed,
        backend: true,
      });
      const row = await embedModel(ctx, { model, seed, data, trunk, options, meta });
      await writeModels(modelRowPath(ctx, model, seed), [row], meta);
      return `${model} (seed ${seed}) embedded: ${data.imageIds.length} images`;
    },
  };
}

/** The embed stage: `models.arrow`, the rows of every `embed:<model>` unit in order. */
export const embedStage: Stage<EmbedOptions> = {
  name: "embed",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve(embeddedModels(options).map((m) => modelRowPath(ctx, m.model, m.seed)));
  },
  outputs(ctx) {
    return [modelsPath(ctx.tables)];
  },
  async run(ctx, options) {
    const files = await this.inputs(ctx, options);
    const inputs = await ctx.hasher.hashAll(files);
    await writeJoinedModels(
      ctx.tables,
      files,
      await stageMetadata(ctx, this, {
        stageOptions: options,
        inputs,
        seed: options.seeds[0],
        // each row's table records the backend that embedded it; joining them runs none
      }),
    );
    return `${tableFile(TABLE.models)}: ${files.length} models`;
  },
};
