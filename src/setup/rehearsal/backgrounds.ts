/**
 * Backgrounds of the rehearsal images, as RGB pixels: a solid colour, a two-colour gradient,
 * smooth noise with grain, stripes, or a scatter of random shapes — so that the object, not the
 * background, is what tells the concepts apart.
 */
import sharp from "sharp";
import type { Rng } from "../../stats/random.ts";
import { hsl, shapeSvg } from "./objects.ts";

/** The kinds of background, drawn uniformly. */
export const BACKGROUND_KINDS = ["solid", "gradient", "noise", "stripes", "shapes"] as const;

/** One kind of background. */
export type BackgroundKind = typeof BACKGROUND_KINDS[number];

/** Interleaved RGB pixels of a square `side` × `side` image. */
export interface RgbImage {
  /** side × side × 3 bytes. */
  data: Uint8Array;
  /** Side length in pixels. */
  side: number;
}

/** Draw a background of a random kind (all randomness from `rng`). */
export async function renderBackground(side: number, rng: Rng): Promise<RgbImage> {
  const kind = BACKGROUND_KINDS[rng.int(BACKGROUND_KINDS.length)];
  switch (kind) {
    case "solid":
      return solid(side, randomColour(rng));
    case "gradient":
      return gradient(side, rng);
    case "noise":
      return await noise(side, rng);
    case "stripes":
      return stripes(side, rng);
    case "shapes":
      return await shapes(side, rng);
  }
}

/** An RGB colour, lighter or darker by chance. */
function randomColour(rng: Rng): [number, number, number] {
  const light = rng.next() < 0.5;
  const base = light ? 150 : 20;
  const span = light ? 105 : 150;
  return [base + rng.int(span), base + rng.int(span), base + rng.int(span)];
}

function solid(side: number, colour: [number, number, number]): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = colour[0];
    data[i + 1] = colour[1];
    data[i + 2] = colour[2];
  }
  return { data, side };
}

/** A linear gradient between two colours along a random direction. */
function gradient(side: number, rng: Rng): RgbImage {
  const a = randomColour(rng);
  const b = randomColour(rng);
  const angle = rng.next() * 2 * Math.PI;
  const dx = Math.cos(angle) / side;
  const dy = Math.sin(angle) / side;
  const offset = (Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle))) / 2;
  const data = new Uint8Array(side * side * 3);
  let i = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const t = Math.min(
        1,
        Math.max(0, ((x - side / 2) * dx + (y - side / 2) * dy) + offset) /
          (2 * offset),
      );
      data[i++] = a[0] + (b[0] - a[0]) * t;
      data[i++] = a[1] + (b[1] - a[1]) * t;
      data[i++] = a[2] + (b[2] - a[2]) * t;
    }
  }
  return { data, side };
}

/** Smooth value noise (a coarse random grid, upsampled) plus per-pixel grain. */
async function noise(side: number, rng: Rng): Promise<RgbImage> {
  const grid = 3 + rng.int(10);
  const coarse = new Uint8Array(grid * grid * 3);
  const base = randomColour(rng);
  const spread = 40 + rng.int(80);
  for (let i = 0; i < coarse.length; i++) {
    coarse[i] = clamp(base[i % 3] + (rng.next() - 0.5) * 2 * spread);
  }
  const smooth = await sharp(coarse, { raw: { width: grid, height: grid, channels: 3 } })
    .resize(side, side, { kernel: "cubic" })
    .raw()
    .toBuffer();
  const data = new Uint8Array(smooth.buffer, smooth.byteOffset, smooth.length);
  addGrain(data, rng, 4 + rng.int(24));
  return { data, side };
}

/** Straight stripes of two colours at a random angle and period, with a little grain. */
function stripes(side: number, rng: Rng): RgbImage {
  const a = randomColour(rng);
  const b = randomColour(rng);
  const period = side / (4 + rng.int(20));
  const angle = rng.next() * Math.PI;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const data = new Uint8Array(side * side * 3);
  let i = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const c = Math.floor((x * cos + y * sin) / period) % 2 === 0 ? a : b;
      data[i++] = c[0];
      data[i++] = c[1];
      data[i++] = c[2];
    }
  }
  addGrain(data, rng, rng.int(12));
  return { data, side };
}

/** Random shapes (the same kinds as the procedural objects, but many and smaller) on a fill. */
async function shapes(side: number, rng: Rng): Promise<RgbImage> {
  const fill = randomColour(rng);
  const elements: string[] = [];
  const count = 6 + rng.int(20);
  for (let i = 0; i < count; i++) {
    elements.push(shapeSvg(rng, {
      x: rng.next() * side,
      y: rng.next() * side,
      size: side * (0.03 + rng.next() * 0.12),
      fill: hsl({ h: rng.int(360), s: 20 + rng.int(60), l: 25 + rng.int(55) }),
    }));
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">` +
    `<rect width="100%" height="100%" fill="rgb(${fill.join(",")})"/>${elements.join("")}</svg>`;
  const raw = await sharp(new TextEncoder().encode(svg)).removeAlpha().raw().toBuffer();
  return { data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length), side };
}

/** Add the same random offset to the three channels of each pixel (a fast xorshift stream). */
function addGrain(data: Uint8Array, rng: Rng, amplitude: number): void {
  if (amplitude <= 0) return;
  let x = (Math.floor(rng.next() * 4294967296) | 1) >>> 0;
  const scale = (2 * amplitude) / 4294967296;
  for (let i = 0; i < data.length; i += 3) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const g = (x >>> 0) * scale - amplitude;
    data[i] = clamp(data[i] + g);
    data[i + 1] = clamp(data[i + 1] + g);
    data[i + 2] = clamp(data[i + 2] + g);
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
