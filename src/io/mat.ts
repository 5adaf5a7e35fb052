/**
 * Reader for MATLAB Level 5 `.mat` files (what `save -v6`/`-v7` and `scipy.io.savemat` write):
 * numeric, logical, char and cell arrays, plain or zlib-compressed (miCOMPRESSED), in either
 * byte order. Struct, object, sparse and function-handle arrays, and HDF5-based v7.3 files, are
 * rejected with a clear {@link InputError}.
 *
 * MATLAB stores arrays in column-major (Fortran) order; this reader returns them in row-major
 * (C) order, so `data[i * cols + j]` is row i, column j of a 2-D matrix.
 *
 * @module
 */
import type { Matrix } from "../metrics/types.ts";
import { inflateSync } from "node:zlib";
import { describeValue, InputError } from "./errors.ts";

/** MATLAB numeric classes (plus `logical`, stored as uint8 with the logical flag). */
export type MatNumericClass =
  | "double"
  | "single"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "logical";

/** A numeric or logical array. */
export interface MatNumeric {
  /** Discriminant. */
  kind: "numeric";
  /** Variable name (empty inside cell arrays). */
  name: string;
  /** MATLAB class of the array. */
  class: MatNumericClass;
  /** Dimensions as MATLAB reports them (at least two). */
  dims: number[];
  /**
   * Values converted to float64, in row-major (C) order: MATLAB's column-major data are
   * reordered, so for a 2-D array `data[i * dims[1] + j]` is row i, column j.
   */
  data: Float64Array;
  /** Imaginary parts (same order) of complex arrays. */
  imag?: Float64Array;
}

/** A char array. */
export interface MatChar {
  /** Discriminant. */
  kind: "char";
  /** Variable name (empty inside cell arrays). */
  name: string;
  /** Always `char`. */
  class: "char";
  /** Dimensions (rows × columns). */
  dims: number[];
  /** The rows of the char matrix (MATLAB pads them with blanks to equal length). */
  rows: string[];
  /** The text: the single row, or all rows joined with `\n`. */
  value: string;
}

/** A cell array. */
export interface MatCell {
  /** Discriminant. */
  kind: "cell";
  /** Variable name (empty inside cell arrays). */
  name: string;
  /** Always `cell`. */
  class: "cell";
  /** Dimensions of the cell array. */
  dims: number[];
  /** The cells, in row-major (C) order like numeric data. */
  cells: MatValue[];
}

/** A value read from a `.mat` file. */
export type MatValue = MatNumeric | MatChar | MatCell;

/** Options of {@link readMat} and {@link parseMat}. */
export interface ReadMatOptions {
  /** Decode only these variables (others are skipped, even if of an unsupported class). */
  names?: string[];
}

/** Options of {@link parseMat}. */
export interface ParseMatOptions extends ReadMatOptions {
  /** File name used in error messages. */
  file: string;
}

// Data types of data elements.
const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;
const MI_UTF16 = 17;
const MI_UTF32 = 18;

const MI_SIZE: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
  [MI_UTF8]: 1,
  [MI_UTF16]: 2,
  [MI_UTF32]: 4,
};

type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

type TypedCtor = { new (buffer: ArrayBuffer, offset: number, length: number): NumericArray };

const MI_CTOR: Record<number, TypedCtor> = {
  [MI_INT8]: Int8Array,
  [MI_UINT8]: Uint8Array,
  [MI_INT16]: Int16Array,
  [MI_UINT16]: Uint16Array,
  [MI_INT32]: Int32Array,
  [MI_UINT32]: Uint32Array,
  [MI_SINGLE]: Float32Array,
  [MI_DOUBLE]: Float64Array,
  [MI_UTF8]: Uint8Array,
  [MI_UTF16]: Uint16Array,
  [MI_UTF32]: Uint32Array,
};

// Array classes.
const MX_CELL = 1;
const MX_CHAR = 4;
const MX_NUMERIC: Record<number, MatNumericClass> = {
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};
const MX_UNSUPPORTED: Record<number, string> = {
  2: "struct",
  3: "object",
  5: "sparse",
  16: "function handle",
  17: "opaque (e.g. string/table)",
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Element {
  /** Offset of the element's tag. */
  tag: number;
  type: number;
  nbytes: number;
  /** Start of the element's data. */
  start: number;
  /** Start of the next element (after padding). */
  next: number;
}

/** The header of an miMATRIX element: class, flags, dimensions and name. */
interface ArrayHeader {
  /** MATLAB array class (`mxDOUBLE_CLASS`, …). */
  mxClass: number;
  /** Whether it has an imaginary part. */
  complex: boolean;
  /** Whether it is logical. */
  logical: boolean;
  /** Dimensions. */
  dims: number[];
  /** Elements (product of the dimensions). */
  count: number;
  /** Array name (empty inside a cell). */
  name: string;
  /** Offset of the element after the name: the array's data. */
  data: number;
}

/** Parser over one byte buffer: the file, or the decompressed data of an miCOMPRESSED element. */
class Parser {
  readonly view: DataView;
  /** Names of the top-level variables seen so far (decoded or skipped). */
  names: string[] = [];

  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly file: string,
    /** File offset of the miCOMPRESSED element whose decompressed data this parses. */
    readonly compressedAt?: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(pos: number, entry: string | undefined, expected: string, found: string): never {
    const inner = this.compressedAt === undefined
      ? ""
      : ` (at byte ${pos} of the zlib-decompressed element)`;
    throw new InputError({
      file: this.file,
      entry: entry || undefined,
      offset: this.compressedAt ?? pos,
      expected,
      found: found + inner,
    });
  }

  u32(pos: number): number {
    return this.view.getUint32(pos, this.le);
  }

  /** Read the tag of the element at `pos` that must end by `end`. */
  element(pos: number, end: number, entry: string | undefined, what: string): Element {
    if (pos + 8 > end) {
      this.fail(pos, entry, `an 8-byte ${what} tag`, `${Math.max(0, end - pos)} bytes left`);
    }
    const first = this.u32(pos);
    if (first >>> 16 !== 0) {
      // Small data element: type and size packed in 4 bytes, data in the next 4.
      const nbytes = first >>> 16;
      if (nbytes > 4) {
        this.fail(
          pos,
          entry,
          `a small data element of at most 4 bytes (${what})`,
          `${nbytes} bytes`,
        );
      }
      return { tag: pos, type: first & 0xffff, nbytes, start: pos + 4, next: pos + 8 };
    }
    const nbytes = this.u32(pos + 4);
    const start = pos + 8;
    if (start + nbytes > end) {
      this.fail(
        pos,
        entry,
        `${nbytes} bytes of ${what} (declared size) within the enclosing element`,
        `${end - start} bytes left${
          end === this.bytes.length ? " (truncated file or wrong declared size)" : ""
        }`,
      );
    }
    const padded = first === MI_COMPRESSED ? nbytes : Math.ceil(nbytes / 8) * 8;
    return { tag: pos, type: first, nbytes, start, next: Math.min(start + padded, end) };
  }

  /** Decode a numeric data element as a typed array in native byte order. */
  numbers(el: Element, entry: string): NumericArray | Float64Array {
    const size = MI_SIZE[el.type];
    if (!size) this.fail(el.tag, entry, "a numeric data type", `data type ${el.type}`);
    if (el.nbytes % size !== 0) {
      this.fail(el.tag, entry, `a size that is a multiple of ${size}`, `${el.nbytes} bytes`);
    }
    const count = el.nbytes / size;
    const offset = this.bytes.byteOffset + el.start;
    if (el.type === MI_INT64 || el.type === MI_UINT64) {
      const out = new Float64Array(count);
      const signed = el.type === MI_INT64;
      for (let i = 0; i < count; i++) {
        const p = el.start + i * 8;
        const lo = this.view.getUint32(p + (this.le ? 0 : 4), this.le);
        const hi = signed
          ? this.view.getInt32(p + (this.le ? 4 : 0), this.le)
          : this.view.getUint32(p + (this.le ? 4 : 0), this.le);
        const value = hi * 4294967296 + lo;
        if (!Number.isSafeInteger(value)) {
          this.fail(
            p,
            entry,
            "a 64-bit integer of magnitude below 2^53",
            String(this.view.getBigInt64(p, this.le)),
          );
        }
        out[i] = value;
      }
      return out;
    }
    const ctor = MI_CTOR[el.type];
    const native = this.le === HOST_LITTLE_ENDIAN;
    if (native && offset % size === 0 && this.bytes.buffer instanceof ArrayBuffer) {
      return new ctor(this.bytes.buffer, offset, count);
    }
    const copy = this.bytes.slice(el.start, el.start + el.nbytes);
    if (!native && size > 1) {
      for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
    }
    return new ctor(copy.buffer, 0, count);
  }

  /**
   * Parse an miMATRIX element's data in `[start, end)`. `path` names it in errors;
   * returns undefined for a top-level variable not in `wanted`.
   */
  matrix(
    start: number,
    end: number,
    path: string | undefined,
    wanted?: Set<string>,
  ): MatValue | undefined {
    if (start === end) {
      return {
        kind: "numeric",
        name: "",
        class: "double",
        dims: [0, 0],
        data: new Float64Array(0),
      };
    }
    const head = this.arrayHeader(start, end, path);
    const here = path ?? head.name;
    if (path === undefined) {
      this.names.push(head.name);
      if (wanted && !wanted.has(head.name)) return undefined;
    }
    if (head.mxClass in MX_NUMERIC) return this.numericArray(head, end, here);
    if (head.mxClass === MX_CHAR) return this.charArray(head, end, here);
    if (head.mxClass === MX_CELL) return this.cellArray(head, end, here);
    const kind = MX_UNSUPPORTED[head.mxClass];
    return this.fail(
      start,
      here,
      "a numeric, logical, char or cell array",
      kind ? `a ${kind} array, which this reader does not support` : `array class ${head.mxClass}`,
    );
  }

  /** The array flags, dimensions and name of the miMATRIX data at `start`. */
  arrayHeader(start: number, end: number, path: string | undefined): ArrayHeader {
    const flagsEl = this.element(start, end, path, "array flags");
    if (flagsEl.type !== MI_UINT32 || flagsEl.nbytes !== 8) {
      this.fail(
        start,
        path,
        "array flags (miUINT32, 8 bytes)",
        `type ${flagsEl.type}, ${flagsEl.nbytes} bytes`,
      );
    }
    const flags = this.u32(flagsEl.start);
    const mxClass = flags & 0xff;
    const complex = (flags & 0x800) !== 0;
    const logical = (flags & 0x200) !== 0;
    const { dims, next } = this.arrayDims(flagsEl.next, end, path);
    const count = dims.reduce((a, b) => a * b, 1);
    const nameEl = this.element(next, end, path, "array name");
    if (nameEl.type !== MI_INT8 && nameEl.type !== MI_UINT8 && nameEl.type !== MI_UTF8) {
      this.fail(next, path, "an array name (miINT8)", `type ${nameEl.type}`);
    }
    const name = new TextDecoder().decode(
      this.bytes.subarray(nameEl.start, nameEl.start + nameEl.nbytes),
    );
    return { mxClass, complex, logical, dims, count, name, data: nameEl.next };
  }

  /** The dimensions element at `pos` (miINT32, at least two, none negative). */
  arrayDims(pos: number, end: number, path: string | undefined): { dims: number[]; next: number } {
    const dimsEl = this.element(pos, end, path, "dimensions");
    if (dimsEl.type !== MI_INT32 || dimsEl.nbytes % 4 !== 0 || dimsEl.nbytes < 8) {
      this.fail(
        pos,
        path,
        "dimensions (miINT32, at least 2)",
        `type ${dimsEl.type}, ${dimsEl.nbytes} bytes`,
      );
    }
    const dims: number[] = [];
    for (let p = dimsEl.start; p < dimsEl.start + dimsEl.nbytes; p += 4) {
      const d = this.view.getInt32(p, this.le);
      if (d < 0) this.fail(p, path, "non-negative dimensions", String(d));
      dims.push(d);
    }
    return { dims, next: dimsEl.next };
  }

  /** A numeric or logical array: its real part, and its imaginary part when complex. */
  numericArray(head: ArrayHeader, end: number, here: string): MatValue {
    const { name, dims, count } = head;
    const cls: MatNumericClass = head.logical ? "logical" : MX_NUMERIC[head.mxClass];
    const realEl = this.element(head.data, end, here, "real part");
    const data = this.reorder(this.numbers(realEl, here), dims, count, realEl, here);
    let imag: Float64Array | undefined;
    if (head.complex) {
      const imagEl = this.element(realEl.next, end, here, "imaginary part");
      imag = this.reorder(this.numbers(imagEl, here), dims, count, imagEl, here);
    }
    return imag ? { kind: "numeric", name, class: cls, dims, data, imag } : {
      kind: "numeric",
      name,
      class: cls,
      dims,
      data,
    };
  }

  /** A char array: one string per row (column-major codes regrouped by row). */
  charArray(head: ArrayHeader, end: number, here: string): MatValue {
    const { name, dims, count } = head;
    const el = this.element(head.data, end, here, "character data");
    const codes = this.charCodes(el, count, here);
    const rowsN = dims.length === 2 ? dims[0] : count === 0 ? 0 : 1;
    const colsN = rowsN === 0 ? 0 : count / rowsN;
    const rows: string[] = [];
    for (let i = 0; i < rowsN; i++) {
      let text = "";
      for (let j0 = 0; j0 < colsN; j0 += 4096) {
        const row = new Array<number>(Math.min(4096, colsN - j0));
        for (let j = 0; j < row.length; j++) row[j] = codes[(j0 + j) * rowsN + i];
        text += String.fromCodePoint(...row);
      }
      rows.push(text);
    }
    return { kind: "char", name, class: "char", dims, rows, value: rows.join("\n") };
  }

  /** A cell array: each cell an miMATRIX element, returned in row-major order. */
  cellArray(head: ArrayHeader, end: number, here: string): MatValue {
    const { name, dims, count } = head;
    let pos = head.data;
    const fortran: MatValue[] = [];
    for (let k = 0; k < count; k++) {
      const cellPath = `${here}{${k + 1}}`;
      const el = this.element(pos, end, cellPath, "cell element");
      if (el.type !== MI_MATRIX) {
        this.fail(pos, cellPath, "an miMATRIX cell element", `data type ${el.type}`);
      }
      fortran.push(this.matrix(el.start, el.start + el.nbytes, cellPath)!);
      pos = el.next;
    }
    const perm = permutation(dims);
    const cells = perm ? Array.from(perm, (f) => fortran[f]) : fortran;
    return { kind: "cell", name, class: "cell", dims, cells };
  }

  /** Convert column-major `src` to a row-major Float64Array of `count` elements. */
  reorder(
    src: ArrayLike<number>,
    dims: number[],
    count: number,
    el: Element,
    entry: string,
  ): Float64Array {
    if (src.length !== count) {
      this.fail(
        el.tag,
        entry,
        `${count} values for dimensions ${dims.join("×")}`,
        `${src.length} values (${el.nbytes} bytes)`,
      );
    }
    const out = new Float64Array(count);
    if (dims.length === 2 && dims[0] > 1 && dims[1] > 1) {
      const [rows, cols] = dims;
      let k = 0;
      for (let j = 0; j < cols; j++) {
        for (let i = 0; i < rows; i++) out[i * cols + j] = src[k++];
      }
      return out;
    }
    const perm = permutation(dims);
    if (perm) { for (let c = 0; c < count; c++) out[c] = src[perm[c]]; }
    else out.set(src);
    return out;
  }

  /** Character codes (one per char element, column-major) of a char array's data element. */
  charCodes(el: Element, count: number, entry: string): ArrayLike<number> {
    let codes: ArrayLike<number>;
    if (el.type === MI_UTF8 || el.type === MI_UINT8 || el.type === MI_INT8) {
      const raw = this.bytes.subarray(el.start, el.start + el.nbytes);
      codes = el.type === MI_UTF8 && raw.some((b) => b > 0x7f)
        ? Array.from(new TextDecoder().decode(raw), (c) => c.codePointAt(0)!)
        : raw;
    } else if (el.type === MI_UTF16 || el.type === MI_UINT16 || el.type === MI_INT16) {
      codes = this.numbers(el, entry);
    } else if (el.type === MI_UTF32 || el.type === MI_UINT32) {
      codes = this.numbers(el, entry);
    } else {
      return this.fail(
        el.tag,
        entry,
        "character data (miUTF8/miUINT16/miUTF16)",
        `data type ${el.type}`,
      );
    }
    if (codes.length !== count) {
      this.fail(el.tag, entry, `${count} characters`, `${codes.length} (${el.nbytes} bytes)`);
    }
    return codes;
  }
}

/**
 * For an array of `dims` stored column-major, `perm[c]` is the column-major index of the
 * element at row-major index c; null when both orders coincide (at most one dimension > 1).
 */
function permutation(dims: number[]): Int32Array | null {
  if (dims.filter((d) => d > 1).length <= 1) return null;
  const count = dims.reduce((a, b) => a * b, 1);
  const n = dims.length;
  const fStride = new Array<number>(n);
  let s = 1;
  for (let k = 0; k < n; k++) {
    fStride[k] = s;
    s *= dims[k];
  }
  const perm = new Int32Array(count);
  const idx = new Array<number>(n).fill(0);
  let f = 0;
  for (let c = 0; c < count; c++) {
    perm[c] = f;
    // Advance the row-major multi-index: last dimension fastest.
    for (let k = n - 1; k >= 0; k--) {
      idx[k]++;
      f += fStride[k];
      if (idx[k] < dims[k]) break;
      f -= fStride[k] * dims[k];
      idx[k] = 0;
    }
  }
  return perm;
}

/**
 * Parse the bytes of a MATLAB Level 5 `.mat` file into a map from variable name to value.
 * Checks the 128-byte header (text, version 0x0100, endian indicator `IM`/`MI`).
 */
export function parseMat(bytes: Uint8Array, options: ParseMatOptions): Map<string, MatValue> {
  return parseVariables(bytes, options).vars;
}

function parseVariables(
  bytes: Uint8Array,
  options: ParseMatOptions,
): { vars: Map<string, MatValue>; names: string[] } {
  const { file } = options;
  const fail = (offset: number, expected: string, found: string): never => {
    throw new InputError({ file, offset, expected, found });
  };
  if (bytes.length < 128) {
    fail(0, "a 128-byte MATLAB header", `${bytes.length} bytes`);
  }
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 116));
  if (/^MATLAB 7\.3 MAT-file/.test(text)) {
    fail(
      0,
      "a MATLAB v5/v7 file",
      "a v7.3 (HDF5) file, which this reader does not support (save with -v7)",
    );
  }
  const indicator = String.fromCharCode(bytes[126], bytes[127]);
  if (indicator !== "IM" && indicator !== "MI") {
    fail(
      126,
      "the endian indicator 'IM' or 'MI' of a MATLAB v5 file",
      `${describeValue(indicator)}${text.startsWith("MATLAB") ? "" : " (not a MATLAB v5 file)"}`,
    );
  }
  const le = indicator === "IM";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) {
    fail(124, "version 0x0100", `0x${version.toString(16).padStart(4, "0")}`);
  }
  const wanted = options.names ? new Set(options.names) : undefined;
  const top = new Parser(bytes, le, file);
  const vars = new Map<string, MatValue>();
  let pos = 128;
  while (pos < bytes.length) {
    if (bytes.length - pos < 8 && bytes.subarray(pos).every((b) => b === 0)) break; // padding
    const el = top.element(pos, bytes.length, undefined, "data element");
    let value: MatValue | undefined;
    if (el.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(bytes.subarray(el.start, el.start + el.nbytes));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return fail(pos, "valid zlib data in an miCOMPRESSED element", describeValue(message));
      }
      const inner = new Parser(inflated, le, file, pos);
      inner.names = top.names;
      const innerEl = inner.element(0, inflated.length, undefined, "compressed data element");
      if (innerEl.type !== MI_MATRIX) {
        inner.fail(0, undefined, "an miMATRIX element", `data type ${innerEl.type}`);
      }
      value = inner.matrix(innerEl.start, innerEl.start + innerEl.nbytes, undefined, wanted);
    } else if (el.type === MI_MATRIX) {
      value = top.matrix(el.start, el.start + el.nbytes, undefined, wanted);
    } else {
      fail(pos, "an miMATRIX (14) or miCOMPRESSED (15) data element", `data type ${el.type}`);
    }
    if (value) vars.set(value.name, value);
    pos = el.next;
  }
  return { vars, names: top.names };
}

/**
 * Read a MATLAB Level 5 `.mat` file into a map from variable name to value. Numeric data are
 * float64 in row-major order (column-major MATLAB data are reordered). See {@link parseMat}.
 */
export async function readMat(
  path: string,
  options: ReadMatOptions = {},
): Promise<Map<string, MatValue>> {
  return parseMat(await Deno.readFile(path), { ...options, file: path });
}

async function readVariable(path: string, name: string): Promise<MatValue> {
  const { vars, names } = parseVariables(await Deno.readFile(path), { file: path, names: [name] });
  const value = vars.get(name);
  if (!value) {
    throw new InputError({
      file: path,
      entry: name,
      expected: "a variable of that name",
      found: names.length ? `only ${names.join(", ")}` : "no variables",
    });
  }
  return value;
}

/**
 * Read the 2-D numeric (or logical) variable `name` as a row-major matrix
 * (`data[i * cols + j]` is row i, column j; MATLAB's column-major order is converted).
 */
export async function readMatMatrix(path: string, name: string): Promise<Matrix> {
  const value = await readVariable(path, name);
  if (value.kind !== "numeric" || value.dims.length !== 2 || value.imag) {
    throw new InputError({
      file: path,
      entry: name,
      expected: "a real 2-D numeric matrix",
      found: `a ${value.dims.join("×")} ${
        value.kind === "numeric" && value.imag ? "complex " : ""
      }${value.class} array`,
    });
  }
  return { rows: value.dims[0], cols: value.dims[1], data: value.data };
}

/**
 * Read the variable `name` as a list of strings: a cell array of char rows (in row-major cell
 * order; for an N×1 or 1×N cell that is simply the cell order), or a char matrix (one string per
 * row, MATLAB's trailing blank padding removed).
 */
export async function readMatStrings(path: string, name: string): Promise<string[]> {
  const value = await readVariable(path, name);
  if (value.kind === "char") return value.rows.map((r) => r.replace(/ +$/, ""));
  if (value.kind === "cell") {
    return value.cells.map((cell, c) => {
      if (cell.kind !== "char" || cell.rows.length > 1) {
        throw new InputError({
          file: path,
          entry: `${name} cell ${c + 1} (row-major)`,
          expected: "a single-row char array",
          found: `a ${cell.dims.join("×")} ${cell.class} array`,
        });
      }
      return cell.value;
    });
  }
  throw new InputError({
    file: path,
    entry: name,
    expected: "a cell array of strings or a char matrix",
    found: `a ${value.dims.join("×")} ${value.class} array`,
  });
}
