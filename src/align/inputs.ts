/**
 * Inputs shared by the alignment stages (gLocal, AligNet): a model's image embeddings and concept
 * prototypes, and the human triplets over the prototype rows — training triplets from
 * `triplets.arrow` (derived from the train pairs only) and validation triplets derived the same
 * way from the validation pairs, so no test pair informs a fitted transform or its
 * hyperparameters.
 *
 * @module
 */
import { join } from "node:path";
import { deriveTrainingTriplets } from "../human/triplets.ts";
import { readTable, vectorColumnToFlat } from "../io/arrow.ts";
import type { Matrix, Triplets } from "../metrics/types.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { embeddingPath, prototypePath } from "../tables/paths.ts";

/** A model's image embeddings and concept prototypes. */
export interface ModelEmbeddings {
  /** Concept ids in canonical order (concepts.arrow). */
  conceptIds: string[];
  /** Image ids, one per image row. */
  imageIds: string[];
  /** Canonical concept index of every image row. */
  imageConcept: Int32Array;
  /** Split of every image row (`train`, `val`, `test`, `stress`). */
  split: string[];
  /** Image embeddings (rows = images). */
  images: Matrix;
  /** Concept prototypes (rows = concepts with training images). */
  prototypes: Matrix;
  /** Prototype row of every canonical concept index (−1 when it has none). */
  prototypeRow: Int32Array;
}

/** Human triplets over prototype rows. */
export interface HumanTriplets {
  /** Training triplets (a, b kept together), from `triplets.arrow`. */
  train: Triplets;
  /** Validation triplets, derived from the validation pairs. */
  val: Triplets;
}

/** A model's embeddings and the human triplets over its prototype rows. */
export type AlignInputs = ModelEmbeddings & HumanTriplets;

/** Triplets over prototype rows from (anchor, positive, negative) columns; others dropped. */
export function triplesOnRows(
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

/** The files {@link loadAlignInputs} reads for a source model. */
export function alignInputFiles(ctx: StageContext, source: string): string[] {
  return [
    join(ctx.tables, "triplets.arrow"),
    join(ctx.tables, "human_pairs.arrow"),
    join(ctx.tables, "concepts.arrow"),
    embeddingPath(ctx, source, ctx.seed),
    prototypePath(ctx, source, ctx.seed),
  ];
}

/** Read a model's image embeddings and prototypes from the embed stage's tables. */
export async function readModelEmbeddings(
  ctx: StageContext,
  source: string,
): Promise<ModelEmbeddings> {
  const concepts = await readTable(join(ctx.tables, "concepts.arrow"), { require: ["uniqueID"] });
  const conceptIds = concepts.getChild("uniqueID")!.toArray().map(String) as string[];
  const index = new Map(conceptIds.map((id, i) => [id, i]));
  const imagesFile = embeddingPath(ctx, source, ctx.seed);
  const img = await readTable(imagesFile, {
    require: ["image_id", "uniqueID", "split", "vector"],
  });
  const proto = await readTable(prototypePath(ctx, source, ctx.seed), {
    require: ["index", "vector"],
  });
  const iv = vectorColumnToFlat(img, "vector"), pv = vectorColumnToFlat(proto, "vector");
  const prototypeRow = new Int32Array(conceptIds.length).fill(-1);
  (proto.getChild("index")!.toArray() as Int32Array).forEach((c, r) => (prototypeRow[c] = r));
  const imageConcept = Int32Array.from(img.getChild("uniqueID")!.toArray() as string[], (id, r) => {
    const c = index.get(id);
    if (c === undefined) {
      throw new Error(`${imagesFile}: row ${r}: concept "${id}" is not in concepts.arrow`);
    }
    return c;
  });
  return {
    conceptIds,
    imageIds: img.getChild("image_id")!.toArray().map(String) as string[],
    imageConcept,
    split: img.getChild("split")!.toArray().map(String) as string[],
    images: { data: iv.data, rows: iv.rows, cols: iv.dim },
    prototypes: { data: pv.data, rows: pv.rows, cols: pv.dim },
    prototypeRow,
  };
}

/**
 * The human training triplets (`triplets.arrow`) and validation triplets (derived from the
 * validation pairs) over prototype rows; triplets with a concept that has no prototype are left
 * out.
 */
export async function readHumanTriplets(
  ctx: StageContext,
  prototypeRow: Int32Array,
): Promise<HumanTriplets> {
  const tt = await readTable(join(ctx.tables, "triplets.arrow"), {
    require: ["anchor", "positive", "negative"],
  });
  const col = (name: string) => Int32Array.from(tt.getChild(name)!.toArray() as Int32Array);
  const train = triplesOnRows(
    { anchor: col("anchor"), positive: col("positive"), negative: col("negative") },
    prototypeRow,
  );
  const pt = await readTable(join(ctx.tables, "human_pairs.arrow"), {
    require: ["a", "b", "similarity", "split"],
  });
  const valTriplets = deriveTrainingTriplets({
    a: Int32Array.from(pt.getChild("a")!.toArray() as Int32Array),
    b: Int32Array.from(pt.getChild("b")!.toArray() as Int32Array),
    similarity: Float64Array.from(pt.getChild("similarity")!.toArray() as Float64Array),
    split: (pt.getChild("split")!.toArray() as string[]).map((s) => s === "val" ? "train" : "x"),
  }, { seed: ctx.seed });
  return { train, val: triplesOnRows(valTriplets, prototypeRow) };
}

/** Read a model's embeddings and the human train/validation triplets (see the module doc). */
export async function loadAlignInputs(ctx: StageContext, source: string): Promise<AlignInputs> {
  const embeddings = await readModelEmbeddings(ctx, source);
  return { ...embeddings, ...await readHumanTriplets(ctx, embeddings.prototypeRow) };
}

export { selectRows } from "../metrics/types.ts";
