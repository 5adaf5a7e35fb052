/**
 * Numerical core of the GWOT analysis (Gromov–Wasserstein optimal transport between two
 * dissimilarity matrices): entropic Gromov–Wasserstein with square loss, solved exactly as POT
 * 0.8.2's `ot.gromov.entropic_gromov_wasserstein` (projected gradient, Peyré et al. 2016, each
 * step an entropic OT problem), with Sinkhorn run in the log domain so that small ε neither
 * underflows nor overflows; plus the top-k matching rate of a transport plan.
 *
 * @module
 */
import { assertMatrix, type Matrix } from "../metrics/types.ts";

/** Options of {@link entropicGromovWasserstein}. */
export interface EntropicGwOptions {
  /** Source weights (length n, sum 1); uniform by default. */
  p?: Float64Array;
  /** Target weights (length m, sum 1); uniform by default. */
  q?: Float64Array;
  /** Entropic regularisation ε > 0 (POT's `epsilon`). */
  epsilon: number;
  /** Initial plan (n×m, row-major); `outer(p, q)` by default, as in POT 0.8.2. */
  init?: Float64Array;
  /** Maximum number of projected-gradient steps (POT's `max_iter`, default 1000). */
  maxIter?: number;
  /** Stop when ‖T − T_prev‖_F ≤ tol, checked every 10th step (POT's `tol`, default 1e-9). */
  tol?: number;
  /** Maximum Sinkhorn iterations per step (POT's `numItermax`, default 1000). */
  sinkhornIter?: number;
  /** Sinkhorn stop threshold on the column-marginal error, checked every 10th iteration
   * (POT's `stopThr`, default 1e-9). */
  sinkhornTol?: number;
}

/** Result of {@link entropicGromovWasserstein}. */
export interface EntropicGwResult {
  /** Transport plan, n×m row-major; rows sum to p and columns to q. */
  plan: Float64Array;
  /** GW loss Σ L(C1,C2)⊗T · T of the final plan (POT's `gwloss`, `entropic_gromov_wasserstein2`). */
  gwDistance: number;
  /** Number of projected-gradient steps taken (POT's `cpt`). */
  iterations: number;
  /** Whether the last checked ‖T − T_prev‖_F fell to `tol` or below before `maxIter`. */
  converged: boolean;
}

/** Workspace of the log-domain Sinkhorn solver, reused across the GW steps. */
interface SinkhornWork {
  f: Float64Array;
  g: Float64Array;
  logA: Float64Array;
  logB: Float64Array;
  b: Float64Array;
  colMax: Float64Array;
  colSum: Float64Array;
}

function uniform(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

function checkWeights(w: Float64Array, len: number, name: string): void {
  if (w.length !== len) throw new RangeError(`${name}: expected ${len} weights, got ${w.length}`);
  for (let i = 0; i < len; i++) {
    if (!(w[i] > 0) || !Number.isFinite(w[i])) {
      throw new RangeError(`${name}[${i}] = ${w[i]} must be positive and finite`);
    }
  }
}

/**
 * Entropic OT in the log domain, iterating exactly like POT's `sinkhorn_knopp` (same start
 * u = 1/n, same update order, same every-10th-iteration stop test on the column marginals), but on
 * the dual potentials f = ε log u, g = ε log v. Writes the plan into `plan`.
 */
function sinkhornLog(
  M: Float64Array,
  plan: Float64Array,
  dims: { n: number; m: number; epsilon: number; maxIter: number; stopThr: number },
  w: SinkhornWork,
): void {
  const { n, m, epsilon: eps, maxIter, stopThr } = dims;
  const { f, g, logA, logB, b, colMax, colSum } = w;
  const inv = 1 / eps;
  f.fill(-eps * Math.log(n));
  g.fill(-eps * Math.log(m));
  for (let it = 0; it < maxIter; it++) {
    // v = b / (Kᵀ u)  ⇔  g_j = ε log b_j − ε LSE_i((f_i − M_ij)/ε)
    colMax.fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const fi = f[i], row = i * m;
      for (let j = 0; j < m; j++) {
        const z = fi - M[row + j];
        if (z > colMax[j]) colMax[j] = z;
      }
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const fi = f[i], row = i * m;
      for (let j = 0; j < m; j++) colSum[j] += Math.exp((fi - M[row + j] - colMax[j]) * inv);
    }
    for (let j = 0; j < m; j++) g[j] = eps * logB[j] - colMax[j] - eps * Math.log(colSum[j]);
    // u = a / (K v)  ⇔  f_i = ε log a_i − ε LSE_j((g_j − M_ij)/ε)
    for (let i = 0; i < n; i++) {
      const row = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) {
        const z = g[j] - M[row + j];
        if (z > mx) mx = z;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp((g[j] - M[row + j] - mx) * inv);
      f[i] = eps * logA[i] - mx - eps * Math.log(s);
    }
    if (it % 10 === 0) {
      // violation of the column marginal, ‖(diag(u) K diag(v))ᵀ 1 − b‖₂
      colSum.fill(0);
      for (let i = 0; i < n; i++) {
        const fi = f[i], row = i * m;
        for (let j = 0; j < m; j++) colSum[j] += Math.exp((fi + g[j] - M[row + j]) * inv);
      }
      let err = 0;
      for (let j = 0; j < m; j++) {
        const d = colSum[j] - b[j];
        err += d * d;
      }
      if (Math.sqrt(err) < stopThr) break;
    }
  }
  for (let i = 0; i < n; i++) {
    const fi = f[i], row = i * m;
    for (let j = 0; j < m; j++) plan[row + j] = Math.exp((fi + g[j] - M[row + j]) * inv);
  }
}

/**
 * out = scale · (constC − hC1 · T · hC2ᵀ) with hC1 = C1 and hC2 = 2·C2 (square loss, Peyré et al.
 * 2016, Prop. 1): scale 1 gives POT's `tensor_product`, scale 2 its `gwggrad` (the gradient, which
 * is what POT hands to Sinkhorn); `tmp` is an n×m scratch buffer.
 */
function tensorProduct(
  constC: Float64Array,
  C1: Float64Array,
  C2: Float64Array,
  io: {
    T: Float64Array;
    tmp: Float64Array;
    out: Float64Array;
    n: number;
    m: number;
    scale: number;
  },
): void {
  const { T, tmp, out, n, m, scale } = io;
  // tmp = C1 · T  (n×n · n×m)
  tmp.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n, ro = i * m;
    for (let k = 0; k < n; k++) {
      const c = C1[ri + k];
      if (c === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) tmp[ro + j] += c * T[rk + j];
    }
  }
  // out = constC − 2 · tmp · C2ᵀ  (C2 need not be symmetric)
  for (let i = 0; i < n; i++) {
    const ro = i * m;
    for (let j = 0; j < m; j++) {
      const rj = j * m;
      let s = 0;
      for (let l = 0; l < m; l++) s += tmp[ro + l] * C2[rj + l];
      out[ro + j] = scale * (constC[ro + j] - 2 * s);
    }
  }
}

/**
 * Entropic Gromov–Wasserstein between the dissimilarity matrices `C1` (n×n) and `C2` (m×m) with
 * square loss: the algorithm of POT 0.8.2's
 * `ot.gromov.entropic_gromov_wasserstein(C1, C2, p, q, 'square_loss', epsilon, maxIter, tol)`
 * (T ← Sinkhorn_ε(p, q, 2 · L(C1, C2) ⊗ T) from T = `init`, stopping when ‖T − T_prev‖_F ≤ tol at an
 * every-10th-step check), with Sinkhorn in the log domain. `gwDistance` is POT's
 * `gwloss` of the final plan (the value of `entropic_gromov_wasserstein2`).
 */
export function entropicGromovWasserstein(
  C1: Matrix,
  C2: Matrix,
  options: EntropicGwOptions,
): EntropicGwResult {
  const { n, m, p, q } = checkedProblem(C1, C2, options);
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-9;
  const sinkhornIter = options.sinkhornIter ?? 1000;
  const sinkhornTol = options.sinkhornTol ?? 1e-9;
  const constC = squareLossConstant(C1, C2, { p, q });
  let T = initialPlan(options.init, { p, q });
  let Tprev: Float64Array = new Float64Array(n * m);
  const tens = new Float64Array(n * m), tmp = new Float64Array(n * m);
  const work: SinkhornWork = {
    f: new Float64Array(n),
    g: new Float64Array(m),
    logA: p.map(Math.log),
    logB: q.map(Math.log),
    b: q,
    colMax: new Float64Array(m),
    colSum: new Float64Array(m),
  };
  const dims = { n, m, epsilon: options.epsilon, maxIter: sinkhornIter, stopThr: sinkhornTol };

  let cpt = 0, err = 1;
  while (err > tol && cpt < maxIter) {
    [Tprev, T] = [T, Tprev];
    tensorProduct(constC, C1.data, C2.data, { T: Tprev, tmp, out: tens, n, m, scale: 2 });
    sinkhornLog(tens, T, dims, work);
    if (cpt % 10 === 0) {
      let s = 0;
      for (let x = 0; x < n * m; x++) {
        const d = T[x] - Tprev[x];
        s += d * d;
      }
      err = Math.sqrt(s);
    }
    cpt++;
  }
  tensorProduct(constC, C1.data, C2.data, { T, tmp, out: tens, n, m, scale: 1 });
  let gw = 0;
  for (let x = 0; x < n * m; x++) gw += tens[x] * T[x];
  return { plan: T, gwDistance: gw, iterations: cpt, converged: err <= tol };
}

/** Check the matrices, ε and the weights (uniform by default); the sizes and weights. */
function checkedProblem(
  C1: Matrix,
  C2: Matrix,
  options: EntropicGwOptions,
): { n: number; m: number; p: Float64Array; q: Float64Array } {
  assertMatrix(C1, "C1");
  assertMatrix(C2, "C2");
  if (C1.rows !== C1.cols) throw new RangeError(`C1 must be square, got ${C1.rows}×${C1.cols}`);
  if (C2.rows !== C2.cols) throw new RangeError(`C2 must be square, got ${C2.rows}×${C2.cols}`);
  const n = C1.rows, m = C2.rows;
  if (n === 0 || m === 0) throw new RangeError("C1 and C2 must be non-empty");
  const { epsilon } = options;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(`epsilon = ${epsilon} must be positive and finite`);
  }
  const p = options.p ?? uniform(n);
  const q = options.q ?? uniform(m);
  checkWeights(p, n, "p");
  checkWeights(q, m, "q");
  return { n, m, p, q };
}

/** constC_ij = Σ_k C1_ik² p_k + Σ_l C2_jl² q_l (n×m, row-major). */
function squareLossConstant(
  C1: Matrix,
  C2: Matrix,
  weights: { p: Float64Array; q: Float64Array },
): Float64Array {
  const { p, q } = weights;
  const n = C1.rows, m = C2.rows;
  const a1 = new Float64Array(n), a2 = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += C1.data[i * n + k] * C1.data[i * n + k] * p[k];
    a1[i] = s;
  }
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let l = 0; l < m; l++) s += C2.data[j * m + l] * C2.data[j * m + l] * q[l];
    a2[j] = s;
  }
  const constC = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) constC[i * m + j] = a1[i] + a2[j];
  return constC;
}

/** The starting plan: a copy of `init` (checked to be n×m), else `outer(p, q)`. */
function initialPlan(
  init: Float64Array | undefined,
  weights: { p: Float64Array; q: Float64Array },
): Float64Array {
  const { p, q } = weights;
  const n = p.length, m = q.length;
  const T = new Float64Array(n * m);
  if (init) {
    if (init.length !== n * m) {
      throw new RangeError(
        `init: expected ${n}×${m} = ${n * m} values, got ${init.length}`,
      );
    }
    T.set(init);
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[i * m + j] = p[i] * q[j];
  }
  return T;
}

/** Options of {@link matchingRate}. */
export interface MatchingRateOptions {
  /** Number of rows of the plan (the plan has `plan.length / n` columns, at least n). */
  n: number;
  /** Count a row as matched when its true column is among its k largest entries (k ≥ 1). */
  k: number;
}

/**
 * Top-k matching rate of a transport plan between the same objects in the same order: the share
 * of rows i whose own column i is among the k largest entries of row i (i.e. fewer than k
 * entries of the row are strictly larger than entry (i, i); ties count in the row's favour).
 */
export function matchingRate(plan: Float64Array, options: MatchingRateOptions): number {
  const { n, k } = options;
  if (!Number.isInteger(n) || n <= 0 || plan.length % n !== 0) {
    throw new RangeError(`matchingRate: plan of ${plan.length} values is not n = ${n} rows`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`matchingRate: k = ${k} must be ≥ 1`);
  const m = plan.length / n;
  if (m < n) throw new RangeError(`matchingRate: ${n} rows but only ${m} columns`);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const row = i * m, own = plan[row + i];
    let larger = 0;
    for (let j = 0; j < m && larger < k; j++) if (plan[row + j] > own) larger++;
    if (larger < k) hits++;
  }
  return hits / n;
}
