/**
 * Trunk caching: every image passes once through the frozen part of the backbone; the
 * activations are stored on disk keyed by backbone weights, preprocessing, input size and the
 * image set, and every model trains its top from them.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { InputError } from "../io/errors.ts";
import { sha256File, sha256Hex, stableStringify } from "../io/hash.ts";
import { type Backbone, modelJsonPath } from "../models/backbones.ts";
import { loadImageBatch } from "../models/images.ts";
import { createProgress } from "../pipeline/progress.ts";
import type { TrunkActivations } from "./trainer.ts";

const MAGIC = "HTTRUNK1";

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
  options: { imageIds: string[]; imageHashes: string[]; modelsRoot?: string },
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
    weights,
    images: sha256Hex(
      options.imageIds.map((id, i) => `${id}\t${options.imageHashes[i]}`).join("\n"),
    ),
  }));
}

/**
 * Trunk activations of every image (row order), from the cache when present, else computed
 * in batches (with progress on a TTY) and stored atomically.
 */
export async function trunkActivations(
  backbone: Backbone,
  trunk: tf.LayersModel,
  options: TrunkCacheOptions,
): Promise<TrunkCacheResult> {
  const key = await trunkCacheKey(backbone, options);
  const path = join(options.cacheDir, `${backbone.spec.name}-${key.slice(0, 16)}.bin`);
  const shape = (trunk.outputs[0].shape as number[]).slice(1);
  const per = shape.reduce((a, b) => a * b, 1);
  const n = options.imagePaths.length;
  const cached = await readCache(path, { key, n, per });
  if (cached) return { data: cached.data, shape, key, hit: true, bad: cached.bad, seconds: 0 };
  const start = performance.now();
  const data = new Float32Array(n * per);
  const bad: TrunkCacheResult["bad"] = [];
  const batchSize = options.batchSize ?? 32;
  const size = backbone.spec.inputSize;
  const progress = createProgress(`trunk ${backbone.spec.name}`, n, { unit: "images" });
  for (let i = 0; i < n; i += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => i + k);
    const paths = rows.map((r) => options.imagePaths[r]);
    let pixels: Float32Array;
    try {
      pixels = (await loadImageBatch(paths, { size, preprocess: backbone.spec.preprocess })).data;
    } catch (error) {
      if (!(options.skipBadImages && error instanceof InputError)) throw error;
      // decode one by one to find (and zero) the bad images of this batch
      pixels = new Float32Array(rows.length * size * size * 3);
      for (const [k, row] of rows.entries()) {
        try {
          const one = await loadImageBatch([options.imagePaths[row]], {
            size,
            preprocess: backbone.spec.preprocess,
          });
          pixels.set(one.data, k * size * size * 3);
        } catch (inner) {
          if (!(inner instanceof InputError)) throw inner;
          bad.push({ row, path: options.imagePaths[row], reason: inner.message });
        }
      }
    }
    const out = tf.tidy(() =>
      trunk.predict(tf.tensor4d(pixels, [rows.length, size, size, 3])) as tf.Tensor
    );
    data.set(out.dataSync(), i * per);
    out.dispose();
    for (const b of bad) {
      if (b.row >= i && b.row < i + rows.length) data.fill(0, b.row * per, (b.row + 1) * per);
    }
    progress.tick(rows.length);
  }
  progress.done();
  await writeCache(path, { key, data, bad });
  const seconds = (performance.now() - start) / 1000;
  options.log?.(
    `trunk ${backbone.spec.name}: ${n} images in ${seconds.toFixed(1)}s (${
      (n / seconds).toFixed(1)
    } img/s), cached`,
  );
  return { data, shape, key, hit: false, bad, seconds };
}

async function writeCache(
  path: string,
  c: { key: string; data: Float32Array; bad: TrunkCacheResult["bad"] },
) {
  const header = new TextEncoder().encode(
    JSON.stringify({ key: c.key, length: c.data.length, bad: c.bad }),
  );
  const start = Math.ceil((8 + 4 + header.length) / 8) * 8;
  const bytes = new Uint8Array(start + c.data.byteLength);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  bytes.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), start);
  await writeFileAtomic(path, bytes);
}

async function readCache(path: string, expect: { key: string; n: number; per: number }) {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    return undefined;
  }
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const start = Math.ceil((12 + length) / 8) * 8;
  if (
    header.key !== expect.key || header.length !== expect.n * expect.per ||
    bytes.length !== start + header.length * 4
  ) {
    return undefined;
  }
  return {
    data: new Float32Array(bytes.slice(start).buffer),
    bad: header.bad as TrunkCacheResult["bad"],
  };
}
