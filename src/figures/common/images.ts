/**
 * Images in figures: one representative image per concept (from `images.arrow`) and image tiles
 * (the image, an optional coloured frame and a caption) drawn through `context.imageHref`, with a
 * labelled placeholder where no image can be shown (no `imageHref`, or no image of the concept).
 * Browser-safe.
 *
 * @module
 */
import { str, tableRows } from "../data.ts";
import { panelWidth, svgElement, svgText } from "../frame.ts";
import type { FigureContext, TableSet } from "../spec.ts";
import { FONT_SIZE, INK, textWidth } from "../style.ts";
import { blockGrid } from "./layout.ts";
import { memo } from "./memo.ts";
import { TABLE } from "../../tables/names.ts";

/** Frame colours of image tiles: a correct / human-matching item, a wrong one. */
export const MARK = { match: "#1a9850", miss: "#d73027" } as const;

/** Image paths (`images.arrow` column `path`) by image_id. */
export function imagePaths(tables: TableSet): Map<string, string> {
  const rows = tableRows(tables, TABLE.images);
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
  const rows = tableRows(tables, TABLE.images);
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

/** The tile's image inset in its square, or the placeholder word when there is no `href`. */
function tileContent(document: Document, options: TileOptions, href: string | null): SVGElement {
  const { x, y, size } = options;
  if (href) {
    const pad = Math.max(1, Math.round(size * 0.06));
    return svgElement(document, "image", {
      x: x + pad,
      y: y + pad,
      width: size - 2 * pad,
      height: size - 2 * pad,
      href,
      preserveAspectRatio: "xMidYMid meet",
    });
  }
  return svgText(
    document,
    fitText(options.label, { width: size - 4, fontSize: FONT_SIZE.small - 1 }),
    {
      x: x + size / 2,
      y: y + size / 2 + 3,
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small - 1,
      fill: INK.muted,
    },
  );
}

/** Appends the tile's caption (and muted detail line) under its square. */
function appendCaption(document: Document, g: SVGGElement, options: TileOptions): void {
  const { x, y, size } = options;
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
  g.append(tileContent(document, options, href));
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
  if (options.caption ?? true) appendCaption(document, g, options);
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

/** Sizes of the query blocks ({@link queryTileBlock}): neighbour tiles, their gap, the query. */
export const QUERY_BLOCK = { tile: 38, gap: 9, query: 56 } as const;

/** One labelled row of neighbour tiles in a query block. */
export interface NeighbourRow {
  /** Row label (bold, in `color`). */
  label: string;
  /** Label colour. */
  color: string;
  /** The tiles. */
  items: RowItem[];
}

/**
 * One query block of the example figures (semantic probes, GWOT top matches): a bold title over
 * the query's large tile on the left, and to its right one labelled row of neighbour tiles per
 * entry of `rows`. Returns the block's group and height.
 */
export function queryTileBlock(
  context: FigureContext,
  options: { x: number; y: number; title: string; item: RowItem; rows: NeighbourRow[] },
): { group: SVGGElement; height: number } {
  const { document } = context;
  const { x, y } = options;
  const { tile, gap, query } = QUERY_BLOCK;
  const group = svgElement(document, "g");
  group.append(svgText(document, options.title, { x, y: y + 12, "font-weight": "bold" }));
  group.append(
    tileRow(context, { x, y: y + 20, size: query, gap: 0, items: [options.item] }).group,
  );
  const left = x + query + 14;
  let rowY = y;
  for (const row of options.rows) {
    group.append(svgText(document, row.label, {
      x: left,
      y: rowY + 11,
      "font-size": FONT_SIZE.small,
      "font-weight": "bold",
      fill: row.color,
    }));
    const strip = tileRow(context, { x: left, y: rowY + 16, size: tile, gap, items: row.items });
    group.append(strip.group);
    rowY += 16 + strip.height + 6;
  }
  return { group, height: Math.max(rowY - y, query + 40) };
}

/** Query blocks of `k` neighbour tiles each, in as many columns as fit the panel. */
export function queryBlockGrid<T>(
  context: FigureContext,
  items: readonly T[],
  options: {
    k: number;
    draw: (item: T, at: { x: number; y: number }) => { group: SVGGElement; height: number };
  },
): SVGSVGElement {
  const { tile, gap, query } = QUERY_BLOCK;
  const blockWidth = query + 14 + options.k * (tile + gap) + 16;
  return blockGrid(context, items, {
    width: panelWidth(context),
    blockWidth,
    columnStep: blockWidth,
    left: 4,
    rowGap: 14,
    draw: options.draw,
  });
}
