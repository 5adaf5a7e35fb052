/**
 * The study's models in one place: every model key the tables can hold, how it is made (trained
 * by the pipeline, aligned from another model's features, or a reference), its label and colour,
 * its matched control, and the stage that produces it. The palette, the training task, the
 * comparisons, the GWOT stage and the tests read it. Browser-safe: no imports.
 *
 * @module
 */

/** The image-only model every variant is compared with. */
export const BASELINE = "baseline";
/** The ImageNet backbone's features, embedded without training. */
export const IMAGENET = "imagenet";
/** The SPoSE-49 human embedding (the human reference row of the benchmark). */
export const SPOSE49 = "spose49";
/** GWOT's untrained-network baseline (the backbone with random weights). */
export const UNTRAINED = "untrained";

/** The trained variants and controls, and the aligned models, by name. */
export const FIXED_PROTOTYPE_TRIPLETS = "fixed_prototype_triplets";
/** The shuffled-triplet control of {@link FIXED_PROTOTYPE_TRIPLETS}. */
export const FIXED_PROTOTYPE_CONTROL = "fixed_prototype_control";
/** Triplets against the batch's prototypes. */
export const BATCH_PROTOTYPE_TRIPLETS = "batch_prototype_triplets";
/** Triplets with a high triplet-loss weight. */
export const HIGH_PRESSURE_TRIPLETS = "high_pressure_triplets";
/** Joint classification and human-similarity-matrix alignment. */
export const JOINT_MATRIX_ALIGNMENT = "joint_matrix_alignment";
/** The shuffled-matrix control of {@link JOINT_MATRIX_ALIGNMENT}. */
export const MATRIX_CONTROL = "matrix_control";
/** gLocal's linear transform of the baseline's features. */
export const GLOCAL = "glocal";
/** The AligNet student. */
export const ALIGNET = "alignet";
/** AligNet's unaligned control student. */
export const UNALIGNET = "unalignet";

/** How a model is made. */
export type ModelOrigin = "trained" | "aligned" | "reference";

/** What a model stands for in the comparisons and legends. */
export type ModelRole = "reference" | "image-only" | "human-informed" | "control" | "aligned";

/** One model of the study. */
export interface RegisteredModel {
  /** Key in the tables (`model` columns). */
  key: string;
  /** Short label for axes and legends. */
  label: string;
  /** Colour (hex; Okabe–Ito and Tableau, each variant and its control in one hue family). */
  color: string;
  /** How it is made. */
  origin: ModelOrigin;
  /** What it stands for. */
  role: ModelRole;
  /** Its matched control (a variant's shuffled twin). */
  control?: string;
  /** The variant it is the matched control of. */
  controlOf?: string;
  /** The `deno task` that produces it. */
  stage: string;
}

/** Every model of the study, in display order (trained models in training order). */
export const MODEL_REGISTRY: readonly RegisteredModel[] = [
  {
    key: IMAGENET,
    label: "ImageNet only",
    color: "#7f7f7f",
    origin: "reference",
    role: "image-only",
    stage: "embed",
  },
  {
    key: BASELINE,
    label: "Baseline",
    color: "#000000",
    origin: "trained",
    role: "image-only",
    stage: `train --model ${BASELINE}`,
  },
  {
    key: FIXED_PROTOTYPE_TRIPLETS,
    label: "Fixed-prototype triplets",
    color: "#0072b2",
    origin: "trained",
    role: "human-informed",
    control: FIXED_PROTOTYPE_CONTROL,
    stage: `train --model ${FIXED_PROTOTYPE_TRIPLETS}`,
  },
  {
    key: FIXED_PROTOTYPE_CONTROL,
    label: "Fixed-prototype control",
    color: "#56b4e9",
    origin: "trained",
    role: "control",
    controlOf: FIXED_PROTOTYPE_TRIPLETS,
    stage: `train --model ${FIXED_PROTOTYPE_CONTROL}`,
  },
  {
    key: BATCH_PROTOTYPE_TRIPLETS,
    label: "Batch-prototype triplets",
    color: "#009e73",
    origin: "trained",
    role: "human-informed",
    stage: `train --model ${BATCH_PROTOTYPE_TRIPLETS}`,
  },
  {
    key: HIGH_PRESSURE_TRIPLETS,
    label: "High-pressure triplets",
    color: "#cc79a7",
    origin: "trained",
    role: "human-informed",
    stage: `train --model ${HIGH_PRESSURE_TRIPLETS}`,
  },
  {
    key: JOINT_MATRIX_ALIGNMENT,
    label: "Joint matrix alignment",
    color: "#d55e00",
    origin: "trained",
    role: "human-informed",
    control: MATRIX_CONTROL,
    stage: `train --model ${JOINT_MATRIX_ALIGNMENT}`,
  },
  {
    key: MATRIX_CONTROL,
    label: "Matrix control",
    color: "#e69f00",
    origin: "trained",
    role: "control",
    controlOf: JOINT_MATRIX_ALIGNMENT,
    stage: `train --model ${MATRIX_CONTROL}`,
  },
  {
    key: GLOCAL,
    label: "gLocal",
    color: "#8c564b",
    origin: "aligned",
    role: "aligned",
    stage: "align:glocal",
  },
  {
    key: ALIGNET,
    label: "AligNet",
    color: "#9467bd",
    origin: "aligned",
    role: "aligned",
    control: UNALIGNET,
    stage: "align:alignet",
  },
  {
    key: UNALIGNET,
    label: "UnAligNet",
    color: "#c5b0d5",
    origin: "aligned",
    role: "control",
    controlOf: ALIGNET,
    stage: "align:alignet",
  },
  {
    key: SPOSE49,
    label: "SPoSE-49 (human)",
    color: "#bcbd22",
    origin: "reference",
    role: "reference",
    stage: "bench",
  },
  {
    key: UNTRAINED,
    label: "Untrained (random weights)",
    color: "#a0a0a0",
    origin: "reference",
    role: "reference",
    stage: "align:gwot",
  },
];

const BY_KEY = new Map(MODEL_REGISTRY.map((m) => [m.key, m]));

/**
 * The registered model of a key; a seeded key (`baseline.seed8`) is its model's. Undefined for
 * a model the study does not know (a user's own).
 */
export function registeredModel(key: string): RegisteredModel | undefined {
  return BY_KEY.get(key) ?? BY_KEY.get(key.replace(/\.seed\d+$/, ""));
}

/** Keys of the models the pipeline trains, in training order ({@link BASELINE} first). */
export const TRAINED_MODELS: readonly string[] = MODEL_REGISTRY
  .filter((m) => m.origin === "trained").map((m) => m.key);
