/**
 * Figures of the `paper` family (seed 000's main result figures), one module per figure.
 *
 * @module
 */
import type { FigureSpec } from "../spec.ts";
import { alignmentVsUtilityTradeoff } from "./alignment_vs_utility_tradeoff.ts";
import { benchmarkRankBump } from "./benchmark_rank_bump.ts";
import { classificationTop1 } from "./classification_top1.ts";
import { expandedThingsplusAllBenchmarks } from "./expanded_thingsplus_all_benchmarks.ts";
import { fixedPrototypeTripletsVsControl } from "./fixed_prototype_triplets_vs_control.ts";
import { humanSimilarityAlignment } from "./human_similarity_alignment.ts";
import { jointMatrixVsShuffledDeltas } from "./joint_matrix_vs_shuffled_deltas.ts";
import { modelProfileRadar } from "./model_profile_radar.ts";
import { modelSimilarityMap } from "./model_similarity_map.ts";
import { retrievalCurves } from "./retrieval_curves.ts";
import { strategyDeltaHeatmap } from "./strategy_delta_heatmap.ts";
import { thingsplusTransferFocus } from "./thingsplus_transfer_focus.ts";
import { tripletMarginIntervals } from "./triplet_margin_intervals.ts";
import { tripletSatisfaction } from "./triplet_satisfaction.ts";

/** Every figure of this family, in display order (seed 000's "Generated Figures" list). */
export const FIGURES: FigureSpec[] = [
  classificationTop1,
  retrievalCurves,
  humanSimilarityAlignment,
  strategyDeltaHeatmap,
  benchmarkRankBump,
  modelProfileRadar,
  modelSimilarityMap,
  alignmentVsUtilityTradeoff,
  thingsplusTransferFocus,
  fixedPrototypeTripletsVsControl,
  jointMatrixVsShuffledDeltas,
  tripletSatisfaction,
  tripletMarginIntervals,
  expandedThingsplusAllBenchmarks,
];
