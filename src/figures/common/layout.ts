/**
 * Panels of different widths side by side in one `<svg>` row (each with an optional heading),
 * for multi-panel figures whose first panel carries the model labels and is wider than the
 * others (the row then goes into `composeFigure` as one panel), and a grid of blocks (probes,
 * queries) wrapped into rows.
 *
 * @module
 */
import { numberAttribute, panelHeading, svgElement } from "../frame.ts";
import type { FigureContext } from "../spec.ts";
import { FONT_SIZE } from "../style.ts";

/** One panel of a {@link panelRow}. */
export interface RowPanel {
  /** The panel (`<svg>` with numeric width and height attributes). */
  svg: Element;
  /** Heading above the panel. */
  label?: string;
}

/** Gap between panels of a row, in pixels. */
export const ROW_GAP = 10;

/** Places `panels` left to right with {@link ROW_GAP} between them; returns the row `<svg>`. */
export function panelRow(context: FigureContext, panels: RowPanel[]): SVGSVGElement {
  const { document } = context;
  const headed = panels.some((p) => p.label);
  const top = headed ? FONT_SIZE.body * 1.4 : 0;
  const row = svgElement(document, "svg");
  let x = 0, height = 0;
  for (const p of panels) {
    if (p.label) {
      row.append(panelHeading(document, p.label, { x, y: top }));
    }
    p.svg.setAttribute("x", String(x));
    p.svg.setAttribute("y", String(top));
    row.append(p.svg);
    x += numberAttribute(p.svg, "width") + ROW_GAP;
    height = Math.max(height, top + numberAttribute(p.svg, "height"));
  }
  row.setAttribute("width", String(Math.max(0, x - ROW_GAP)));
  row.setAttribute("height", String(height));
  return row;
}

/** Options of {@link blockGrid}. */
export interface BlockGridOptions<T> {
  /** Panel width. */
  width: number;
  /** Width a block needs: the grid has as many columns as fit in `width` (at least one). */
  blockWidth: number;
  /** Distance between column starts (default `width / columns`). */
  columnStep?: number;
  /** Left edge of the first column. */
  left: number;
  /** Vertical gap between rows of blocks. */
  rowGap: number;
  /** Draws one block with its top-left corner at (x, y); returns it and its height. */
  draw(item: T, at: { x: number; y: number }): { group: SVGGElement; height: number };
}

/**
 * Blocks (e.g. one per probe or query) laid out left to right in as many columns as fit, row
 * after row (each row as tall as its tallest block), in one `<svg>` panel of `options.width`.
 */
export function blockGrid<T>(
  context: FigureContext,
  items: readonly T[],
  options: BlockGridOptions<T>,
): SVGSVGElement {
  const { width } = options;
  const columns = Math.max(1, Math.floor(width / options.blockWidth));
  const step = options.columnStep ?? width / columns;
  const panel = svgElement(context.document, "svg", { width });
  let y = 0, rowHeight = 0;
  items.forEach((item, i) => {
    const column = i % columns;
    if (column === 0 && i > 0) {
      y += rowHeight + options.rowGap;
      rowHeight = 0;
    }
    const block = options.draw(item, { x: options.left + column * step, y });
    panel.append(block.group);
    rowHeight = Math.max(rowHeight, block.height);
  });
  panel.setAttribute("height", String(y + rowHeight));
  return panel;
}

/**
 * Widths of `options.count` panels sharing `total` pixels when the first also holds a label
 * margin of `options.margin` pixels: the plotting areas come out equal.
 */
export function rowWidths(total: number, options: { count: number; margin: number }): number[] {
  const { count, margin } = options;
  const plot = Math.floor((total - margin - (count - 1) * ROW_GAP - 12 * (count - 1)) / count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? margin + plot : plot + 12));
}

/** Narrowest plotting area, in pixels, before a row of panels wraps into fewer columns. */
export const MIN_PLOT_WIDTH = 120;

/**
 * How many of `options.count` panels fit side by side in `total` pixels as {@link rowWidths}
 * shares them (the first with a label margin of `options.margin`) with every plotting area at
 * least `options.minPlot` wide (default {@link MIN_PLOT_WIDTH}): `count` on a wide page, fewer
 * on a narrow one, never less than one.
 */
export function fitColumns(
  total: number,
  options: { count: number; margin: number; minPlot?: number },
): number {
  const minPlot = options.minPlot ?? MIN_PLOT_WIDTH;
  let count = Math.max(1, options.count);
  while (count > 1 && rowWidths(total, { count, margin: options.margin })[1] - 12 < minPlot) {
    count--;
  }
  return count;
}
