/**
 * One rehearsal image: an object (icon or procedural) with colour jitter, a random scale (25–75 %
 * of the side), mirror, rotation (±35°) and position, composited onto a random background and
 * encoded as a square JPEG. Every choice comes from the image's own generator, so images can be
 * rendered in any order and concurrently with the same result.
 */
import sharp from "sharp";
import type { Rng } from "../../stats/random.ts";
import { renderBackground } from "./backgrounds.ts";
import type { RgbaImage } from "./objects.ts";

/** Options of {@link renderImage}. */
export interface RenderOptions {
  /** Side of the square image in pixels. */
  side: number;
  /** JPEG quality 1–100 (default 85). */
  quality?: number;
}

/** Largest rotation in degrees (either way). */
export const MAX_ROTATION = 35;
/** Object size as a fraction of the side. */
export const SCALE_RANGE: readonly [number, number] = [0.25, 0.75];

/** Render one image of `object` (all randomness from `rng`); returns the JPEG bytes. */
export async function renderImage(
  object: RgbaImage,
  rng: Rng,
  options: RenderOptions,
): Promise<Uint8Array> {
  const side = options.side;
  const background = await renderBackground(side, rng);
  const scale = SCALE_RANGE[0] + rng.next() * (SCALE_RANGE[1] - SCALE_RANGE[0]);
  const size = Math.max(8, Math.round(side * scale));
  const angle = (rng.next() * 2 - 1) * MAX_ROTATION;
  const mirror = rng.next() < 0.5;
  const jitter = {
    brightness: 0.75 + rng.next() * 0.5,
    saturation: 0.6 + rng.next() * 0.8,
    hue: Math.round((rng.next() * 2 - 1) * 20),
  };
  // Centre such that the unrotated object stays inside the image.
  const cx = size / 2 + rng.next() * (side - size);
  const cy = size / 2 + rng.next() * (side - size);

  let pipeline = sharp(object.data, {
    raw: { width: object.width, height: object.height, channels: 4 },
  }).modulate(jitter).resize(size, size, { kernel: "cubic", fit: "fill" });
  if (mirror) pipeline = pipeline.flop();
  const scaled = await pipeline.raw().toBuffer();
  const rotated = await sharp(scaled, { raw: { width: size, height: size, channels: 4 } })
    .rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const overlay: RgbaImage = {
    data: new Uint8Array(rotated.data.buffer, rotated.data.byteOffset, rotated.data.length),
    width: rotated.info.width,
    height: rotated.info.height,
  };
  composite(background.data, overlay, {
    side,
    left: Math.round(cx - overlay.width / 2),
    top: Math.round(cy - overlay.height / 2),
  });
  const jpeg = await sharp(background.data, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: options.quality ?? 85 })
    .toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.length);
}

/** Alpha-blend `overlay` onto the RGB `base` (side × side) at (left, top), clipped at the edges. */
export function composite(
  base: Uint8Array,
  overlay: RgbaImage,
  at: { side: number; left: number; top: number },
): void {
  const side = at.side;
  const x0 = Math.max(0, at.left);
  const y0 = Math.max(0, at.top);
  const x1 = Math.min(side, at.left + overlay.width);
  const y1 = Math.min(side, at.top + overlay.height);
  const src = overlay.data;
  for (let y = y0; y < y1; y++) {
    let o = 4 * ((y - at.top) * overlay.width + (x0 - at.left));
    let b = 3 * (y * side + x0);
    for (let x = x0; x < x1; x++, o += 4, b += 3) {
      const a = src[o + 3];
      if (a === 0) continue;
      if (a === 255) {
        base[b] = src[o];
        base[b + 1] = src[o + 1];
        base[b + 2] = src[o + 2];
        continue;
      }
      const t = a / 255;
      base[b] = Math.round(base[b] + (src[o] - base[b]) * t);
      base[b + 1] = Math.round(base[b + 1] + (src[o + 1] - base[b + 1]) * t);
      base[b + 2] = Math.round(base[b + 2] + (src[o + 2] - base[b + 2]) * t);
    }
  }
}
