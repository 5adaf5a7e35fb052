/**
 * Images in figures: one representative image per concept (from `images.arrow`) and image tiles
 * (the image, an optional coloured frame and a caption) drawn through `context.imageHref`, with a
 * labelled placeholder where no image can be shown (no `imageHref`, or no image of the concept).
 * Browser-safe.
 *
 * @module
 */
import { str, tableRows } from "../data.ts";
import { svgElement, svgText } from "../frame.ts";
import type { FigureContext, TableSet } from "../spec.ts";
import { FONT_SIZE, INK, textWidth } from "../style.ts";
import { memo } from "./memo.ts";

/** Frame colours of image tiles: a correct / human-matching item, a wrong one. */
export const MARK = { match: "#1a9850", miss: "#d73027" } as const;

/** Image paths (`images.arrow` column `path`) by image_id. */
export function imagePaths(tables: TableSet): Map<string, string> {
  const rows = tableRows(tables, "images");
  return memo(rows, "imagePaths", () => {
    const out = new Map<string, string>();
    for (const row of rows) out.set(str(row.image_id), str(row.path));
    return out;
  });
}

/**
 * One image per concept: the concept's first image in `images.arrow` order (deterministic; on
 * the embedded profile the Fluent Color emoji of the held-out style).
 */
export function conceptImages(tables: TableSet): Map<string, string> {
  const rows = tableRows(tables, "images");
  return memo(rows, "conceptImages", () => {
    const out = new Map<string, string>();
    for (const row of rows) {
      const id = str(row.uniqueID);
      if (!out.has(id)) out.set(id, str(row.path));
    }
    return out;
  });
}

/** What {@link imageTile} draws. */
export interface TileOptions {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Side of the square image area. */
  size: number;
  /** Image path (images.arrow `path`); null draws a placeholder. */
  path: string | null;
  /** Word shown in the placeholder and as the caption. */
  label: string;
  /** Draw the caption under the tile (default true). */
  caption?: boolean;
  /** Second caption line (e.g. a similarity), muted. */
  detail?: string;
  /** Frame colour (e.g. correct/incorrect); none when absent. */
  frame?: string;
  /** Frame width (default 2.5). */
  frameWidth?: number;
  /** Dashed frame. */
  dashed?: boolean;
}

/** Height a tile with caption (and detail) takes below its image area. */
export function captionHeight(options: { detail?: boolean } = {}): number {
  return FONT_SIZE.small * 1.3 + (options.detail ? FONT_SIZE.small * 1.2 : 0) + 2;
}

/** Shortens `text` with an ellipsis to fit `options.width` pixels at `options.fontSize`. */
export function fitText(text: string, options: { width: number; fontSize: number }): string {
  const { width, fontSize } = options;
  if (textWidth(text, fontSize) <= width) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, fontSize) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Draws one image tile as a `<g>` (see {@link TileOptions}). */
export function imageTile(context: FigureContext, options: TileOptions): SVGGElement {
  const { document } = context;
  const { x, y, size } = options;
  const g = svgElement(document, "g");
  const href = options.path && context.imageHref ? context.imageHref(options.path) : null;
  g.append(svgElement(document, "rect", {
    x,
    y,
    width: size,
    height: size,
    fill: href ? INK.background : "#f3f3f3",
    stroke: INK.grid,
  }));
  if (href) {
    const pad = Math.max(1, Math.round(size * 0.06));
    const image = svgElement(document, "image", {
      x: x + pad,
      y: y + pad,
      width: size - 2 * pad,
      height: size - 2 * pad,
      href,
      preserveAspectRatio: "xMidYMid meet",
    });
    g.append(image);
  } else {
    g.append(
      svgText(
        document,
        fitText(options.label, { width: size - 4, fontSize: FONT_SIZE.small - 1 }),
        {
          x: x + size / 2,
          y: y + size / 2 + 3,
          "text-anchor": "middle",
          "font-size": FONT_SIZE.small - 1,
          fill: INK.muted,
        },
      ),
    );
  }
  if (options.frame) {
    const w = options.frameWidth ?? 2.5;
    g.append(svgElement(document, "rect", {
      x: x - w / 2,
      y: y - w / 2,
      width: size + w,
      height: size + w,
      fill: "none",
      stroke: options.frame,
      "stroke-width": w,
      ...(options.dashed ? { "stroke-dasharray": "4,2" } : {}),
    }));
  }
  if (options.caption ?? true) {
    const captionWidth = size + 10;
    g.append(
      svgText(
        document,
        fitText(options.label, { width: captionWidth, fontSize: FONT_SIZE.small }),
        {
          x: x + size / 2,
          y: y + size + FONT_SIZE.small * 1.15 + 2,
          "text-anchor": "middle",
          "font-size": FONT_SIZE.small,
        },
      ),
    );
    if (options.detail) {
      g.append(
        svgText(
          document,
          fitText(options.detail, { width: captionWidth, fontSize: FONT_SIZE.small - 1 }),
          {
            x: x + size / 2,
            y: y + size + FONT_SIZE.small * 2.35 + 2,
            "text-anchor": "middle",
            "font-size": FONT_SIZE.small - 1,
            fill: INK.muted,
          },
        ),
      );
    }
  }
  return g;
}

/** One tile of a {@link tileRow}. */
export interface RowItem {
  /** Image path or null. */
  path: string | null;
  /** Caption. */
  label: string;
  /** Second caption line. */
  detail?: string;
  /** Frame colour. */
  frame?: string;
  /** Frame width. */
  frameWidth?: number;
  /** Dashed frame. */
  dashed?: boolean;
}

/** Draws tiles left to right from (x, y); returns the group and the row's height. */
export function tileRow(
  context: FigureContext,
  options: { x: number; y: number; size: number; gap: number; items: RowItem[] },
): { group: SVGGElement; height: number } {
  const group = svgElement(context.document, "g");
  const hasDetail = options.items.some((i) => i.detail);
  options.items.forEach((item, i) => {
    group.append(imageTile(context, {
      ...item,
      x: options.x + i * (options.size + options.gap),
      y: options.y,
      size: options.size,
    }));
  });
  return { group, height: options.size + captionHeight({ detail: hasDetail }) };
}

/**
 * A bold title at (x, y) over one large tile with a caption: the query (or probe) column of the
 * example figures. Appends both to `group`; returns the tile row.
 */
export function titledTile(
  context: FigureContext,
  group: SVGGElement,
  options: { x: number; y: number; title: string; size: number; item: RowItem },
): { group: SVGGElement; height: number } {
  group.append(svgText(context.document, options.title, {
    x: options.x,
    y: options.y + 12,
    "font-weight": "bold",
  }));
  const row = tileRow(context, {
    x: options.x,
    y: options.y + 20,
    size: options.size,
    gap: 0,
    items: [options.item],
  });
  group.append(row.group);
  return row;
}
