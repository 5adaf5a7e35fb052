/**
 * A model's embedding tables (written by `embed` and by the alignment stages):
 * `embeddings/<model>[.seed<k>].arrow`, every image's vector and its L2-normalised copy, and
 * `embeddings/<model>[.seed<k>].prototypes.arrow`, the concept prototypes. Columns as
 * `docs/tables.md` documents them.
 *
 * @module
 */
import {
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  vectorColumn,
  writeTable,
} from "../io/arrow.ts";
import { openTable } from "./reader.ts";

/** The image rows of an embedding table. */
export interface ImageEmbeddingColumns {
  /** Image ids. */
  imageIds: readonly string[];
  /** Concept of every image. */
  uniqueIDs: readonly string[];
  /** Split of every image. */
  split: readonly string[];
  /** Vectors, images × dim. */
  vectors: Float32Array;
  /** Their L2-normalised copy. */
  vectorsL2: Float32Array;
  /** Vector length. */
  dim: number;
}

/** The rows of a prototype table. */
export interface PrototypeColumns {
  /** Concept ids. */
  uniqueIDs: readonly string[];
  /** Canonical concept index. */
  index: readonly number[];
  /** Train images behind each prototype. */
  nImages: readonly number[];
  /** Prototypes, concepts × dim. */
  vectors: Float32Array;
  /** Their L2-normalised copy. */
  vectorsL2: Float32Array;
  /** Vector length. */
  dim: number;
}

/** Write an embedding table (`path`: {@link embeddingPath}). */
export async function writeImageEmbeddings(
  path: string,
  c: ImageEmbeddingColumns,
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    image_id: stringColumn(c.imageIds),
    uniqueID: stringColumn(c.uniqueIDs),
    split: stringColumn(c.split),
    vector: vectorColumn(c.vectors, c.dim),
    vector_l2: vectorColumn(c.vectorsL2, c.dim),
  });
  await writeTable(path, table, meta);
}

/** Write a prototype table (`path`: {@link prototypePath}). */
export async function writePrototypes(
  path: string,
  c: PrototypeColumns,
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    uniqueID: stringColumn(c.uniqueIDs),
    index: int32Column(c.index),
    n_images: int32Column(c.nImages),
    vector: vectorColumn(c.vectors, c.dim),
    vector_l2: vectorColumn(c.vectorsL2, c.dim),
  });
  await writeTable(path, table, meta);
}

/** What the benchmark and the alignment stages read of an embedding table. */
export interface ImageEmbeddings {
  /** Image ids. */
  imageIds: string[];
  /** Concept of every image. */
  uniqueIDs: string[];
  /** Split of every image. */
  split: string[];
  /** The `column` vectors, images × dim, float64. */
  vectors: Float64Array;
  /** Vector length. */
  dim: number;
}

/** Read an embedding table's rows and one vector column (`vector` or `vector_l2`). */
export async function readImageEmbeddings(
  path: string,
  column: "vector" | "vector_l2",
): Promise<ImageEmbeddings> {
  const t = await openTable(path, ["image_id", "uniqueID", "split", column]);
  const { data, dim } = t.vectors(column);
  return {
    imageIds: t.strings("image_id"),
    uniqueIDs: t.strings("uniqueID"),
    split: t.strings("split"),
    vectors: data,
    dim,
  };
}

/** The concepts of a prototype table (its `uniqueID` column). */
export async function readPrototypeConcepts(path: string): Promise<string[]> {
  return (await openTable(path, ["uniqueID"])).strings("uniqueID");
}

/** A prototype table's concepts and one vector column. */
export async function readPrototypes(
  path: string,
  column: "vector" | "vector_l2",
): Promise<{ uniqueIDs: string[]; index: Int32Array; vectors: Float64Array; dim: number }> {
  const t = await openTable(path, ["uniqueID", "index", column]);
  const { data, dim } = t.vectors(column);
  return { uniqueIDs: t.strings("uniqueID"), index: t.int32("index"), vectors: data, dim };
}
