/**
 * Loss functions of the baseline and the human-informed variants (DESIGN.md §4), plus the
 * distillation pieces used by AligNet. All are pure functions of tensors, usable inside
 * `tf.grad`, `tf.variableGrads` and `optimizer.minimize`, and dispose their intermediates.
 *
 * | variant                                         | terms                                    |
 * |-------------------------------------------------|------------------------------------------|
 * | baseline                                        | crossEntropyLoss                         |
 * | fixed_prototype_triplets / _control             | crossEntropyLoss + prototypeTripletLoss  |
 * | batch_prototype_triplets                        | crossEntropyLoss + batchPrototypeTripletLoss |
 * | high_pressure_triplets                          | as fixed/batch, larger triplet weight    |
 * | joint_matrix_alignment / matrix_control         | crossEntropyLoss + matrixAlignmentLoss   |
 * | alignet / unalignet                             | klTripletLoss or jsdTripletLoss + l2ToInit |
 */
export {
  type BatchPrototypes,
  batchPrototypes,
  DEFAULT_EPSILON,
  type DistanceKind,
  type IndexLike,
  l2NormalizeRows,
  rowDistance,
  selectSubmatrix,
  stopGradient,
  uniqueConcepts,
} from "./common.ts";
export { crossEntropyLoss, type CrossEntropyOptions } from "./classification.ts";
export {
  batchPrototypeTripletLoss,
  type BatchPrototypeTripletOptions,
  type ConceptTriplets,
  prototypeTripletLoss,
  type PrototypeTripletOptions,
  type TripletHingeOptions,
} from "./triplet.ts";
export { matrixAlignmentLoss, type MatrixAlignmentOptions } from "./matrix.ts";
export {
  jsdTripletLoss,
  klTripletLoss,
  l2ToInit,
  type L2ToInitOptions,
  type TripletDistillOptions,
} from "./distill.ts";
export {
  type CombinedLoss,
  combinedLoss,
  type CombinedLossOptions,
  type LossTerm,
} from "./combined.ts";
