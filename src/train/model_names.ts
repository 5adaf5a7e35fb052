/**
 * The names of the models the pipeline trains, from the model registry (no runtime imports
 * beyond it), so browser code (the figure bundle) can use the same list as the training stages.
 *
 * @module
 */
import { TRAINED_MODELS } from "../models/registry.ts";

/** Names of the models trained by the pipeline, in training order (baseline first). */
export const MODEL_NAMES: readonly string[] = TRAINED_MODELS;

/**
 * The seed part of a unit id (`train:<model>@8`, `embed:<model>@8`): empty for the first seed of
 * `seeds` (the pipeline's primary seed), `@<seed>` for the others.
 */
export function seedSuffix(seed: number, seeds: readonly number[]): string {
  return seed === seeds[0] ? "" : `@${seed}`;
}
