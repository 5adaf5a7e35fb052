/**
 * The `align:glocal` stage: fits a gLocal transform on a trained model's features (default the
 * baseline) and registers the transformed model as `glocal` for the benchmark.
 *
 * Human signal as for the trained variants: the global term uses `triplets.arrow` (derived from
 * the train pairs only; anchor and positive kept together, negative odd), λ and α are chosen by
 * odd-one-out accuracy on triplets derived the same way from the validation pairs, and the local
 * term uses the train-split images. Writes `embeddings/glocal.arrow` (+ prototypes) and
 * `aligned/glocal.arrow` (the registry row the benchmark reads: source, method, chosen
 * hyperparameters, the grid).
 *
 * @module
 */
import { writeGlocalRegistry } from "../tables/aligned_glocal.ts";
import { initBackend } from "../models/backend.ts";
import { BASELINE, GLOCAL } from "../models/registry.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import type { TableMetadata } from "../io/arrow.ts";
import type { GlocalTransform } from "../io/npz.ts";
import { writeEmbeddingTables } from "../train/embedding_tables.ts";
import { applyGlocal, searchGlocalGrid } from "./glocal.ts";
import { alignInputFiles, type AlignInputs, loadAlignInputs, selectRows } from "./inputs.ts";
import { alignedPath, embeddingPath, prototypePath } from "../tables/paths.ts";

/** Options of the gLocal stage. */
export interface GlocalStageOptions extends Record<string, unknown> {
  /** The model whose features are transformed. */
  source: string;
  /** λ grid. */
  lambdas: number[];
  /** α grid. */
  alphas: number[];
  /** Epochs per fit. */
  epochs: number;
}

/** Defaults of `deno task align:glocal` (and of the stage in `deno task all`). */
export const GLOCAL_DEFAULTS: GlocalStageOptions = {
  source: BASELINE,
  lambdas: [1e-2],
  alphas: [0, 0.25],
  epochs: 5,
};

/** The gLocal stage. */
export const glocalStage: Stage<GlocalStageOptions> = {
  name: "align:glocal",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve(alignInputFiles(ctx, options.source));
  },
  outputs(ctx) {
    return [
      embeddingPath(ctx, GLOCAL, ctx.seed),
      prototypePath(ctx, GLOCAL, ctx.seed),
      alignedPath(ctx, GLOCAL),
    ];
  },
  async run(ctx, options) {
    await initBackend({ backend: "auto", log: false });
    const inputs = await loadAlignInputs(ctx, options.source);
    const { train, val } = inputs;
    const trainRows = inputs.split.flatMap((s, r) => (s === "train" ? [r] : []));
    const images = selectRows(inputs.images, trainRows);
    const { points: grid, best } = await searchGlocalGrid({
      concepts: inputs.prototypes,
      train,
      val,
      images,
    }, {
      grid: options.lambdas.flatMap((lambda) => options.alphas.map((alpha) => ({ lambda, alpha }))),
      epochs: options.epochs,
      seed: ctx.seed,
      label: "align:glocal",
      log: ctx.log,
    });
    const meta = await stageMetadata(ctx, this, {
      stageOptions: options,
      notes: { source: options.source, lambda: best.lambda, alpha: best.alpha },
      backend: true,
    });
    await writeTransformed(ctx, { inputs, transform: best.fit.transform }, meta);
    await writeGlocalRegistry(alignedPath(ctx, GLOCAL), {
      model: GLOCAL,
      seed: ctx.seed,
      source: options.source,
      method: "gLocal",
      lambda: best.lambda,
      alpha: best.alpha,
      valAccuracy: best.fit.valAccuracy,
      grid: grid.map((g) => ({ lambda: g.lambda, alpha: g.alpha, val: g.fit.valAccuracy })),
    }, meta);
    return `glocal from ${options.source}: λ ${best.lambda}, α ${best.alpha}, val odd-one-out ` +
      `${best.fit.valAccuracy.toFixed(4)} (${train.n} train, ${val.n} val triplets)`;
  },
};

/** The gLocal model's embedding and prototype tables: the transform applied to every image. */
async function writeTransformed(
  ctx: StageContext,
  { inputs, transform }: { inputs: AlignInputs; transform: GlocalTransform },
  meta: TableMetadata,
): Promise<void> {
  const transformed = applyGlocal(transform, inputs.images);
  await writeEmbeddingTables(
    {
      embeddings: embeddingPath(ctx, GLOCAL, ctx.seed),
      prototypes: prototypePath(ctx, GLOCAL, ctx.seed),
    },
    {
      imageIds: inputs.imageIds,
      concept: inputs.imageConcept,
      conceptIds: inputs.conceptIds,
      split: inputs.split,
      features: Float32Array.from(transformed.data),
      dim: inputs.images.cols,
    },
    meta,
  );
}
