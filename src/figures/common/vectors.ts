/**
 * Concept and image vectors for figures that compute neighbours or RDMs themselves: rows of an
 * embedding table (`vector_l2`, fixed-size float lists) gathered into one row-major matrix,
 * cosine similarities, and a deterministic top-k (ties broken by row order, like the benchmark).
 * Browser-safe.
 *
 * @module
 */
import { gramIntoSimd } from "../../metrics/product_simd.ts";
import type { Row } from "../spec.ts";
import { str } from "../data.ts";
import { memo } from "./memo.ts";

/** Unit vectors of a set of items (concepts or images) in one row-major matrix. */
export interface VectorSet {
  /** Item ids (uniqueID for prototypes, image_id for images), in matrix row order. */
  ids: string[];
  /** Source table rows, in matrix row order. */
  rows: Row[];
  /** id → matrix row. */
  index: Map<string, number>;
  /** Vector length. */
  dim: number;
  /** Row-major `ids.length × dim` unit vectors. */
  data: Float32Array;
}

/** Options of {@link vectorSet}. */
export interface VectorSetOptions {
  /** Column holding the item id (default `uniqueID`). */
  id?: string;
  /** Vector column (default `vector_l2`; vectors are re-normalised to unit length). */
  column?: string;
  /** Keep only rows for which this returns true. */
  filter?: (row: Row) => boolean;
}

/** Numbers of a vector cell (typed array or plain array); empty for null. */
export function cellVector(value: unknown): ArrayLike<number> {
  if (value === null || value === undefined) return [];
  if (ArrayBuffer.isView(value)) return value as unknown as ArrayLike<number>;
  if (Array.isArray(value)) return value as number[];
  const withArray = value as { toArray?: () => ArrayLike<number> };
  if (typeof withArray.toArray === "function") return withArray.toArray();
  throw new TypeError(`expected a vector cell, found ${typeof value}`);
}

/**
 * Gathers the vectors of `rows` (e.g. `embeddings/baseline.prototypes`) into a {@link VectorSet}.
 * Rows without a vector, with a different length than the first, or with a repeated id are left
 * out; zero vectors stay zero. Without a `filter`, the set is built once per row array.
 */
export function vectorSet(rows: Row[], options: VectorSetOptions = {}): VectorSet {
  if (options.filter) return buildVectorSet(rows, options);
  return memo(
    rows,
    `vectorSet:${options.id ?? "uniqueID"}:${options.column ?? "vector_l2"}`,
    () => buildVectorSet(rows, options),
  );
}

function buildVectorSet(rows: Row[], options: VectorSetOptions): VectorSet {
  const idColumn = options.id ?? "uniqueID";
  const column = options.column ?? "vector_l2";
  const kept: Row[] = [];
  const ids: string[] = [];
  const index = new Map<string, number>();
  let dim = -1;
  for (const row of rows) {
    if (options.filter && !options.filter(row)) continue;
    const v = cellVector(row[column]);
    if (v.length === 0) continue;
    if (dim < 0) dim = v.length;
    const id = str(row[idColumn]);
    if (v.length !== dim || index.has(id)) continue;
    index.set(id, ids.length);
    ids.push(id);
    kept.push(row);
  }
  dim = Math.max(dim, 0);
  const data = new Float32Array(ids.length * dim);
  kept.forEach((row, r) => {
    const v = cellVector(row[column]);
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += v[k] * v[k];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < dim; k++) data[r * dim + k] = v[k] * scale;
  });
  return { ids, rows: kept, index, dim, data };
}

/**
 * Cosine similarities of item `row` of `query` to every item of `options.target` (default: the
 * same set; same dimension). With `options.include`, only those items are computed and the others
 * are NaN (which {@link topK} skips), for callers that rank a few candidates.
 */
export function similaritiesTo(
  query: VectorSet,
  row: number,
  options: { target?: VectorSet; include?: (index: number) => boolean } = {},
): Float64Array {
  const target = options.target ?? query;
  if (query.dim !== target.dim) {
    throw new RangeError(`vector sets differ in dimension (${query.dim} vs ${target.dim})`);
  }
  const { dim } = target;
  const out = new Float64Array(target.ids.length);
  const q = query.data.subarray(row * dim, (row + 1) * dim);
  const include = options.include;
  for (let j = 0; j < out.length; j++) {
    if (include && !include(j)) {
      out[j] = NaN;
      continue;
    }
    const base = j * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) s += q[k] * target.data[base + k];
    out[j] = s;
  }
  return out;
}

/**
 * The `k` items with the largest scores, best first; ties keep the lower index first (the
 * benchmark's order). `include` restricts the candidates (e.g. not the query itself).
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  options: { include?: (index: number) => boolean } = {},
): number[] {
  if (k <= 0) return [];
  if (k <= BOUNDED_TOP_K) return boundedTopK(scores, k, options.include);
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (Number.isFinite(scores[i]) && (!options.include || options.include(i))) {
      candidates.push(i);
    }
  }
  candidates.sort((a, b) => scores[b] - scores[a] || a - b);
  return candidates.slice(0, k);
}

/** Up to this `k`, {@link topK} keeps the best `k` in order in one pass instead of sorting. */
export const BOUNDED_TOP_K = 32;

/** {@link topK} for a small `k`: one pass keeping the best `k` in order, O(n·k). */
function boundedTopK(
  scores: ArrayLike<number>,
  k: number,
  include?: (index: number) => boolean,
): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s) || (include && !include(i))) continue;
    // a later index never beats an equal score, so only a strictly larger one enters a full list
    if (best.length === k && !(s > scores[best[k - 1]])) continue;
    let p = best.length === k ? k - 1 : best.length;
    while (p > 0 && scores[best[p - 1]] < s) {
      best[p] = best[p - 1];
      p--;
    }
    best[p] = i;
  }
  return best;
}

/**
 * Cosine similarity matrix (`ids.length²`, row-major) of the items `ids` of `set`, in that order:
 * the Gram matrix of the gathered unit vectors (`gramInto` of src/metrics, register-blocked, each
 * entry summed in index order). Ids missing from the set give NaN rows and columns.
 */
export function similarityMatrix(set: VectorSet, ids: readonly string[]): Float32Array {
  const n = ids.length, { dim } = set;
  const present = ids.map((id, i) => [i, set.index.get(id) ?? -1]).filter(([, r]) => r >= 0);
  const m = present.length;
  // gather the wanted vectors contiguously (float32 → float64 is exact)
  const x = new Float64Array(m * dim);
  present.forEach(([, r], i) => x.set(set.data.subarray(r * dim, (r + 1) * dim), i * dim));
  const gram = new Float64Array(m * m);
  if (m > 0) gramIntoSimd(x, gram, { n: m, d: dim });
  const out = new Float32Array(n * n).fill(NaN);
  for (let p = 0; p < m; p++) {
    const i = present[p][0];
    for (let q = 0; q < m; q++) out[i * n + present[q][0]] = gram[p * m + q];
  }
  return out;
}
