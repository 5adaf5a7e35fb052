/**
 * Trunk activations of every image row, read by rows: in memory for small image sets, straight
 * from the cache file for large ones (ResNet-50's conv4 output is 800 KB per image, 21 GB for the
 * 26,107 THINGS images — more than memory, and more than one typed array may hold).
 */

/** Activations of `n` image rows, each of `shape`. */
export interface TrunkActivations {
  /** Shape of one row (without the batch axis). */
  shape: number[];
  /** Number of rows. */
  n: number;
  /** The given rows, concatenated (row-major). */
  gather(rows: ArrayLike<number>): Float32Array;
}

/** Values per row of a shape. */
export function rowSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** How a trunk cache stores its values: float32, or float16 (half the disk and page cache). */
export type TrunkStorage = "float32" | "float16";

/** Bytes per stored value. */
export function bytesPerValue(storage: TrunkStorage): number {
  return storage === "float16" ? 2 : 4;
}

/** Activations held in one array (float16 rows are widened to float32 when gathered). */
export function memoryActivations(
  data: Float32Array | Float16Array,
  shape: number[],
): TrunkActivations {
  const per = rowSize(shape);
  return {
    shape,
    n: data.length / per,
    gather(rows) {
      const out = new Float32Array(rows.length * per);
      for (let i = 0; i < rows.length; i++) {
        out.set(data.subarray(rows[i] * per, (rows[i] + 1) * per), i * per);
      }
      return out;
    },
  };
}

/**
 * Activations read from a file of `n` float32 rows starting at byte `offset` (little-endian, as
 * written on this machine). Reads are synchronous positioned reads; the OS page cache does the
 * caching.
 */
export function fileActivations(
  path: string,
  options: { shape: number[]; n: number; offset: number; storage?: TrunkStorage },
): TrunkActivations {
  const per = rowSize(options.shape);
  const width = bytesPerValue(options.storage ?? "float32");
  const file = Deno.openSync(path, { read: true });
  return {
    shape: options.shape,
    n: options.n,
    gather(rows) {
      const stored = width === 2
        ? new Float16Array(rows.length * per)
        : new Float32Array(rows.length * per);
      const bytes = new Uint8Array(stored.buffer);
      for (let i = 0; i < rows.length; i++) {
        if (!(rows[i] >= 0 && rows[i] < options.n)) {
          throw new RangeError(`row ${rows[i]} outside [0, ${options.n})`);
        }
        file.seekSync(options.offset + rows[i] * per * width, Deno.SeekMode.Start);
        let got = 0;
        const target = bytes.subarray(i * per * width, (i + 1) * per * width);
        while (got < target.length) {
          const k = file.readSync(target.subarray(got));
          if (k === null) throw new Error(`${path}: truncated activation cache (row ${rows[i]})`);
          got += k;
        }
      }
      return stored instanceof Float32Array ? stored : Float32Array.from(stored);
    },
  };
}
