/**
 * Shared pieces of the training losses: input checks, index conversion, a stop-gradient, row
 * normalisation and distances, and the batch concept prototypes used by the batch-prototype
 * triplet loss and the matrix-alignment loss.
 *
 * Everything here is a pure function of tensors (no variables, no global state), so it can run
 * inside `tf.grad`, `tf.variableGrads` or `optimizer.minimize`.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Integer indices: an `int32` rank-1 tensor, or a host array. Host arrays are range-checked;
 * tensors are only checked for dtype and rank (checking their values would need a device read),
 * out-of-range values then fail inside `tf.gather` on the cpu backend.
 */
export type IndexLike = tf.Tensor1D | Int32Array | readonly number[];

/** Distance between an embedding and a prototype. */
export type DistanceKind = "cosine" | "sqeuclidean";

/** Default epsilon for row normalisation (a floor on the L2 norm) and variance floors. */
export const DEFAULT_EPSILON = 1e-8;

/** Throw a RangeError prefixed with the calling loss's name. */
export function fail(name: string, message: string): never {
  throw new RangeError(`${name}: ${message}`);
}

/** Check that `t` is a float32 tensor of the given rank; returns its shape. */
export function checkFloat(name: string, what: string, t: tf.Tensor, rank: number): number[] {
  if (!(t instanceof tf.Tensor)) fail(name, `${what} must be a tf.Tensor`);
  if (t.rank !== rank) fail(name, `${what} must have rank ${rank}, got shape [${t.shape}]`);
  if (t.dtype !== "float32") fail(name, `${what} must be float32, got ${t.dtype}`);
  return t.shape;
}

/** Check that `value` is a finite number ≥ `min` (or > `min` when `strict`). */
export function checkNumber(
  name: string,
  what: string,
  value: number,
  options: { min?: number; strict?: boolean; max?: number } = {},
): number {
  const { min = -Infinity, strict = false, max = Infinity } = options;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(name, `${what} must be a finite number, got ${value}`);
  }
  if (strict ? !(value > min) : !(value >= min)) {
    fail(name, `${what} must be ${strict ? ">" : "≥"} ${min}, got ${value}`);
  }
  if (!(value <= max)) fail(name, `${what} must be ≤ ${max}, got ${value}`);
  return value;
}

/** Check the distance kind. */
export function checkDistance(name: string, kind: DistanceKind): DistanceKind {
  if (kind !== "cosine" && kind !== "sqeuclidean") {
    fail(name, `distance must be "cosine" or "sqeuclidean", got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** Length of an index input. */
export function indexLength(name: string, what: string, idx: IndexLike): number {
  if (idx instanceof tf.Tensor) {
    if (idx.rank !== 1) fail(name, `${what} must be rank 1, got shape [${idx.shape}]`);
    if (idx.dtype !== "int32") fail(name, `${what} must be int32, got ${idx.dtype}`);
    return idx.shape[0];
  }
  if (!(idx instanceof Int32Array) && !Array.isArray(idx)) {
    fail(name, `${what} must be an int32 tf.Tensor1D, an Int32Array or a number[]`);
  }
  return idx.length;
}

/**
 * An index input as an `int32` tensor, checking host values against `[0, size)`. The returned
 * tensor is new for host arrays and the caller's tensor otherwise (call inside `tf.tidy`).
 */
export function toIndexTensor(
  name: string,
  what: string,
  idx: IndexLike,
  size: number,
): tf.Tensor1D {
  indexLength(name, what, idx);
  if (idx instanceof tf.Tensor) return idx;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      fail(name, `${what}[${i}] = ${v} is not an integer in [0, ${size})`);
    }
  }
  return tf.tensor1d(idx instanceof Int32Array ? idx : Int32Array.from(idx), "int32");
}

/**
 * Index values on the host. Host arrays are returned as they are; tensors are read with
 * `dataSync()` (a device synchronisation: pass host arrays in training loops).
 */
export function hostIndices(name: string, what: string, idx: IndexLike): ArrayLike<number> {
  indexLength(name, what, idx);
  const values: ArrayLike<number> = idx instanceof tf.Tensor ? idx.dataSync() : idx;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i]) || values[i] < 0) {
      fail(name, `${what}[${i}] = ${values[i]} is not a non-negative integer`);
    }
  }
  return values;
}

/**
 * Identity in the forward pass, zero gradient in the backward pass (TensorFlow's
 * `stop_gradient`, which TensorFlow.js lacks): `x` is treated as a constant by `tf.grad`,
 * `tf.variableGrads` and `optimizer.minimize`, even when it is a trainable variable.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => ({
    value: (input as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}

/**
 * A scalar 0 that is still connected to `x` (0 · Σx), so that `tf.grad` and
 * `optimizer.minimize` give zero gradients instead of failing with "cannot find a connection".
 * Used where a loss is defined as 0 (no triplets, fewer than 3 concepts).
 */
export function connectedZero(x: tf.Tensor): tf.Scalar {
  return tf.mul(tf.sum(x), 0) as tf.Scalar;
}

/**
 * Rows scaled to unit L2 norm: x / max(‖x‖₂, ε). Rows with norm below ε are scaled by 1/ε
 * instead of dividing by ~0 (finite values and gradients; an all-zero row stays zero).
 */
export function l2NormalizeRows(x: tf.Tensor2D, epsilon = DEFAULT_EPSILON): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true);
    return tf.mul(x, tf.rsqrt(tf.maximum(sq, epsilon * epsilon))) as tf.Tensor2D;
  });
}

/**
 * Row-wise distance between two [T, D] matrices, a [T] vector:
 * - `cosine`: 1 − ⟨a/max(‖a‖,ε), b/max(‖b‖,ε)⟩ ∈ [0, 2];
 * - `sqeuclidean`: Σ_d (a_d − b_d)², computed from the differences (never negative).
 */
export function rowDistance(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  kind: DistanceKind,
  epsilon = DEFAULT_EPSILON,
): tf.Tensor1D {
  return tf.tidy(() => {
    if (kind === "sqeuclidean") return tf.sum(tf.square(tf.sub(a, b)), 1) as tf.Tensor1D;
    const cos = tf.sum(tf.mul(l2NormalizeRows(a, epsilon), l2NormalizeRows(b, epsilon)), 1);
    return tf.sub(1, cos) as tf.Tensor1D;
  });
}

/**
 * The distinct concept ids of a batch in ascending order: the order of the rows of
 * {@link batchPrototypes} and of the human sub-matrix that {@link matrixAlignmentLoss} expects
 * (select it with {@link selectSubmatrix}). Tensors are read with `dataSync()`.
 */
export function uniqueConcepts(conceptOfRow: IndexLike): Int32Array {
  return sortedUnique(hostIndices("uniqueConcepts", "conceptOfRow", conceptOfRow));
}

function sortedUnique(values: ArrayLike<number>): Int32Array {
  return Int32Array.from(new Set(Array.from(values))).sort();
}

/** Concept prototypes of a batch, see {@link batchPrototypes}. */
export interface BatchPrototypes {
  /** [c, D] mean embedding of each concept of the batch, rows in `concepts` order. */
  prototypes: tf.Tensor2D;
  /** The c distinct concept ids, ascending. */
  concepts: Int32Array;
  /** Concept id → row of `prototypes`. */
  rowOfConcept: Map<number, number>;
}

/**
 * Mean embedding of each concept present in the batch, differentiable w.r.t. the embeddings:
 * prototypes = A · E with A[k, b] = 1/n_k if row b shows concept k (n_k rows), else 0. A is
 * built on the host (it is c × B, tiny), so `conceptOfRow` must be readable there (a tensor is
 * read with `dataSync()`). Concepts are in ascending id order.
 */
export function batchPrototypes(
  embeddings: tf.Tensor2D,
  conceptOfRow: IndexLike,
): BatchPrototypes {
  const name = "batchPrototypes";
  const [b] = checkFloat(name, "embeddings", embeddings, 2);
  const values = hostIndices(name, "conceptOfRow", conceptOfRow);
  if (values.length !== b) {
    fail(name, `conceptOfRow has ${values.length} entries for ${b} embedding rows`);
  }
  const concepts = sortedUnique(values);
  const rowOfConcept = new Map<number, number>();
  concepts.forEach((c, k) => rowOfConcept.set(c, k));
  const counts = new Float64Array(concepts.length);
  for (let i = 0; i < b; i++) counts[rowOfConcept.get(values[i])!]++;
  const averaging = new Float32Array(concepts.length * b);
  for (let i = 0; i < b; i++) {
    const k = rowOfConcept.get(values[i])!;
    averaging[k * b + i] = 1 / counts[k];
  }
  const prototypes = tf.tidy(() =>
    tf.matMul(tf.tensor2d(averaging, [concepts.length, b]), embeddings) as tf.Tensor2D
  );
  return { prototypes, concepts, rowOfConcept };
}

/**
 * The sub-matrix M[indices, indices] (e.g. the human similarity of a batch's concepts, with
 * `indices` from {@link uniqueConcepts}).
 */
export function selectSubmatrix(matrix: tf.Tensor2D, indices: IndexLike): tf.Tensor2D {
  const name = "selectSubmatrix";
  checkFloat(name, "matrix", matrix, 2);
  if (matrix.shape[0] !== matrix.shape[1]) {
    fail(name, `matrix must be square, got [${matrix.shape}]`);
  }
  return tf.tidy(() => {
    const idx = toIndexTensor(name, "indices", indices, matrix.shape[0]);
    return tf.gather(tf.gather(matrix, idx, 0), idx, 1);
  });
}
