/**
 * Entropic Gromov–Wasserstein on TF.js tensors (float32), for the 1,854 × 1,854 problems of the
 * GWOT analysis: the same projected-gradient iteration as {@link entropicGromovWasserstein} (POT
 * 0.8.2's algorithm), made fast by
 *
 * - the two n³ products of every gradient (C1 · T · C2ᵀ) as float32 matrix products on the active
 *   backend (native TensorFlow with oneDNN: tens of GFLOP/s on two cores);
 * - Sinkhorn in chunks of 10 iterations: one exact log-domain update (log-sum-exp), then nine
 *   scaling updates on the kernel exp((f ⊕ g − M)/ε), absorbed into the dual potentials at the
 *   end of the chunk (f += ε log u, g += ε log v; Schmitzer 2019), so no row or column
 *   underflows however small ε is; the recomputed kernel *is* the current plan, which is what
 *   the stop test needs;
 * - values read with `await data()`, never `dataSync()`, so the solver runs on WebGPU too;
 * - **warm starts**: the potentials carry over from one gradient step to the next (and, through
 *   `potentials`, from one ε of a sweep to the next), so each inner Sinkhorn needs few
 *   iterations; it stops when the column marginals are met to `sinkhornTol` (checked every 10
 *   iterations, as POT does).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Matrix } from "../metrics/types.ts";
import type { EntropicGwOptions, EntropicGwResult } from "./gwot.ts";

/**
 * Options of {@link entropicGwTf}. As {@link EntropicGwOptions}, except that float32 cannot meet
 * POT's absolute 1e-9 tolerances, so both stop tests are relative here: `tol` bounds
 * ‖T − T_prev‖_F / ‖T‖_F (default 1e-4) and `sinkhornTol` bounds ‖colsum(T) − q‖₂ / ‖q‖₂
 * (default 1e-5). `sinkhornIter` caps the Sinkhorn iterations per gradient step (default 100):
 * the potentials are warm-started from the previous step, so the inner problems need not be
 * solved to the end while the plan is still moving.
 */
export interface EntropicGwTfOptions extends EntropicGwOptions {
  /** Dual potentials to start Sinkhorn from (a previous solve's), lengths n and m. */
  potentials?: { f: Float32Array; g: Float32Array };
}

/** Result of {@link entropicGwTf}. */
export interface EntropicGwTfResult extends EntropicGwResult {
  /** Final dual potentials (for warm starts). */
  potentials: { f: Float32Array; g: Float32Array };
  /** Sinkhorn iterations summed over all gradient steps. */
  sinkhornIterations: number;
}

/** Read a tensor's values without blocking (WebGPU cannot read synchronously), then free it. */
async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return await t.data() as Float32Array;
  } finally {
    t.dispose();
  }
}

function squareMatrix(m: Matrix, name: string): tf.Tensor2D {
  if (m.rows !== m.cols) throw new RangeError(`${name} must be square, got ${m.rows}×${m.cols}`);
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
}

/**
 * Entropic GW (square loss) between dissimilarity matrices `C1` (n×n) and `C2` (m×m) on TF.js
 * tensors; options and stopping rules as {@link entropicGromovWasserstein} (uniform weights by
 * default, `init` = outer(p, q) by default, the relative ‖T − T_prev‖_F ≤ tol checked every
 * 10th step).
 */
export async function entropicGwTf(
  C1: Matrix,
  C2: Matrix,
  options: EntropicGwTfOptions,
): Promise<EntropicGwTfResult> {
  const { pr, st } = await gwTfSetup(C1, C2, options);
  let cpt = 0, err = 1;
  while (err > pr.tol && cpt < pr.maxIter) {
    const M = gradient(pr, st.T);
    const K = await sinkhornSolve(pr, st, M);
    M.dispose();
    if (cpt % 10 === 0) {
      err = (await readAndDispose(tf.tidy(() => tf.div(tf.norm(tf.sub(K, st.T)), tf.norm(K)))))[0];
    }
    st.T.dispose();
    st.T = K;
    cpt++;
  }
  return await gwTfResult(pr, st, { iterations: cpt, err });
}

/** A solve's fixed tensors and settings. */
interface GwTfProblem {
  n: number;
  m: number;
  eps: number;
  maxIter: number;
  tol: number;
  sinkhornIter: number;
  sinkhornTol: number;
  p: tf.Tensor1D;
  q: tf.Tensor1D;
  c1: tf.Tensor2D;
  c2: tf.Tensor2D;
  /** constC_ij = Σ_k C1_ik² p_k + Σ_l C2_jl² q_l. */
  constC: tf.Tensor;
  logP: tf.Tensor1D;
  logQ: tf.Tensor1D;
  /** p as a column. */
  pCol: tf.Tensor;
  /** q as a row. */
  qRow: tf.Tensor;
  qData: tf.TypedArray;
  /** ‖q‖₂. */
  qNorm: number;
}

/** What a solve moves: the plan, the dual potentials, the Sinkhorn iterations so far. */
interface GwTfState {
  T: tf.Tensor2D;
  f: tf.Tensor1D;
  g: tf.Tensor1D;
  sinkhornIterations: number;
}

/** The problem's tensors and settings, and the starting plan and potentials. */
async function gwTfSetup(
  C1: Matrix,
  C2: Matrix,
  options: EntropicGwTfOptions,
): Promise<{ pr: GwTfProblem; st: GwTfState }> {
  const n = C1.rows, m = C2.rows;
  const eps = options.epsilon;
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new RangeError(`epsilon = ${eps} must be positive and finite`);
  }
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-4;
  const sinkhornIter = options.sinkhornIter ?? 100;
  const sinkhornTol = options.sinkhornTol ?? 1e-5;
  const p = tf.tensor1d(Float32Array.from(options.p ?? new Float64Array(n).fill(1 / n)));
  const q = tf.tensor1d(Float32Array.from(options.q ?? new Float64Array(m).fill(1 / m)));
  const c1 = squareMatrix(C1, "C1"), c2 = squareMatrix(C2, "C2");
  // constC_ij = Σ_k C1_ik² p_k + Σ_l C2_jl² q_l
  const constC = tf.tidy(() =>
    tf.add(
      tf.matMul(tf.square(c1), p.reshape([n, 1])),
      tf.matMul(tf.square(c2), q.reshape([m, 1])).reshape([1, m]),
    )
  );
  const T: tf.Tensor2D = options.init
    ? tf.tensor2d(Float32Array.from(options.init), [n, m])
    : tf.tidy(() => tf.outerProduct(p, q));
  const f = options.potentials
    ? tf.tensor1d(options.potentials.f)
    : tf.fill([n], -eps * Math.log(n)) as tf.Tensor1D;
  const g = options.potentials
    ? tf.tensor1d(options.potentials.g)
    : tf.fill([m], -eps * Math.log(m)) as tf.Tensor1D;
  const logP = tf.log(p), logQ = tf.log(q);
  const pCol = p.reshape([n, 1]), qRow = q.reshape([1, m]);
  const qData = await q.data();
  let qNorm = 0;
  for (const v of qData) qNorm += v * v;
  qNorm = Math.sqrt(qNorm);
  return {
    pr: {
      n,
      m,
      eps,
      maxIter,
      tol,
      sinkhornIter,
      sinkhornTol,
      p,
      q,
      c1,
      c2,
      constC,
      logP,
      logQ,
      pCol,
      qRow,
      qData,
      qNorm,
    },
    st: { T, f, g, sinkhornIterations: 0 },
  };
}

/** M = 2 · (constC − 2 · C1 · T · C2ᵀ): POT's gwggrad. */
function gradient(pr: GwTfProblem, plan: tf.Tensor2D): tf.Tensor2D {
  const { constC, c1, c2 } = pr;
  return tf.tidy(() =>
    tf.mul(2, tf.sub(constC, tf.mul(2, tf.matMul(tf.matMul(c1, plan), c2, false, true))))
  ) as tf.Tensor2D;
}

/** exp((f ⊕ g − M)/ε). */
function kernel(pr: GwTfProblem, M: tf.Tensor2D, f: tf.Tensor1D, g: tf.Tensor1D): tf.Tensor2D {
  const { n, m, eps } = pr;
  return tf.tidy(() =>
    tf.exp(tf.div(tf.sub(tf.add(f.reshape([n, 1]), g.reshape([1, m])), M), eps))
  ) as tf.Tensor2D;
}

/**
 * Sinkhorn on the gradient `M` from the state's potentials, in chunks of 10 iterations until the
 * column marginals are met (or `sinkhornIter`); updates the potentials and returns the new plan.
 */
async function sinkhornSolve(
  pr: GwTfProblem,
  st: GwTfState,
  M: tf.Tensor2D,
): Promise<tf.Tensor2D> {
  const { m, eps, qData } = pr;
  let K: tf.Tensor2D | undefined;
  for (let it = 0; it < pr.sinkhornIter; it += 10) {
    const [f2, g2] = sinkhornChunk(pr, M, { f: st.f, g: st.g });
    tf.dispose([st.f, st.g, K]);
    st.f = f2;
    st.g = g2;
    K = kernel(pr, M, st.f, st.g);
    st.sinkhornIterations += 10;
    const col = await readAndDispose(tf.tidy(() => tf.sum(K!, 0)));
    let e = 0;
    for (let j = 0; j < m; j++) e += (col[j] - qData[j]) ** 2;
    if (!Number.isFinite(e)) {
      throw new RangeError(`entropicGwTf: Sinkhorn diverged at ε = ${eps}`);
    }
    if (Math.sqrt(e) < pr.sinkhornTol * pr.qNorm) break;
  }
  return K!;
}

/**
 * Ten Sinkhorn iterations: one exact log-domain update first, so that no row or column of the
 * kernel underflows, then nine scaling updates on the kernel, absorbed into the potentials at
 * the end; returns the new potentials.
 */
function sinkhornChunk(
  pr: GwTfProblem,
  M: tf.Tensor2D,
  potentials: { f: tf.Tensor1D; g: tf.Tensor1D },
): [tf.Tensor1D, tf.Tensor1D] {
  const { n, m, eps, logP, logQ, pCol, qRow } = pr;
  const { f } = potentials;
  return tf.tidy(() => {
    const gl = tf.sub(
      tf.mul(eps, logQ),
      tf.mul(eps, tf.logSumExp(tf.div(tf.sub(f.reshape([n, 1]), M), eps), 0)),
    ) as tf.Tensor1D;
    const fl = tf.sub(
      tf.mul(eps, logP),
      tf.mul(eps, tf.logSumExp(tf.div(tf.sub(gl.reshape([1, m]), M), eps), 1)),
    ) as tf.Tensor1D;
    const K0 = kernel(pr, M, fl, gl);
    // u as a column, v as a row: no reshapes inside the loop
    let u = tf.ones([n, 1]) as tf.Tensor2D, v = tf.ones([1, m]) as tf.Tensor2D;
    for (let k = 1; k < 10; k++) {
      v = tf.div(qRow, tf.matMul(u, K0, true, false)) as tf.Tensor2D;
      u = tf.div(pCol, tf.matMul(K0, v, false, true)) as tf.Tensor2D;
    }
    return [
      tf.add(fl, tf.mul(eps, tf.log(u).reshape([n]))) as tf.Tensor1D,
      tf.add(gl, tf.mul(eps, tf.log(v).reshape([m]))) as tf.Tensor1D,
    ];
  });
}

/** The result of a solve (GW loss of the final plan, potentials); frees every tensor. */
async function gwTfResult(
  pr: GwTfProblem,
  st: GwTfState,
  end: { iterations: number; err: number },
): Promise<EntropicGwTfResult> {
  const { p, q, logP, logQ, pCol, qRow, c1, c2, constC } = pr;
  const { T, f, g } = st;
  const gw = tf.tidy(() => {
    const tens = tf.sub(constC, tf.mul(2, tf.matMul(tf.matMul(c1, T), c2, false, true)));
    return tf.sum(tf.mul(tens, T));
  });
  const result: EntropicGwTfResult = {
    plan: Float64Array.from(await T.data()),
    gwDistance: (await gw.data())[0],
    iterations: end.iterations,
    converged: end.err <= pr.tol,
    potentials: { f: await f.data() as Float32Array, g: await g.data() as Float32Array },
    sinkhornIterations: st.sinkhornIterations,
  };
  tf.dispose([p, q, logP, logQ, pCol, qRow, c1, c2, constC, T, f, g, gw]);
  return result;
}
