/**
 * Raster heatmaps for large matrices (RDMs, transport plans of hundreds of concepts), where one
 * SVG rect per cell would make files of megabytes: the matrix becomes an 8-bit palette PNG
 * (256 colours of a d3 interpolator) embedded as a data: URI in an SVG `<image>`. The encoder is
 * plain TypeScript (stored deflate blocks, no compression library) so the same code runs in the
 * browser and on the server, synchronously and byte-deterministically. (src/io/zip.ts has a
 * CRC-32, but it imports node:zlib, which the site's browser bundle cannot load.)
 *
 * @module
 */
import { crc32Bytes } from "../../io/crc32.ts";
import { svgElement } from "../frame.ts";
import type { FigureContext } from "../spec.ts";
import { memoAll } from "./memo.ts";

function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; i += 3800) {
    const end = Math.min(bytes.length, i + 3800);
    for (let j = i; j < end; j++) {
      a += bytes[j];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of `data` in stored (uncompressed) deflate blocks. */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535, len = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32Bytes(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes an 8-bit palette PNG: `pixels` holds `width × height` palette indices (row-major),
 * `palette` up to 256 `[r, g, b]` colours.
 */
export function encodePalettePng(
  pixels: Uint8Array,
  options: { width: number; height: number; palette: [number, number, number][] },
): Uint8Array {
  const { width, height, palette } = options;
  if (pixels.length !== width * height) {
    throw new RangeError(`expected ${width * height} pixels, found ${pixels.length}`);
  }
  if (palette.length < 1 || palette.length > 256) {
    throw new RangeError(`expected 1–256 palette colours, found ${palette.length}`);
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8);
  const plte = Uint8Array.from(palette.flat());
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const parts = [
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("PLTE", plte),
    chunk("IDAT", zlibStored(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Base64 `data:` URI of `bytes` with media type `mime` (browser-safe: the runtime's
 * `Uint8Array.prototype.toBase64` where it has one, else `btoa`).
 */
export function dataUri(bytes: Uint8Array, mime: string): string {
  const toBase64 = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof toBase64 === "function") return `data:${mime};base64,${toBase64.call(bytes)}`;
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${mime};base64,${btoa(binary)}`;
}

/** Base64 data: URI of PNG bytes. */
export function pngDataUri(png: Uint8Array): string {
  return dataUri(png, "image/png");
}

/** `[r, g, b]` of a CSS colour in `#rrggbb` or `rgb(r, g, b)` form (what d3 interpolators give). */
export function parseColor(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const v = parseInt(hex[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new RangeError(`unsupported colour ${color}`);
}

/** What {@link heatmapImage} draws. */
export interface HeatmapOptions {
  /** Row-major values (NaN cells get `missing`). */
  values: ArrayLike<number>;
  /** Matrix rows. */
  rows: number;
  /** Matrix columns. */
  cols: number;
  /** Colour interpolator on [0, 1] (e.g. `d3.interpolateViridis`). */
  interpolate: (t: number) => string;
  /** Value range mapped to [0, 1] (clamped). */
  domain: [number, number];
  /** Colour of NaN cells (default light grey). */
  missing?: string;
  /** Placement and size of the image in the SVG. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Raster pixels per CSS pixel a heatmap keeps at most: the `figures` task's PNGs are drawn at 2×
 * (144 dpi), so a matrix with more cells than that is drawn with one pixel per device pixel.
 */
export const RASTER_SCALE = 2;

/**
 * An SVG `<image>` showing a matrix as a heatmap (one PNG pixel per cell, scaled without
 * smoothing to the given size). 255 colour levels plus one for missing cells. A matrix with more
 * rows or columns than {@link RASTER_SCALE} × the drawn size is sampled at the centres of that
 * many pixels, as the renderer's nearest-neighbour scaling would (the PNG stays small). The image
 * is built once per `values` and `interpolate` (see `memo.ts`).
 */
export function heatmapImage(context: FigureContext, options: HeatmapOptions): SVGImageElement {
  const { rows, cols } = options;
  const outCols = Math.min(cols, Math.max(1, Math.ceil(options.width * RASTER_SCALE)));
  const outRows = Math.min(rows, Math.max(1, Math.ceil(options.height * RASTER_SCALE)));
  const key = `heatmap:${rows}x${cols}:${outRows}x${outCols}:${options.domain}:${options.missing}`;
  const href = memoAll(
    [options.values, options.interpolate],
    key,
    () => pngDataUri(heatmapPng(options, { outRows, outCols })),
  );
  return svgElement(context.document, "image", {
    x: options.x,
    y: options.y,
    width: options.width,
    height: options.height,
    preserveAspectRatio: "none",
    "image-rendering": "optimizeSpeed",
    style: "image-rendering:pixelated",
    href,
  });
}

/** The palette PNG of a heatmap, `outRows × outCols` pixels sampled at their centres. */
function heatmapPng(
  options: HeatmapOptions,
  size: { outRows: number; outCols: number },
): Uint8Array {
  const { rows, cols, values } = options;
  const { outRows, outCols } = size;
  const palette: [number, number, number][] = [];
  for (let i = 0; i < 255; i++) palette.push(parseColor(options.interpolate(i / 254)));
  palette.push(parseColor(options.missing ?? "#eeeeee"));
  const [lo, hi] = options.domain;
  const span = hi - lo || 1;
  const sourceCol = Int32Array.from(
    { length: outCols },
    (_, p) => Math.floor(((p + 0.5) * cols) / outCols),
  );
  const pixels = new Uint8Array(outRows * outCols);
  for (let r = 0; r < outRows; r++) {
    const row = Math.floor(((r + 0.5) * rows) / outRows) * cols;
    for (let c = 0; c < outCols; c++) {
      const v = values[row + sourceCol[c]];
      const i = r * outCols + c;
      if (!Number.isFinite(v)) {
        pixels[i] = 255;
        continue;
      }
      const t = Math.min(1, Math.max(0, (v - lo) / span));
      pixels[i] = Math.round(t * 254);
    }
  }
  return encodePalettePng(pixels, { width: outCols, height: outRows, palette });
}
