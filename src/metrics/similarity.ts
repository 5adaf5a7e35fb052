/**
 * Similarity matrices between the rows of an embedding (dot product, cosine, Pearson
 * correlation) and the upper triangle of a square matrix in numpy's `np.triu_indices(n, 1)`
 * order.
 */
import { assertMatrix, type Matrix } from "./types.ts";

/** Which similarity between rows. */
export type SimilarityKind = "dot" | "cosine" | "correlation";

/** Options of {@link similarityMatrix}. */
export interface SimilarityOptions {
  /** Similarity between rows (default "dot"). */
  kind?: SimilarityKind;
}

/**
 * Gram matrix X·Xᵀ of the rows of `x` (row-major n×d) into `out` (n×n, symmetric, computed for
 * i ≤ j and mirrored); returns the smallest and largest entry.
 */
export function gramInto(
  x: Float64Array,
  out: Float64Array,
  options: { n: number; d: number },
): { min: number; max: number } {
  const { n, d } = options;
  let max = -Infinity, min = Infinity;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i; j < n; j++) {
      const oj = j * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
      for (; k + 3 < d; k += 4) {
        s0 += x[oi + k] * x[oj + k];
        s1 += x[oi + k + 1] * x[oj + k + 1];
        s2 += x[oi + k + 2] * x[oj + k + 2];
        s3 += x[oi + k + 3] * x[oj + k + 3];
      }
      for (; k < d; k++) s0 += x[oi + k] * x[oj + k];
      const s = (s0 + s1) + (s2 + s3);
      out[i * n + j] = s;
      out[j * n + i] = s;
      if (s > max) max = s;
      if (s < min) min = s;
    }
  }
  return { min, max };
}

function gram(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  gramInto(x, out, { n, d });
  return out;
}

/** Copy of `x` with every row scaled to unit length; all-zero rows stay zero. */
function normalizeRows(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let ss = 0;
    for (let k = 0; k < d; k++) ss += x[o + k] * x[o + k];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < d; k++) out[o + k] = x[o + k] * inv;
  }
  return out;
}

/** Copy of `x` with the mean of every row subtracted. */
function centerRows(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += x[o + k];
    const m = s / d;
    for (let k = 0; k < d; k++) out[o + k] = x[o + k] - m;
  }
  return out;
}

/** Dot-product similarity S = X·Xᵀ between the rows of `embedding` (n×n, symmetric). */
export function dotSimilarity(embedding: Matrix): Matrix {
  assertMatrix(embedding, "dotSimilarity");
  const { rows: n, cols: d } = embedding;
  return { data: gram(embedding.data, n, d), rows: n, cols: n };
}

/**
 * Cosine similarity between the rows of `embedding` (n×n). Rows of length zero are left at
 * zero, so they have similarity 0 with everything, themselves included (as
 * `sklearn.metrics.pairwise.cosine_similarity`).
 */
export function cosineSimilarity(embedding: Matrix): Matrix {
  assertMatrix(embedding, "cosineSimilarity");
  const { rows: n, cols: d } = embedding;
  return { data: gram(normalizeRows(embedding.data, n, d), n, d), rows: n, cols: n };
}

/**
 * Pearson correlation between the rows of `embedding` (n×n, like `np.corrcoef(X)`): cosine
 * similarity of the row-centred rows. Constant rows get similarity 0 with everything (where
 * numpy gives NaN).
 */
export function correlationSimilarity(embedding: Matrix): Matrix {
  assertMatrix(embedding, "correlationSimilarity");
  const { rows: n, cols: d } = embedding;
  const z = normalizeRows(centerRows(embedding.data, n, d), n, d);
  return { data: gram(z, n, d), rows: n, cols: n };
}

/** Similarity matrix of the given kind between the rows of `embedding` (default "dot"). */
export function similarityMatrix(embedding: Matrix, options: SimilarityOptions = {}): Matrix {
  const kind = options.kind ?? "dot";
  switch (kind) {
    case "dot":
      return dotSimilarity(embedding);
    case "cosine":
      return cosineSimilarity(embedding);
    case "correlation":
      return correlationSimilarity(embedding);
    default:
      throw new RangeError(`similarityMatrix: unknown kind ${JSON.stringify(kind)}`);
  }
}

/** Options of {@link upperTriangle}. */
export interface UpperTriangleOptions {
  /** Diagonal offset as in `np.triu_indices(n, k)`: 1 (default) excludes the diagonal. */
  k?: number;
}

/**
 * Entries (i, j) with j ≥ i + k of a square matrix, row by row: the same order as
 * `m[np.triu_indices(n, k)]` in numpy. With the default k = 1 that is n(n−1)/2 values.
 */
export function upperTriangle(matrix: Matrix, options: UpperTriangleOptions = {}): Float64Array {
  assertMatrix(matrix, "upperTriangle");
  const n = matrix.rows;
  if (matrix.cols !== n) {
    throw new RangeError(`upperTriangle: matrix must be square, got ${n}×${matrix.cols}`);
  }
  const k = options.k ?? 1;
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`upperTriangle: k must be a non-negative integer, got ${k}`);
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += Math.max(0, n - i - k);
  const out = new Float64Array(count);
  const m = matrix.data;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const j0 = i + k;
    if (j0 >= n) break;
    out.set(m.subarray(i * n + j0, i * n + n), o);
    o += n - j0;
  }
  return out;
}
