/**
 * A minimal WebAssembly assembler for the few numeric kernels that need SIMD (f64x2): the
 * instructions are written as arrays of bytes with the helpers below and packed into a module
 * that imports its memory as `env.memory` and exports its functions by name. No toolchain and
 * no binary blobs: the kernels stay readable next to their JavaScript fallbacks.
 *
 * Encoding follows the WebAssembly core spec (binary format) and the fixed-width SIMD
 * proposal (prefix 0xfd), both shipped in V8/Deno.
 */

/** Value type i32. */
export const I32 = 0x7f;
/** Value type f64. */
export const F64 = 0x7c;
/** Value type v128. */
export const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return vec([...new TextEncoder().encode(s)].map((b) => [b]));
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const simd = (code: number) => [0xfd, ...uleb(code)];
// memarg: alignment hint (log2 bytes) and offset; 8-byte alignment is all we promise
const memarg = (offset: number) => [3, ...uleb(offset)];

/** Instruction encoders (each returns the bytes of one instruction). */
export const op = {
  /** `block` with no result. */
  block: (): number[] => [0x02, 0x40],
  /** `loop` with no result. */
  loop: (): number[] => [0x03, 0x40],
  /** `if` with no result. */
  if: (): number[] => [0x04, 0x40],
  /** `end` of a block, loop, if or function. */
  end: (): number[] => [0x0b],
  /** Branch to the label `depth` levels out. */
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  /** Branch if the i32 on the stack is non-zero. */
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  /** Push local `index`. */
  get: (index: number): number[] => [0x20, ...uleb(index)],
  /** Pop into local `index`. */
  set: (index: number): number[] => [0x21, ...uleb(index)],
  /** Store into local `index`, keeping the value on the stack. */
  tee: (index: number): number[] => [0x22, ...uleb(index)],
  /** i32 load at address + offset. */
  i32Load: (offset = 0): number[] => [0x28, 2, ...uleb(offset)],
  /** f64 load at address + offset. */
  f64Load: (offset = 0): number[] => [0x2b, ...memarg(offset)],
  /** f64 store at address + offset. */
  f64Store: (offset = 0): number[] => [0x39, ...memarg(offset)],
  /** i32 constant. */
  i32Const: (value: number): number[] => [0x41, ...sleb(value)],
  /** f64 constant. */
  f64Const: (value: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  /** Unsigned i32 comparison a >= b. */
  i32GeU: (): number[] => [0x4f],
  /** i32 addition. */
  i32Add: (): number[] => [0x6a],
  /** i32 multiplication. */
  i32Mul: (): number[] => [0x6c],
  /** i32 bitwise and. */
  i32And: (): number[] => [0x71],
  /** i32 shift left. */
  i32Shl: (): number[] => [0x74],
  /** f64 addition. */
  f64Add: (): number[] => [0xa0],
  /** f64 multiplication. */
  f64Mul: (): number[] => [0xa2],
  /** f64 division. */
  f64Div: (): number[] => [0xa3],
  /** v128 load at address + offset (no alignment needed). */
  v128Load: (offset = 0): number[] => [...simd(0x00), ...memarg(offset)],
  /** f64x2 with both lanes set to the f64 on the stack. */
  f64x2Splat: (): number[] => simd(0x14),
  /** Lane `lane` (0 or 1) of an f64x2. */
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  /** Lane-wise f64x2 addition. */
  f64x2Add: (): number[] => simd(0xf0),
  /** Lane-wise f64x2 multiplication. */
  f64x2Mul: (): number[] => simd(0xf2),
  /** Lane-wise f64x2 division. */
  f64x2Div: (): number[] => simd(0xf3),
};

/** One exported function of a module built by {@link assembleModule}. */
export interface WasmFunction {
  /** Export name. */
  name: string;
  /** Parameter types (locals 0 … params.length − 1). */
  params: number[];
  /** Result types. */
  results: number[];
  /** Types of the further locals, numbered after the parameters. */
  locals: number[];
  /** Instructions, without the final `end`. */
  body: number[][];
}

/** Options of {@link assembleModule}. */
export interface AssembleOptions {
  /** Import `env.memory` as shared memory (for Web Workers); default false. */
  sharedMemory?: boolean;
}

/** Encode a module that imports `env.memory` and exports `functions` by name. */
export function assembleModule(
  functions: WasmFunction[],
  options: AssembleOptions = {},
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec(f.results.map((t) => [t])),
  ]);
  // shared memories must declare a maximum: 65536 pages (4 GiB)
  const limits = options.sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const codes = functions.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([count, t]) => [...uleb(count), t])), ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}

let simdCache: boolean | undefined;

/** Whether this runtime runs WebAssembly with 128-bit SIMD (checked once by validation). */
export function simdSupported(): boolean {
  if (simdCache === undefined) {
    try {
      simdCache = typeof WebAssembly === "object" && WebAssembly.validate(
        assembleModule([{
          name: "f",
          params: [F64],
          results: [F64],
          locals: [],
          body: [op.get(0), op.f64x2Splat(), op.f64x2ExtractLane(1)],
        }]),
      );
    } catch {
      simdCache = false;
    }
  }
  return simdCache;
}

/**
 * Compile `fn` (synchronously: the modules are a few hundred bytes, within the browsers' limit
 * for synchronous compilation) and instantiate it with a fresh one-page memory.
 */
export function instantiateKernel<F>(fn: WasmFunction): { memory: WebAssembly.Memory; run: F } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = new WebAssembly.Module(assembleModule([fn]));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return { memory, run: exports[fn.name] as F };
}

/** Grow `memory` so that it holds at least `bytes` bytes. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}
