/**
 * Reader and writer for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Arrays of plain numeric or boolean dtypes are supported; the data come back as a typed array
 * in C (row-major) order and native (little-endian) byte order together with the shape.
 * Fortran-order files (e.g. the published VICE embedding) are reordered on reading, as
 * `np.load` does.
 *
 * @module
 */
import { writeFileAtomic } from "./atomic.ts";
import { describeValue, InputError } from "./errors.ts";

/** Typed arrays that {@link parseNpy} can return. */
export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** An array read from a `.npy` file: data in C (row-major) order, shape and dtype. */
export interface NpyArray {
  /** Elements in C order. 64-bit integers are returned as `Float64Array` (exact values only). */
  data: NpyData;
  /** Dimensions; `[]` for a 0-d (scalar) array. */
  shape: number[];
  /** NumPy dtype name: `float32`, `float64`, `int8` … `uint64`, `bool`. */
  dtype: string;
  /** The dtype descriptor as written in the file header, e.g. `<f8` or `>i4`. */
  descr: string;
}

/** Options of {@link parseNpy}. */
export interface ParseNpyOptions {
  /** File name used in error messages. */
  file: string;
  /** Archive entry (e.g. inside an `.npz`) used in error messages. */
  entry?: string;
}

/** Arrays that {@link writeNpy} and {@link encodeNpy} can write. */
export interface NpyWritable {
  /** Elements in C order. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
  /** Dimensions (product must equal `data.length`); defaults to `[data.length]`. */
  shape?: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface DtypeInfo {
  name: string;
  size: number;
  /** Typed array constructor for direct views; undefined for 64-bit integers (converted). */
  ctor?: { new (buffer: ArrayBuffer, offset: number, length: number): NpyData };
}

const DTYPES: Record<string, DtypeInfo> = {
  f4: { name: "float32", size: 4, ctor: Float32Array },
  f8: { name: "float64", size: 8, ctor: Float64Array },
  i1: { name: "int8", size: 1, ctor: Int8Array },
  i2: { name: "int16", size: 2, ctor: Int16Array },
  i4: { name: "int32", size: 4, ctor: Int32Array },
  i8: { name: "int64", size: 8 },
  u1: { name: "uint8", size: 1, ctor: Uint8Array },
  u2: { name: "uint16", size: 2, ctor: Uint16Array },
  u4: { name: "uint32", size: 4, ctor: Uint32Array },
  u8: { name: "uint64", size: 8 },
  b1: { name: "bool", size: 1, ctor: Uint8Array },
};

/** Read a `.npy` file. See {@link parseNpy}. */
export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await Deno.readFile(path), { file: path });
}

/**
 * Parse the bytes of a `.npy` file.
 *
 * Validates the magic string, version, header dictionary and data length; big-endian data are
 * byte-swapped; `int64`/`uint64` data are converted to `Float64Array` and rejected with an
 * {@link InputError} if a magnitude reaches 2^53. When the data are little-endian and suitably
 * aligned inside `bytes`, the returned typed array is a view sharing memory with `bytes`.
 */
export function parseNpy(bytes: Uint8Array, options: ParseNpyOptions): NpyArray {
  const where = { file: options.file, entry: options.entry };
  const fail: NpyFail = (offset, expected, found) => {
    throw new InputError({ ...where, offset, expected, found });
  };
  const { major, headerStart, dataStart } = readPreamble(bytes, fail);
  const { descr, fortranOrder, shape, info, endian } = readHeader(
    bytes.subarray(headerStart, dataStart),
    { major, headerStart, fail },
  );
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * info.size;
  const foundBytes = bytes.length - dataStart;
  if (foundBytes !== expectedBytes) {
    fail(
      dataStart,
      `${expectedBytes} data bytes for shape (${shape.join(", ")}) of ${descr}`,
      `${foundBytes} bytes${
        foundBytes < expectedBytes
          ? (options.entry ? " (truncated entry)" : " (truncated file)")
          : ""
      }`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = endian === "<" || endian === "|" || (endian === "=" && HOST_LITTLE_ENDIAN);
  const data = decodeData(bytes, dataStart, count, info, littleEndian, (index) =>
    fail(
      dataStart + index * 8,
      "an integer of magnitude below 2^53 (exact as a float64)",
      `${view.getBigInt64(dataStart + index * 8, littleEndian)}`,
    ));
  return { data: fortranOrder ? fortranToC(data, shape) : data, shape, dtype: info.name, descr };
}

/** Throws an {@link InputError} at a byte offset of the `.npy` data. */
type NpyFail = (offset: number, expected: string, found: string) => never;

/** The magic string, the format version and where the header and the data start. */
function readPreamble(
  bytes: Uint8Array,
  fail: NpyFail,
): { major: number; headerStart: number; dataStart: number } {
  if (bytes.length < 10) {
    fail(
      0,
      "an .npy file of at least 10 bytes (magic, version, header length)",
      `${bytes.length} bytes`,
    );
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const head = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0"));
      fail(0, 'the magic string "\\x93NUMPY" (93 4e 55 4d 50 59)', `bytes ${head.join(" ")}`);
    }
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(8, "a 4-byte header length", `${bytes.length - 8} bytes`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(6, "format version 1.0, 2.0 or 3.0", `version ${major}.${minor}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    fail(
      headerStart,
      `a header of ${headerLength} bytes (declared at byte 8)`,
      `${bytes.length - headerStart} bytes before the end of the file`,
    );
  }
  return { major, headerStart, dataStart };
}

/** The header's dict (decoded as latin-1, or UTF-8 for version 3) and its numeric dtype. */
function readHeader(
  headerBytes: Uint8Array,
  { major, headerStart, fail }: { major: number; headerStart: number; fail: NpyFail },
): ReturnType<typeof parseHeader> & { info: DtypeInfo; endian: string } {
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(headerBytes);
  } catch {
    return fail(headerStart, "a UTF-8 header", "invalid UTF-8 bytes");
  }
  const { descr, fortranOrder, shape } = parseHeader(
    header,
    (expected, found) => fail(headerStart, expected, found),
  );
  const endian = descr[0];
  const info = DTYPES[descr.slice(1)];
  if (!info || !"<>|=".includes(endian) || (endian === "|" && info.size !== 1)) {
    fail(
      headerStart,
      "a numeric dtype (<f4 <f8 <i1..<i8 <u1..<u8 |b1, little- or big-endian)",
      describeValue(descr),
    );
  }
  return { descr, fortranOrder, shape, info, endian };
}

/** Reorder column-major (Fortran) data of `shape` into row-major (C) order. */
function fortranToC(data: NpyData, shape: number[]): NpyData {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (n: number) => NpyData)(data.length);
  const k = shape.length;
  // Fortran strides: the first axis varies fastest
  const stride = new Array<number>(k);
  stride[0] = 1;
  for (let d = 1; d < k; d++) stride[d] = stride[d - 1] * shape[d - 1];
  const index = new Array<number>(k).fill(0);
  let f = 0;
  for (let c = 0; c < data.length; c++) {
    out[c] = data[f];
    // advance the C-order multi-index (last axis fastest), tracking the Fortran offset
    for (let d = k - 1; d >= 0; d--) {
      index[d]++;
      f += stride[d];
      if (index[d] < shape[d]) break;
      f -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

function parseHeader(
  header: string,
  fail: (expected: string, found: string) => never,
): { descr: string; fortranOrder: boolean; shape: number[] } {
  const text = header.trim();
  if (!text.startsWith("{") || !text.endsWith("}")) {
    fail(
      "a header dictionary {'descr': ..., 'fortran_order': ..., 'shape': ...}",
      describeValue(text),
    );
  }
  const descrMatch = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      fail("a simple numeric dtype", "a structured dtype (record arrays are not supported)");
    }
    fail("a 'descr' key with a dtype string", describeValue(text));
  }
  const orderMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!orderMatch) fail("a 'fortran_order' key with True or False", describeValue(text));
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) fail("a 'shape' key with a tuple", describeValue(text));
  const parts = shapeMatch![1].split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((part) => {
    const n = /^\d+L?$/.test(part) ? Number.parseInt(part, 10) : NaN;
    if (!Number.isSafeInteger(n)) fail("non-negative integer dimensions", describeValue(part));
    return n;
  });
  return { descr: descrMatch![2], fortranOrder: orderMatch![1] === "True", shape };
}

function decodeData(
  bytes: Uint8Array,
  start: number,
  count: number,
  info: DtypeInfo,
  littleEndian: boolean,
  unsafe: (index: number) => never,
): NpyData {
  const offset = bytes.byteOffset + start;
  const native = littleEndian === HOST_LITTLE_ENDIAN;
  if (info.ctor) {
    if (native && offset % info.size === 0 && bytes.buffer instanceof ArrayBuffer) {
      return new info.ctor(bytes.buffer, offset, count);
    }
    const copy = bytes.slice(start, start + count * info.size);
    if (!native && info.size > 1) swapBytes(copy, info.size);
    return new info.ctor(copy.buffer, 0, count);
  }
  // 64-bit integers: convert to float64, refusing values that would lose precision.
  const view = new DataView(bytes.buffer, offset, count * 8);
  const out = new Float64Array(count);
  const signed = info.name === "int64";
  for (let i = 0; i < count; i++) {
    const lo = view.getUint32(i * 8 + (littleEndian ? 0 : 4), littleEndian);
    const hi = signed
      ? view.getInt32(i * 8 + (littleEndian ? 4 : 0), littleEndian)
      : view.getUint32(i * 8 + (littleEndian ? 4 : 0), littleEndian);
    const value = hi * 4294967296 + lo;
    if (!Number.isSafeInteger(value)) unsafe(i);
    out[i] = value;
  }
  return out;
}

/** Reverse the byte order of each `size`-byte element of `bytes` in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  const half = size >> 1;
  for (let i = 0; i < bytes.length; i += size) {
    for (let k = 0; k < half; k++) {
      const t = bytes[i + k];
      bytes[i + k] = bytes[i + size - 1 - k];
      bytes[i + size - 1 - k] = t;
    }
  }
}

/**
 * Encode an array as `.npy` bytes (format 1.0, or 2.0 for very long headers), little-endian,
 * C order, with the header padded so the data start on a 64-byte boundary.
 */
export function encodeNpy(array: NpyWritable): Uint8Array {
  const { data } = array;
  const shape = array.shape ?? [data.length];
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || count !== data.length) {
    throw new RangeError(`shape (${shape.join(", ")}) does not match ${data.length} elements`);
  }
  const descr = data instanceof Float64Array
    ? "<f8"
    : data instanceof Float32Array
    ? "<f4"
    : data instanceof Int32Array
    ? "<i4"
    : "|u1";
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  let padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (padded - prefix > 0xffff) {
    prefix = 12;
    padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLength = padded - prefix;
  const header = dict.padEnd(headerLength - 1, " ") + "\n";
  const out = new Uint8Array(padded + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  out.set(raw, padded);
  if (!HOST_LITTLE_ENDIAN && data.BYTES_PER_ELEMENT > 1) {
    swapBytes(out.subarray(padded), data.BYTES_PER_ELEMENT);
  }
  return out;
}

/** Write an array to a `.npy` file atomically (temporary file + rename). See {@link encodeNpy}. */
export async function writeNpy(path: string, array: NpyWritable): Promise<void> {
  await writeFileAtomic(path, encodeNpy(array));
}
