/**
 * Draws a registered figure into any DOM document (browser or linkedom) and normalises the
 * result: namespace attributes, one font family everywhere, and element ids prefixed with the
 * figure's family and name (renumbered in document order, so two figures on one page never share
 * an id and the same data give the same SVG text).
 *
 * @module
 */
import type { FigureContext, FigureSpec, TableSet } from "./spec.ts";
import { FONT_FAMILY } from "./style.ts";

/** Renders `spec` from `tables` and normalises the `<svg>` (see module docs). */
export function drawFigure(
  spec: FigureSpec,
  tables: TableSet,
  context: FigureContext,
): SVGSVGElement {
  const svg = spec.render(tables, context);
  if (!svg || svg.tagName?.toLowerCase() !== "svg") {
    throw new Error(`figure ${spec.family}/${spec.name} did not return an <svg> element`);
  }
  normalizeSvg(svg, { idPrefix: `${spec.family}-${spec.name}` });
  return svg;
}

/** Options of {@link normalizeSvg}. */
export interface NormalizeOptions {
  /** Prefix of the renumbered ids. */
  idPrefix: string;
}

/** Normalises an `<svg>` in place (namespaces, font family, ids); see the module docs. */
export function normalizeSvg(svg: SVGSVGElement, options: NormalizeOptions): void {
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  svg.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  svg.setAttribute("font-family", FONT_FAMILY);
  for (const element of svg.querySelectorAll("[font-family]")) {
    element.setAttribute("font-family", FONT_FAMILY);
  }
  const prefix = options.idPrefix.replace(/[^A-Za-z0-9_-]/g, "-");
  const renamed = new Map<string, string>();
  for (const element of svg.querySelectorAll("[id]")) {
    const id = element.getAttribute("id")!;
    const next = `${prefix}-${renamed.size + 1}`;
    renamed.set(id, next);
    element.setAttribute("id", next);
  }
  if (!renamed.size) return;
  const rewrite = (value: string) =>
    value.replace(/url\(#([^)]+)\)/g, (m, id) => renamed.has(id) ? `url(#${renamed.get(id)})` : m)
      .replace(/^#(.+)$/, (m, id) => renamed.has(id) ? `#${renamed.get(id)}` : m);
  for (const element of [svg, ...svg.querySelectorAll("*")]) {
    for (const attribute of [...element.attributes]) {
      if (attribute.value.includes("#")) {
        const value = rewrite(attribute.value);
        if (value !== attribute.value) element.setAttribute(attribute.name, value);
      }
    }
  }
}
