/**
 * Pixel comparison of rendered figures with pixelmatch (figure regression tests, `figures:diff`).
 * Images of different sizes are compared on their common top-left area, and every pixel that only
 * one of them covers counts as changed, so a figure that grows or shrinks always differs.
 *
 * @module
 */
import pixelmatch from "pixelmatch";
import type { RgbaImage } from "./render.ts";

/**
 * pixelmatch's per-pixel colour threshold (0 = exact, 1 = anything; its default is 0.1). With
 * pinned fonts the renderer is byte-deterministic, so the figure tests allow 0 differing pixels at
 * this threshold: any change of data, layout or text shows up.
 */
export const PIXEL_THRESHOLD = 0.1;

/** Result of {@link compareImages}. */
export interface ImageComparison {
  /** Canvas width (the larger of the two). */
  width: number;
  /** Canvas height (the larger of the two). */
  height: number;
  /** Pixels that differ (beyond {@link PIXEL_THRESHOLD}, or outside one of the images). */
  changed: number;
  /** Pixels of the canvas. */
  total: number;
  /** Whether the two images differ in size. */
  sizeChanged: boolean;
  /** The diff image (pixelmatch's: changed pixels red over a faded copy), when asked for. */
  diff?: RgbaImage;
}

/** Compares two RGBA images pixel by pixel (see module docs). */
export function compareImages(
  expected: RgbaImage,
  actual: RgbaImage,
  options: { threshold?: number; diff?: boolean } = {},
): ImageComparison {
  const width = Math.max(expected.width, actual.width);
  const height = Math.max(expected.height, actual.height);
  const w = Math.min(expected.width, actual.width), h = Math.min(expected.height, actual.height);
  const overlap = options.diff ? new Uint8Array(w * h * 4) : undefined;
  let changed = pixelmatch(crop(expected, w, h), crop(actual, w, h), overlap, w, h, {
    threshold: options.threshold ?? PIXEL_THRESHOLD,
  });
  // pixels covered by exactly one of the images
  changed += expected.width * expected.height + actual.width * actual.height - 2 * w * h;
  const sizeChanged = expected.width !== actual.width || expected.height !== actual.height;
  let diff: RgbaImage | undefined;
  if (overlap) {
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inExpected = x < expected.width && y < expected.height;
        const inActual = x < actual.width && y < actual.height;
        if (inExpected !== inActual) data.set(OUTSIDE, (y * width + x) * 4);
      }
    }
    for (let y = 0; y < h; y++) {
      data.set(overlap.subarray(y * w * 4, (y + 1) * w * 4), y * width * 4);
    }
    diff = { data, width, height };
  }
  return { width, height, changed, total: width * height, sizeChanged, ...(diff ? { diff } : {}) };
}

/** Colour of the diff image where only one of the images has pixels. */
const OUTSIDE = [255, 0, 255, 255];

function crop(image: RgbaImage, width: number, height: number): Uint8Array {
  if (image.width === width && image.height === height) return image.data;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    out.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  }
  return out;
}
