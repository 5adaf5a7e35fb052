/**
 * The human similarity matrix implied by a SPoSE-style triplet embedding (Hebart et al. 2020):
 * with S = W·Wᵀ, the similarity of concepts i and j is the probability that they are kept
 * together as the odd-one-out choice is made in a triplet with a third concept k, averaged over
 * all k ≠ i, j:
 *
 *   RSM_ij = 1/(n−2) · Σ_{k≠i,j} e^{S_ij} / (e^{S_ij} + e^{S_ik} + e^{S_jk}),  RSM_ii = 1.
 *
 * That is n(n−1)/2 · (n−2) ≈ 3.2e9 terms for the 1,854 THINGS concepts. Only i < j is computed
 * (then mirrored). With E = e^{S − max S} and r = 1/E_ij each term is 1/t_k with
 * t_k = 1 + (E_ik + E_jk)·r, and two terms share one division: 1/t + 1/t' = (t + t')/(t·t').
 * The inner loop runs in WebAssembly SIMD (two f64 lanes) where available, else in JavaScript.
 * Rows i are handed out to Web Workers that share E and the result (shared memory); every
 * entry is computed by the same code in the same order whichever thread takes it, so the
 * result is bit-identical for any worker count.
 */
import { gramInto } from "../metrics/similarity.ts";
import { assertMatrix, type Matrix } from "../metrics/types.ts";
import {
  assembleModule,
  F64,
  I32,
  op,
  simdSupported,
  V128,
  type WasmFunction,
} from "../metrics/wasm.ts";

/** Options of {@link humanSimilarityFromEmbedding}. */
export interface HumanSimilarityOptions {
  /**
   * Number of Web Workers (default `navigator.hardwareConcurrency`); 0 computes on the calling
   * thread. Small matrices (n < 256) are always computed on the calling thread.
   */
  workers?: number;
  /** Called now and then with the number of pairs (i < j) done and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Inner loop: "auto" (default) WebAssembly SIMD when available, or "js". Both agree to
   * ~1e-15; for one choice the result does not depend on the worker count.
   */
  kernel?: "auto" | "wasm" | "js";
}

/**
 * Largest spread max(S) − min(S) for which the fast kernels are exact: E = e^{S − max S} then
 * stays a normal float, and the products of two terms t·t' ≤ (1 + 2e^{spread})² stay below
 * 1e308. Wider spreads use the slower kernel with exp in the loop.
 */
const FAST_SPREAD = 300;

/** Largest n for the WebAssembly kernel: E and the result (16 n² bytes) below 2 GiB. */
const WASM_MAX_N = 11000;

/** What a worker (or the calling thread) needs to fill rows of the result. */
export interface HumanSimilarityTask {
  /** Number of concepts. */
  n: number;
  /**
   * "wasm" / "fast": `table` holds E = exp(S − max S) (WebAssembly or JavaScript loop);
   * "safe": `table` holds S itself (exp in the loop, any spread).
   */
  mode: "wasm" | "fast" | "safe";
  /** n×n table (E or S), row-major. */
  table: Float64Array;
  /** n×n result; the kernel writes entries (i, j) with j > i. */
  out: Float64Array;
  /** "wasm" only: the shared memory holding `table` at byte 0 and then `out`. */
  memory?: WebAssembly.Memory;
}

/**
 * A function that fills the upper part (j > i) of row `i` of the result. Exported for the
 * worker module; every thread builds the same kernel, so each entry is computed identically.
 */
export function createHumanSimilarityRowKernel(task: HumanSimilarityTask): (i: number) => void {
  const { n, table, out, mode } = task;
  const scale = 1 / (n - 2);
  if (mode === "wasm") {
    const segment = wasmSegmentSum(task.memory!);
    return (i) => {
      const oi = i * n;
      for (let j = i + 1; j < n; j++) {
        const oj = j * n, r = 1 / table[oi + j];
        const s = segment(8 * oi, 8 * oj, i, r) +
          segment(8 * (oi + i + 1), 8 * (oj + i + 1), j - i - 1, r) +
          segment(8 * (oi + j + 1), 8 * (oj + j + 1), n - j - 1, r);
        out[oi + j] = s * scale;
      }
    };
  }
  if (mode === "fast") {
    return (i) => {
      const oi = i * n;
      for (let j = i + 1; j < n; j++) {
        const oj = j * n, r = 1 / table[oi + j];
        const s = sumFast(table, oi, oj, 0, i, r) + sumFast(table, oi, oj, i + 1, j, r) +
          sumFast(table, oi, oj, j + 1, n, r);
        out[oi + j] = s * scale;
      }
    };
  }
  return (i) => {
    const oi = i * n;
    for (let j = i + 1; j < n; j++) {
      const oj = j * n, sij = table[oi + j];
      const s = sumSafe(table, oi, oj, 0, i, sij) + sumSafe(table, oi, oj, i + 1, j, sij) +
        sumSafe(table, oi, oj, j + 1, n, sij);
      out[oi + j] = s * scale;
    }
  };
}

/**
 * Σ_{k0 ≤ k < k1} 1 / t_k with t_k = 1 + (E_ik + E_jk)·r, r = 1/E_ij (= the term
 * E_ij / (E_ij + E_ik + E_jk)). Two terms share one division, with four independent
 * accumulators: the loop is bound by division throughput otherwise.
 */
function sumFast(e: Float64Array, oi: number, oj: number, k0: number, k1: number, r: number) {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = k0;
  for (; k + 7 < k1; k += 8) {
    const t1 = 1 + (e[oi + k] + e[oj + k]) * r;
    const t2 = 1 + (e[oi + k + 1] + e[oj + k + 1]) * r;
    const t3 = 1 + (e[oi + k + 2] + e[oj + k + 2]) * r;
    const t4 = 1 + (e[oi + k + 3] + e[oj + k + 3]) * r;
    const t5 = 1 + (e[oi + k + 4] + e[oj + k + 4]) * r;
    const t6 = 1 + (e[oi + k + 5] + e[oj + k + 5]) * r;
    const t7 = 1 + (e[oi + k + 6] + e[oj + k + 6]) * r;
    const t8 = 1 + (e[oi + k + 7] + e[oj + k + 7]) * r;
    s0 += (t1 + t2) / (t1 * t2);
    s1 += (t3 + t4) / (t3 * t4);
    s2 += (t5 + t6) / (t5 * t6);
    s3 += (t7 + t8) / (t7 * t8);
  }
  for (; k < k1; k++) s0 += 1 / (1 + (e[oi + k] + e[oj + k]) * r);
  return (s0 + s1) + (s2 + s3);
}

/** Σ 1 / (1 + e^{S_ik − S_ij} + e^{S_jk − S_ij}): slow but safe for any spread of S. */
function sumSafe(s: Float64Array, oi: number, oj: number, k0: number, k1: number, sij: number) {
  let acc = 0;
  for (let k = k0; k < k1; k++) {
    acc += 1 / (1 + Math.exp(s[oi + k] - sij) + Math.exp(s[oj + k] - sij));
  }
  return acc;
}

// WebAssembly kernel: segSum(pi, pj, count, r) = Σ_{q < count} 1/(1 + (Ei[q] + Ej[q])·r) with
// pi, pj byte addresses of E_i,k0 and E_j,k0. Per iteration four columns as two f64x2 vectors
// tA, tB combined lane-wise, 1/tA + 1/tB = (tA + tB)/(tA·tB), into two accumulators; the
// remaining 0–3 columns one by one.
const [PI, PJ, COUNT, R] = [0, 1, 2, 3];
const [END4, K, ENDB] = [4, 5, 6];
const [VR, ONE, ACC0, ACC1, TA, TB] = [7, 8, 9, 10, 11, 12];
const S = 13;

/** t = 1 + (Ei[k + offset] + Ej[k + offset])·r for two lanes, left on the stack. */
const tVector = (offset: number) => [
  ...[op.get(ONE), op.get(PI), op.get(K), op.i32Add(), op.v128Load(offset)],
  ...[op.get(PJ), op.get(K), op.i32Add(), op.v128Load(offset), op.f64x2Add()],
  ...[op.get(VR), op.f64x2Mul(), op.f64x2Add()],
];
/** acc += (tA + tB) / (tA · tB) for the four columns at k + offset. */
const pairStep = (acc: number, offset: number) => [
  ...tVector(offset),
  op.set(TA),
  ...tVector(offset + 16),
  op.set(TB),
  ...[op.get(acc), op.get(TA), op.get(TB), op.f64x2Add(), op.get(TA), op.get(TB)],
  ...[op.f64x2Mul(), op.f64x2Div(), op.f64x2Add(), op.set(acc)],
];

const SEGMENT_SUM: WasmFunction = {
  name: "segSum",
  params: [I32, I32, I32, F64],
  results: [F64],
  locals: [I32, I32, I32, V128, V128, V128, V128, V128, V128, F64],
  body: [
    ...[op.get(R), op.f64x2Splat(), op.set(VR)],
    ...[op.f64Const(1), op.f64x2Splat(), op.set(ONE)],
    ...[op.f64Const(0), op.f64x2Splat(), op.tee(ACC0), op.set(ACC1)],
    ...[op.get(COUNT), op.i32Const(-8), op.i32And(), op.i32Const(3), op.i32Shl(), op.set(END4)],
    ...[op.get(COUNT), op.i32Const(3), op.i32Shl(), op.set(ENDB)],
    // eight columns per iteration into two accumulators
    op.block(),
    op.loop(),
    ...[op.get(K), op.get(END4), op.i32GeU(), op.brIf(1)],
    ...pairStep(ACC0, 0),
    ...pairStep(ACC1, 32),
    ...[op.get(K), op.i32Const(64), op.i32Add(), op.set(K)],
    op.br(0),
    op.end(),
    op.end(),
    ...[op.get(ACC0), op.get(ACC1), op.f64x2Add(), op.tee(ACC0), op.f64x2ExtractLane(0)],
    ...[op.get(ACC0), op.f64x2ExtractLane(1), op.f64Add(), op.set(S)],
    // the remaining 0–7 columns one at a time
    op.block(),
    op.loop(),
    ...[op.get(K), op.get(ENDB), op.i32GeU(), op.brIf(1)],
    ...[op.get(S), op.f64Const(1), op.f64Const(1)],
    ...[op.get(PI), op.get(K), op.i32Add(), op.f64Load()],
    ...[op.get(PJ), op.get(K), op.i32Add(), op.f64Load(), op.f64Add()],
    ...[op.get(R), op.f64Mul(), op.f64Add(), op.f64Div(), op.f64Add(), op.set(S)],
    ...[op.get(K), op.i32Const(8), op.i32Add(), op.set(K)],
    op.br(0),
    op.end(),
    op.end(),
    op.get(S),
  ],
};

type SegmentSum = (pi: number, pj: number, count: number, r: number) => number;
let segmentModule: WebAssembly.Module | undefined;

/** Instantiate the segment kernel on `memory` (the module is compiled once per thread). */
function wasmSegmentSum(memory: WebAssembly.Memory): SegmentSum {
  segmentModule ??= new WebAssembly.Module(
    assembleModule([SEGMENT_SUM], { sharedMemory: true }),
  );
  const instance = new WebAssembly.Instance(segmentModule, { env: { memory } });
  return instance.exports.segSum as SegmentSum;
}

/** Build the task: choose the kernel, allocate shared (or plain) buffers, fill the table. */
function prepare(
  embedding: Matrix,
  kernel: "auto" | "wasm" | "js",
  shared: boolean,
): HumanSimilarityTask {
  const n = embedding.rows;
  const bytes = n * n * 8;
  const wasm = kernel === "wasm" ||
    (kernel === "auto" && n <= WASM_MAX_N && simdSupported() &&
      typeof SharedArrayBuffer !== "undefined");
  let memory: WebAssembly.Memory | undefined;
  let table: Float64Array, out: Float64Array;
  if (wasm) {
    const pages = Math.ceil((2 * bytes) / 65536);
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    table = new Float64Array(memory.buffer, 0, n * n);
    out = new Float64Array(memory.buffer, bytes, n * n);
  } else {
    const alloc = () =>
      new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    table = alloc();
    out = alloc();
  }
  const { min, max } = gramInto(embedding.data, table, { n: embedding.rows, d: embedding.cols });
  if (!Number.isFinite(max) || !Number.isFinite(min)) {
    throw new RangeError("humanSimilarityFromEmbedding: the embedding has non-finite values");
  }
  if (max - min > FAST_SPREAD) return { n, mode: "safe", table, out };
  for (let t = 0; t < n * n; t++) table[t] = Math.exp(table[t] - max);
  return wasm ? { n, mode: "wasm", table, out, memory } : { n, mode: "fast", table, out };
}

/** Copy of the result with the lower triangle mirrored from the upper one and diagonal 1. */
function finish(out: Float64Array, n: number): Float64Array {
  const result = new Float64Array(n * n);
  result.set(out);
  for (let i = 0; i < n; i++) {
    result[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) result[j * n + i] = result[i * n + j];
  }
  return result;
}

/** Below this many concepts the work is too small to pay for starting workers. */
const MIN_PARALLEL_N = 256;

/** What the worker module posts back. */
type WorkerMessage =
  | { type: "progress"; pairs: number }
  | { type: "done" }
  | { type: "error"; message: string };

/**
 * Human similarity matrix (n×n, row-major, symmetric, diagonal 1) of a SPoSE-style embedding
 * (rows = concepts), following Hebart et al. (2020); see the module documentation. Needs
 * n ≥ 3. Deterministic: bit-identical for every worker count.
 */
export async function humanSimilarityFromEmbedding(
  embedding: Matrix,
  options: HumanSimilarityOptions = {},
): Promise<Float64Array> {
  assertMatrix(embedding, "humanSimilarityFromEmbedding");
  const n = embedding.rows;
  if (n < 3) throw new RangeError(`humanSimilarityFromEmbedding: needs n ≥ 3, got ${n}`);
  const total = (n * (n - 1)) / 2;
  const requested = options.workers ?? navigator.hardwareConcurrency ?? 1;
  const workers = n < MIN_PARALLEL_N || typeof Worker === "undefined"
    ? 0
    : Math.max(0, Math.min(Math.floor(requested), n - 1));
  const onProgress = options.onProgress;
  const task = prepare(embedding, options.kernel ?? "auto", workers > 0);
  if (workers === 0) {
    const fillRow = createHumanSimilarityRowKernel(task);
    let done = 0;
    for (let i = 0; i < n - 1; i++) {
      fillRow(i);
      done += n - 1 - i;
      onProgress?.(done, total);
    }
    return finish(task.out, n);
  }
  // Rows are claimed through a shared counter, largest rows (small i) first.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const url = new URL("./similarity_worker.ts", import.meta.url).href;
  const pool: Worker[] = [];
  let done = 0;
  try {
    await Promise.all(
      Array.from({ length: workers }, () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(url, { type: "module" });
          pool.push(worker);
          worker.onmessage = (event: MessageEvent) => {
            const msg = event.data as WorkerMessage;
            if (msg.type === "progress") {
              done += msg.pairs;
              onProgress?.(done, total);
            } else if (msg.type === "done") resolve();
            else reject(new Error(`human similarity worker: ${msg.message}`));
          };
          worker.onerror = (event: ErrorEvent) => {
            event.preventDefault();
            reject(new Error(`human similarity worker: ${event.message}`));
          };
          worker.postMessage({ task, next });
        })),
    );
  } finally {
    for (const worker of pool) worker.terminate();
  }
  return finish(task.out, n);
}
