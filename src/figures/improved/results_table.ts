/** Improved figure: the headline results table (value and 95% interval per model and metric). */
import type { BackedFigureSpec } from "../common/backed.ts";
import { fitText } from "../common/images.ts";
import { type BenchmarkRow, fmt, fmtInterval, metricRows, modelsOf } from "../data.ts";
import { composeFigure, messagePanel, panelWidth, svgElement, svgText } from "../frame.ts";
import { metricLabel, modelStyle } from "../palette.ts";
import type { TableSet } from "../spec.ts";
import { FONT_SIZE, INK, textWidth } from "../style.ts";
import { BASELINE, SPOSE49 } from "../../models/registry.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Columns of the table (the seed's results snapshot plus odd-one-out). */
export const TABLE_METRICS = [
  { metric: "top1", subset: "test", label: "Test top-1" },
  { metric: "retrieval@1", subset: "test", label: "Retrieval@1" },
  { metric: "human_pair_rho", subset: "test", label: "Human-pair ρ" },
  { metric: "object_properties_rho", subset: "mean_over_targets", label: "Object-properties ρ" },
  { metric: "oddoneout_accuracy", subset: "with_images", label: "Odd-one-out" },
] as const;

/** Message of a figure without headline rows. */
const NO_ROWS = `No headline metric rows in ${tableFile(TABLE.benchmark)}.`;

/** Each model's row of the table metrics (models in display order). */
function tableCells(tables: TableSet): { models: string[]; cells: (BenchmarkRow | undefined)[][] } {
  const columns = TABLE_METRICS.map((m) => metricRows(tables, m.metric, { subset: m.subset }));
  const models = modelsOf(columns.flat());
  return {
    models,
    cells: models.map((model) => columns.map((rows) => rows.find((r) => r.model === model))),
  };
}

/** Best image model per column (the SPoSE reference is not a candidate). */
function bestPerColumn(models: string[], cells: (BenchmarkRow | undefined)[][]): (string | null)[] {
  return TABLE_METRICS.map((_, j) => {
    let best: string | null = null, value = -Infinity;
    models.forEach((m, i) => {
      const c = cells[i][j];
      if (m !== SPOSE49 && c && c.value > value) [best, value] = [m, c.value];
    });
    return best;
  });
}

/** Geometry of the drawn table. */
interface TableGrid {
  /** Panel width. */
  width: number;
  /** Width of the model-name column. */
  first: number;
  /** Width of each metric column. */
  column: number;
  /** Height of a model row. */
  rowHeight: number;
  /** Height of the header row. */
  headHeight: number;
  /** Panel height. */
  height: number;
}

/** The table's geometry for `models` in a panel `width` wide. */
function tableGrid(models: string[], width: number): TableGrid {
  const first = Math.ceil(
    Math.max(...models.map((m) => textWidth(modelStyle(m).label, FONT_SIZE.small))) + 18,
  );
  const column = (width - first) / TABLE_METRICS.length;
  const rowHeight = 30, headHeight = 22;
  const height = headHeight + rowHeight * models.length + 2;
  return { width, first, column, rowHeight, headHeight, height };
}

/** Column headings and the rule under them. */
function drawTableHead(document: Document, svg: SVGSVGElement, grid: TableGrid): void {
  const { first, column, headHeight, width } = grid;
  TABLE_METRICS.forEach((m, j) => {
    svg.append(
      svgText(document, fitText(m.label, { width: column - 6, fontSize: FONT_SIZE.small }), {
        x: first + column * (j + 0.5),
        y: 14,
        "text-anchor": "middle",
        "font-size": FONT_SIZE.small,
        "font-weight": "bold",
      }),
    );
  });
  svg.append(svgElement(document, "line", {
    x1: 0,
    x2: width,
    y1: headHeight - 2,
    y2: headHeight - 2,
    stroke: INK.text,
  }));
}

/** Value and interval of each cell of one model row (bold where the model is best). */
function drawTableCells(
  document: Document,
  svg: SVGSVGElement,
  at: { model: string; row: (BenchmarkRow | undefined)[]; top: number; best: (string | null)[] },
  grid: TableGrid,
): void {
  const { model, row, top, best } = at;
  row.forEach((cell, j) => {
    const x = grid.first + grid.column * (j + 0.5);
    svg.append(svgText(document, cell ? fmt(cell.value, 3) : "—", {
      x,
      y: top + 13,
      "text-anchor": "middle",
      "font-size": FONT_SIZE.small,
      ...(best[j] === model ? { "font-weight": "bold" } : {}),
      fill: cell ? INK.text : INK.muted,
    }));
    if (cell && cell.ci_low !== null) {
      svg.append(svgText(document, fmtInterval(cell.ci_low, cell.ci_high, 3), {
        x,
        y: top + 25,
        "text-anchor": "middle",
        "font-size": FONT_SIZE.small - 2,
        fill: INK.muted,
      }));
    }
  });
}

/** One model row: baseline shading, colour swatch, name and cells. */
function drawModelRow(
  document: Document,
  svg: SVGSVGElement,
  at: { model: string; i: number; row: (BenchmarkRow | undefined)[]; best: (string | null)[] },
  grid: TableGrid,
): void {
  const { model, i, row, best } = at;
  const top = grid.headHeight + i * grid.rowHeight;
  if (model === BASELINE) {
    svg.append(svgElement(document, "rect", {
      x: 0,
      y: top,
      width: grid.width,
      height: grid.rowHeight,
      fill: "#f2f2f2",
    }));
  }
  const style = modelStyle(model);
  svg.append(svgElement(document, "rect", {
    x: 2,
    y: top + 10,
    width: 8,
    height: 8,
    fill: style.color,
  }));
  svg.append(svgText(document, style.label, {
    x: 14,
    y: top + 18,
    "font-size": FONT_SIZE.small,
  }));
  drawTableCells(document, svg, { model, row, top, best }, grid);
}

/** The results table as a figure. */
export const resultsTableFigure: BackedFigureSpec = {
  name: "results_table",
  family: "improved",
  title: "Results table",
  purpose: "What are the headline numbers of every model, with their uncertainty, in one table?",
  tables: [TABLE.benchmark],
  render(tables, context) {
    const { models, cells } = tableCells(tables);
    if (!models.length) {
      return composeFigure(context, {
        title: "Headline results",
        panels: [messagePanel(context, NO_ROWS)],
      });
    }
    const { document } = context;
    const width = panelWidth(context);
    const best = bestPerColumn(models, cells);
    const grid = tableGrid(models, width);
    const { height } = grid;
    const svg = svgElement(document, "svg", { width, height });
    drawTableHead(document, svg, grid);
    models.forEach((model, i) =>
      drawModelRow(document, svg, { model, i, row: cells[i], best }, grid)
    );
    svg.append(svgElement(document, "line", {
      x1: 0,
      x2: width,
      y1: height - 1,
      y2: height - 1,
      stroke: INK.text,
    }));
    return composeFigure(context, {
      title: "Headline results",
      subtitle: "Value on all items and 95% bootstrap interval over concepts; bold: best image " +
        "model per column; shaded: the image-only baseline. SPoSE-49 (the human reference) has " +
        "no images.",
      panels: [svg],
    });
  },
  data(tables) {
    const { models, cells } = tableCells(tables);
    return models.flatMap((model, i) =>
      TABLE_METRICS.flatMap((m, j) => {
        const c = cells[i][j];
        return c
          ? [{
            model,
            metric: m.metric,
            subset: m.subset,
            value: c.value,
            ci_low: c.ci_low,
            ci_high: c.ci_high,
            n: c.n,
          }]
          : [];
      })
    );
  },
  notes(tables) {
    const { models, cells } = tableCells(tables);
    if (!models.length) return [NO_ROWS];
    const best = bestPerColumn(models, cells);
    return TABLE_METRICS.map((m, j) => {
      const b = best[j];
      const row = b ? cells[models.indexOf(b)][j] : undefined;
      return `${metricLabel(m.metric)}: best image model ${b ? modelStyle(b).label : "none"}` +
        (row ? ` ${fmt(row.value)} ${fmtInterval(row.ci_low, row.ci_high)}.` : ".");
    });
  },
};
