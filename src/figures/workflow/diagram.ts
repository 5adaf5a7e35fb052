/**
 * Flow diagrams from a small declarative node/edge list: nodes are layered by their longest path
 * from a source (or an explicit layer), ordered within a layer by the mean position of their
 * predecessors (one barycentre sweep, ties in declaration order), and drawn as rounded boxes with
 * curved arrows, top to bottom or left to right. Plain SVG, browser-safe.
 *
 * @module
 */
import { composeFigure, panelWidth, svgElement, svgText } from "../frame.ts";
import type { FigureContext, FigureSpec } from "../spec.ts";
import { FONT_SIZE, INK, wrapText } from "../style.ts";

/** What a node stands for (its colours). */
export type NodeKind = "source" | "stage" | "table" | "output" | "model";

/** One box. */
export interface DiagramNode {
  /** Unique id (edges refer to it). */
  id: string;
  /** Bold first line. */
  label: string;
  /** Smaller lines under the label. */
  detail?: string;
  /** Kind. */
  kind: NodeKind;
  /** For stages: the `deno task` that runs it (tests check it exists). */
  task?: string;
  /** Explicit layer (default: longest path from a node without inputs). */
  layer?: number;
}

/** One arrow. */
export interface DiagramEdge {
  /** Source node id. */
  from: string;
  /** Target node id. */
  to: string;
  /** Dashed (optional or separate step). */
  dashed?: boolean;
}

/** A diagram. */
export interface Diagram {
  /** Nodes in declaration order. */
  nodes: DiagramNode[];
  /** Edges. */
  edges: DiagramEdge[];
}

/** Fill and stroke of each node kind. */
export const NODE_COLORS: Record<NodeKind, { fill: string; stroke: string; name: string }> = {
  source: { fill: "#f6ecd9", stroke: "#a6761d", name: "input data" },
  stage: { fill: "#deebf7", stroke: "#2166ac", name: "pipeline stage (deno task)" },
  table: { fill: "#f2f2f2", stroke: "#8c8c8c", name: "Arrow table" },
  model: { fill: "#fde0c5", stroke: "#d55e00", name: "trained model" },
  output: { fill: "#e5f5e0", stroke: "#238b45", name: "report output" },
};

/**
 * Layer of every node: its explicit `layer`, else one more than the largest layer of its
 * predecessors (0 without any). Throws on unknown edge ends and on cycles.
 */
export function layerNodes(diagram: Diagram): Map<string, number> {
  const ids = new Set(diagram.nodes.map((n) => n.id));
  for (const e of diagram.edges) {
    for (const end of [e.from, e.to]) {
      if (!ids.has(end)) throw new Error(`diagram edge ${e.from} → ${e.to}: no node ${end}`);
    }
  }
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`diagram has a cycle through ${id}`);
    visiting.add(id);
    const preds = diagram.edges.filter((e) => e.to === id).map((e) => visit(e.from));
    const value = byId.get(id)!.layer ?? (preds.length ? Math.max(...preds) + 1 : 0);
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  for (const n of diagram.nodes) visit(n.id);
  return layer;
}

/**
 * Node order within each layer: layer 0 in declaration order, later layers by the mean position
 * of their predecessors in earlier layers (nodes without such predecessors keep their
 * declaration rank), ties in declaration order.
 */
export function orderLayers(diagram: Diagram, layers: Map<string, number>): string[][] {
  const count = Math.max(-1, ...layers.values()) + 1;
  const rows: string[][] = Array.from({ length: count }, () => []);
  for (const n of diagram.nodes) rows[layers.get(n.id)!].push(n.id);
  const position = new Map<string, number>();
  rows.forEach((row, l) => {
    const declared = new Map(row.map((id, i) => [id, i]));
    const key = (id: string) => {
      const preds = diagram.edges.filter((e) =>
        e.to === id && position.has(e.from) && layers.get(e.from)! < l
      ).map((e) => position.get(e.from)!);
      return preds.length ? preds.reduce((a, b) => a + b, 0) / preds.length : null;
    };
    if (l > 0) {
      const keys = new Map(row.map((id) => [id, key(id)]));
      const span = Math.max(1, row.length - 1);
      row.sort((a, b) => {
        const ka = keys.get(a) ?? declared.get(a)! / span;
        const kb = keys.get(b) ?? declared.get(b)! / span;
        return ka - kb || declared.get(a)! - declared.get(b)!;
      });
    }
    row.forEach((id, i) => position.set(id, row.length > 1 ? i / (row.length - 1) : 0.5));
  });
  return rows;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  lines: string[];
  detail: string[];
}

/** Options of {@link drawDiagram}. */
export interface DrawDiagramOptions {
  /** Panel width. */
  width: number;
  /** `down`: layers are rows (default); `right`: layers are columns. */
  direction?: "down" | "right";
  /** Gap between layers (pixels). */
  layerGap?: number;
}

const PAD_X = 8, LINE = FONT_SIZE.small * 1.25, DETAIL = (FONT_SIZE.small - 1) * 1.2;

/** A node's box at the origin, `w` wide, with its wrapped label and detail lines. */
function measureBox(node: DiagramNode, w: number): Box {
  const lines = wrapText(node.label, w - 2 * PAD_X, FONT_SIZE.small * 1.12);
  const detail = node.detail ? wrapText(node.detail, w - 2 * PAD_X, FONT_SIZE.small - 1) : [];
  const h = 10 + lines.length * LINE + detail.length * DETAIL;
  return { x: 0, y: 0, w, h, lines, detail };
}

/** Where the boxes of a laid-out diagram sit, and its height. */
interface DiagramLayout {
  /** Box of each node id. */
  boxes: Map<string, Box>;
  /** Height of the drawing. */
  height: number;
}

/** Layers as rows, top to bottom (boxes of a row share their height). */
function layoutDown(
  rows: string[][],
  byId: Map<string, DiagramNode>,
  at: { width: number; gap: number },
): DiagramLayout {
  const { width, gap } = at;
  const boxes = new Map<string, Box>();
  let y = 0;
  for (const row of rows) {
    const slot = width / Math.max(1, row.length);
    const w = Math.min(slot - 12, 210);
    const measured = row.map((id) => measureBox(byId.get(id)!, w));
    const h = Math.max(...measured.map((b) => b.h));
    row.forEach((id, i) => {
      const b = measured[i];
      boxes.set(id, { ...b, h, x: slot * i + (slot - w) / 2, y });
    });
    y += h + gap;
  }
  return { boxes, height: y - gap };
}

/** Layers as columns, left to right (each column centred on the full height). */
function layoutRight(
  rows: string[][],
  byId: Map<string, DiagramNode>,
  at: { width: number; gap: number },
): DiagramLayout {
  const { width, gap } = at;
  const boxes = new Map<string, Box>();
  const slot = width / Math.max(1, rows.length);
  const w = Math.min(slot - gap, 230);
  const columns = rows.map((row) => row.map((id) => measureBox(byId.get(id)!, w)));
  const heights = columns.map((col) => col.reduce((s, b) => s + b.h, 0) + (col.length - 1) * 10);
  const height = Math.max(...heights);
  rows.forEach((row, l) => {
    // spread each column over the full height, centred
    const free = height - heights[l];
    let y = free / 2;
    row.forEach((id, i) => {
      const b = columns[l][i];
      boxes.set(id, { ...b, x: slot * l + (slot - w) / 2, y });
      y += b.h + 10;
    });
  });
  return { boxes, height };
}

/** How the edges are routed. */
interface EdgeRouting {
  /** Layout direction. */
  direction: "down" | "right";
  /** Gap between layers. */
  gap: number;
  /** Layer of each node. */
  layers: Map<string, number>;
  /** Box of each node. */
  boxes: Map<string, Box>;
}

/** Path and arrow-head points of one edge. */
function edgeShape(e: DiagramEdge, routing: EdgeRouting): { d: string; head: string } {
  const { direction, gap, layers, boxes } = routing;
  const a = boxes.get(e.from)!, b = boxes.get(e.to)!;
  const [x1, y1, x2, y2] = direction === "down"
    ? [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y]
    : [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
  const bend = direction === "down" ? Math.max(12, (y2 - y1) / 2) : Math.max(12, (x2 - x1) / 2);
  // an edge that skips layers runs straight down past them, then bends into its target
  const skips = layers.get(e.to)! - layers.get(e.from)! > 1;
  const d = direction === "down" && skips
    ? `M${r(x1)},${r(y1)} L${r(x1)},${r(y2 - gap)} C${r(x1)},${r(y2 - gap / 2)} ${r(x2)},${
      r(y2 - gap / 2)
    } ${r(x2)},${r(y2 - 5)}`
    : direction === "down"
    ? `M${r(x1)},${r(y1)} C${r(x1)},${r(y1 + bend)} ${r(x2)},${r(y2 - bend)} ${r(x2)},${r(y2 - 5)}`
    : `M${r(x1)},${r(y1)} C${r(x1 + bend)},${r(y1)} ${r(x2 - bend)},${r(y2)} ${r(x2 - 5)},${r(y2)}`;
  const head = direction === "down"
    ? `${r(x2 - 4)},${r(y2 - 6)} ${r(x2 + 4)},${r(y2 - 6)} ${r(x2)},${r(y2)}`
    : `${r(x2 - 6)},${r(y2 - 4)} ${r(x2 - 6)},${r(y2 + 4)} ${r(x2)},${r(y2)}`;
  return { d, head };
}

/** The edges as one `<g>` of curved paths with arrow heads. */
function drawEdges(document: Document, edges: DiagramEdge[], routing: EdgeRouting): SVGElement {
  const g = svgElement(document, "g", { fill: "none", "stroke-width": 1.2 });
  for (const e of edges) {
    const { d, head } = edgeShape(e, routing);
    g.append(svgElement(document, "path", {
      d,
      stroke: INK.muted,
      ...(e.dashed ? { "stroke-dasharray": "4,3" } : {}),
    }));
    g.append(
      svgElement(document, "polygon", { points: head, fill: INK.muted, stroke: "none" }),
    );
  }
  return g;
}

/** One node: its rounded box, bold label lines and muted detail lines. */
function drawNode(document: Document, svg: SVGSVGElement, at: { node: DiagramNode; b: Box }): void {
  const { node, b } = at;
  const colors = NODE_COLORS[node.kind];
  svg.append(svgElement(document, "rect", {
    x: r(b.x),
    y: r(b.y),
    width: r(b.w),
    height: r(b.h),
    rx: node.kind === "stage" ? 4 : node.kind === "table" ? 1 : 9,
    fill: colors.fill,
    stroke: colors.stroke,
    "stroke-width": 1.2,
  }));
  let ty = b.y + 5 + FONT_SIZE.small;
  for (const line of b.lines) {
    svg.append(svgText(document, line, {
      x: r(b.x + b.w / 2),
      y: r(ty),
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small,
      "font-weight": "bold",
    }));
    ty += LINE;
  }
  for (const line of b.detail) {
    svg.append(svgText(document, line, {
      x: r(b.x + b.w / 2),
      y: r(ty - 1),
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small - 1,
      fill: INK.muted,
    }));
    ty += DETAIL;
  }
}

/** Draws a diagram as one `<svg>` panel. */
export function drawDiagram(
  context: FigureContext,
  diagram: Diagram,
  options: DrawDiagramOptions,
): SVGSVGElement {
  const { document } = context;
  const direction = options.direction ?? "down";
  const layers = layerNodes(diagram);
  const rows = orderLayers(diagram, layers);
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const gap = options.layerGap ?? (direction === "down" ? 26 : 40);
  const width = options.width;
  const { boxes, height } = direction === "down"
    ? layoutDown(rows, byId, { width, gap })
    : layoutRight(rows, byId, { width, gap });
  const svg = svgElement(document, "svg", { width, height: Math.ceil(height + 2) });
  svg.append(drawEdges(document, diagram.edges, { direction, gap, layers, boxes }));
  for (const node of diagram.nodes) drawNode(document, svg, { node, b: boxes.get(node.id)! });
  return svg;
}

/** `v` rounded to one decimal (short SVG coordinates). */
function r(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Legend entries for the node kinds a diagram uses. */
export function kindLegend(
  diagram: Diagram,
): { label: string; color: string; symbol: "square" }[] {
  const kinds = [...new Set(diagram.nodes.map((n) => n.kind))];
  return kinds.map((k) => ({
    label: NODE_COLORS[k].name,
    color: NODE_COLORS[k].stroke,
    symbol: "square",
  }));
}

/** What {@link diagramFigure} makes a figure of. */
export interface DiagramFigureOptions {
  /** Figure name (file stem). */
  name: string;
  /** Short title. */
  title: string;
  /** The question the figure answers. */
  purpose: string;
  /** Title drawn in the figure. */
  heading: string;
  /** Subtitle drawn in the figure. */
  subtitle: string;
  /** The diagram. */
  diagram: Diagram;
  /** Layout direction (see {@link DrawDiagramOptions}). */
  direction?: "down" | "right";
  /** Notes about the diagram. */
  notes(): string[];
}

/** A `workflow` figure: one diagram with a legend of its node kinds (it reads no tables). */
export function diagramFigure(options: DiagramFigureOptions): FigureSpec {
  const { diagram, direction } = options;
  return {
    name: options.name,
    family: "workflow",
    title: options.title,
    purpose: options.purpose,
    tables: [],
    render(_tables, context) {
      return composeFigure(context, {
        title: options.heading,
        subtitle: options.subtitle,
        legend: kindLegend(diagram),
        panels: [
          drawDiagram(context, diagram, {
            width: panelWidth(context),
            ...(direction ? { direction } : {}),
          }),
        ],
      });
    },
    notes: () => options.notes(),
  };
}
