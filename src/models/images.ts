/**
 * Image decoding for the backbones: any format sharp reads (PNG, JPEG, WebP, GIF, TIFF, AVIF,
 * SVG) → auto-oriented (EXIF) sRGB, alpha flattened onto white, resized to the model's input
 * size → interleaved RGB floats, optionally preprocessed for a backbone.
 *
 * Resizing: by default the whole image is stretched to the target size (`fit: "fill"`, what
 * Keras' `load_img(target_size=…)` does; THINGS images and the icons are square, so nothing is
 * distorted there) with sharp's `linear` kernel — bilinear interpolation that libvips widens when
 * shrinking, i.e. antialiased like PIL/torchvision bilinear — and without JPEG shrink-on-load, so
 * the result does not depend on the file format's fast paths. `fit: "cover"` centre-crops to the
 * aspect ratio first; `fit: "contain"` letterboxes onto white.
 *
 * @module
 */
import sharp from "sharp";
import { InputError } from "../io/errors.ts";
import { preprocessInPlace, type PreprocessMode } from "./preprocess.ts";

/** Resampling kernels of sharp. */
export type ResizeKernel =
  | "nearest"
  | "linear"
  | "cubic"
  | "mitchell"
  | "lanczos2"
  | "lanczos3"
  | "mks2013"
  | "mks2021";

/** How the image is fitted into the target size. */
export type ResizeFit = "fill" | "cover" | "contain";

/** Default resampling kernel (antialiased bilinear). */
export const DEFAULT_KERNEL: ResizeKernel = "linear";

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Target size: one number for a square, or `[height, width]`. */
  size: number | readonly [number, number];
  /** How to fit the image into the size (default `fill`: stretch). */
  fit?: ResizeFit;
  /** Resampling kernel (default {@link DEFAULT_KERNEL}). */
  kernel?: ResizeKernel;
  /** Name of the image in error messages when decoding bytes (default `<bytes>`). */
  name?: string;
}

/** Options of {@link loadImage} and {@link loadImageBatch}. */
export interface LoadImageOptions extends DecodeOptions {
  /** Preprocessing applied to the 0…255 pixels (default `none`). */
  preprocess?: PreprocessMode;
}

/** Options of {@link loadImageBatch}. */
export interface LoadImageBatchOptions extends LoadImageOptions {
  /** Images decoded at the same time (default 8). */
  concurrency?: number;
}

/** A batch of images: NHWC floats, ready for `tf.tensor4d(data, [n, height, width, 3])`. */
export interface ImageBatch {
  /** n × height × width × 3 values, image after image, in the order of the paths. */
  data: Float32Array;
  /** Number of images. */
  n: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
}

/** `[height, width]` of a size option. */
export function sizeOf(size: number | readonly [number, number]): [number, number] {
  const [h, w] = typeof size === "number" ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new RangeError(`image size must be positive integers, got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

/**
 * Decode an image file (or its bytes) to interleaved 8-bit RGB of the target size (see the module
 * documentation for the steps). A missing, unreadable or corrupt image throws {@link InputError}
 * naming the file.
 */
export async function decodeImage(
  source: string | Uint8Array,
  options: DecodeOptions,
): Promise<Uint8Array> {
  const [height, width] = sizeOf(options.size);
  const name = typeof source === "string" ? source : (options.name ?? "<bytes>");
  let bytes: Uint8Array;
  if (typeof source === "string") {
    try {
      bytes = await Deno.readFile(source);
    } catch (error) {
      throw new InputError({
        file: source,
        expected: "an image file",
        found: error instanceof Deno.errors.NotFound
          ? "no such file"
          : `an unreadable file (${(error as Error).message})`,
      });
    }
  } else {
    bytes = source;
  }
  if (bytes.length === 0) {
    throw new InputError({ file: name, expected: "an image", found: "an empty file" });
  }
  const fit = options.fit ?? "fill";
  try {
    const { data, info } = await sharp(bytes, { failOn: "warning" })
      .autoOrient()
      .toColourspace("srgb")
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .resize({
        width,
        height,
        fit,
        position: "centre",
        kernel: options.kernel ?? DEFAULT_KERNEL,
        fastShrinkOnLoad: false,
        background: { r: 255, g: 255, b: 255, alpha: 1 },
      })
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height) {
      throw new Error(`resized to ${info.width}×${info.height} instead of ${width}×${height}`);
    }
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (info.channels === 3) return pixels;
    return toRgb(pixels, info.channels, width * height);
  } catch (error) {
    throw new InputError({
      file: name,
      expected: "an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG)",
      found: `a file it cannot (${firstLine((error as Error).message)})`,
    });
  }
}

/** Expand 1- or 2-channel (grey, grey+alpha) or 4-channel pixels to RGB. */
function toRgb(pixels: Uint8Array, channels: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 3);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < 3; c++) {
      out[p * 3 + c] = pixels[p * channels + (channels >= 3 ? c : 0)];
    }
  }
  return out;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.trim();
}

/**
 * Decode one image to `height × width × 3` floats (0…255 before preprocessing), preprocessed with
 * `options.preprocess`.
 */
export async function loadImage(
  source: string | Uint8Array,
  options: LoadImageOptions,
): Promise<Float32Array> {
  const pixels = await decodeImage(source, options);
  return preprocessInPlace(Float32Array.from(pixels), options.preprocess ?? "none");
}

/**
 * Decode images into one NHWC float batch in the order of `paths`. Up to `concurrency` images are
 * decoded at once (sharp works on its own threads); each lands in its own slot, so the result does
 * not depend on which finishes first. The first failing image's {@link InputError} is thrown.
 */
export async function loadImageBatch(
  paths: readonly string[],
  options: LoadImageBatchOptions,
): Promise<ImageBatch> {
  const [height, width] = sizeOf(options.size);
  const n = paths.length;
  const per = height * width * 3;
  const data = new Float32Array(n * per);
  const mode = options.preprocess ?? "none";
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const errors: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const index = next++;
      try {
        const pixels = await decodeImage(paths[index], { ...options, size: [height, width] });
        const slot = data.subarray(index * per, (index + 1) * per);
        slot.set(pixels);
        preprocessInPlace(slot, mode);
      } catch (error) {
        errors.push({ index, error });
        next = n;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (errors.length > 0) {
    errors.sort((a, b) => a.index - b.index);
    throw errors[0].error;
  }
  return { data, n, height, width };
}
