/**
 * The floating-point error model of entropic Gromov–Wasserstein (square loss, uniform weights),
 * for comparing two solvers (float32 TF.js vs float64, ours vs POT): how far two plans may lie
 * apart when their arithmetic and stopping rules differ.
 *
 * One projected-gradient step computes M = 2·(constC − 2·C1·T·C2ᵀ), a sum of non-negative terms
 * along chains of at most n + m + 5 rounded operations (the two products, constC, the rounding of
 * the inputs), so each evaluation is within γ(n + m + 5)·2·(constC + 2·C1·T·C2ᵀ) of the exact
 * gradient (Ē: the sum over both evaluations, at its largest entry). Sinkhorn turns M into
 * exp((f ⊕ g − M)/ε) and renormalises, so every log-plan entry moves by at most Ē/ε through M
 * and Ē/ε through each potential, plus the rounding of the exponent (≤ 4u·|M|/ε per
 * evaluation): a relative change of at most ρ = exp((3Ē + 4(u₁ + u₂)·max|M|)/ε) − 1 per step.
 * The model is first order per step; the solvers' stopping tolerances are added on top by the
 * caller.
 *
 * @module
 */
import type { Matrix } from "../../src/metrics/types.ts";
import { gamma } from "./numeric.ts";

/** constC and C1·T·C2ᵀ in float64 at plan T (uniform weights). */
export interface GwParts {
  n: number;
  m: number;
  constC: Float64Array;
  ctc: Float64Array;
}

/** {@link GwParts} of C1 (n×n), C2 (m×m) at plan T (n×m, row-major). */
export function gwParts(c1: Matrix, c2: Matrix, T: ArrayLike<number>): GwParts {
  const n = c1.rows, m = c2.rows;
  const a1 = new Float64Array(n), a2 = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) a1[i] += c1.data[i * n + k] ** 2 / n;
  for (let j = 0; j < m; j++) for (let l = 0; l < m; l++) a2[j] += c2.data[j * m + l] ** 2 / m;
  const tmp = new Float64Array(n * m), ctc = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const c = c1.data[i * n + k];
      for (let j = 0; j < m; j++) tmp[i * m + j] += c * T[k * m + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < m; l++) s += tmp[i * m + l] * c2.data[j * m + l];
      ctc[i * m + j] = s;
    }
  }
  const constC = Float64Array.from({ length: n * m }, (_, x) => a1[Math.floor(x / m)] + a2[x % m]);
  return { n, m, constC, ctc };
}

/** ρ: the largest relative change of a plan entry in one step between two evaluations. */
export function gwStepRho(parts: GwParts, epsilon: number, units: [number, number]): number {
  const terms = parts.n + parts.m + 5;
  const g = gamma(terms, units[0]) + gamma(terms, units[1]);
  let eBar = 0, mMax = 0;
  for (let x = 0; x < parts.constC.length; x++) {
    eBar = Math.max(eBar, 2 * g * (parts.constC[x] + 2 * parts.ctc[x]));
    mMax = Math.max(mMax, 2 * Math.abs(parts.constC[x] - 2 * parts.ctc[x]));
  }
  return Math.expm1((3 * eBar + 4 * (units[0] + units[1]) * mMax) / epsilon);
}

/**
 * The GW objective Σ (constC − 2·C1·T·C2ᵀ)∘T at T: its float64 value, its scale
 * Σ (constC + 2·C1·T·C2ᵀ)∘T, the chain length of its float evaluation (n·m + n + m + 5), and
 * `reach`: how a per-entry plan change of 1 can move it (Σ|constC − 2·C1·T·C2ᵀ| through T,
 * 2·Σ T_ij·Σ_k C1_ik·Σ_l C2_jl through C1·ΔT·C2ᵀ).
 */
export function gwObjective(c1: Matrix, c2: Matrix, T: ArrayLike<number>) {
  const parts = gwParts(c1, c2, T);
  const { n, m, constC, ctc } = parts;
  const r1 = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += c1.data[i * n + k];
    return s;
  });
  const r2 = Array.from({ length: m }, (_, j) => {
    let s = 0;
    for (let l = 0; l < m; l++) s += c2.data[j * m + l];
    return s;
  });
  let value = 0, scale = 0, reach = 0;
  for (let x = 0; x < n * m; x++) {
    const i = Math.floor(x / m), j = x % m;
    value += (constC[x] - 2 * ctc[x]) * T[x];
    scale += (constC[x] + 2 * ctc[x]) * T[x];
    reach += Math.abs(constC[x] - 2 * ctc[x]) + 2 * T[x] * r1[i] * r2[j];
  }
  return { parts, value, scale, reach, terms: n * m + n + m + 5 };
}
