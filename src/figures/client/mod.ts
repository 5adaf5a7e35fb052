/**
 * Figures of the `client` family: the relationship-discovery readout for a home-furnishing
 * client (suggested related items for home products, scored by held-out human similarity) and
 * its query-level change panel, one module per figure.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { queryChangeFigure } from "./query_change.ts";
import { relationshipReadoutFigure } from "./relationship_readout.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  relationshipReadoutFigure,
  queryChangeFigure,
];
