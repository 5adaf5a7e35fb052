/**
 * Server-side rendering: a figure is drawn into a linkedom document, serialised as a standalone
 * SVG file and rasterised to PNG by sharp (librsvg) at a fixed density with the pinned fonts
 * (src/figures/fonts.ts). The same tables give byte-identical SVG and PNG files.
 *
 * @module
 */
import { extname, resolve } from "node:path";
import { parseHTML } from "linkedom";
import { resolveProfile } from "../pipeline/profile.ts";
import { dataUri } from "./common/raster.ts";
import { drawFigure } from "./draw.ts";
import { usePinnedFonts } from "./fonts.ts";
import type { FigureSpec, TableSet } from "./spec.ts";
import { DEFAULT_WIDTH } from "./style.ts";
import { TABLE, tableFile } from "../tables/names.ts";

/** PNG density in dpi of the `figures` task: sharp maps 72 dpi to one pixel per CSS pixel (2×). */
export const PNG_DENSITY = 144;

/** PNG density of the regression baselines and figure diffs (1×: small files, fast compares). */
export const BASELINE_DENSITY = 72;

/** zlib level of the PNGs `figures` writes (3: about 4× faster than 9 for files about 10% larger). */
export const PNG_COMPRESSION = 3;

/** Options of {@link renderFigure}. */
export interface RenderOptions {
  /** Figure width in CSS pixels (default {@link DEFAULT_WIDTH}). */
  width?: number;
  /** PNG density in dpi (default {@link PNG_DENSITY}). */
  density?: number;
  /** zlib level 0–9 of the PNG (default {@link PNG_COMPRESSION}). */
  compressionLevel?: number;
  /**
   * Folder the `path` column of images.arrow is relative to (for figures that show images;
   * default: the embedded profile's images, which ship in data/).
   */
  imagesRoot?: string;
}

/** A rendered figure. */
export interface RenderedFigure {
  /** Standalone SVG text (with XML namespace). */
  svg: string;
  /** PNG bytes. */
  png: Uint8Array;
}

/** A fresh, empty linkedom HTML document to draw figures into. */
export function createDocument(): Document {
  return parseHTML("<!DOCTYPE html><html><head></head><body></body></html>")
    .document as unknown as Document;
}

/** Draws `spec` from `tables` and returns the standalone SVG text. */
export function figureSvg(
  spec: FigureSpec,
  tables: TableSet,
  options: RenderOptions = {},
): string {
  const document = createDocument();
  const svg = drawFigure(spec, tables, {
    document,
    width: options.width ?? DEFAULT_WIDTH,
    imageHref: imageDataHref(options.imagesRoot ?? resolveProfile("embedded").imagesRoot),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

type SharpModule = typeof import("sharp");
let sharpModule: Promise<SharpModule> | undefined;

/** sharp, loaded after the pinned fonts are configured (fontconfig reads its file once). */
function loadSharp(): Promise<SharpModule> {
  if (!sharpModule) {
    usePinnedFonts();
    sharpModule = import("sharp");
  }
  return sharpModule;
}

/** Rasterises SVG text to PNG bytes at `density` dpi (default {@link PNG_DENSITY}). */
export async function svgToPng(
  svg: string,
  options: { density?: number; compressionLevel?: number } = {},
): Promise<Uint8Array> {
  const sharp = (await loadSharp()).default;
  const buffer = await sharp(new TextEncoder().encode(svg), {
    density: options.density ?? PNG_DENSITY,
  }).png({
    compressionLevel: options.compressionLevel ?? PNG_COMPRESSION,
    adaptiveFiltering: false,
  })
    .toBuffer();
  return bytesOf(buffer);
}

/** Raw pixels of an image. */
export interface RgbaImage {
  /** RGBA bytes, row-major. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Rasterises SVG text to RGBA pixels (what a PNG of the same density decodes to). */
export function svgToRgba(
  svg: string,
  options: { density?: number } = {},
): Promise<RgbaImage> {
  return rgbaPixels(new TextEncoder().encode(svg), { density: options.density ?? PNG_DENSITY });
}

/** Decodes PNG bytes to RGBA pixels. */
export function decodePng(png: Uint8Array): Promise<RgbaImage> {
  return rgbaPixels(png);
}

/** RGBA pixels of an image sharp reads (SVG text at `density` dpi, or PNG bytes). */
async function rgbaPixels(
  input: Uint8Array,
  options: { density?: number } = {},
): Promise<RgbaImage> {
  const sharp = (await loadSharp()).default;
  const { data, info } = await sharp(input, options).ensureAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  return { data: bytesOf(data), width: info.width, height: info.height };
}

/** Encodes RGBA pixels as PNG bytes. */
export async function encodePng(image: RgbaImage): Promise<Uint8Array> {
  const sharp = (await loadSharp()).default;
  const buffer = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 4 },
  }).png({ compressionLevel: PNG_COMPRESSION }).toBuffer();
  return bytesOf(buffer);
}

/** A Node Buffer's bytes as a plain Uint8Array view. */
function bytesOf(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Renders a figure to SVG text and PNG bytes. */
export async function renderFigure(
  spec: FigureSpec,
  tables: TableSet,
  options: RenderOptions = {},
): Promise<RenderedFigure> {
  const svg = figureSvg(spec, tables, options);
  return { svg, png: await svgToPng(svg, options) };
}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
};

/** Data URIs of image files by path, size and modification time (see {@link imageDataHref}). */
const imageUris = new Map<string, string>();

/**
 * An `imageHref` for the server: reads the image under `imagesRoot` and returns a data: URI, so
 * the SVG file is self-contained. Throws a clear error naming a missing image file. The URIs are
 * kept for the process (an image shown by several figures, or rendered again, is read once; a
 * file that changes on disk is read again).
 */
export function imageDataHref(imagesRoot: string): (path: string) => string {
  return (path: string) => {
    const file = resolve(imagesRoot, path);
    let stat: Deno.FileInfo;
    try {
      stat = Deno.statSync(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          `${file}: expected an image (from ${tableFile(TABLE.images)}), found no file`,
        );
      }
      throw error;
    }
    const key = `${file}\u0000${stat.size}\u0000${stat.mtime?.getTime()}`;
    let uri = imageUris.get(key);
    if (uri === undefined) {
      const mime = MIME[extname(file).toLowerCase()] ?? "application/octet-stream";
      uri = dataUri(Deno.readFileSync(file), mime);
      imageUris.set(key, uri);
    }
    return uri;
  };
}
