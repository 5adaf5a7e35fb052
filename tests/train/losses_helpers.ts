/**
 * Helpers of the loss tests: float64 reference implementations of every loss (plain JS, written
 * from the formulas in the JSDoc, independent of TensorFlow.js), central finite differences,
 * a gradient comparison, a tensor-leak check and seeded random inputs.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../src/stats/random.ts";

await tf.setBackend("cpu");

/** A dense row-major matrix in float64. */
export type Mat = number[][];

/** Fail unless |got − want| ≤ tol. */
export function close(got: number, want: number, tol: number, what: string): void {
  if (!(Math.abs(got - want) <= tol)) assert.fail(`${what}: got ${got}, want ${want} (±${tol})`);
}

/** Element-wise `close` for arrays. */
export function allClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) close(got[i], want[i], tol, `${what}[${i}]`);
}

/** A scalar tensor's value (disposes it). */
export function value(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** Standard normal matrix (Box–Muller), rows × cols. */
export function randn(rng: Rng, rows: number, cols: number, scale = 1): Mat {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => {
      const u = 1 - rng.next(), v = rng.next();
      return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }));
}

/** Round every entry to float32, so the reference sees exactly what TF.js sees. */
export function f32(m: Mat): Mat {
  return m.map((row) => Array.from(Float32Array.from(row)));
}

/**
 * Run `fn` and check that it leaves no tensor behind (beyond those it returns, which are
 * disposed here) and that it returns what it returns.
 */
export function noLeak<T extends tf.TensorContainer>(what: string, fn: () => T): void {
  const before = tf.memory().numTensors;
  const out = fn();
  tf.dispose(out);
  assert.equal(tf.memory().numTensors, before, `${what}: tensors leaked`);
}

// ---------------------------------------------------------------- float64 references

/** log Σ exp(z), max-shifted. */
function logSumExp(z: number[]): number {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** Reference softmax cross-entropy with label smoothing. */
export function refCrossEntropy(logits: Mat, labels: number[], smoothing = 0): number {
  let total = 0;
  logits.forEach((z, b) => {
    const lse = logSumExp(z);
    const c = z.length;
    z.forEach((v, k) => {
      const q = (1 - smoothing) * (k === labels[b] ? 1 : 0) + smoothing / c;
      total -= q * (v - lse);
    });
  });
  return total / logits.length;
}

/** Reference distance between two vectors. */
export function refDistance(
  a: number[],
  b: number[],
  kind: "cosine" | "sqeuclidean",
  eps = 1e-8,
): number {
  if (kind === "sqeuclidean") return a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const na = Math.max(Math.hypot(...a), eps), nb = Math.max(Math.hypot(...b), eps);
  return 1 - a.reduce((s, v, i) => s + v * b[i], 0) / (na * nb);
}

/** Hinge arguments d(x, p⁺) − d(x, p⁻) + m of fixed-prototype triplets. */
export function refPrototypeHinges(
  emb: Mat,
  protos: Mat,
  o: {
    anchorRows: number[];
    positive: number[];
    negative: number[];
    margin: number;
    distance: "cosine" | "sqeuclidean";
  },
): number[] {
  return o.anchorRows.map((r, t) =>
    refDistance(emb[r], protos[o.positive[t]], o.distance) -
    refDistance(emb[r], protos[o.negative[t]], o.distance) + o.margin
  );
}

/** Mean hinge. */
export function meanRelu(args: number[]): number {
  return args.length === 0 ? 0 : args.reduce((s, v) => s + Math.max(0, v), 0) / args.length;
}

/** Mean embedding of each concept, keyed by concept id. */
export function refPrototypes(emb: Mat, conceptOfRow: number[]): Map<number, number[]> {
  const sums = new Map<number, { s: number[]; n: number }>();
  emb.forEach((row, i) => {
    const c = conceptOfRow[i];
    const e = sums.get(c) ?? { s: row.map(() => 0), n: 0 };
    row.forEach((v, d) => (e.s[d] += v));
    e.n++;
    sums.set(c, e);
  });
  return new Map([...sums].map(([c, { s, n }]) => [c, s.map((v) => v / n)]));
}

/** Hinge arguments of batch-prototype triplets. */
export function refBatchHinges(
  emb: Mat,
  conceptOfRow: number[],
  o: {
    anchor: number[];
    positive: number[];
    negative: number[];
    margin: number;
    distance: "cosine" | "sqeuclidean";
  },
): number[] {
  const p = refPrototypes(emb, conceptOfRow);
  return o.anchor.map((a, t) =>
    refDistance(p.get(a)!, p.get(o.positive[t])!, o.distance) -
    refDistance(p.get(a)!, p.get(o.negative[t])!, o.distance) + o.margin
  );
}

/**
 * Reference matrix-alignment loss: prototypes in ascending concept order, cosine similarity,
 * upper triangle (masked), z-scores with variance floor ε, 1 − mean(zs·zh) or mean((zs−zh)²).
 */
export function refMatrixAlignment(
  emb: Mat,
  conceptOfRow: number[],
  human: Mat,
  o: { kind?: "pearson" | "mse"; mask?: Mat; eps?: number } = {},
): number {
  const eps = o.eps ?? 1e-8;
  const protos = refPrototypes(emb, conceptOfRow);
  const ids = [...protos.keys()].sort((a, b) => a - b);
  const s: number[] = [], h: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      if (o.mask && o.mask[i][j] === 0) continue;
      s.push(1 - refDistance(protos.get(ids[i])!, protos.get(ids[j])!, "cosine", eps));
      h.push(human[i][j]);
    }
  }
  if (s.length < 3) return 0;
  const z = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
    return v.map((x) => (x - m) / Math.sqrt(variance + eps));
  };
  const zs = z(s), zh = z(h);
  if (o.kind === "mse") return zs.reduce((a, v, i) => a + (v - zh[i]) ** 2, 0) / zs.length;
  return 1 - zs.reduce((a, v, i) => a + v * zh[i], 0) / zs.length;
}

/** softmax(z/τ) in float64. */
export function refSoftmax(z: number[], tau = 1): number[] {
  const lse = logSumExp(z.map((v) => v / tau));
  return z.map((v) => Math.exp(v / tau - lse));
}

/** Σ p log(p/q), 0·log 0 = 0. */
export function refKl(p: number[], q: number[]): number {
  return p.reduce((s, v, k) => (v > 0 ? s + v * Math.log(v / q[k]) : s), 0);
}

/** Mean KL(p_t ‖ softmax(z_t/τ)). */
export function refKlTriplet(p: Mat, z: Mat, tau = 1): number {
  return p.reduce((s, row, t) => s + refKl(row, refSoftmax(z[t], tau)), 0) / p.length;
}

/** Mean JSD(p_t, softmax(z_t/τ)). */
export function refJsdTriplet(p: Mat, z: Mat, tau = 1): number {
  return p.reduce((s, row, t) => {
    const q = refSoftmax(z[t], tau);
    const m = row.map((v, k) => (v + q[k]) / 2);
    return s + 0.5 * refKl(row, m) + 0.5 * refKl(q, m);
  }, 0) / p.length;
}

// ---------------------------------------------------------------- finite differences

/** Central differences of a float64 function of a matrix, step h. */
export function numericGrad(f: (x: Mat) => number, x: Mat, h: number): Mat {
  return x.map((row, i) =>
    row.map((_, j) => {
      const plus = x.map((r) => r.slice()), minus = x.map((r) => r.slice());
      plus[i][j] += h;
      minus[i][j] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    })
  );
}

/**
 * Central differences of a TF.js (float32) loss, step h. The actual step is taken from the
 * float32-rounded inputs, so the rounding of x ± h does not bias the quotient.
 */
export function numericGradTf(
  loss: (x: tf.Tensor2D) => tf.Scalar,
  x: Mat,
  h: number,
): Mat {
  const evalAt = (m: Mat) => value(tf.tidy(() => loss(tf.tensor2d(m))));
  return x.map((row, i) =>
    row.map((_, j) => {
      const plus = x.map((r) => r.slice()), minus = x.map((r) => r.slice());
      plus[i][j] = Math.fround(x[i][j] + h);
      minus[i][j] = Math.fround(x[i][j] - h);
      return (evalAt(plus) - evalAt(minus)) / (plus[i][j] - minus[i][j]);
    })
  );
}

/** Autodiff gradient of a TF.js loss w.r.t. its [N, D] input, as a matrix. */
export function autodiffGrad(loss: (x: tf.Tensor2D) => tf.Scalar, x: Mat): Mat {
  return tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => loss(t as tf.Tensor2D))(tf.tensor2d(x));
    return g.arraySync() as Mat;
  });
}

/**
 * Compare gradients entry by entry: |got − want| ≤ rtol · max(‖want‖∞, floor) (a tolerance
 * relative to the gradient's scale, so tiny entries are not held to a relative bound).
 */
export function gradClose(got: Mat, want: Mat, rtol: number, what: string, floor = 1e-3): void {
  const scale = Math.max(floor, ...want.flat().map(Math.abs));
  const tol = rtol * scale;
  got.forEach((row, i) =>
    row.forEach((g, j) => {
      if (!Number.isFinite(g) || !(Math.abs(g - want[i][j]) <= tol)) {
        assert.fail(
          `${what}: grad[${i}][${j}] = ${g}, finite differences ${want[i][j]} (tol ${tol})`,
        );
      }
    })
  );
}

/**
 * The full gradient check used for every loss:
 * 1. autodiff (float32) against central differences of the float64 reference (h = 1e-6):
 *    tolerance `rtol64` (default 1e-4; observed ≲ 1e-6) times the gradient's max-abs entry,
 *    which also checks that the TF.js loss computes the documented formula;
 * 2. autodiff against central differences of the TF.js loss itself in float32 (h = 1e-2, a step
 *    that balances float32 rounding ~1e-7/h against truncation ~h²; h = 1e-3 is ~10× noisier):
 *    tolerance `rtol32` (default 5e-3; observed ≲ 1e-4) times the max-abs entry.
 * The reference value must match the TF.js value to `valueTol` (default 1e-5 relative).
 */
export function checkGradient(
  what: string,
  loss: (x: tf.Tensor2D) => tf.Scalar,
  reference: (x: Mat) => number,
  x: Mat,
  options: { rtol64?: number; rtol32?: number; h32?: number; valueTol?: number } = {},
): void {
  const { rtol64 = 1e-4, rtol32 = 5e-3, h32 = 1e-2, valueTol = 1e-5 } = options;
  const xs = f32(x);
  const before = tf.memory().numTensors;
  const got = value(tf.tidy(() => loss(tf.tensor2d(xs))));
  const want = reference(xs);
  close(got, want, valueTol * Math.max(1, Math.abs(want)), `${what}: value vs float64 reference`);
  const g = autodiffGrad(loss, xs);
  gradClose(g, numericGrad(reference, xs, 1e-6), rtol64, `${what} (float64 FD)`);
  gradClose(g, numericGradTf(loss, xs, h32), rtol32, `${what} (float32 FD)`);
  assert.equal(tf.memory().numTensors, before, `${what}: tensors leaked`);
}
