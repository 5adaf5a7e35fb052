/**
 * The three pair dot products of every triplet — s(a,b) of the kept pair, s(a,odd) and
 * s(b,odd) — the shared kernel of odd-one-out accuracy and triplet probabilities. A
 * WebAssembly SIMD kernel (two f64 lanes) is used where available, a plain JavaScript loop
 * otherwise; they differ only in the order of the additions.
 */
import { assertMatrix, assertTriplets, type Matrix, type Triplets } from "./types.ts";
import {
  ensureMemory,
  F64,
  I32,
  instantiateKernel,
  op,
  simdSupported,
  V128,
  type WasmFunction,
} from "./wasm.ts";

/** Which implementation computes the dot products. */
export type TripletKernel = "auto" | "wasm" | "js";

/** Options of {@link tripletDotProducts}. */
export interface TripletDotOptions {
  /** "auto" (default): WebAssembly SIMD when the runtime has it, else JavaScript. */
  kernel?: TripletKernel;
}

/** Triplets per WebAssembly call: bounds the scratch memory to ~2.4 MB plus the embedding. */
const CHUNK = 65536;

/**
 * `[s(a,b), s(a,odd), s(b,odd)]` for each of the first `triplets.n` triplets, 3 values per
 * triplet (dot products of the embedding rows). Indices are validated first (RangeError).
 */
export function tripletDotProducts(
  embedding: Matrix,
  triplets: Triplets,
  options: TripletDotOptions = {},
): Float64Array {
  assertMatrix(embedding, "embedding");
  assertTriplets(triplets, embedding.rows);
  const kernel = options.kernel ?? "auto";
  const out = new Float64Array(3 * triplets.n);
  const useWasm = kernel === "wasm" ||
    (kernel === "auto" && simdSupported() && embedding.data.byteLength < 2 ** 30);
  if (useWasm) wasmDots(embedding, triplets, out);
  else jsDots(embedding.data, embedding.cols, triplets, out);
  return out;
}

/** JavaScript kernel; two interleaved accumulators per product shorten the add chains. */
function jsDots(x: Float64Array, d: number, triplets: Triplets, out: Float64Array): void {
  const { a, b, odd, n } = triplets;
  for (let t = 0; t < n; t++) {
    const oa = a[t] * d, ob = b[t] * d, oo = odd[t] * d;
    let ab0 = 0, ao0 = 0, bo0 = 0, ab1 = 0, ao1 = 0, bo1 = 0, k = 0;
    for (; k + 1 < d; k += 2) {
      const xa = x[oa + k], xb = x[ob + k], xo = x[oo + k];
      const ya = x[oa + k + 1], yb = x[ob + k + 1], yo = x[oo + k + 1];
      ab0 += xa * xb;
      ao0 += xa * xo;
      bo0 += xb * xo;
      ab1 += ya * yb;
      ao1 += ya * yo;
      bo1 += yb * yo;
    }
    if (k < d) {
      const xa = x[oa + k], xb = x[ob + k], xo = x[oo + k];
      ab0 += xa * xb;
      ao0 += xa * xo;
      bo0 += xb * xo;
    }
    out[3 * t] = ab0 + ab1;
    out[3 * t + 1] = ao0 + ao1;
    out[3 * t + 2] = bo0 + bo1;
  }
}

// WebAssembly kernel: tripletDots(w, d, a, b, o, n, out), all byte addresses in memory.
// For each t < n: rows pa = w + a[t]·8d (likewise pb, po); accumulate va·vb, va·vo, vb·vo
// two lanes at a time (four columns per iteration into two accumulator sets, then two more
// columns if d mod 4 ≥ 2), add the odd last column if d is odd, store the 3 f64 at out + 24t.
const [W, D, A, B, O, N, OUT] = [0, 1, 2, 3, 4, 5, 6];
const [T, PA, PB, PO, K, KEND, ROW, OP] = [7, 8, 9, 10, 11, 12, 13, 14];
const [AB, AO, BO, VA, VB, VO] = [15, 16, 17, 18, 19, 20];
const [SAB, SAO, SBO, XA, XB, XO] = [21, 22, 23, 24, 25, 26];
const [AB2, AO2, BO2, KEND4] = [27, 28, 29, 30];

const rowAddress = (indices: number, dst: number) => [
  ...[op.get(W), op.get(indices), op.get(T), op.i32Const(2), op.i32Shl(), op.i32Add()],
  ...[op.i32Load(), op.get(ROW), op.i32Mul(), op.i32Add(), op.set(dst)],
];
const zeroVector = (dst: number) => [op.f64Const(0), op.f64x2Splat(), op.set(dst)];
/** v128 at row + k + offset bytes into local dst. */
const load = (row: number, dst: number, offset: number) => [
  ...[op.get(row), op.get(K), op.i32Add(), op.v128Load(offset), op.set(dst)],
];
/** acc += p · q, lane-wise for v128 (`vector`) or scalar f64. */
const multiplyAdd = (acc: number, p: number, q: number, vector: boolean) => [
  op.get(acc),
  op.get(p),
  op.get(q),
  vector ? op.f64x2Mul() : op.f64Mul(),
  vector ? op.f64x2Add() : op.f64Add(),
  op.set(acc),
];
/** Two columns at k + offset bytes of all three rows into the accumulators ab, ao, bo. */
const step = (ab: number, ao: number, bo: number, offset: number) => [
  ...load(PA, VA, offset),
  ...load(PB, VB, offset),
  ...load(PO, VO, offset),
  ...multiplyAdd(ab, VA, VB, true),
  ...multiplyAdd(ao, VA, VO, true),
  ...multiplyAdd(bo, VB, VO, true),
];
const addInto = (acc: number, other: number) => [
  ...[op.get(acc), op.get(other), op.f64x2Add(), op.set(acc)],
];
const laneSum = (v: number, dst: number) => [
  ...[op.get(v), op.f64x2ExtractLane(0), op.get(v), op.f64x2ExtractLane(1), op.f64Add()],
  op.set(dst),
];
const loadTail = (
  row: number,
  dst: number,
) => [op.get(row), op.get(KEND), op.i32Add(), op.f64Load(), op.set(dst)];

const TRIPLET_DOTS: WasmFunction = {
  name: "tripletDots",
  params: [I32, I32, I32, I32, I32, I32, I32],
  results: [],
  // T…OP: 8 × i32; AB…VO: 6 × v128; SAB…XO: 6 × f64; AB2, AO2, BO2: v128; KEND4: i32
  locals: [
    ...Array(8).fill(I32),
    ...Array(6).fill(V128),
    ...Array(6).fill(F64),
    ...Array(3).fill(V128),
    I32,
  ],
  body: [
    ...[op.get(D), op.i32Const(3), op.i32Shl(), op.set(ROW)],
    ...[op.get(D), op.i32Const(-2), op.i32And(), op.i32Const(3), op.i32Shl(), op.set(KEND)],
    ...[op.get(D), op.i32Const(-4), op.i32And(), op.i32Const(3), op.i32Shl(), op.set(KEND4)],
    op.block(),
    op.loop(),
    ...[op.get(T), op.get(N), op.i32GeU(), op.brIf(1)],
    ...rowAddress(A, PA),
    ...rowAddress(B, PB),
    ...rowAddress(O, PO),
    ...zeroVector(AB),
    ...zeroVector(AO),
    ...zeroVector(BO),
    ...zeroVector(AB2),
    ...zeroVector(AO2),
    ...zeroVector(BO2),
    ...[op.i32Const(0), op.set(K)],
    // four columns per iteration, two independent accumulator sets
    op.block(),
    op.loop(),
    ...[op.get(K), op.get(KEND4), op.i32GeU(), op.brIf(1)],
    ...step(AB, AO, BO, 0),
    ...step(AB2, AO2, BO2, 16),
    ...[op.get(K), op.i32Const(32), op.i32Add(), op.set(K)],
    op.br(0),
    op.end(),
    op.end(),
    // two more columns when d mod 4 ≥ 2
    ...[op.get(D), op.i32Const(2), op.i32And(), op.if()],
    ...step(AB, AO, BO, 0),
    op.end(),
    ...addInto(AB, AB2),
    ...addInto(AO, AO2),
    ...addInto(BO, BO2),
    ...laneSum(AB, SAB),
    ...laneSum(AO, SAO),
    ...laneSum(BO, SBO),
    // odd number of columns: the last one
    ...[op.get(D), op.i32Const(1), op.i32And(), op.if()],
    ...loadTail(PA, XA),
    ...loadTail(PB, XB),
    ...loadTail(PO, XO),
    ...multiplyAdd(SAB, XA, XB, false),
    ...multiplyAdd(SAO, XA, XO, false),
    ...multiplyAdd(SBO, XB, XO, false),
    op.end(),
    ...[op.get(OUT), op.get(T), op.i32Const(24), op.i32Mul(), op.i32Add(), op.tee(OP)],
    ...[op.get(SAB), op.f64Store(0)],
    ...[op.get(OP), op.get(SAO), op.f64Store(8)],
    ...[op.get(OP), op.get(SBO), op.f64Store(16)],
    ...[op.get(T), op.i32Const(1), op.i32Add(), op.set(T)],
    op.br(0),
    op.end(),
    op.end(),
  ],
};

type DotsFn = (
  w: number,
  d: number,
  a: number,
  b: number,
  o: number,
  n: number,
  out: number,
) => void;
let instance: { memory: WebAssembly.Memory; run: DotsFn } | undefined;

function wasmDots(embedding: Matrix, triplets: Triplets, out: Float64Array): void {
  if (!instance) {
    instance = instantiateKernel<DotsFn>(TRIPLET_DOTS);
  }
  const { memory, run } = instance;
  const { rows, cols } = embedding;
  const wBytes = rows * cols * 8;
  const chunk = Math.min(CHUNK, triplets.n);
  // layout: [embedding][a][b][odd][pad to 8][out]
  const aAt = wBytes, bAt = aAt + 4 * chunk, oAt = bAt + 4 * chunk;
  const outAt = Math.ceil((oAt + 4 * chunk) / 8) * 8;
  ensureMemory(memory, outAt + 24 * chunk);
  const buffer = memory.buffer;
  new Float64Array(buffer, 0, rows * cols).set(embedding.data);
  for (let t0 = 0; t0 < triplets.n; t0 += chunk) {
    const m = Math.min(chunk, triplets.n - t0);
    new Int32Array(buffer, aAt, m).set(triplets.a.subarray(t0, t0 + m));
    new Int32Array(buffer, bAt, m).set(triplets.b.subarray(t0, t0 + m));
    new Int32Array(buffer, oAt, m).set(triplets.odd.subarray(t0, t0 + m));
    run(0, cols, aAt, bAt, oAt, m, outAt);
    out.set(new Float64Array(buffer, outAt, 3 * m), 3 * t0);
  }
}
