/** Paper figure: joint matrix alignment versus the shuffled-matrix control. */
import type { FigureSpec } from "../spec.ts";
import { controlForestFigure } from "./control_forest.ts";
import { JOINT_MATRIX_ALIGNMENT, MATRIX_CONTROL } from "../../models/registry.ts";

/** Joint matrix alignment vs shuffled matrix (paired deltas per metric). */
export const jointMatrixVsShuffledDeltas: FigureSpec = controlForestFigure({
  name: "joint_matrix_vs_shuffled_deltas",
  variant: JOINT_MATRIX_ALIGNMENT,
  control: MATRIX_CONTROL,
  title: "Joint matrix alignment versus the shuffled matrix",
  controlDescription:
    "The control aligns to the human similarity matrix with concept labels permuted; both start " +
    "from ImageNet, so their deltas versus the baseline include the different initialisation.",
});
