/// <reference lib="dom" />
/**
 * The contract every figure follows. A figure is a pure function of pipeline tables: the same
 * function renders in the browser (the site) and on the server (linkedom → SVG → PNG with sharp).
 *
 * @module
 */

import type { Row } from "../tables/rows.ts";

/** One table row as a plain object (column name → value); defined with the tables. */
export type { Row };

/**
 * Pipeline tables by name, as plain rows. Names are paths under `outputs/tables/` without
 * `.arrow`: `"benchmark"`, `"comparisons"`, `"models"`, `"benchmark/retrieval_queries"`,
 * `"gwot"`, `"concepts"`, `"embeddings/baseline.prototypes"`, … (schemas in docs/tables.md).
 */
export type TableSet = Record<string, Row[]>;

/** Figure families (output folders `outputs/figures/<family>/`). */
export const FAMILIES = [
  "paper",
  "combined",
  "improved",
  "examples",
  "exploratory",
  "client",
  "gwot",
  "workflow",
] as const;

/** One figure family. */
export type Family = typeof FAMILIES[number];

/** What a figure's render function gets besides the tables. */
export interface FigureContext {
  /** The DOM document to create elements in (browser `document` or a linkedom document). */
  document: Document;
  /** Width in CSS pixels; the figure chooses its own height. */
  width: number;
  /**
   * Turns an image path from `images.arrow` (column `path`, relative to the repository) into an
   * `href` usable in an SVG `<image>`: a data: URI on the server, a site URL in the browser.
   * Figures that show images need it; others ignore it.
   */
  imageHref?: (path: string) => string;
  /**
   * The reader's selection of models (ids as in the tables' `model` column): figures that
   * support it (the alignment-vs-utility trade-off) draw only these models; absent: all.
   */
  models?: readonly string[];
  /**
   * Overlay a descriptive least-squares line where the figure supports it (the trade-off plot,
   * fitted to the points drawn). Off by default, so the server-side figures do not change.
   */
  regression?: boolean;
}

/** A registered figure. */
export interface FigureSpec {
  /** File-name stem, unique within its family (`classification_top1`). */
  name: string;
  /** Family (output folder). */
  family: Family;
  /** Human-readable title. */
  title: string;
  /** What question the figure answers (one sentence, for the figure list and the site). */
  purpose: string;
  /** Names of the tables (keys of {@link TableSet}) the figure reads. */
  tables: string[];
  /**
   * Draws the figure. Must return one self-contained `<svg>` element (titles and legends drawn
   * inside it, no HTML wrapper), deterministic for the same tables and context.
   */
  render(tables: TableSet, context: FigureContext): SVGSVGElement;
  /** Interpretation notes computed from the data (for `figure_notes.json` and the site). */
  notes?(tables: TableSet): string[];
}
