/**
 * Figures of the `gwot` family: unsupervised Gromov–Wasserstein alignment of model and human
 * concept RDMs (tables of `deno task align:gwot`), one module per figure.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { localOptimaFigure } from "./local_optima.ts";
import { matchingRatesFigure } from "./matching_rates.ts";
import { rdmsFigure } from "./rdms.ts";
import { topMatchesFigure } from "./top_matches.ts";
import { transportPlanFigure } from "./transport_plan.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  rdmsFigure,
  transportPlanFigure,
  topMatchesFigure,
  matchingRatesFigure,
  localOptimaFigure,
];
