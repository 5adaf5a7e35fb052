/**
 * A row of square concept × concept heatmaps (RDMs, transport plans) sharing one category order:
 * raster images, white lines between category blocks, category names along the left edge of the
 * first matrix and a colour bar. Used by the RDM and transport-plan figures.
 *
 * @module
 */
import type { CategoryBlock } from "../common/concepts.ts";
import { fitText } from "../common/images.ts";
import { heatmapImage } from "../common/raster.ts";
import { svgElement, svgText } from "../frame.ts";
import type { FigureContext } from "../spec.ts";
import { FONT_SIZE, INK } from "../style.ts";

/** One matrix of a {@link matrixRow}. */
export interface MatrixSpec {
  /** Heading above the matrix. */
  label: string;
  /** Second heading line (muted), e.g. a matching rate. */
  detail?: string;
  /** Row-major n × n values, already in display order. */
  values: ArrayLike<number>;
}

/** Options of {@link matrixRow}. */
export interface MatrixRowOptions {
  /** Panel width. */
  width: number;
  /** Matrix side (concepts). */
  n: number;
  /** Category blocks of the display order. */
  blocks: CategoryBlock[];
  /** Matrices, left to right. */
  matrices: MatrixSpec[];
  /** Colour interpolator on [0, 1]. */
  interpolate: (t: number) => string;
  /** Value range of the colours. */
  domain: [number, number];
  /** Colour bar end labels (low, high) and title. */
  colorBar: { low: string; high: string; title: string };
  /** Axis titles: rows, columns. */
  axes?: { rows: string; columns: string };
  /** Colour of the category separators (default white). */
  separator?: string;
}

const LABEL_WIDTH = 104;
const GAP = 14;

/** Geometry shared by the parts of a {@link matrixRow}. */
interface MatrixLayout {
  /** Side of one matrix. */
  side: number;
  /** Baseline of the headings. */
  headTop: number;
  /** Top of the matrices. */
  top: number;
  /** Top of the colour bar. */
  barTop: number;
  /** Panel height. */
  height: number;
  /** Smallest block that gets separators and a label. */
  minLabelled: number;
}

/** The row's geometry from its options. */
function matrixLayout(options: MatrixRowOptions): MatrixLayout {
  const { n, matrices } = options;
  const count = Math.max(1, matrices.length);
  const side = Math.floor((options.width - LABEL_WIDTH - GAP * (count - 1)) / count);
  const headTop = FONT_SIZE.body * 1.3;
  const top = headTop + (matrices.some((m) => m.detail) ? FONT_SIZE.small * 1.3 : 0) + 6;
  const axisSpace = options.axes ? FONT_SIZE.small * 1.6 : 0;
  const barTop = top + side + axisSpace + 12 + FONT_SIZE.small * 1.3;
  const height = barTop + 30;
  const minLabelled = Math.max(2, Math.ceil(n / 45));
  return { side, headTop, top, barTop, height, minLabelled };
}

/** Offsets (within a matrix) of the lines around the blocks large enough to see. */
function blockSeparators(options: MatrixRowOptions, layout: MatrixLayout): number[] {
  const { n, blocks } = options;
  // lines around the blocks large enough to see (small blocks would turn into a white mesh)
  const cuts = new Set<number>();
  for (const b of blocks) {
    if (b.size < layout.minLabelled) continue;
    cuts.add(b.start);
    cuts.add(b.start + b.size);
  }
  cuts.delete(0);
  cuts.delete(n);
  return [...cuts].sort((a, b) => a - b).map((c) => (c * layout.side) / Math.max(1, n));
}

/** Heading and detail line above a matrix at `x0`. */
function drawMatrixHeading(
  document: Document,
  svg: SVGSVGElement,
  at: { m: MatrixSpec; x0: number; layout: MatrixLayout },
): void {
  const { m, x0, layout: { side, headTop } } = at;
  svg.append(svgText(document, fitText(m.label, { width: side, fontSize: FONT_SIZE.body }), {
    x: x0,
    y: headTop - 3,
    "font-weight": "bold",
  }));
  if (m.detail) {
    svg.append(svgText(document, fitText(m.detail, { width: side, fontSize: FONT_SIZE.small }), {
      x: x0,
      y: headTop + FONT_SIZE.small * 1.2 - 2,
      "font-size": FONT_SIZE.small,
      fill: INK.muted,
    }));
  }
}

/** Block separators of the matrix at `x0`. */
function drawSeparators(
  svg: SVGSVGElement,
  options: MatrixRowOptions,
  at: { document: Document; x0: number; layout: MatrixLayout; separators: number[] },
): void {
  const { document, x0, layout: { side, top } } = at;
  for (const p of at.separators) {
    svg.append(svgElement(document, "line", {
      x1: x0,
      x2: x0 + side,
      y1: top + p,
      y2: top + p,
      stroke: options.separator ?? "#ffffff",
      "stroke-width": 0.8,
    }));
    svg.append(svgElement(document, "line", {
      x1: x0 + p,
      x2: x0 + p,
      y1: top,
      y2: top + side,
      stroke: options.separator ?? "#ffffff",
      "stroke-width": 0.8,
    }));
  }
}

/** One matrix of the row (heading, heatmap, separators, frame, column axis title). */
function drawMatrix(
  context: FigureContext,
  svg: SVGSVGElement,
  at: {
    options: MatrixRowOptions;
    m: MatrixSpec;
    i: number;
    layout: MatrixLayout;
    separators: number[];
  },
): void {
  const { document } = context;
  const { options, m, i, layout, separators } = at;
  const { side, top } = layout;
  const x0 = LABEL_WIDTH + i * (side + GAP);
  drawMatrixHeading(document, svg, { m, x0, layout });
  svg.append(heatmapImage(context, {
    values: m.values,
    rows: options.n,
    cols: options.n,
    interpolate: options.interpolate,
    domain: options.domain,
    x: x0,
    y: top,
    width: side,
    height: side,
  }));
  drawSeparators(svg, options, { document, x0, layout, separators });
  svg.append(svgElement(document, "rect", {
    x: x0,
    y: top,
    width: side,
    height: side,
    fill: "none",
    stroke: INK.reference,
    "stroke-width": 0.6,
  }));
  if (options.axes) {
    svg.append(svgText(document, options.axes.columns, {
      x: x0 + side / 2,
      y: top + side + FONT_SIZE.small * 1.2,
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small,
      fill: INK.muted,
    }));
  }
}

/** Category names at the left of the first matrix, and the row axis title. */
function drawCategoryLabels(
  document: Document,
  svg: SVGSVGElement,
  at: { options: MatrixRowOptions; layout: MatrixLayout },
): void {
  const { options, layout: { side, top, minLabelled } } = at;
  // category names at the left of the first matrix (blocks big enough to hold a label)
  const scale = side / Math.max(1, options.n);
  let lastY = -Infinity;
  for (const b of options.blocks) {
    if (b.size < minLabelled) continue;
    const y = top + (b.start + b.size / 2) * scale + 3;
    if (y - lastY < FONT_SIZE.small) continue;
    lastY = y;
    svg.append(
      svgText(
        document,
        fitText(b.category, { width: LABEL_WIDTH - 10, fontSize: FONT_SIZE.small - 1 }),
        {
          x: LABEL_WIDTH - 6,
          y,
          "text-anchor": "end",
          "font-size": FONT_SIZE.small - 1,
          fill: INK.muted,
        },
      ),
    );
  }
  if (options.axes) {
    svg.append(svgText(document, options.axes.rows, {
      x: 4,
      y: top - 4,
      "font-size": FONT_SIZE.small,
      fill: INK.muted,
    }));
  }
}

/** The colour bar below the matrices, with its title and end labels. */
function drawColorBar(
  context: FigureContext,
  svg: SVGSVGElement,
  at: { options: MatrixRowOptions; barTop: number },
): void {
  const { document } = context;
  const { options, barTop } = at;
  const barWidth = Math.min(220, options.width - LABEL_WIDTH);
  const ramp = Float64Array.from({ length: 128 }, (_, i) => i / 127);
  svg.append(svgText(document, options.colorBar.title, {
    x: LABEL_WIDTH,
    y: barTop - 4,
    "font-size": FONT_SIZE.small,
    fill: INK.muted,
  }));
  svg.append(heatmapImage(context, {
    values: ramp,
    rows: 1,
    cols: ramp.length,
    interpolate: options.interpolate,
    domain: [0, 1],
    x: LABEL_WIDTH,
    y: barTop,
    width: barWidth,
    height: 10,
  }));
  svg.append(svgText(document, options.colorBar.low, {
    x: LABEL_WIDTH,
    y: barTop + 22,
    "font-size": FONT_SIZE.small,
    fill: INK.muted,
  }));
  svg.append(svgText(document, options.colorBar.high, {
    x: LABEL_WIDTH + barWidth,
    y: barTop + 22,
    "text-anchor": "end",
    "font-size": FONT_SIZE.small,
    fill: INK.muted,
  }));
}

/** Draws the heatmap row as one `<svg>` panel (see module docs). */
export function matrixRow(context: FigureContext, options: MatrixRowOptions): SVGSVGElement {
  const { document } = context;
  const layout = matrixLayout(options);
  const svg = svgElement(document, "svg", { width: options.width, height: layout.height });
  const separators = blockSeparators(options, layout);
  options.matrices.forEach((m, i) =>
    drawMatrix(context, svg, { options, m, i, layout, separators })
  );
  drawCategoryLabels(document, svg, { options, layout });
  // colour bar
  drawColorBar(context, svg, { options, barTop: layout.barTop });
  return svg;
}

/**
 * Replaces the off-diagonal finite values of a symmetric n × n matrix (read from its upper
 * triangle) by their percentile rank in [0, 1] (ties share the mean rank), so RDMs of different
 * scales share one colour map; the diagonal becomes 0, missing values NaN.
 */
export function percentileRanks(values: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n).fill(NaN);
  const upper = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      const v = values[i * n + j];
      if (Number.isFinite(v)) upper[count++] = v;
    }
  }
  const sorted = upper.subarray(0, count).sort();
  const denominator = Math.max(1, count - 1);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = values[i * n + j];
      if (!Number.isFinite(v)) continue;
      // first position ≥ v and first position > v: ties share their mean rank
      let lo = 0, hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      let end = lo;
      while (end < count && sorted[end] === v) end++;
      const rank = (lo + end - 1) / 2 / denominator;
      out[i * n + j] = rank;
      out[j * n + i] = rank;
    }
  }
  return out;
}

/** The `options.n` × `options.n` matrix `values` with rows and columns taken in `options.order`. */
export function permuteMatrix(
  values: ArrayLike<number>,
  options: { n: number; order: readonly number[] },
): Float64Array {
  const { n, order } = options;
  const m = order.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = order[i] * n;
    for (let j = 0; j < m; j++) out[i * m + j] = values[row + order[j]];
  }
  return out;
}
