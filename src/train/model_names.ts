/**
 * The names of the models the pipeline trains, with no runtime imports, so browser code (the
 * figure bundle) can use the same list as the training stages.
 *
 * @module
 */

/** Names of the models trained by the pipeline, in training order (baseline first). */
export const MODEL_NAMES = [
  "baseline",
  "fixed_prototype_triplets",
  "fixed_prototype_control",
  "batch_prototype_triplets",
  "high_pressure_triplets",
  "joint_matrix_alignment",
  "matrix_control",
] as const;
