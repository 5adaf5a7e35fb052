/**
 * Composition of a figure: one outer `<svg>` with a white background, a title, an optional
 * subtitle, a swatch legend and a grid of panels (Plot or d3 `<svg>`s nested at x/y offsets),
 * and an optional caption. Works with any DOM document (browser or linkedom).
 *
 * @module
 */
import type { FigureContext } from "./spec.ts";
import { FONT_FAMILY, FONT_SIZE, INK, textWidth, wrapText } from "./style.ts";

/** The SVG namespace. */
export const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  document: Document,
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Creates an SVG `<text>` element. */
export function svgText(
  document: Document,
  text: string,
  attributes: Record<string, string | number> = {},
): SVGTextElement {
  const element = svgElement(document, "text", attributes);
  element.textContent = text;
  return element;
}

/** One legend entry. */
export interface LegendItem {
  /** Label text. */
  label: string;
  /** Colour (hex). */
  color: string;
  /** Symbol: filled square (default), circle, hollow circle, diamond, line or dashed line. */
  symbol?: "square" | "circle" | "ring" | "diamond" | "line" | "dash";
}

/** A panel of a figure: an `<svg>` (e.g. from Plot) with its own width and height. */
export interface Panel {
  /** The panel's `<svg>`; needs numeric `width` and `height` attributes. */
  svg: Element;
  /** Optional heading drawn above the panel. */
  label?: string;
}

/** What {@link composeFigure} lays out, top to bottom. */
export interface FigureLayout {
  /** Title (bold). */
  title: string;
  /** Subtitle (wrapped, secondary colour). */
  subtitle?: string;
  /** Legend entries (wrapped into rows). */
  legend?: LegendItem[];
  /** Panels, `columns` per row, left to right at their own widths (see {@link panelWidth}). */
  panels: (Panel | Element)[];
  /** Grid columns (default 1). */
  columns?: number;
  /** Caption under the panels (wrapped, small). */
  caption?: string;
}

const PAD = 12;
const GAP = 10;

/** Appends the title, subtitle and legend at the top of `root`; returns the y below them. */
function appendHeading(root: Element, layout: FigureLayout, inner: number): number {
  // bold title lines wrap as if set 12% larger
  let y = appendLines(root, layout.title, {
    y: PAD,
    width: inner,
    fontSize: FONT_SIZE.title,
    wrapSize: FONT_SIZE.title * 1.12,
    lineHeight: 1.2,
    raise: 4,
    attributes: { "font-weight": "bold" },
  });
  if (layout.subtitle) {
    y = appendLines(root, layout.subtitle, {
      y,
      width: inner,
      fontSize: FONT_SIZE.subtitle,
      lineHeight: 1.35,
      raise: 3,
      attributes: { fill: INK.muted },
    });
  }
  if (layout.legend?.length) {
    y += 6;
    const legend = legendGroup(root.ownerDocument!, layout.legend, { width: inner });
    legend.group.setAttribute("transform", `translate(${PAD},${y})`);
    root.append(legend.group);
    y += legend.height;
  }
  return y;
}

/** Appends one row of panels (with their headings) at `y`; returns the row's height. */
function appendPanelRow(root: Element, row: Panel[], y: number): number {
  const document = root.ownerDocument!;
  let rowHeight = 0;
  let x = PAD;
  row.forEach((panel) => {
    let top = y;
    if (panel.label) {
      top += FONT_SIZE.body * 1.4;
      root.append(panelHeading(document, panel.label, { x, y: top }));
    }
    panel.svg.setAttribute("x", String(x));
    panel.svg.setAttribute("y", String(top));
    root.append(panel.svg);
    rowHeight = Math.max(rowHeight, top - y + numberAttribute(panel.svg, "height"));
    x += numberAttribute(panel.svg, "width") + GAP;
  });
  return rowHeight;
}

/** Lays out a figure as one self-contained `<svg>` of `context.width` pixels. */
export function composeFigure(context: FigureContext, layout: FigureLayout): SVGSVGElement {
  const { document, width } = context;
  const root = svgElement(document, "svg", {
    xmlns: SVG_NS,
    width,
    "font-family": FONT_FAMILY,
    "font-size": FONT_SIZE.body,
    fill: INK.text,
    color: INK.text,
  });
  const background = svgElement(document, "rect", {
    x: 0,
    y: 0,
    width,
    fill: INK.background,
  });
  root.append(background);
  const inner = width - 2 * PAD;
  let y = appendHeading(root, layout, inner);
  y += GAP;
  const columns = Math.max(1, layout.columns ?? 1);
  const panels = layout.panels.map((p) => ("svg" in p ? p : { svg: p }) as Panel);
  for (let start = 0; start < panels.length; start += columns) {
    y += appendPanelRow(root, panels.slice(start, start + columns), y) + GAP;
  }
  if (layout.caption) {
    y = appendLines(root, layout.caption, {
      y,
      width: inner,
      fontSize: FONT_SIZE.small,
      lineHeight: 1.35,
      raise: 3,
      attributes: { fill: INK.muted },
    }) + 4;
  }
  const height = Math.ceil(y + PAD - GAP);
  root.setAttribute("height", String(height));
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  background.setAttribute("height", String(height));
  return root;
}

/**
 * Appends `text` wrapped to `options.width` (measured at `wrapSize`, default `fontSize`) as
 * `<text>` lines at x = {@link PAD}, each line `lineHeight` × `fontSize` below the previous one
 * from `options.y` (baseline `raise` px above the line's bottom); returns the y below the last
 * line.
 */
function appendLines(
  root: Element,
  text: string,
  options: {
    y: number;
    width: number;
    fontSize: number;
    wrapSize?: number;
    lineHeight: number;
    raise: number;
    attributes: Record<string, string | number>;
  },
): number {
  let y = options.y;
  for (const line of wrapText(text, options.width, options.wrapSize ?? options.fontSize)) {
    y += options.fontSize * options.lineHeight;
    root.append(svgText(root.ownerDocument!, line, {
      x: PAD,
      y: y - options.raise,
      "font-size": options.fontSize,
      ...options.attributes,
    }));
  }
  return y;
}

/** Draws legend entries in rows that fit `width`; returns the group and its height. */
export function legendGroup(
  document: Document,
  items: LegendItem[],
  options: { width: number },
): { group: SVGGElement; height: number } {
  const group = svgElement(document, "g", { "font-size": FONT_SIZE.small });
  const rowHeight = FONT_SIZE.small * 1.7;
  let x = 0, y = 0;
  for (const item of items) {
    const itemWidth = 18 + textWidth(item.label, FONT_SIZE.small) + 14;
    if (x > 0 && x + itemWidth > options.width) {
      x = 0;
      y += rowHeight;
    }
    const g = svgElement(document, "g", { transform: `translate(${x},${y})` });
    g.append(legendSymbol(document, item));
    g.append(svgText(document, item.label, { x: 18, y: 10 }));
    group.append(g);
    x += itemWidth;
  }
  return { group, height: y + rowHeight };
}

function legendSymbol(document: Document, item: LegendItem): SVGElement {
  switch (item.symbol ?? "square") {
    case "circle":
      return svgElement(document, "circle", { cx: 6, cy: 6.5, r: 4.5, fill: item.color });
    case "ring":
      return svgElement(document, "circle", {
        cx: 6,
        cy: 6.5,
        r: 4,
        fill: "none",
        stroke: item.color,
        "stroke-width": 1.5,
      });
    case "diamond":
      return svgElement(document, "path", { d: "M6,1.5L11,6.5L6,11.5L1,6.5Z", fill: item.color });
    case "line":
    case "dash":
      return svgElement(document, "line", {
        x1: 0,
        x2: 13,
        y1: 6.5,
        y2: 6.5,
        stroke: item.color,
        "stroke-width": 2,
        ...(item.symbol === "dash" ? { "stroke-dasharray": "3,2" } : {}),
      });
    default:
      return svgElement(document, "rect", { x: 0, y: 1, width: 11, height: 11, fill: item.color });
  }
}

/** A panel that only says why there is nothing to draw (missing models or metrics). */
export function messagePanel(context: FigureContext, message: string): SVGSVGElement {
  const width = context.width - 2 * PAD;
  const lines = wrapText(message, width - 20, FONT_SIZE.body);
  const height = 30 + lines.length * FONT_SIZE.body * 1.4;
  const svg = svgElement(context.document, "svg", { width, height });
  svg.append(svgElement(context.document, "rect", {
    x: 0.5,
    y: 0.5,
    width: width - 1,
    height: height - 1,
    fill: "#fafafa",
    stroke: INK.grid,
  }));
  lines.forEach((line, i) => {
    svg.append(svgText(context.document, line, {
      x: 10,
      y: 20 + i * FONT_SIZE.body * 1.4 + 4,
      fill: INK.muted,
    }));
  });
  return svg;
}

/** Inner width available to panels of a figure with `columns` columns. */
export function panelWidth(context: FigureContext, columns: number = 1): number {
  return Math.floor((context.width - 2 * PAD - (columns - 1) * GAP) / columns);
}

/** A numeric attribute of an element (`width`, `height`); 0 when absent or not a number. */
export function numberAttribute(element: Element, name: string): number {
  const value = Number(element.getAttribute(name));
  return Number.isFinite(value) ? value : 0;
}

/** A panel's bold heading, its baseline 4 px above `y` (the panel's top) at `x`. */
export function panelHeading(
  document: Document,
  label: string,
  at: { x: number; y: number },
): SVGTextElement {
  return svgText(document, label, {
    x: at.x,
    y: at.y - 4,
    "font-size": FONT_SIZE.body,
    "font-weight": "bold",
  });
}
