/**
 * Representational similarity analysis: correlate the upper triangles (i < j) of two
 * similarity matrices, either given directly or computed from two embeddings of the same
 * concepts.
 */
import { kendallTauB, pearson, spearman } from "./correlation.ts";
import { type SimilarityKind, similarityMatrix, upperTriangle } from "./similarity.ts";
import { assertMatrix, type Matrix } from "./types.ts";

/** How two upper triangles are compared. */
export type CompareKind = "spearman" | "pearson" | "kendall";

/** Options of {@link compareSimilarityMatrices}. */
export interface CompareOptions {
  /** Correlation between the upper triangles (default "spearman"; "kendall" is tau-b). */
  compare?: CompareKind;
}

/** Options of {@link rsa}. */
export interface RsaOptions extends CompareOptions {
  /** Similarity between the rows of each embedding (default "cosine"). */
  similarity?: SimilarityKind;
}

/** Result of an RSA comparison. */
export interface RsaResult {
  /** The correlation between the two upper triangles (NaN if one of them is constant). */
  rho: number;
  /** Number of concept pairs compared, n(n−1)/2. */
  nPairs: number;
}

function correlate(x: Float64Array, y: Float64Array, compare: CompareKind): number {
  switch (compare) {
    case "spearman":
      return spearman(x, y);
    case "pearson":
      return pearson(x, y);
    case "kendall":
      return kendallTauB(x, y);
    default:
      throw new RangeError(`rsa: unknown compare ${JSON.stringify(compare)}`);
  }
}

/**
 * Correlate the upper triangles (k = 1, i < j) of two square similarity matrices over the
 * same concepts in the same order (default: Spearman).
 */
export function compareSimilarityMatrices(
  a: Matrix,
  b: Matrix,
  options: CompareOptions = {},
): RsaResult {
  assertMatrix(a, "compareSimilarityMatrices: a");
  assertMatrix(b, "compareSimilarityMatrices: b");
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(
      `compareSimilarityMatrices: shapes differ (${a.rows}×${a.cols} vs ${b.rows}×${b.cols})`,
    );
  }
  const x = upperTriangle(a), y = upperTriangle(b);
  return { rho: correlate(x, y, options.compare ?? "spearman"), nPairs: x.length };
}

/**
 * RSA between two embeddings of the same concepts (same row order, any widths): build each
 * similarity matrix (default cosine) and correlate their upper triangles (default Spearman).
 */
export function rsa(embA: Matrix, embB: Matrix, options: RsaOptions = {}): RsaResult {
  if (embA.rows !== embB.rows) {
    throw new RangeError(`rsa: embeddings have ${embA.rows} and ${embB.rows} rows`);
  }
  const kind = options.similarity ?? "cosine";
  return compareSimilarityMatrices(
    similarityMatrix(embA, { kind }),
    similarityMatrix(embB, { kind }),
    options,
  );
}
