/**
 * Inputs shared by the alignment stages (gLocal, AligNet): a model's image embeddings and concept
 * prototypes, and the human triplets over the prototype rows — training triplets from
 * `triplets.arrow` (derived from the train pairs only) and validation triplets derived the same
 * way from the validation pairs, so no test pair informs a fitted transform or its
 * hyperparameters.
 *
 * @module
 */
import { deriveTrainingTriplets } from "../human/triplets.ts";
import { conceptsPath, readConceptIds } from "../tables/concepts.ts";
import { readImageEmbeddings, readPrototypes } from "../tables/embeddings.ts";
import { humanPairsPath, readHumanPairs } from "../tables/human_pairs.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { readTripletIndices, tripletsPath } from "../tables/triplets.ts";
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
    tripletsPath(ctx.tables),
    humanPairsPath(ctx.tables),
    conceptsPath(ctx.tables),
    embeddingPath(ctx, source, ctx.seed),
    prototypePath(ctx, source, ctx.seed),
  ];
}

/** Read a model's image embeddings and prototypes from the embed stage's tables. */
export async function readModelEmbeddings(
  ctx: StageContext,
  source: string,
): Promise<ModelEmbeddings> {
  const conceptIds = await readConceptIds(ctx.tables);
  const index = new Map(conceptIds.map((id, i) => [id, i]));
  const imagesFile = embeddingPath(ctx, source, ctx.seed);
  const img = await readImageEmbeddings(imagesFile, "vector");
  const proto = await readPrototypes(prototypePath(ctx, source, ctx.seed), "vector");
  const prototypeRow = new Int32Array(conceptIds.length).fill(-1);
  proto.index.forEach((c, r) => (prototypeRow[c] = r));
  const imageConcept = Int32Array.from(img.uniqueIDs, (id, r) => {
    const c = index.get(id);
    if (c === undefined) {
      throw new Error(
        `${imagesFile}: row ${r}: concept "${id}" is not in ${tableFile(TABLE.concepts)}`,
      );
    }
    return c;
  });
  return {
    conceptIds,
    imageIds: img.imageIds,
    imageConcept,
    split: img.split,
    images: { data: img.vectors, rows: img.imageIds.length, cols: img.dim },
    prototypes: { data: proto.vectors, rows: proto.index.length, cols: proto.dim },
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
  const train = triplesOnRows(await readTripletIndices(ctx.tables), prototypeRow);
  const pairs = await readHumanPairs(ctx.tables);
  const valTriplets = deriveTrainingTriplets({
    ...pairs,
    split: pairs.split.map((s) => s === "val" ? "train" : "x"),
  }, { seed: ctx.seed });
  return { train, val: triplesOnRows(valTriplets, prototypeRow) };
}

/** Read a model's embeddings and the human train/validation triplets (see the module doc). */
export async function loadAlignInputs(ctx: StageContext, source: string): Promise<AlignInputs> {
  const embeddings = await readModelEmbeddings(ctx, source);
  return { ...embeddings, ...await readHumanTriplets(ctx, embeddings.prototypeRow) };
}

export { selectRows } from "../metrics/types.ts";
