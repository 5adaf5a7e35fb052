/**
 * Checkpoint files: a JSON header (training state + tensor index) followed by the raw
 * little-endian tensor data, written atomically. Restoring one gives bit-identical weights and
 * optimizer state.
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { InputError } from "../io/errors.ts";

const MAGIC = "HTCKPT1\n";

/** A named tensor's values and shape. */
export interface StoredTensor {
  /** Values (float32 or int32). */
  data: Float32Array | Int32Array;
  /** Shape. */
  shape: number[];
}

/** Contents of a checkpoint. */
export interface Checkpoint<S = unknown> {
  /** Training state (epoch, stage, early-stopping counters, log rows…), JSON-serialisable. */
  state: S;
  /** Named tensors (model weights, optimizer slots). */
  tensors: Record<string, StoredTensor>;
}

interface Header<S> {
  state: S;
  tensors: {
    name: string;
    dtype: "float32" | "int32";
    shape: number[];
    offset: number;
    length: number;
  }[];
}

/** Serialise a checkpoint to bytes. */
export function encodeCheckpoint<S>(checkpoint: Checkpoint<S>): Uint8Array {
  const entries = Object.entries(checkpoint.tensors);
  let offset = 0;
  const index: Header<S>["tensors"] = entries.map(([name, t]) => {
    const entry = {
      name,
      dtype: t.data instanceof Int32Array ? "int32" as const : "float32" as const,
      shape: t.shape,
      offset,
      length: t.data.length,
    };
    offset += t.data.byteLength;
    return entry;
  });
  const header = new TextEncoder().encode(
    JSON.stringify({ state: checkpoint.state, tensors: index }),
  );
  const magic = new TextEncoder().encode(MAGIC);
  // pad the header so tensor data starts 8-byte aligned
  const start = Math.ceil((magic.length + 4 + header.length) / 8) * 8;
  const out = new Uint8Array(start + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, header.length, true);
  out.set(header, magic.length + 4);
  entries.forEach(([, t], i) => {
    out.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      start + index[i].offset,
    );
  });
  return out;
}

/** Parse checkpoint bytes; truncated or foreign files raise an {@link InputError}. */
export function decodeCheckpoint<S>(bytes: Uint8Array, options: { file: string }): Checkpoint<S> {
  const { file } = options;
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) {
    throw new InputError({
      file,
      offset: 0,
      expected: "a Human Things checkpoint",
      found: "another format",
    });
  }
  if (bytes.length < MAGIC.length + 4) {
    throw new InputError({
      file,
      offset: MAGIC.length,
      expected: "a header length",
      found: "end of file",
    });
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) {
    throw new InputError({
      file,
      offset: MAGIC.length + 4,
      expected: `${headerLength} header bytes`,
      found: `${bytes.length - MAGIC.length - 4}`,
    });
  }
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, headerEnd)),
  ) as Header<S>;
  const start = Math.ceil(headerEnd / 8) * 8;
  const tensors: Record<string, StoredTensor> = {};
  for (const t of header.tensors) {
    const begin = start + t.offset;
    const end = begin + t.length * 4;
    if (end > bytes.length) {
      throw new InputError({
        file,
        offset: begin,
        expected: `${t.length * 4} bytes of ${t.name}`,
        found: `${Math.max(0, bytes.length - begin)}`,
      });
    }
    const copy = bytes.slice(begin, end).buffer;
    tensors[t.name] = {
      data: t.dtype === "int32" ? new Int32Array(copy) : new Float32Array(copy),
      shape: t.shape,
    };
  }
  return { state: header.state, tensors };
}

/** Write a checkpoint atomically. */
export async function saveCheckpoint<S>(path: string, checkpoint: Checkpoint<S>): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/** Read a checkpoint (undefined when the file does not exist). */
export async function loadCheckpoint<S>(path: string): Promise<Checkpoint<S> | undefined> {
  try {
    return decodeCheckpoint<S>(await Deno.readFile(path), { file: path });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
