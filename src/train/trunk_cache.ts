/**
 * Trunk caching: every image passes once through the frozen part of the backbone; the
 * activations are stored on disk keyed by backbone weights, preprocessing, input size and the
 * image set, and every model trains its top from them.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { tempPathFor, writeFileAtomic } from "../io/atomic.ts";
import { formatBytes, requireFreeSpace } from "../io/disk.ts";
import { InputError } from "../io/errors.ts";
import { sha256File, sha256Hex, stableStringify } from "../io/hash.ts";
import { type Backbone, modelJsonPath } from "../models/backbones.ts";
import { foldModel } from "../models/fold.ts";
import { loadImageBatch } from "../models/images.ts";
import { createProgress } from "../pipeline/progress.ts";
import {
  bytesPerValue,
  fileActivations,
  memoryActivations,
  rowSize,
  type TrunkActivations,
  type TrunkStorage,
} from "./activations.ts";
import type { PreprocessMode } from "../models/preprocess.ts";

const MAGIC = "HTTRUNK2";

/** Activation caches up to this size are held in memory (default 2 GiB). */
const DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3;

/** Options of {@link trunkActivations}. */
export interface TrunkCacheOptions {
  /** Folder of the cache files. */
  cacheDir: string;
  /** Image ids (in row order) and their file hashes: the image-set part of the key. */
  imageIds: string[];
  /** sha256 of every image, in row order. */
  imageHashes: string[];
  /** Absolute image paths, in row order. */
  imagePaths: string[];
  /** Models root of the backbone (for hashing its weight files). */
  modelsRoot?: string;
  /** Images per forward pass (default 32). */
  batchSize?: number;
  /** Skip images that fail to decode (their activations are zeros; listed in `bad`). */
  skipBadImages?: boolean;
  /** Log a line. */
  log?: (message: string) => void;
  /** Caches larger than this are read from disk by rows (default 2 GiB). */
  memoryLimitBytes?: number;
  /** Stored precision (default float32; float16 halves disk and page cache). */
  storage?: TrunkStorage;
  /** Images decoded at once (sharp's thread pool; default 8). Does not change any value. */
  decodeWorkers?: number;
}

/** Result of {@link trunkActivations}. */
export interface TrunkCacheResult extends TrunkActivations {
  /** Cache key (hex). */
  key: string;
  /** Whether the activations came from the cache. */
  hit: boolean;
  /** Rows whose image failed to decode (only with `skipBadImages`), with the reason. */
  bad: { row: number; path: string; reason: string }[];
  /** Seconds spent computing (0 on a hit). */
  seconds: number;
}

/** The cache key of a backbone trunk over an image set. */
export async function trunkCacheKey(
  backbone: Backbone,
  options: {
    imageIds: string[];
    imageHashes: string[];
    modelsRoot?: string;
    storage?: TrunkStorage;
  },
): Promise<string> {
  const modelJson = modelJsonPath(backbone.spec.name, { root: options.modelsRoot });
  const weights: string[] = [await sha256File(modelJson)];
  const manifest = JSON.parse(await Deno.readTextFile(modelJson));
  for (const group of manifest.weightsManifest ?? []) {
    for (const p of group.paths) weights.push(await sha256File(join(modelJson, "..", p)));
  }
  return sha256Hex(stableStringify({
    format: MAGIC,
    backbone: backbone.spec.name,
    boundary: backbone.spec.boundary,
    inputSize: backbone.spec.inputSize,
    preprocess: backbone.spec.preprocess,
    // BatchNorm folded into the convolutions (src/models/fold.ts): equal to the layer-by-layer
    // model up to float32 rounding, but not bit-identical, so it is part of the key
    execution: "folded",
    weights,
    images: sha256Hex(
      options.imageIds.map((id, i) => `${id}\t${options.imageHashes[i]}`).join("\n"),
    ),
    // float32 caches keep the keys they had before float16 storage existed
    ...(options.storage === "float16" ? { storage: "float16" } : {}),
  }));
}

/**
 * Trunk activations of every image (row order), from the cache when present, else computed in
 * batches (with progress on a TTY) and streamed to the cache: a raw float32 file plus a JSON
 * sidecar written last (so a killed run leaves no valid-looking partial cache). Small sets are
 * returned in memory; sets larger than `memoryLimitBytes` are read from the file by rows.
 */
export async function trunkActivations(
  backbone: Backbone,
  trunk: tf.LayersModel,
  options: TrunkCacheOptions,
): Promise<TrunkCacheResult> {
  const key = await trunkCacheKey(backbone, options);
  const storage = options.storage ?? "float32";
  const ext = storage === "float16" ? "f16" : "f32";
  const base = join(options.cacheDir, `${backbone.spec.name}-${key.slice(0, 16)}`);
  const shape = (trunk.outputs[0].shape as number[]).slice(1);
  const per = rowSize(shape);
  const n = options.imagePaths.length;
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  const open = (
    bad: TrunkCacheResult["bad"],
    hit: boolean,
    seconds: number,
  ): Promise<TrunkCacheResult> =>
    openActivations(base, { n, shape, limit, storage }).then((acts) => ({
      ...acts,
      key,
      hit,
      bad,
      seconds,
    }));
  const cached = await readSidecar(base, { key, n, per, storage });
  if (cached) return await open(cached.bad, true, 0);

  const start = performance.now();
  const layout: CacheLayout = { key, storage, ext, base, shape, per, n };
  const bad = await computeTrunkCache(backbone, trunk, { ...options, layout });
  const seconds = (performance.now() - start) / 1000;
  options.log?.(
    `trunk ${backbone.spec.name}: ${n} images in ${seconds.toFixed(1)}s (${
      (n / seconds).toFixed(1)
    } img/s), cached`,
  );
  return await open(bad, false, seconds);
}

/** Where and how a trunk cache is stored. */
interface CacheLayout {
  key: string;
  storage: TrunkStorage;
  /** File extension of the values (`f32` or `f16`). */
  ext: string;
  /** Path of the cache files without extension. */
  base: string;
  /** Shape of one image's activations. */
  shape: number[];
  /** Values per image. */
  per: number;
  /** Images. */
  n: number;
}

/**
 * Compute every image's trunk activations into a temporary file (removed on failure), move it
 * in place and write the sidecar last; returns the images that failed to decode.
 */
async function computeTrunkCache(
  backbone: Backbone,
  trunk: tf.LayersModel,
  options: TrunkCacheOptions & { layout: CacheLayout },
): Promise<TrunkCacheResult["bad"]> {
  const { key, storage, ext, base, shape, per, n } = options.layout;
  const width = bytesPerValue(storage);
  await Deno.mkdir(options.cacheDir, { recursive: true });
  await checkRoomForCache(options.cacheDir, {
    bytes: n * per * width,
    what: `the ${backbone.spec.name} trunk cache (${n} images × ${shape.join("×")} ${storage})`,
  });
  const tmp = tempPathFor(`${base}.${ext}`);
  const file = await Deno.open(tmp, { write: true, createNew: true });
  const bad: TrunkCacheResult["bad"] = [];
  const folded = foldModel(trunk);
  try {
    await writeTrunkRows(file, folded, { ...options, backbone, bad });
    await file.sync();
  } catch (error) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw error;
  } finally {
    folded.dispose();
  }
  file.close();
  await Deno.rename(tmp, `${base}.${ext}`);
  await writeFileAtomic(
    `${base}.json`,
    JSON.stringify({ format: MAGIC, key, n, shape, bad, storage }),
  );
  return bad;
}

/** Run the images through the folded trunk in batches and append their activations to `file`. */
async function writeTrunkRows(
  file: Deno.FsFile,
  folded: ReturnType<typeof foldModel>,
  options: TrunkCacheOptions & {
    layout: CacheLayout;
    backbone: Backbone;
    bad: TrunkCacheResult["bad"];
  },
): Promise<void> {
  const { backbone, bad } = options;
  const { storage, per, n } = options.layout;
  const batchSize = options.batchSize ?? 32;
  const size = backbone.spec.inputSize;
  const progress = createProgress(`trunk ${backbone.spec.name}`, n, { unit: "images" });
  for (let i = 0; i < n; i += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => i + k);
    const pixels = await decodeBatch(rows, {
      ...options,
      size,
      preprocess: backbone.spec.preprocess,
      bad,
    });
    const out = tf.tidy(() => folded.predict(tf.tensor4d(pixels, [rows.length, size, size, 3])));
    const values = await out.data() as Float32Array;
    out.dispose();
    for (const b of bad) {
      if (b.row >= i && b.row < i + rows.length) {
        values.fill(0, (b.row - i) * per, (b.row - i + 1) * per);
      }
    }
    const stored = storage === "float16" ? new Float16Array(values) : values;
    const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
    for (let w = 0; w < bytes.length;) w += await file.write(bytes.subarray(w));
    progress.tick(rows.length);
  }
  progress.done();
}

/**
 * Stop before computing a trunk cache that does not fit on the disk; the message names the older
 * caches in the folder (other image sets or weights) that could be removed.
 */
async function checkRoomForCache(
  dir: string,
  options: { bytes: number; what: string },
): Promise<void> {
  let older = 0;
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /\.f(32|16)$/.test(entry.name)) {
      older += (await Deno.stat(join(dir, entry.name))).size;
      names.push(entry.name);
    }
  }
  requireFreeSpace(dir, options.bytes, {
    what: options.what,
    hint: older > 0
      ? `${names.length} older trunk cache file(s) in ${dir} take ${formatBytes(older)} ` +
        "(other image sets or weights); remove those you no longer need, or use another --out."
      : "Free some space or write the outputs elsewhere with --out DIR.",
  });
}

/** Decode a batch; with skipBadImages, failing images become zeros and are recorded. */
async function decodeBatch(
  rows: number[],
  options: TrunkCacheOptions & {
    size: number;
    preprocess: PreprocessMode;
    bad: TrunkCacheResult["bad"];
  },
): Promise<Float32Array> {
  const { size, preprocess } = options;
  try {
    return (await loadImageBatch(rows.map((r) => options.imagePaths[r]), {
      size,
      preprocess,
      concurrency: options.decodeWorkers,
    })).data;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (!options.skipBadImages) {
      throw new InputError({
        file: error.file,
        ...error.location,
        expected: error.expected,
        found: `${error.found}; replace the file, or rerun with --skip-bad-images to leave ` +
          "it out (it is then listed in the tables' metadata)",
      });
    }
    // decode one by one to find the bad images of this batch
    const pixels = new Float32Array(rows.length * size * size * 3);
    for (const [k, row] of rows.entries()) {
      try {
        const one = await loadImageBatch([options.imagePaths[row]], { size, preprocess });
        pixels.set(one.data, k * size * size * 3);
      } catch (inner) {
        if (!(inner instanceof InputError)) throw inner;
        options.bad.push({ row, path: options.imagePaths[row], reason: inner.message });
      }
    }
    return pixels;
  }
}

async function openActivations(
  base: string,
  o: { n: number; shape: number[]; limit: number; storage: TrunkStorage },
): Promise<TrunkActivations> {
  const width = bytesPerValue(o.storage);
  const path = `${base}.${o.storage === "float16" ? "f16" : "f32"}`;
  const bytes = o.n * rowSize(o.shape) * width;
  if (bytes <= o.limit) {
    const data = await Deno.readFile(path);
    const values = o.storage === "float16"
      ? new Float16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    return memoryActivations(values, o.shape);
  }
  return fileActivations(path, { shape: o.shape, n: o.n, offset: 0, storage: o.storage });
}

async function readSidecar(
  base: string,
  expect: { key: string; n: number; per: number; storage: TrunkStorage },
) {
  try {
    const meta = JSON.parse(await Deno.readTextFile(`${base}.json`));
    const ext = expect.storage === "float16" ? "f16" : "f32";
    const stat = await Deno.stat(`${base}.${ext}`);
    if (meta.format !== MAGIC || meta.key !== expect.key || meta.n !== expect.n) return undefined;
    if (stat.size !== expect.n * expect.per * bytesPerValue(expect.storage)) return undefined;
    return { bad: meta.bad as TrunkCacheResult["bad"] };
  } catch {
    return undefined;
  }
}
