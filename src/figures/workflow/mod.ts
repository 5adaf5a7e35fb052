/**
 * Figures of the `workflow` family: the two pipeline diagrams (data wrangling; modeling and
 * evaluation), drawn from declarative node/edge lists.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { dataWranglingFigure } from "./data_wrangling.ts";
import { modelingEvaluationFigure } from "./modeling_evaluation.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  dataWranglingFigure,
  modelingEvaluationFigure,
];
