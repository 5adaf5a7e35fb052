/**
 * Reader for NumPy `.npz` archives (`np.savez` and `np.savez_compressed`) and for the gLocal
 * transform files (`weights`, optional `bias`, `mean`, `std`).
 *
 * @module
 */
import { InputError } from "./errors.ts";
import { type NpyArray, parseNpy } from "./npy.ts";
import { ZipReader } from "./zip.ts";

/** Options of {@link readNpz}. */
export interface ReadNpzOptions {
  /** Read only these arrays (names without `.npy`); a missing name is an error. */
  names?: string[];
}

/**
 * Parameters of a gLocal linear transform of model features (Muttenthaler et al.): features are
 * standardized with the scalar `mean` and `std`, then mapped by `weights` (and `bias`).
 */
export interface GlocalTransform {
  /** The d×d weight matrix, row-major (`weights[i * dim + j]` is row i, column j). */
  weights: Float64Array;
  /** Side length d of the weight matrix. */
  dim: number;
  /** Bias of length d, when the file has one. */
  bias?: Float64Array;
  /** Scalar mean used to normalize features. */
  mean: number;
  /** Scalar standard deviation used to normalize features. */
  std: number;
}

/**
 * Read the arrays of an `.npz` archive into a map from array name (entry name without `.npy`)
 * to array, in archive order. Errors in an array name the archive and the entry.
 */
export async function readNpz(
  path: string,
  options: ReadNpzOptions = {},
): Promise<Map<string, NpyArray>> {
  await using zip = await ZipReader.open(path);
  const arrays = new Map<string, NpyArray>();
  const wanted = options.names ? new Set(options.names) : undefined;
  for (const entry of zip.entries) {
    if (entry.isDirectory) continue;
    const name = entry.name.endsWith(".npy") ? entry.name.slice(0, -4) : entry.name;
    if (wanted && !wanted.has(name)) continue;
    const bytes = await zip.read(entry);
    arrays.set(name, parseNpy(bytes, { file: path, entry: entry.name }));
  }
  for (const name of wanted ?? []) {
    if (!arrays.has(name)) {
      throw new InputError({
        file: path,
        entry: `${name}.npy`,
        expected: "an array of that name",
        found: `only ${[...arrays.keys()].join(", ") || "no arrays"}`,
      });
    }
  }
  return arrays;
}

/**
 * Read a gLocal transform `.npz`: `weights` (square d×d), optional `bias` (length d), and
 * scalar `mean` and `std` (0-d arrays). Values are converted to float64.
 */
export async function readGlocalTransform(path: string): Promise<GlocalTransform> {
  const arrays = await readNpz(path);
  const fail = (name: string, expected: string, found: string): never => {
    throw new InputError({ file: path, entry: `${name}.npy`, expected, found });
  };
  const get = (name: string): NpyArray =>
    arrays.get(name) ??
      fail(name, `an array '${name}'`, `only ${[...arrays.keys()].join(", ") || "no arrays"}`);
  const shapeText = (a: NpyArray) => `shape (${a.shape.join(", ")})`;
  const weights = get("weights");
  const [rows, cols] = weights.shape;
  if (weights.shape.length !== 2 || rows !== cols || rows === 0) {
    fail("weights", "a non-empty square 2-d matrix", shapeText(weights));
  }
  const dim = rows;
  let bias: Float64Array | undefined;
  const biasArray = arrays.get("bias");
  if (biasArray) {
    if (biasArray.data.length !== dim || biasArray.shape.filter((d) => d !== 1).length > 1) {
      fail("bias", `a vector of length ${dim}`, shapeText(biasArray));
    }
    bias = Float64Array.from(biasArray.data);
  }
  const scalar = (name: string): number => {
    const a = get(name);
    if (a.data.length !== 1) fail(name, "a scalar (0-d array)", shapeText(a));
    const value = a.data[0];
    if (!Number.isFinite(value)) fail(name, "a finite number", String(value));
    return value;
  };
  const mean = scalar("mean");
  const std = scalar("std");
  if (!(std > 0)) fail("std", "a positive standard deviation", String(std));
  return { weights: Float64Array.from(weights.data), dim, bias, mean, std };
}
