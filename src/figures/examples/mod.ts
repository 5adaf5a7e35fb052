/**
 * Figures of the `examples` family: qualitative evidence with the actual images (retrieval,
 * triplets, semantic probes), one module per figure.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { retrievalExamplesFigure } from "./retrieval_examples.ts";
import { semanticProbesFigure } from "./semantic_probes.ts";
import { tripletExamplesFigure } from "./triplet_examples.ts";

/** Every figure of this family, in display order. */
export const FIGURES: FigureSpec[] = [
  retrievalExamplesFigure,
  tripletExamplesFigure,
  semanticProbesFigure,
];
