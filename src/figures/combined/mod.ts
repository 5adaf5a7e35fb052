/**
 * Figures of the `combined` family: composite figures for the results narrative (visual
 * utility, semantic structure, human-specific signal, qualitative evidence), one module each.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { humanSpecificSignalFigure } from "./human_specific_signal.ts";
import { qualitativeEvidenceFigure } from "./qualitative_evidence.ts";
import { semanticStructureFigure } from "./semantic_structure.ts";
import { visualUtilityFigure } from "./visual_utility.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  visualUtilityFigure,
  semanticStructureFigure,
  humanSpecificSignalFigure,
  qualitativeEvidenceFigure,
];
