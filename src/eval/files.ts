/**
 * File-level evaluations behind `deno task eval`: odd-one-out accuracy of an embedding on a
 * triplet file, the noise ceiling of repeated triplets, and RSA between two files (GWOT between
 * two files is `gwot.ts`).
 *
 * @module
 */
import { type ConceptMatrix, readConceptMatrix } from "../data/embedding_file.ts";
import { type ConceptIndex, readTriplets, type TripletFormat } from "../data/readers/mod.ts";
import {
  type CompareKind,
  compareSimilarityMatrices,
  type Matrix,
  noiseCeiling,
  oddOneOutAccuracy,
  type SimilarityKind,
  similarityMatrix,
} from "../metrics/mod.ts";
import { type MatchMode, positionNote, readMatrixPair } from "./pair.ts";

/** Odd-one-out result as printed by `deno task eval oddoneout`. */
export interface OddOneOutReport {
  accuracy: number;
  n: number;
  correct: number;
  /** Triplets left out because a concept has no vector in the embedding file. */
  n_excluded: number;
  chance: number;
  format: TripletFormat;
  dims: number;
  embedding: string;
  triplets: string;
  note?: string;
}

/**
 * Odd-one-out accuracy of an embedding file on a triplet file: the pair with the largest dot
 * product is predicted to be kept together; ties count as wrong. Triplets touching concepts the
 * embedding lacks are excluded and counted in `n_excluded`.
 */
export async function evaluateOddOneOut(
  files: { embedding: string; triplets: string },
  options: { concepts: ConceptIndex; format?: "auto" | TripletFormat },
): Promise<OddOneOutReport> {
  const emb = await readConceptMatrix(files.embedding, options.concepts);
  if (emb.kind !== "embedding") {
    throw new Error(`${files.embedding}: odd-one-out needs an embedding, not a similarity matrix`);
  }
  const all = await readTriplets(files.triplets, {
    nConcepts: options.concepts.size,
    format: options.format ?? "auto",
  });
  const keep: number[] = [];
  for (let t = 0; t < all.n; t++) {
    if (emb.present[all.a[t]] && emb.present[all.b[t]] && emb.present[all.odd[t]]) keep.push(t);
  }
  const triplets = keep.length === all.n ? all : {
    a: Int32Array.from(keep, (t) => all.a[t]),
    b: Int32Array.from(keep, (t) => all.b[t]),
    odd: Int32Array.from(keep, (t) => all.odd[t]),
    n: keep.length,
  };
  const result = oddOneOutAccuracy(emb.matrix, triplets);
  return {
    accuracy: result.accuracy,
    n: result.n,
    correct: result.correct,
    n_excluded: all.n - keep.length,
    chance: 1 / 3,
    format: all.format,
    dims: emb.matrix.cols,
    embedding: files.embedding,
    triplets: files.triplets,
    ...(emb.note ? { note: emb.note } : {}),
  };
}

/** Noise ceiling of a file of repeated triplets (grouped as sets). */
export async function evaluateCeiling(
  path: string,
  options: { concepts: ConceptIndex; format?: "auto" | TripletFormat },
): Promise<
  { noise_ceiling: number; n_triplets: number; n_responses: number; format: TripletFormat }
> {
  const triplets = await readTriplets(path, {
    nConcepts: options.concepts.size,
    format: options.format ?? "auto",
  });
  const result = noiseCeiling(triplets);
  return {
    noise_ceiling: result.noiseCeiling,
    n_triplets: result.nTriplets,
    n_responses: result.nResponses,
    format: triplets.format,
  };
}

/** RSA options. */
export interface RsaFileOptions {
  /** Concept list indexing the files (needed for Arrow files; optional for plain matrices). */
  concepts?: ConceptIndex;
  /**
   * `concept`: plain files must have one row per concept (an explicit `--concepts`); `auto`
   * (default): two plain files of any equal row count are matched by position.
   */
  match?: MatchMode;
  similarity?: SimilarityKind;
  compare?: CompareKind;
}

/** RSA result as printed by `deno task eval rsa`. */
export interface RsaReport {
  rho: number;
  n_pairs: number;
  /** Rows compared (concepts both files have, or items matched by position). */
  n_items: number;
  /** Concepts both files have (when rows are concepts). */
  n_concepts?: number;
  /** `concept`: rows are the concepts of the list; `position`: items matched by file order. */
  matched_by: "concept" | "position";
  similarity: string;
  compare: string;
  note?: string;
}

/**
 * RSA between two files over the rows both have (see {@link readMatrixPair}: the concepts both
 * files have, or, without a concept list, the items of two equally long plain matrices matched by
 * position): each embedding becomes a similarity matrix (`dot`, `cosine` or `correlation`;
 * similarity-matrix files are used as they are), and the upper triangles are correlated
 * (Spearman with average ranks, or Pearson).
 */
export async function evaluateRsa(
  files: { a: string; b: string },
  options: RsaFileOptions,
): Promise<RsaReport> {
  const { a, b, rows, matchedBy } = await readMatrixPair(files, options);
  const similarity = options.similarity ?? "cosine";
  const compare = options.compare ?? "spearman";
  const result = compareSimilarityMatrices(
    toSimilarity(a, rows, similarity),
    toSimilarity(b, rows, similarity),
    { compare },
  );
  return {
    rho: result.rho,
    n_pairs: result.nPairs,
    n_items: rows.length,
    ...(matchedBy === "concept" ? { n_concepts: rows.length } : {}),
    matched_by: matchedBy,
    similarity,
    compare,
    ...(matchedBy === "position" ? { note: positionNote(rows.length) } : {}),
  };
}

function toSimilarity(m: ConceptMatrix, rows: number[], kind: SimilarityKind): Matrix {
  const { data, cols } = m.matrix;
  if (m.kind === "similarity") {
    const k = rows.length;
    const out = new Float64Array(k * k);
    rows.forEach((r, x) => rows.forEach((c, y) => (out[x * k + y] = data[r * cols + c])));
    return { data: out, rows: k, cols: k };
  }
  const sub = new Float64Array(rows.length * cols);
  rows.forEach((r, x) => sub.set(data.subarray(r * cols, (r + 1) * cols), x * cols));
  return similarityMatrix({ data: sub, rows: rows.length, cols }, { kind });
}
