/**
 * Figures of the `exploratory` family.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [];
