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

/** Activations held in one array. */
export function memoryActivations(data: Float32Array, shape: number[]): TrunkActivations {
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
  options: { shape: number[]; n: number; offset: number },
): TrunkActivations {
  const per = rowSize(options.shape);
  const file = Deno.openSync(path, { read: true });
  return {
    shape: options.shape,
    n: options.n,
    gather(rows) {
      const out = new Float32Array(rows.length * per);
      const bytes = new Uint8Array(out.buffer);
      for (let i = 0; i < rows.length; i++) {
        if (!(rows[i] >= 0 && rows[i] < options.n)) {
          throw new RangeError(`row ${rows[i]} outside [0, ${options.n})`);
        }
        file.seekSync(options.offset + rows[i] * per * 4, Deno.SeekMode.Start);
        let got = 0;
        const target = bytes.subarray(i * per * 4, (i + 1) * per * 4);
        while (got < target.length) {
          const k = file.readSync(target.subarray(got));
          if (k === null) throw new Error(`${path}: truncated activation cache (row ${rows[i]})`);
          got += k;
        }
      }
      return out;
    },
  };
}
