/**
 * Figures of the `exploratory` family: broad diagnostics for filtering and the appendix
 * (per-concept distributions and changes, category read-out, training curves), one module each.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { categoryAucFigure } from "./category_auc.ts";
import { conceptChangesFigure } from "./concept_changes.ts";
import { perConceptRetrievalFigure } from "./per_concept_retrieval.ts";
import { trainingCurvesFigure } from "./training_curves.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  perConceptRetrievalFigure,
  conceptChangesFigure,
  categoryAucFigure,
  trainingCurvesFigure,
];
