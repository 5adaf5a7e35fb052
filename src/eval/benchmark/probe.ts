/**
 * A linear probe: multinomial (softmax) logistic regression with an L2 penalty on the weights,
 * the objective of scikit-learn's `LogisticRegression(C=c, solver="lbfgs")` on several classes
 * (multinomial):
 *
 *   F(W, b) = Σᵢ sᵢ·(log Σₖ exp zᵢₖ − zᵢ,yᵢ) + ‖W‖²/(2C),  zᵢ = W·xᵢ + b,
 *
 * with sample weights sᵢ (1 each, or {@link balancedWeights}) and the intercepts b not penalised.
 * F is strictly convex in W, so the weights and the predictions are unique; the intercepts are
 * unique up to a common shift, which changes no prediction, and are reported centred (Σₖ bₖ = 0).
 *
 * Solver (float64, deterministic: the same inputs give the same bits on any CPU): L-BFGS from
 * zero, stopped when the largest entry of the gradient of F is at most `tolerance` (default 1e-4,
 * scikit-learn's default `tol`, which its lbfgs applies to the same gradient). Exact changes make
 * it converge in 2–3 iterations on embeddings:
 *
 * - centred features: z = W·(x − x̄) + b′ with b′ = b + W·x̄ is the same model (b is not
 *   penalised); it removes the common direction of non-negative features that couples W with b;
 * - the initial inverse curvature is C for W and classes/Σs for b′;
 * - an exact line search: along a search direction P the logits are linear, Z + α·X·Pᵀ, so after
 *   one product the step minimising F along the line is found by safeguarded Newton steps at the
 *   cost of exponentials only;
 * - after each step the intercepts are re-fitted for the new W by diagonal Newton passes (again
 *   exponentials only), so the b′ part of the gradient, otherwise the largest, stays near 0;
 * - at W = 0 the gradient is the weighted class sums of the centred rows, without a product.
 *
 * An iteration costs two matrix products (X·Pᵀ and the gradient's Dᵀ·X), each rows × classes ×
 * dim multiply-adds.
 *
 * @module
 */
import { crossProductSimd } from "../../metrics/product_simd.ts";
import type { Matrix } from "../../metrics/types.ts";

/** Default inverse regularisation strength (scikit-learn's default C). */
export const PROBE_C = 1;

/** Default stopping tolerance on the largest gradient entry (scikit-learn's default `tol`). */
export const PROBE_TOLERANCE = 1e-4;

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** Class of each row, in 0 … classes − 1; every class needs at least one row. */
  labels: Int32Array;
  /** Number of classes. */
  classes: number;
  /** Inverse regularisation strength C (default {@link PROBE_C}). */
  c?: number;
  /** Sample weights sᵢ > 0 (default 1 each). */
  weights?: Float64Array;
  /** Stop when max |∂F| ≤ tolerance (default {@link PROBE_TOLERANCE}). */
  tolerance?: number;
  /** Iteration cap (default 500). */
  maxIterations?: number;
  /** L-BFGS memory: correction pairs kept (default 5). */
  memory?: number;
}

/** A fitted probe. */
export interface LogisticModel {
  /** Weights, classes × dim, row-major. */
  coef: Float64Array;
  /** Intercepts, centred (Σ = 0). */
  intercept: Float64Array;
  /** Classes. */
  classes: number;
  /** Input dimension. */
  dim: number;
  /** L-BFGS iterations taken. */
  iterations: number;
  /** The gradient test was met (else the iteration cap stopped it). */
  converged: boolean;
  /** max |∂F| at the returned point (gradient with respect to W and b′). */
  gradientNorm: number;
  /** F at the returned point. */
  objective: number;
}

/**
 * scikit-learn's `class_weight="balanced"`: sᵢ = n / (classes · n_{yᵢ}), so every class weighs
 * the same in the loss however many rows it has.
 */
export function balancedWeights(labels: Int32Array, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const y of labels) counts[y]++;
  return Float64Array.from(labels, (y) => labels.length / (classes * counts[y]));
}

function dot(a: Float64Array, b: Float64Array, length = a.length): number {
  let s = 0;
  for (let i = 0; i < length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** What {@link lineTerm} reads: logits Z and ZP (n × k), labels and weights. */
interface LineData {
  z: Float64Array;
  zp: Float64Array;
  n: number;
  k: number;
  labels: Int32Array;
  weights: Float64Array;
}

/**
 * The data term at logits Z + α·ZP: the weighted loss and its first and second derivatives in
 * α; with `probs`, the softmax probabilities at α are written there.
 */
function lineTerm(
  data: LineData,
  options: { alpha: number; probs?: Float64Array },
): { loss: number; d1: number; d2: number } {
  const { z, zp, n, k, labels, weights } = data;
  const { alpha, probs } = options;
  let loss = 0, d1 = 0, d2 = 0;
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = z[o + j] + alpha * zp[o + j];
      row[j] = v;
      if (v > max) max = v;
    }
    let sum = 0, m1 = 0, m2 = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(row[j] - max);
      row[j] = e;
      sum += e;
      const q = zp[o + j];
      m1 += e * q;
      m2 += e * q * q;
    }
    m1 /= sum;
    m2 /= sum;
    const y = labels[i], s = weights[i];
    loss += s * (Math.log(sum) + max - (z[o + y] + alpha * zp[o + y]));
    d1 += s * (m1 - zp[o + y]);
    d2 += s * (m2 - m1 * m1);
    if (probs) { for (let j = 0; j < k; j++) probs[o + j] = row[j] / sum; }
  }
  return { loss, d1, d2 };
}

/** The rows of `x` centred on their weighted mean, the mean, and the transposed centred rows. */
function centre(
  x: Matrix,
  weights: Float64Array,
): { centred: Matrix; transposed: Float64Array; mean: Float64Array } {
  const { rows: n, cols: dim } = x;
  let total = 0;
  for (const s of weights) total += s;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const s = weights[i] / total;
    for (let j = 0; j < dim; j++) mean[j] += s * x.data[i * dim + j];
  }
  const data = new Float64Array(n * dim);
  const transposed = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = x.data[i * dim + j] - mean[j];
      data[i * dim + j] = v;
      transposed[j * n + i] = v;
    }
  }
  return { centred: { data, rows: n, cols: dim }, transposed, mean };
}

/** The fixed data of one fit (see {@link probeProblem}). */
interface ProbeProblem {
  /** Rows. */
  n: number;
  /** Input dimension. */
  dim: number;
  /** Classes. */
  k: number;
  /** Entries of W (k × dim, row-major) at the start of a parameter vector; b′ (k) follows. */
  nw: number;
  /** Length of a parameter vector, nw + k. */
  size: number;
  /** Inverse regularisation strength C. */
  c: number;
  /** Stopping tolerance on max |∂F|. */
  tolerance: number;
  labels: Int32Array;
  /** Sample weights sᵢ. */
  weights: Float64Array;
  /** Rows centred on their weighted mean. */
  centred: Matrix;
  /** The centred rows transposed, dim × n. */
  transposed: Float64Array;
  /** The weighted mean of the rows. */
  mean: Float64Array;
  /** Σ of the sample weights per class. */
  classWeight: Float64Array;
  /** Σ of the sample weights. */
  total: number;
}

/** The solver's moving parts: the parameters θ = (W, b′), the line data and the probabilities. */
interface ProbeState {
  /** W (k × dim, row-major), then b′ (k). */
  theta: Float64Array;
  /** Logits at θ (`z`) and along the search direction (`zp`). */
  line: LineData;
  /** Softmax probabilities at θ, n × k. */
  probs: Float64Array;
}

/** One L-BFGS correction pair: step s, gradient change y and 1/(s·y). */
interface CorrectionPair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/** Check the labels against the rows and classes (every class needs a row). */
function checkLabels(labels: Int32Array, shape: { n: number; k: number }): void {
  const { n, k } = shape;
  if (labels.length !== n) throw new RangeError(`fitLogistic: ${labels.length} labels, ${n} rows`);
  const counts = new Int32Array(k);
  for (const y of labels) {
    if (!(y >= 0 && y < k)) throw new RangeError(`fitLogistic: label ${y} outside 0…${k - 1}`);
    counts[y]++;
  }
  if (counts.some((count) => count === 0)) {
    throw new RangeError("fitLogistic: every class needs at least one row");
  }
}

/** The checked, centred data of a fit with its defaults filled in. */
function probeProblem(x: Matrix, options: LogisticOptions): ProbeProblem {
  const n = x.rows, dim = x.cols, k = options.classes;
  const { labels } = options;
  checkLabels(labels, { n, k });
  const c = options.c ?? PROBE_C;
  const weights = options.weights ?? new Float64Array(n).fill(1);
  const tolerance = options.tolerance ?? PROBE_TOLERANCE;
  const nw = k * dim;
  const { centred, transposed, mean } = centre(x, weights);
  const total = weights.reduce((a, s) => a + s, 0);
  const classWeight = new Float64Array(k);
  for (let i = 0; i < n; i++) classWeight[labels[i]] += weights[i];
  return {
    n,
    dim,
    k,
    nw,
    size: nw + k,
    c,
    tolerance,
    labels,
    weights,
    centred,
    transposed,
    mean,
    classWeight,
    total,
  };
}

/** The initial inverse curvature of parameter j: C for W, classes/Σs for b′. */
function scale(problem: ProbeProblem, j: number): number {
  return j < problem.nw ? problem.c : problem.k / problem.total;
}

/** X·Vᵀ + b_V of a parameter vector V (zero when V is). */
function logits(problem: ProbeProblem, v: Float64Array): Float64Array {
  const { n, k, nw, dim } = problem;
  if (maxAbs(v) === 0) return new Float64Array(n * k);
  const z = crossProductSimd(problem.centred, { data: v.subarray(0, nw), rows: k, cols: dim }).data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) z[i * k + j] += v[nw + j];
  }
  return z;
}

/** The gradient at θ from the probabilities: (Dᵀ·X + W/C, Σᵢ Dᵢ) with D = diag(s)·(P − Y). */
function gradient(problem: ProbeProblem, state: ProbeState): Float64Array {
  const { n, k, nw, dim, c, weights, labels } = problem;
  const { probs, theta } = state;
  const dt = new Float64Array(k * n);
  for (let i = 0; i < n; i++) {
    const s = weights[i];
    for (let j = 0; j < k; j++) dt[j * n + i] = s * probs[i * k + j];
    dt[labels[i] * n + i] -= s;
  }
  const g = new Float64Array(problem.size);
  g.set(
    crossProductSimd({ data: dt, rows: k, cols: n }, {
      data: problem.transposed,
      rows: dim,
      cols: n,
    }).data,
  );
  for (let j = 0; j < nw; j++) g[j] += theta[j] / c;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += dt[j * n + i];
    g[nw + j] = s;
  }
  return g;
}

/** The penalty ‖W‖²/(2C) at θ. */
function penalty(problem: ProbeProblem, theta: Float64Array): number {
  return dot(theta, theta, problem.nw) / (2 * problem.c);
}

/**
 * The intercepts given W: diagonal Newton passes on b′ (their curvature Σᵢ sᵢ·pᵢₖ·(1 − pᵢₖ)),
 * which cost exponentials only; keeps the b′ part of the gradient, otherwise the largest and
 * slowest to vanish, near 0. Updates θ, the logits and the probabilities; returns the loss and
 * adds the change of b′ to `step`.
 */
function fitIntercepts(problem: ProbeProblem, state: ProbeState, step: Float64Array): number {
  const { n, k, nw, weights, classWeight, tolerance } = problem;
  const { theta, line, probs } = state;
  let loss = lineTerm(line, { alpha: 0, probs }).loss;
  for (let pass = 0; pass < 3; pass++) {
    const grad = new Float64Array(k), curvature = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const s = weights[i];
      for (let j = 0; j < k; j++) {
        const q = probs[i * k + j];
        grad[j] += s * q;
        curvature[j] += s * q * (1 - q);
      }
    }
    let worst = 0;
    for (let j = 0; j < k; j++) {
      grad[j] -= classWeight[j];
      worst = Math.max(worst, Math.abs(grad[j]));
    }
    if (worst <= 0.01 * tolerance) break;
    for (let j = 0; j < k; j++) {
      const delta = -grad[j] / curvature[j];
      theta[nw + j] += delta;
      step[nw + j] += delta;
      for (let i = 0; i < n; i++) line.z[i * k + j] += delta;
    }
    loss = lineTerm(line, { alpha: 0, probs }).loss;
  }
  return loss;
}

/**
 * The gradient at W = 0: every row has the same probabilities and Σᵢ sᵢ·(xᵢ − x̄) = 0, so the W
 * part is minus the weighted class sums of the centred rows: no product.
 */
function initialGradient(problem: ProbeProblem, probs: Float64Array): Float64Array {
  const { n, k, nw, dim, weights, labels, centred, classWeight } = problem;
  const g = new Float64Array(problem.size);
  for (let i = 0; i < n; i++) {
    const s = weights[i], y = labels[i];
    for (let j = 0; j < dim; j++) g[y * dim + j] -= s * centred.data[i * dim + j];
    for (let j = 0; j < k; j++) g[nw + j] += s * probs[i * k + j];
  }
  for (let j = 0; j < k; j++) g[nw + j] -= classWeight[j];
  return g;
}

/**
 * The search direction p = −H·g by the two-loop recursion with the initial inverse curvature
 * {@link scale}, and its slope g·p; when p is no descent direction (round-off), the pairs are
 * dropped and p restarts from the scaled gradient.
 */
function searchDirection(
  problem: ProbeProblem,
  options: { g: Float64Array; pairs: CorrectionPair[] },
): { p: Float64Array; slope: number } {
  const { size } = problem;
  const { g, pairs } = options;
  const p = new Float64Array(size);
  for (let j = 0; j < size; j++) p[j] = -g[j];
  const alphas = new Float64Array(pairs.length);
  for (let m = pairs.length - 1; m >= 0; m--) {
    const { s, y, rho } = pairs[m];
    const a = rho * dot(s, p);
    alphas[m] = a;
    for (let j = 0; j < size; j++) p[j] -= a * y[j];
  }
  for (let j = 0; j < size; j++) p[j] *= scale(problem, j);
  for (let m = 0; m < pairs.length; m++) {
    const { s, y, rho } = pairs[m];
    const b = rho * dot(y, p);
    for (let j = 0; j < size; j++) p[j] += (alphas[m] - b) * s[j];
  }
  let slope = dot(g, p);
  if (!(slope < 0)) {
    pairs.length = 0;
    for (let j = 0; j < size; j++) p[j] = -g[j] * scale(problem, j);
    slope = dot(g, p);
  }
  return { p, slope };
}

/**
 * The exact line search along p: sets the logits along the line, then safeguarded Newton steps
 * on F′(α) = 0 within the bracket [lo, hi], from the quasi-Newton step α = 1, until
 * |F′(α)| ≤ 10⁻³·|F′(0)|; returns α.
 */
function lineSearch(
  problem: ProbeProblem,
  state: ProbeState,
  direction: { p: Float64Array; slope: number },
): number {
  const { nw, c } = problem;
  const { p, slope } = direction;
  const { line, theta } = state;
  // F along the line: the data term from Z + α·ZP, the penalty in closed form
  line.zp = logits(problem, p);
  const wp = dot(theta, p, nw) / c, pp = dot(p, p, nw) / c;
  const along = (alpha: number) => {
    const t = lineTerm(line, { alpha });
    return { d1: t.d1 + wp + alpha * pp, d2: t.d2 + pp };
  };
  let lo = 0, hi = Infinity, alpha = 1;
  for (let step = 0; step < 50; step++) {
    const { d1, d2 } = along(alpha);
    if (Math.abs(d1) <= 1e-3 * Math.abs(slope)) break;
    if (d1 > 0) hi = alpha;
    else lo = alpha;
    let next = alpha - d1 / d2;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * alpha;
    alpha = next;
  }
  return alpha;
}

/** Move θ and the logits by α·p; returns the step s = α·p. */
function takeStep(
  problem: ProbeProblem,
  state: ProbeState,
  move: { p: Float64Array; alpha: number },
): Float64Array {
  const { size, n, k } = problem;
  const { p, alpha } = move;
  const { theta, line } = state;
  const s = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    s[j] = alpha * p[j];
    theta[j] += s[j];
  }
  for (let j = 0; j < n * k; j++) line.z[j] += alpha * line.zp[j];
  return s;
}

/** Keep the pair (s, y = next − g) when s·y > 0, at most `memory` pairs. */
function addPair(
  pairs: CorrectionPair[],
  update: { s: Float64Array; g: Float64Array; next: Float64Array; memory: number },
): void {
  const { s, g, next } = update;
  const y = new Float64Array(s.length);
  for (let j = 0; j < s.length; j++) y[j] = next[j] - g[j];
  const sy = dot(s, y);
  if (sy > 0) {
    pairs.push({ s, y, rho: 1 / sy });
    if (pairs.length > update.memory) pairs.shift();
  }
}

/** Back to the uncentred model: b = b′ − W·x̄, then centred. */
function uncentred(
  problem: ProbeProblem,
  theta: Float64Array,
): { coef: Float64Array; intercept: Float64Array } {
  const { nw, k, dim, mean } = problem;
  const coef = theta.slice(0, nw);
  const intercept = new Float64Array(k);
  for (let j = 0; j < k; j++) intercept[j] = theta[nw + j] - dot(coef.subarray(j * dim), mean, dim);
  const offset = intercept.reduce((a, v) => a + v, 0) / k;
  for (let j = 0; j < k; j++) intercept[j] -= offset;
  return { coef, intercept };
}

/**
 * Fit the probe on the rows of `x` (see the module documentation): the weights, the centred
 * intercepts and how the solver ended.
 */
export function fitLogistic(x: Matrix, options: LogisticOptions): LogisticModel {
  const problem = probeProblem(x, options);
  const { n, k, size, tolerance } = problem;
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 5;
  const { labels, weights } = problem;
  const line: LineData = {
    z: new Float64Array(n * k),
    zp: new Float64Array(n * k),
    n,
    k,
    labels,
    weights,
  };
  const state: ProbeState = { theta: new Float64Array(size), line, probs: new Float64Array(n * k) };
  let objective = fitIntercepts(problem, state, new Float64Array(size)) +
    penalty(problem, state.theta);
  let g = initialGradient(problem, state.probs);
  const pairs: CorrectionPair[] = [];
  let iterations = 0;
  let gradientNorm = maxAbs(g);
  while (gradientNorm > tolerance && iterations < maxIterations) {
    const direction = searchDirection(problem, { g, pairs });
    const alpha = lineSearch(problem, state, direction);
    const s = takeStep(problem, state, { p: direction.p, alpha });
    objective = fitIntercepts(problem, state, s) + penalty(problem, state.theta);
    const next = gradient(problem, state);
    addPair(pairs, { s, g, next, memory });
    g = next;
    gradientNorm = maxAbs(g);
    iterations++;
  }
  return {
    ...uncentred(problem, state.theta),
    classes: k,
    dim: problem.dim,
    iterations,
    converged: gradientNorm <= tolerance,
    gradientNorm,
    objective,
  };
}

/** Decision values x·Wᵀ + b of the rows of `x` (rows × classes, row-major). */
export function decisionFunction(model: LogisticModel, x: Matrix): Float64Array {
  const { classes, dim } = model;
  const z = crossProductSimd(x, { data: model.coef, rows: classes, cols: dim }).data;
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < classes; j++) z[i * classes + j] += model.intercept[j];
  }
  return z;
}
