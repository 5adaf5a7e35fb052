/**
 * Writing a model's embedding tables: every image's vector with an L2-normalised copy
 * (`embeddings/<model>.arrow`) and the concept prototypes, the means of the train-split image
 * vectors (`<model>.prototypes.arrow`). Used by `embed` and by the alignment stages that
 * register transformed models.
 *
 * @module
 */
import type { TableMetadata } from "../io/arrow.ts";
import { writeImageEmbeddings, writePrototypes } from "../tables/embeddings.ts";

/** Rows scaled to unit length (all-zero rows stay zero). */
export function l2Rows(rows: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length / dim; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += rows[i * dim + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = rows[i * dim + d] * inv;
  }
  return out;
}

/** Image rows of one model, with what the tables record about each image. */
export interface EmbeddingRows {
  imageIds: string[];
  /** Canonical concept index of every image. */
  concept: Int32Array;
  /** uniqueID of every canonical concept index. */
  conceptIds: string[];
  split: string[];
  /** Vectors, images × dim. */
  features: Float32Array;
  dim: number;
}

/** Prototypes: mean train-split vector of every concept with training images (ascending index). */
export function conceptPrototypes(rows: EmbeddingRows) {
  const { features, dim } = rows;
  const n = rows.conceptIds.length;
  const sums = new Float64Array(n * dim);
  const counts = new Int32Array(n);
  rows.split.forEach((s, r) => {
    if (s !== "train") return;
    const c = rows.concept[r];
    counts[c]++;
    for (let d = 0; d < dim; d++) sums[c * dim + d] += features[r * dim + d];
  });
  const concepts = [...counts.keys()].filter((c) => counts[c] > 0);
  const vec = new Float32Array(concepts.length * dim);
  concepts.forEach((c, k) => {
    for (let d = 0; d < dim; d++) vec[k * dim + d] = sums[c * dim + d] / counts[c];
  });
  return { concepts, counts: concepts.map((c) => counts[c]), vec };
}

/** Write the embedding and prototype tables of one model (atomically, with `meta`). */
export async function writeEmbeddingTables(
  paths: { embeddings: string; prototypes: string },
  rows: EmbeddingRows,
  meta: TableMetadata,
): Promise<void> {
  const { features, dim } = rows;
  await writeImageEmbeddings(paths.embeddings, {
    imageIds: rows.imageIds,
    uniqueIDs: Array.from(rows.concept, (c) => rows.conceptIds[c]),
    split: rows.split,
    vectors: features,
    vectorsL2: l2Rows(features, dim),
    dim,
  }, meta);
  const p = conceptPrototypes(rows);
  await writePrototypes(
    paths.prototypes,
    {
      uniqueIDs: p.concepts.map((c) => rows.conceptIds[c]),
      index: p.concepts,
      nImages: p.counts,
      vectors: p.vec,
      vectorsL2: l2Rows(p.vec, dim),
      dim,
    },
    {
      ...meta,
      notes: {
        ...meta.notes,
        prototypes: "mean of the train-split image embeddings of each concept",
      },
    },
  );
}
