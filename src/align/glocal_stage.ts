/**
 * The `align:glocal` stage: fits a gLocal transform on a trained model's features (default the
 * baseline) and registers the transformed model as `glocal` for the benchmark.
 *
 * Human signal as for the trained variants: the global term uses `triplets.arrow` (derived from
 * the train pairs only; anchor and positive kept together, negative odd), λ and α are chosen by
 * odd-one-out accuracy on triplets derived the same way from the validation pairs, and the local
 * term uses the train-split images. Writes `embeddings/glocal.arrow` (+ prototypes) and
 * `aligned.arrow` (one row per aligned model: source, method, chosen hyperparameters, the grid).
 *
 * @module
 */
import { join } from "node:path";
import { deriveTrainingTriplets } from "../human/triplets.ts";
import {
  float64Column,
  int32Column,
  makeTable,
  readTable,
  stringColumn,
  vectorColumnToFlat,
  writeTable,
} from "../io/arrow.ts";
import type { Matrix, Triplets } from "../metrics/types.ts";
import { initBackend } from "../models/backend.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { embeddingPath, prototypePath } from "../train/embed_stage.ts";
import { writeEmbeddingTables } from "../train/embedding_tables.ts";
import { applyGlocal, fitGlocal, type GlocalFit } from "./glocal.ts";

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
  source: "baseline",
  lambdas: [1e-2],
  alphas: [0, 0.25],
  epochs: 5,
};

/** The registry of aligned models. */
export function alignedPath(ctx: StageContext): string {
  return join(ctx.tables, "aligned.arrow");
}

/** Triplets over concept rows from (anchor, positive, negative) columns. */
function asOddOneOut(
  t: { anchor: Int32Array; positive: Int32Array; negative: Int32Array },
  row: Int32Array,
): Triplets {
  const keep: number[] = [];
  for (let i = 0; i < t.anchor.length; i++) {
    if (row[t.anchor[i]] >= 0 && row[t.positive[i]] >= 0 && row[t.negative[i]] >= 0) keep.push(i);
  }
  return {
    a: Int32Array.from(keep, (i) => row[t.anchor[i]]),
    b: Int32Array.from(keep, (i) => row[t.positive[i]]),
    odd: Int32Array.from(keep, (i) => row[t.negative[i]]),
    n: keep.length,
  };
}

/** The gLocal stage. */
export const glocalStage: Stage<GlocalStageOptions> = {
  name: "align:glocal",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve([
      join(ctx.tables, "triplets.arrow"),
      join(ctx.tables, "human_pairs.arrow"),
      join(ctx.tables, "concepts.arrow"),
      embeddingPath(ctx, options.source, ctx.seed),
      prototypePath(ctx, options.source, ctx.seed),
    ]);
  },
  outputs(ctx) {
    return [
      embeddingPath(ctx, "glocal", ctx.seed),
      prototypePath(ctx, "glocal", ctx.seed),
      alignedPath(ctx),
    ];
  },
  async run(ctx, options) {
    await initBackend({ backend: "auto", log: false });
    const t = ctx.tables;
    const concepts = await readTable(join(t, "concepts.arrow"), { require: ["uniqueID"] });
    const conceptIds = concepts.getChild("uniqueID")!.toArray().map(String) as string[];
    const index = new Map(conceptIds.map((id, i) => [id, i]));
    const img = await readTable(embeddingPath(ctx, options.source, ctx.seed), {
      require: ["image_id", "uniqueID", "split", "vector"],
    });
    const proto = await readTable(prototypePath(ctx, options.source, ctx.seed), {
      require: ["index", "vector"],
    });
    const iv = vectorColumnToFlat(img, "vector"), pv = vectorColumnToFlat(proto, "vector");
    const protoIndex = Int32Array.from(proto.getChild("index")!.toArray() as Int32Array);
    const row = new Int32Array(conceptIds.length).fill(-1);
    protoIndex.forEach((c, r) => (row[c] = r));
    const conceptMatrix: Matrix = { data: pv.data, rows: pv.rows, cols: pv.dim };
    // triplets: train from triplets.arrow, validation from the val pairs
    const tt = await readTable(join(t, "triplets.arrow"), {
      require: ["anchor", "positive", "negative"],
    });
    const col = (name: string) => Int32Array.from(tt.getChild(name)!.toArray() as Int32Array);
    const train = asOddOneOut({
      anchor: col("anchor"),
      positive: col("positive"),
      negative: col("negative"),
    }, row);
    const pt = await readTable(join(t, "human_pairs.arrow"), {
      require: ["a", "b", "similarity", "split"],
    });
    const valTriplets = deriveTrainingTriplets({
      a: Int32Array.from(pt.getChild("a")!.toArray() as Int32Array),
      b: Int32Array.from(pt.getChild("b")!.toArray() as Int32Array),
      similarity: Float64Array.from(pt.getChild("similarity")!.toArray() as Float64Array),
      split: (pt.getChild("split")!.toArray() as string[]).map((
        s,
      ) => (s === "val" ? "train" : "other")),
    }, { seed: ctx.seed });
    const val = asOddOneOut(valTriplets, row);
    const splits = img.getChild("split")!.toArray().map(String) as string[];
    const trainRows = splits.flatMap((s, r) => (s === "train" ? [r] : []));
    const images: Matrix = {
      data: new Float64Array(trainRows.length * iv.dim),
      rows: trainRows.length,
      cols: iv.dim,
    };
    trainRows.forEach((r, i) =>
      images.data.set(iv.data.subarray(r * iv.dim, (r + 1) * iv.dim), i * iv.dim)
    );
    const grid: { lambda: number; alpha: number; fit: GlocalFit }[] = [];
    for (const lambda of options.lambdas) {
      for (const alpha of options.alphas) {
        const start = performance.now();
        const fit = fitGlocal({ concepts: conceptMatrix, train, val, images }, {
          lambda,
          alpha,
          epochs: options.epochs,
          seed: ctx.seed,
        });
        grid.push({ lambda, alpha, fit });
        ctx.log(
          `align:glocal λ ${lambda} α ${alpha}: val odd-one-out ${fit.valAccuracy.toFixed(4)} ` +
            `(${((performance.now() - start) / 1000).toFixed(1)}s)`,
        );
      }
    }
    const best = grid.reduce((a, b) => (b.fit.valAccuracy > a.fit.valAccuracy ? b : a));
    const transformed = applyGlocal(best.fit.transform, {
      data: iv.data,
      rows: iv.rows,
      cols: iv.dim,
    });
    const meta = {
      task: "align:glocal",
      version: ctx.version,
      seed: ctx.seed,
      profile: ctx.profile.name,
      inputs: await ctx.hasher.hashAll(await this.inputs(ctx, options)),
      options: { ...options },
      notes: { source: options.source, lambda: best.lambda, alpha: best.alpha },
    };
    await writeEmbeddingTables(
      {
        embeddings: embeddingPath(ctx, "glocal", ctx.seed),
        prototypes: prototypePath(ctx, "glocal", ctx.seed),
      },
      {
        imageIds: img.getChild("image_id")!.toArray().map(String) as string[],
        concept: Int32Array.from(
          img.getChild("uniqueID")!.toArray() as string[],
          (id) => index.get(id)!,
        ),
        conceptIds,
        split: splits,
        features: Float32Array.from(transformed.data),
        dim: iv.dim,
      },
      meta,
    );
    await writeTable(
      alignedPath(ctx),
      makeTable({
        model: stringColumn(["glocal"]),
        seed: int32Column([ctx.seed]),
        source: stringColumn([options.source]),
        method: stringColumn(["gLocal"]),
        lambda: float64Column([best.lambda]),
        alpha: float64Column([best.alpha]),
        val_accuracy: float64Column([best.fit.valAccuracy]),
        grid: stringColumn([
          JSON.stringify(
            grid.map((g) => ({ lambda: g.lambda, alpha: g.alpha, val: g.fit.valAccuracy })),
          ),
        ]),
      }),
      meta,
    );
    return `glocal from ${options.source}: λ ${best.lambda}, α ${best.alpha}, val odd-one-out ` +
      `${best.fit.valAccuracy.toFixed(4)} (${train.n} train, ${val.n} val triplets)`;
  },
};
