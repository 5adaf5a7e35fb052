/**
 * Figures of the `improved` family: polished alternatives of the result figures with their
 * uncertainty, each with backing data (`data(tables)`, written as CSV next to the figure; see
 * src/figures/common/backed.ts).
 *
 * @module
 */
import type { BackedFigureSpec } from "../common/backed.ts";
import { headlineDeltasFigure } from "./headline_deltas.ts";
import { resultsTableFigure } from "./results_table.ts";
import { variantAndControlFigure } from "./variant_and_control.ts";

/** Every figure of this family, in display order. */
export const FIGURES: BackedFigureSpec[] = [
  resultsTableFigure,
  headlineDeltasFigure,
  variantAndControlFigure,
];
