/**
 * Ridge regression in closed form with an unpenalised intercept, the regularisation strength
 * chosen per target by exact leave-one-out error (the "efficient LOO" of scikit-learn's
 * `RidgeCV`), and K-fold cross-validated predictions with that inner selection in every fold.
 *
 * One eigendecomposition per training set serves every λ: with the centred design
 * `Xc = U S Vᵀ`, the fitted values are `ȳ + U diag(s²/(s²+λ)) Uᵀ yc`, the hat matrix diagonal is
 * `1/n + Σ_j U_ij² s_j²/(s_j²+λ)`, and the leave-one-out residual is `r_i / (1 − H_ii)`. The
 * smaller of `XcᵀXc` and `XcXcᵀ` is decomposed, so 1,280-d features of 453 concepts cost a
 * 362 × 362 problem per fold.
 *
 * @module
 */
import { symmetricEigen } from "./eigen.ts";
import { crossProductSimd, gramIntoSimd } from "./product_simd.ts";
import { assertMatrix, type Matrix, selectRows, transpose } from "./types.ts";

/** The default λ grid: 10⁻³ … 10⁵, one value per decade. */
export const DEFAULT_RIDGE_LAMBDAS: readonly number[] = Array.from(
  { length: 9 },
  (_, i) => 10 ** (i - 3),
);

/** Options of {@link ridgeLoo}. */
export interface RidgeLooOptions {
  /** Candidate regularisation strengths (default {@link DEFAULT_RIDGE_LAMBDAS}). */
  lambdas?: readonly number[];
}

/** A ridge model fitted on one training set, with λ chosen per target. */
export interface RidgeModel {
  /** Chosen λ of each target. */
  lambdas: Float64Array;
  /** Leave-one-out mean squared error of each target at its chosen λ. */
  looMse: Float64Array;
  /** Predict the targets of new rows (rows × targets). */
  predict(x: Matrix): Matrix;
}

/** Column means of a row-major matrix. */
function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j];
  }
  for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
  return mean;
}

/** `m` minus its column means. */
function centre(m: Matrix, mean: Float64Array): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = m.data[i * m.cols + j] - mean[j];
  }
  return out;
}

/**
 * Fit ridge regressions of every column of `y` on `x` (rows are samples), choosing λ per target
 * by exact leave-one-out error among `lambdas` (ties: the first). Rows of `x` and `y` must
 * match; at least 3 rows.
 */
export function ridgeLoo(x: Matrix, y: Matrix, options: RidgeLooOptions = {}): RidgeModel {
  assertMatrix(x, "ridgeLoo x");
  assertMatrix(y, "ridgeLoo y");
  if (x.rows !== y.rows) throw new RangeError(`ridgeLoo: ${x.rows} rows of x, ${y.rows} of y`);
  const n = x.rows, d = x.cols, t = y.cols;
  if (n < 3) throw new RangeError(`ridgeLoo: needs at least 3 rows, got ${n}`);
  const lambdas = options.lambdas ?? DEFAULT_RIDGE_LAMBDAS;
  const mx = columnMeans(x), my = columnMeans(y);
  const xc = centre(x, mx), yc = centre(y, my);
  const spec = centredSpectrum(xc, { n, d });
  const { proj, chosen, looMse } = looSelection(spec, yc, { n, t, lambdas });
  const weights = ridgeWeights(spec, { proj, chosen }, { n, d, t });
  return {
    lambdas: chosen,
    looMse,
    predict: ridgePredictor({ spec, weights, mx, my, xc }, { n, d, t }),
  };
}

/** Sizes of a ridge problem: rows, features, targets. */
interface RidgeDims {
  n: number;
  d: number;
  t: number;
}

/** The decomposition of the centred design `Xc = U S Vᵀ` that serves every λ. */
interface Spectrum {
  /** Whether `XcᵀXc` (d ≤ n) was decomposed, else `XcXcᵀ`. */
  primal: boolean;
  /** Left singular vectors U, n × r (column j = u_j). */
  u: Float64Array;
  /** Squared singular values. */
  s: Float64Array;
  /** Rank kept. */
  r: number;
  /** Right singular vectors V, d × r (primal only; in the dual case predictions go through Xc). */
  v?: Float64Array;
}

/** `XcᵀXc` (d × d) when `primal`, else `XcXcᵀ` (n × n). */
function centredGram(
  xc: Float64Array,
  dims: { n: number; d: number; primal: boolean },
): Float64Array {
  const { n, d, primal } = dims;
  const m = primal ? d : n;
  const gram = new Float64Array(m * m);
  if (primal) { // XcᵀXc, d × d
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let a = 0; a < d; a++) {
        const xa = xc[row + a];
        if (xa === 0) continue;
        for (let b = 0; b <= a; b++) gram[a * d + b] += xa * xc[row + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[b * d + a] = gram[a * d + b];
  } else gramIntoSimd(xc, gram, { n, d }); // XcXcᵀ, n × n
  return gram;
}

/**
 * Left singular vectors U and squared singular values s of the centred design (eigenvalues
 * above 1e-12 of the largest); in the primal case also V.
 */
function centredSpectrum(xc: Float64Array, dims: { n: number; d: number }): Spectrum {
  const { n, d } = dims;
  const primal = d <= n;
  let v: Float64Array | undefined;
  const m = primal ? d : n;
  const gram = centredGram(xc, { n, d, primal });
  const eig = symmetricEigen({ data: gram, rows: m, cols: m });
  const top = Math.max(0, eig.values[m - 1]);
  const keep: number[] = [];
  for (let j = m - 1; j >= 0; j--) if (eig.values[j] > top * 1e-12 && top > 0) keep.push(j);
  const r = keep.length;
  const s = Float64Array.from(keep, (j) => eig.values[j]);
  const vec = eig.vectors.data;
  const u = new Float64Array(n * r);
  if (primal) {
    v = new Float64Array(d * r);
    keep.forEach((j, c) => {
      const sq = Math.sqrt(s[c]);
      for (let a = 0; a < d; a++) v![a * r + c] = vec[a * m + j];
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let a = 0; a < d; a++) acc += xc[i * d + a] * vec[a * m + j];
        u[i * r + c] = acc / sq;
      }
    });
  } else {
    for (let i = 0; i < n; i++) keep.forEach((j, c) => (u[i * r + c] = vec[i * m + j]));
  }
  return { primal, u, s, r, v };
}

/**
 * The projections `Uᵀ yc` (r × t) and, per target, the λ of least leave-one-out error (ties: the
 * first) with that error.
 */
function looSelection(
  spec: Spectrum,
  yc: Float64Array,
  o: { n: number; t: number; lambdas: readonly number[] },
): { proj: Float64Array; chosen: Float64Array; looMse: Float64Array } {
  const { u, s, r } = spec;
  const { n, t } = o;
  // The sums below run as matrix products (crossProductSimd, each entry one sequential sum
  // from 0 in index order): the same operations in the same order as the loops they replace.
  const ut = transpose(u, n, r), yct = transpose(yc, n, t);
  // projections Uᵀ yc: r × t, and transposed, t × r
  const proj = crossProductSimd({ data: ut, rows: r, cols: n }, { data: yct, rows: t, cols: n })
    .data;
  const projT = { data: transpose(proj, r, t), rows: t, cols: r };
  const chosen = new Float64Array(t).fill(NaN);
  const looMse = new Float64Array(t).fill(Infinity);
  const shrink = new Float64Array(r);
  const wu = new Float64Array(n * r), h = new Float64Array(n);
  for (const lambda of o.lambdas) {
    if (!(lambda > 0)) throw new RangeError(`ridgeLoo: λ must be positive, got ${lambda}`);
    for (let c = 0; c < r; c++) shrink[c] = s[c] / (s[c] + lambda);
    // hat diagonal and U·diag(shrink); fitted values U·diag(shrink)·Uᵀyc
    for (let i = 0; i < n; i++) {
      let hi = 1 / n;
      for (let c = 0; c < r; c++) {
        const w = u[i * r + c] * shrink[c];
        hi += u[i * r + c] * w;
        wu[i * r + c] = w;
      }
      h[i] = hi;
    }
    const fitted = crossProductSimd({ data: wu, rows: n, cols: r }, projT).data;
    const sse = new Float64Array(t);
    for (let i = 0; i < n; i++) {
      const denominator = 1 - h[i];
      for (let k = 0; k < t; k++) {
        const e = (yc[i * t + k] - fitted[i * t + k]) / denominator;
        sse[k] += e * e;
      }
    }
    for (let k = 0; k < t; k++) {
      const mse = sse[k] / n;
      if (mse < looMse[k]) {
        looMse[k] = mse;
        chosen[k] = lambda;
      }
    }
  }
  return { proj, chosen, looMse };
}

/**
 * The fitted weights at each target's chosen λ: primal, coef = Σ_j v_j · sqrt(s_j)/(s_j+λ_k) ·
 * (u_jᵀ yc) (d × t); dual, alpha = Σ_j u_j · (u_jᵀ yc)/(s_j+λ_k) (n × t), predictions
 * (x − x̄)·Xcᵀ·alpha.
 */
function ridgeWeights(
  spec: Spectrum,
  fit: { proj: Float64Array; chosen: Float64Array },
  dims: RidgeDims,
): Float64Array {
  const { primal, u, s, r, v } = spec;
  const { proj, chosen } = fit;
  const { n, d, t } = dims;
  const rows = primal ? d : n;
  const scale = new Float64Array(t * r);
  for (let k = 0; k < t; k++) {
    for (let c = 0; c < r; c++) {
      scale[k * r + c] = primal
        ? Math.sqrt(s[c]) / (s[c] + chosen[k]) * proj[c * t + k]
        : proj[c * t + k] / (s[c] + chosen[k]);
    }
  }
  return crossProductSimd(
    { data: primal ? v! : u, rows, cols: r },
    { data: scale, rows: t, cols: r },
  ).data;
}

/** Predictions of the fitted model for new rows (rows × targets). */
function ridgePredictor(
  fit: {
    spec: Spectrum;
    weights: Float64Array;
    mx: Float64Array;
    my: Float64Array;
    xc: Float64Array;
  },
  dims: RidgeDims,
): (xNew: Matrix) => Matrix {
  const { spec: { primal }, weights, mx, my, xc } = fit;
  const { n, d, t } = dims;
  const rows = primal ? d : n;
  return (xNew: Matrix): Matrix => {
    assertMatrix(xNew, "ridge predict x");
    if (xNew.cols !== d) throw new RangeError(`ridge predict: ${xNew.cols} columns, fitted ${d}`);
    const centred = centre(xNew, mx);
    const features = primal
      ? centred
      : crossProductSimd({ data: centred, rows: xNew.rows, cols: d }, {
        data: xc,
        rows: n,
        cols: d,
      })
        .data;
    const out = new Float64Array(xNew.rows * t);
    for (let i = 0; i < xNew.rows; i++) {
      for (let k = 0; k < t; k++) out[i * t + k] = my[k];
      for (let a = 0; a < rows; a++) {
        const fa = features[i * rows + a];
        for (let k = 0; k < t; k++) out[i * t + k] += fa * weights[a * t + k];
      }
    }
    return { data: out, rows: xNew.rows, cols: t };
  };
}

/** Options of {@link crossValidatedRidge}. */
export interface CrossValidatedRidgeOptions extends RidgeLooOptions {
  /** Fold of every row, `0..k-1` (see {@link foldAssignment}). */
  folds: Int32Array;
}

/** Result of {@link crossValidatedRidge}. */
export interface CrossValidatedRidgeResult {
  /** Out-of-fold predictions, rows × targets. */
  predictions: Matrix;
  /** λ chosen in each fold for each target: folds × targets, row-major. */
  lambdas: Float64Array;
  /**
   * Mean of each target over each fold's training rows (the fitted intercept at λ → ∞):
   * folds × targets, row-major.
   */
  trainMeans: Float64Array;
  /** Number of folds. */
  k: number;
}

/** Take rows of a matrix. */

/**
 * K-fold cross-validated ridge predictions: for every fold, {@link ridgeLoo} on the other folds
 * (λ chosen there by leave-one-out, per target) predicts the held-out rows.
 */
export function crossValidatedRidge(
  x: Matrix,
  y: Matrix,
  options: CrossValidatedRidgeOptions,
): CrossValidatedRidgeResult {
  const { folds } = options;
  if (folds.length !== x.rows) {
    throw new RangeError(`crossValidatedRidge: ${folds.length} fold labels for ${x.rows} rows`);
  }
  let k = 0;
  for (const f of folds) k = Math.max(k, f + 1);
  const predictions = new Float64Array(x.rows * y.cols);
  const lambdas = new Float64Array(k * y.cols);
  const trainMeans = new Float64Array(k * y.cols);
  for (let f = 0; f < k; f++) {
    const train: number[] = [], test: number[] = [];
    folds.forEach((g, i) => (g === f ? test : train).push(i));
    if (test.length === 0) continue;
    const yTrain = selectRows(y, train);
    trainMeans.set(columnMeans(yTrain), f * y.cols);
    const model = ridgeLoo(selectRows(x, train), yTrain, options);
    lambdas.set(model.lambdas, f * y.cols);
    const p = model.predict(selectRows(x, test));
    test.forEach((row, i) =>
      predictions.set(p.data.subarray(i * y.cols, (i + 1) * y.cols), row * y.cols)
    );
  }
  return {
    predictions: { data: predictions, rows: x.rows, cols: y.cols },
    lambdas,
    trainMeans,
    k,
  };
}

/**
 * The out-of-fold predictions of {@link crossValidatedRidge} minus the training-target mean of
 * each row's fold, for scores pooled over folds (one AUC or rank correlation over every held-out
 * row). The raw predictions carry a fold-specific intercept that is anti-informative: a fold that
 * holds more positives (or higher ratings) trains on fewer, so its rows are predicted lower, and
 * under strong regularisation a pooled AUC falls far below chance on uninformative features
 * (Airola et al. 2011, Comput. Stat. Data Anal. 55:1828). Centring per fold removes that shift
 * and leaves each fold's ranking untouched.
 */
export function foldCentredPredictions(
  result: CrossValidatedRidgeResult,
  folds: Int32Array,
): Matrix {
  const { rows, cols } = result.predictions;
  if (folds.length !== rows) {
    throw new RangeError(`foldCentredPredictions: ${folds.length} fold labels for ${rows} rows`);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const f = folds[i];
    for (let j = 0; j < cols; j++) {
      out[i * cols + j] = result.predictions.data[i * cols + j] - result.trainMeans[f * cols + j];
    }
  }
  return { data: out, rows, cols };
}

/**
 * Balanced fold labels `0..k-1` for `n` rows in a seeded random order: row order is shuffled
 * with `shuffle` (a Fisher–Yates in place), then position p gets fold `p mod k`.
 */
export function foldAssignment(
  n: number,
  k: number,
  options: { shuffle: (order: Int32Array) => void },
): Int32Array {
  if (!(k >= 2 && k <= n)) throw new RangeError(`foldAssignment: k = ${k} for ${n} rows`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  options.shuffle(order);
  const folds = new Int32Array(n);
  order.forEach((row, p) => (folds[row] = p % k));
  return folds;
}
