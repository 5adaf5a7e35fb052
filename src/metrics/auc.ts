/**
 * Area under the ROC curve by the Mann–Whitney rank statistic (ties get half credit), equal to
 * scikit-learn's `roc_auc_score` for binary labels.
 *
 * @module
 */
import { averageRanks, type NumericArray } from "./rank.ts";

/**
 * ROC AUC of `scores` for binary `labels` (truthy = positive): the probability that a random
 * positive scores above a random negative, ties counting ½. NaN when either class is empty.
 */
export function rocAuc(scores: NumericArray, labels: ArrayLike<number | boolean>): number {
  if (scores.length !== labels.length) {
    throw new RangeError(`rocAuc: ${scores.length} scores, ${labels.length} labels`);
  }
  const ranks = averageRanks(scores);
  let positives = 0, rankSum = 0;
  for (let i = 0; i < ranks.length; i++) {
    if (labels[i]) {
      positives++;
      rankSum += ranks[i];
    }
  }
  const negatives = ranks.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}
