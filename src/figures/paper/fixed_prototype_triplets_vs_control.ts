/** Paper figure: fixed-prototype triplets versus their shuffled-triplet control. */
import type { FigureSpec } from "../spec.ts";
import { controlForestFigure } from "./control_forest.ts";
import { FIXED_PROTOTYPE_CONTROL, FIXED_PROTOTYPE_TRIPLETS } from "../../models/registry.ts";

/** Fixed-prototype triplets vs control (paired deltas per metric). */
export const fixedPrototypeTripletsVsControl: FigureSpec = controlForestFigure({
  name: "fixed_prototype_triplets_vs_control",
  variant: FIXED_PROTOTYPE_TRIPLETS,
  control: FIXED_PROTOTYPE_CONTROL,
  title: "Fixed-prototype triplets versus their shuffled control",
  controlDescription:
    "The control trains identically on shuffled triplets (same anchors and frequencies, " +
    "partners permuted).",
});
