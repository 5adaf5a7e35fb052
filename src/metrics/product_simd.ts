/**
 * The matrix products of `similarity.ts` (`crossProduct`, `gramInto`) with WebAssembly SIMD,
 * bit for bit equal to them. The two f64 lanes hold two different output entries (two rows of
 * the right-hand matrix, interleaved), never two halves of one sum, so every entry is still one
 * sequential sum over the columns in index order (`0 + x₀y₀ + x₁y₁ + …`, multiply then add,
 * as the JavaScript loop does); only more entries advance per instruction. Four entries per
 * row pair and two row pairs per step (eight sums at once) come out about twice as fast as the
 * register-blocked JavaScript loop. Without SIMD the JavaScript products are used.
 *
 * @module
 */
import { crossProduct, gramInto, valueRange } from "./similarity.ts";
import { assertMatrix, type Matrix } from "./types.ts";
import {
  ensureMemory,
  I32,
  instantiateKernel,
  op,
  simdSupported,
  V128,
  type WasmFunction,
} from "./wasm.ts";

// strip(x0, x1, yp, q0, q1, d, out), byte addresses: rows x0 and x1 of X (d f64 each) against
// the pairs q0 ≤ q < q1 (q1 − q0 even) of the interleaved right-hand rows at yp (pair q holds
// (y[2q][k], y[2q+1][k]) for k < d, 16 bytes per k); for each two pairs A, B the 8 sums
// x0·A, x0·B, x1·A, x1·B (lane 0 = the even row) go to out + 64·(q − q0)/2 in that order.
const [X0, X1, YP, Q0, Q1, D, OUT] = [0, 1, 2, 3, 4, 5, 6];
const [Q, PA, PB, KX, KP, KXEND, OP] = [7, 8, 9, 10, 11, 12, 13];
const [A0, B0, A1, B1, XV0, XV1, VA, VB] = [14, 15, 16, 17, 18, 19, 20, 21];

const zero = (dst: number) => [op.f64Const(0), op.f64x2Splat(), op.set(dst)];
const multiplyAdd = (acc: number, x: number, y: number) => [
  ...[op.get(acc), op.get(x), op.get(y), op.f64x2Mul(), op.f64x2Add(), op.set(acc)],
];
/** Both lanes of accumulator `acc` to out + OP + offset bytes. */
const store = (acc: number, offset: number) => [
  ...[op.get(OP), op.get(acc), op.f64x2ExtractLane(0), op.f64Store(offset)],
  ...[op.get(OP), op.get(acc), op.f64x2ExtractLane(1), op.f64Store(offset + 8)],
];

const STRIP: WasmFunction = {
  name: "strip",
  params: Array(7).fill(I32),
  results: [],
  // Q…OP: 7 × i32; A0…VB: 8 × v128
  locals: [...Array(7).fill(I32), ...Array(8).fill(V128)],
  body: [
    ...[op.get(D), op.i32Const(3), op.i32Shl(), op.set(KXEND)],
    ...[op.get(Q0), op.set(Q), op.get(OUT), op.set(OP)],
    op.block(),
    op.loop(),
    ...[op.get(Q), op.get(Q1), op.i32GeU(), op.brIf(1)],
    // pair q starts at yp + q·16d, pair q + 1 right after it
    ...[op.get(YP), op.get(Q), op.get(D), op.i32Mul(), op.i32Const(4), op.i32Shl(), op.i32Add()],
    op.tee(PA),
    ...[op.get(D), op.i32Const(4), op.i32Shl(), op.i32Add(), op.set(PB)],
    ...zero(A0),
    ...zero(B0),
    ...zero(A1),
    ...zero(B1),
    ...[op.i32Const(0), op.set(KX), op.i32Const(0), op.set(KP)],
    op.block(),
    op.loop(),
    ...[op.get(KX), op.get(KXEND), op.i32GeU(), op.brIf(1)],
    ...[op.get(X0), op.get(KX), op.i32Add(), op.f64Load(), op.f64x2Splat(), op.set(XV0)],
    ...[op.get(X1), op.get(KX), op.i32Add(), op.f64Load(), op.f64x2Splat(), op.set(XV1)],
    ...[op.get(PA), op.get(KP), op.i32Add(), op.v128Load(), op.set(VA)],
    ...[op.get(PB), op.get(KP), op.i32Add(), op.v128Load(), op.set(VB)],
    ...multiplyAdd(A0, XV0, VA),
    ...multiplyAdd(B0, XV0, VB),
    ...multiplyAdd(A1, XV1, VA),
    ...multiplyAdd(B1, XV1, VB),
    ...[op.get(KX), op.i32Const(8), op.i32Add(), op.set(KX)],
    ...[op.get(KP), op.i32Const(16), op.i32Add(), op.set(KP)],
    op.br(0),
    op.end(),
    op.end(),
    ...store(A0, 0),
    ...store(B0, 16),
    ...store(A1, 32),
    ...store(B1, 48),
    ...[op.get(OP), op.i32Const(64), op.i32Add(), op.set(OP)],
    ...[op.get(Q), op.i32Const(2), op.i32Add(), op.set(Q)],
    op.br(0),
    op.end(),
    op.end(),
  ],
};

type StripFn = (
  x0: number,
  x1: number,
  yp: number,
  q0: number,
  q1: number,
  d: number,
  out: number,
) => void;
let instance: { memory: WebAssembly.Memory; strip: StripFn } | undefined;

function kernel(): { memory: WebAssembly.Memory; strip: StripFn } {
  if (!instance) {
    const { memory, run } = instantiateKernel<StripFn>(STRIP);
    instance = { memory, strip: run };
  }
  return instance;
}

/**
 * X·Yᵀ (X: n×d, Y: m×d) into `out` (n×m, row-major); `symmetric` (Y = X) computes the strips at
 * and right of the diagonal and mirrors them.
 */
function productSimd(
  x: Float64Array,
  y: Float64Array,
  out: Float64Array,
  a: { n: number; m: number; d: number; symmetric: boolean },
): void {
  const { n, m, d, symmetric } = a;
  const pairs = Math.ceil(m / 2) + 1; // one zero pair of padding: strips have an even length
  const xBytes = n * d * 8, pBytes = pairs * d * 16;
  const { memory, strip } = kernel();
  ensureMemory(memory, xBytes + pBytes + (pairs + 1) * 32);
  const buffer = memory.buffer;
  new Float64Array(buffer, 0, n * d).set(x);
  const packed = new Float64Array(buffer, xBytes, pairs * d * 2).fill(0);
  for (let j = 0; j < m; j++) {
    const base = (j >> 1) * 2 * d + (j & 1);
    for (let k = 0; k < d; k++) packed[base + 2 * k] = y[j * d + k];
  }
  const outAt = xBytes + pBytes;
  const sums = new Float64Array(buffer, outAt, (pairs + 1) * 4);
  const put = (i: number, j: number, v: number) => {
    out[i * m + j] = v;
    if (symmetric) out[j * m + i] = v;
  };
  const used = Math.ceil(m / 2);
  // X·Yᵀ in column blocks of about BLOCK_BYTES of packed Y, so a block stays in cache while every
  // row pair of X passes it (a large Y, e.g. a transposed data matrix, otherwise streams from
  // memory once per row pair); the symmetric product keeps one block. Each entry is still one
  // sequential sum, so the result does not depend on the blocking.
  const width = symmetric ? used : Math.max(2, 2 * Math.floor(BLOCK_BYTES / (32 * d)));
  for (let b0 = 0; b0 < used; b0 += width) {
    const b1 = Math.min(used, b0 + width);
    for (let i = 0; i < n; i += 2) {
      const i1 = Math.min(i + 1, n - 1);
      const q0 = symmetric ? i >> 1 : b0;
      const q1 = q0 + Math.ceil((b1 - q0) / 2) * 2;
      strip(i * d * 8, i1 * d * 8, xBytes, q0, q1, d, outAt);
      for (let q = q0; q < q1; q++) {
        const block = ((q - q0) >> 1) * 8 + ((q - q0) & 1) * 2;
        for (let lane = 0; lane < 2; lane++) {
          const j = 2 * q + lane;
          if (j >= (symmetric ? m : Math.min(m, 2 * b1))) continue;
          put(i, j, sums[block + lane]);
          if (i1 !== i) put(i1, j, sums[block + 4 + lane]);
        }
      }
    }
  }
}

/** Bytes of packed Y per column block of {@link productSimd} (about a core's L2 cache). */
const BLOCK_BYTES = 1 << 20;

/** Whether the SIMD products run here (and the operands fit the 32-bit address space). */
function useSimd(bytes: number): boolean {
  return simdSupported() && bytes < 2 ** 30;
}

/** `crossProduct(a, b)` of `similarity.ts`, bit for bit, with SIMD where available. */
export function crossProductSimd(a: Matrix, b: Matrix): Matrix {
  assertMatrix(a, "crossProductSimd a");
  assertMatrix(b, "crossProductSimd b");
  if (a.cols !== b.cols) throw new RangeError(`crossProductSimd: ${a.cols} vs ${b.cols} columns`);
  if (!useSimd((a.rows + b.rows + 2) * a.cols * 16)) return crossProduct(a, b);
  const out = new Float64Array(a.rows * b.rows);
  if (a.rows > 0 && b.rows > 0) {
    productSimd(a.data, b.data, out, { n: a.rows, m: b.rows, d: a.cols, symmetric: false });
  }
  return { data: out, rows: a.rows, cols: b.rows };
}

/** `gramInto(x, out, {n, d})` of `similarity.ts`, bit for bit, with SIMD where available. */
export function gramIntoSimd(
  x: Float64Array,
  out: Float64Array,
  options: { n: number; d: number },
): { min: number; max: number } {
  const { n, d } = options;
  if (n === 0 || !useSimd((2 * n + 2) * d * 16)) return gramInto(x, out, options);
  productSimd(x, x, out, { n, m: n, d, symmetric: true });
  return valueRange(out, n * n);
}
