/**
 * The models the qualitative figures (examples, client, GWOT matrices) contrast, so every family
 * shows the same pair: the image-only baseline, the human-matrix-aligned variant and its
 * shuffled-matrix control.
 *
 * @module
 */

import { JOINT_MATRIX_ALIGNMENT, MATRIX_CONTROL } from "../../models/registry.ts";
import { prototypesTable, TABLE } from "../../tables/names.ts";

/** The image-only baseline. */
export { BASELINE } from "../../models/registry.ts";

/** The human-informed model the qualitative figures show (human similarity matrix loss). */
export const HUMAN_MODEL = JOINT_MATRIX_ALIGNMENT;

/** Its matched control (the human matrix with shuffled concept labels). */
export const CONTROL_MODEL = MATRIX_CONTROL;

/** The pipeline's default seed (`--seed 7`), part of per-seed file names (GWOT plans). */
export const DEFAULT_SEED = 7;

/** Name of a model's prototype table in a `TableSet` (`embeddings/<model>.prototypes`). */
export { prototypesTable };

/**
 * Tables of a figure that shows concepts with images, their human similarities and the concept
 * prototypes of `models`.
 */
export function conceptFigureTables(models: readonly string[]): string[] {
  return [TABLE.concepts, TABLE.images, TABLE.humanPairs, ...models.map(prototypesTable)];
}
