/**
 * Panels of different widths side by side in one `<svg>` row (each with an optional heading),
 * for multi-panel figures whose first panel carries the model labels and is wider than the
 * others. The row then goes into `composeFigure` as one panel.
 *
 * @module
 */
import { svgElement, svgText } from "../frame.ts";
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

function size(element: Element, name: string): number {
  const value = Number(element.getAttribute(name));
  return Number.isFinite(value) ? value : 0;
}

/** Places `panels` left to right with {@link ROW_GAP} between them; returns the row `<svg>`. */
export function panelRow(context: FigureContext, panels: RowPanel[]): SVGSVGElement {
  const { document } = context;
  const headed = panels.some((p) => p.label);
  const top = headed ? FONT_SIZE.body * 1.4 : 0;
  const row = svgElement(document, "svg");
  let x = 0, height = 0;
  for (const p of panels) {
    if (p.label) {
      row.append(svgText(document, p.label, {
        x,
        y: top - 4,
        "font-size": FONT_SIZE.body,
        "font-weight": "bold",
      }));
    }
    p.svg.setAttribute("x", String(x));
    p.svg.setAttribute("y", String(top));
    row.append(p.svg);
    x += size(p.svg, "width") + ROW_GAP;
    height = Math.max(height, top + size(p.svg, "height"));
  }
  row.setAttribute("width", String(Math.max(0, x - ROW_GAP)));
  row.setAttribute("height", String(height));
  return row;
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
