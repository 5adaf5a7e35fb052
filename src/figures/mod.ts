/**
 * Figure library: one function per figure, shared by the `figures` task (server-side SVG/PNG)
 * and the site (browser). See {@link FigureSpec} for the contract.
 *
 * @module
 */
import { FIGURES as CLIENT } from "./client/mod.ts";
import { FIGURES as COMBINED } from "./combined/mod.ts";
import { FIGURES as EXAMPLES } from "./examples/mod.ts";
import { FIGURES as EXPLORATORY } from "./exploratory/mod.ts";
import { FIGURES as GWOT } from "./gwot/mod.ts";
import { FIGURES as IMPROVED } from "./improved/mod.ts";
import { FIGURES as PAPER } from "./paper/mod.ts";
import type { FigureSpec } from "./spec.ts";
import { FIGURES as WORKFLOW } from "./workflow/mod.ts";

export * from "./spec.ts";
export * from "./palette.ts";
export { drawFigure, normalizeSvg } from "./draw.ts";
export { DEFAULT_WIDTH, FONT_FAMILY } from "./style.ts";

/** Every registered figure, family by family in site order. */
export const ALL_FIGURES: readonly FigureSpec[] = [
  ...PAPER,
  ...COMBINED,
  ...IMPROVED,
  ...EXAMPLES,
  ...EXPLORATORY,
  ...CLIENT,
  ...GWOT,
  ...WORKFLOW,
];
