/**
 * Draws a registered figure into any DOM document (browser or linkedom) and normalises the
 * result: namespace attributes, one font family everywhere, and element ids prefixed with the
 * figure's family and name (renumbered in document order, so two figures on one page never share
 * an id and the same data give the same SVG text). Plot panels with pointer tips get an invisible
 * hit area, so the pointer is tracked over the whole panel once it is nested in the figure's
 * `<svg>` (a nested `<svg>` only receives events on what it paints); Plot's own elements are
 * kept, never cloned, so its pointer listeners keep working in the browser.
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
  addTipHitAreas(svg);
  return svg;
}

/**
 * Gives every `<svg>` that holds a Plot tip (`g[aria-label="tip"]`) an invisible rectangle
 * behind its marks (`fill="none"`, `pointer-events="all"`) covering its width and height, so
 * Plot's pointer listeners on that `<svg>` see the pointer anywhere over the panel. Draws no
 * pixels; an `<svg>` that has one already is left alone. While the pointer is over a tipped panel,
 * a `:hover` rule lets the panel and the figure show a tip past their edges (a nested `<svg>`
 * clips its content). Returns how many rectangles were added.
 */
export function addTipHitAreas(svg: SVGSVGElement): number {
  const owners = new Set<Element>();
  for (const tip of svg.querySelectorAll('g[aria-label="tip"]')) {
    let node: Element | null = tip.parentElement;
    while (node && node.tagName.toLowerCase() !== "svg") node = node.parentElement;
    if (node) owners.add(node);
  }
  let added = 0;
  for (const owner of owners) {
    const first = [...owner.children].find((c) => c.tagName.toLowerCase() !== "style");
    if (first?.hasAttribute("data-tip-area")) continue;
    const rect = owner.ownerDocument!.createElementNS("http://www.w3.org/2000/svg", "rect");
    for (const name of ["width", "height"]) {
      rect.setAttribute(name, owner.getAttribute(name) ?? "100%");
    }
    rect.setAttribute("fill", "none");
    rect.setAttribute("pointer-events", "all");
    rect.setAttribute("aria-hidden", "true");
    rect.setAttribute("data-tip-area", "");
    const style = [...owner.children].find((c) => c.tagName.toLowerCase() === "style");
    owner.insertBefore(rect, style ? style.nextSibling : owner.firstChild);
    owner.setAttribute("data-tip-panel", "");
    added++;
  }
  if (added && !svg.querySelector("style[data-tip-style]")) {
    // while hovered, a panel and the figure let a tip spill over their edges (a nested <svg>
    // clips its content); nothing is hovered on the server, so its pixels do not change
    const css = svg.ownerDocument!.createElementNS("http://www.w3.org/2000/svg", "style");
    css.setAttribute("data-tip-style", "");
    css.textContent = "svg[data-tip-panel]:hover,svg[data-tips]:hover{overflow:visible}";
    svg.setAttribute("data-tips", "");
    svg.insertBefore(css, svg.firstChild);
  }
  return added;
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
