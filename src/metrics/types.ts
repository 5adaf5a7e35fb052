/**
 * Shared data types of the metrics: dense row-major matrices (embeddings, similarity matrices)
 * and triplets as a struct of arrays.
 */

/** A dense row-major matrix, e.g. an embedding (rows = concepts) or a similarity matrix. */
export interface Matrix {
  /** `rows * cols` values, row-major: entry (i, j) is `data[i * cols + j]`. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/**
 * Odd-one-out triplets as a struct of arrays, 0-based concept indices: `(a[t], b[t])` is the
 * pair the participant kept together and `odd[t]` the odd one out.
 */
export interface Triplets {
  /** First concept of the kept pair. */
  a: Int32Array;
  /** Second concept of the kept pair. */
  b: Int32Array;
  /** The odd one out. */
  odd: Int32Array;
  /** Number of triplets (the arrays may be longer; only the first `n` entries count). */
  n: number;
  /** Optional participant id of each response. */
  subject?: Int32Array;
}

/** Throw a RangeError unless `m.data` holds exactly `rows * cols` values. */
export function assertMatrix(m: Matrix, name = "matrix"): void {
  if (
    !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0 ||
    m.data.length !== m.rows * m.cols
  ) {
    throw new RangeError(
      `${name}: expected ${m.rows}×${m.cols} = ${m.rows * m.cols} values, got ${m.data.length}`,
    );
  }
}

/**
 * Throw a RangeError unless every index of the first `t.n` triplets lies in `[0, rows)` and the
 * three concepts of each triplet are distinct.
 */
export function assertTriplets(t: Triplets, rows: number): void {
  const name = "triplets";
  if (!Number.isInteger(t.n) || t.n < 0 || t.a.length < t.n || t.b.length < t.n) {
    throw new RangeError(`${name}: n = ${t.n} but the arrays are shorter`);
  }
  if (t.odd.length < t.n) throw new RangeError(`${name}: n = ${t.n} but the arrays are shorter`);
  const { a, b, odd } = t;
  for (let q = 0; q < t.n; q++) {
    const i = a[q], j = b[q], k = odd[q];
    if (!(i >= 0 && i < rows && j >= 0 && j < rows && k >= 0 && k < rows)) {
      throw new RangeError(
        `${name}: triplet ${q} = (${i}, ${j}, ${k}) has an index outside [0, ${rows})`,
      );
    }
    if (i === j || i === k || j === k) {
      throw new RangeError(`${name}: triplet ${q} = (${i}, ${j}, ${k}) repeats a concept`);
    }
  }
}

/** Transpose of a row-major `rows × cols` array (the result is `cols × rows`). */
export function transpose(m: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j];
  return out;
}

/** The given rows of a matrix, copied in that order into a new matrix. */
export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) {
    out.set(m.data.subarray(rows[i] * m.cols, (rows[i] + 1) * m.cols), i * m.cols);
  }
  return { data: out, rows: rows.length, cols: m.cols };
}
