/**
 * One source of model colours, labels and order for every figure and page, so a model looks the
 * same everywhere. Colours are from the Okabe–Ito and Tableau palettes (colour-blind safe pairs:
 * each human-informed variant and its shuffled control share a hue family).
 *
 * @module
 */

/** How a model was made, for grouping and legends. */
export type ModelKind = "reference" | "image-only" | "human-informed" | "control" | "aligned";

/** Display facts of one model. */
export interface ModelStyle {
  /** Model key as in the tables. */
  model: string;
  /** Short label for axes and legends. */
  label: string;
  /** Colour (hex). */
  color: string;
  /** Kind. */
  kind: ModelKind;
  /** Matched control model, for variants that have one. */
  control?: string;
}

/** Every known model in display order. */
export const MODEL_STYLES: readonly ModelStyle[] = [
  { model: "imagenet", label: "ImageNet only", color: "#7f7f7f", kind: "image-only" },
  { model: "baseline", label: "Baseline", color: "#000000", kind: "image-only" },
  {
    model: "fixed_prototype_triplets",
    label: "Fixed-prototype triplets",
    color: "#0072b2",
    kind: "human-informed",
    control: "fixed_prototype_control",
  },
  {
    model: "fixed_prototype_control",
    label: "Fixed-prototype control",
    color: "#56b4e9",
    kind: "control",
  },
  {
    model: "batch_prototype_triplets",
    label: "Batch-prototype triplets",
    color: "#009e73",
    kind: "human-informed",
  },
  {
    model: "high_pressure_triplets",
    label: "High-pressure triplets",
    color: "#cc79a7",
    kind: "human-informed",
  },
  {
    model: "joint_matrix_alignment",
    label: "Joint matrix alignment",
    color: "#d55e00",
    kind: "human-informed",
    control: "matrix_control",
  },
  { model: "matrix_control", label: "Matrix control", color: "#e69f00", kind: "control" },
  { model: "glocal", label: "gLocal", color: "#8c564b", kind: "aligned" },
  { model: "alignet", label: "AligNet", color: "#9467bd", kind: "aligned" },
  { model: "unalignet", label: "UnAligNet", color: "#c5b0d5", kind: "control" },
  { model: "spose49", label: "SPoSE-49 (human)", color: "#bcbd22", kind: "reference" },
  // the GWOT stage's untrained-network baseline (the backbone with random weights)
  { model: "untrained", label: "Untrained (random weights)", color: "#a0a0a0", kind: "reference" },
];

const BY_MODEL = new Map(MODEL_STYLES.map((s) => [s.model, s]));
const FALLBACK = ["#17becf", "#aec7e8", "#ff9896", "#98df8a", "#c49c94", "#f7b6d2"];

/**
 * Style of a model. Unknown models (e.g. `baseline.seed8` or a user's own) get a stable fallback
 * colour derived from the name and the name as label, so figures never fail on a new model.
 */
export function modelStyle(model: string): ModelStyle {
  const known = BY_MODEL.get(model) ?? BY_MODEL.get(model.replace(/\.seed\d+$/, ""));
  if (known) return known.model === model ? known : { ...known, model, label: model };
  let h = 0;
  for (let i = 0; i < model.length; i++) h = (h * 31 + model.charCodeAt(i)) >>> 0;
  return { model, label: model, color: FALLBACK[h % FALLBACK.length], kind: "human-informed" };
}

/** Sorts model keys into display order (known models first, in {@link MODEL_STYLES} order). */
export function sortModels(models: Iterable<string>): string[] {
  const order = (m: string) => {
    const i = MODEL_STYLES.findIndex((s) => s.model === m);
    return i < 0 ? MODEL_STYLES.length : i;
  };
  return [...new Set(models)].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Display label of a metric key from `benchmark.arrow`. */
export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric.replaceAll("_", " ");
}

const METRIC_LABELS: Record<string, string> = {
  top1: "Test top-1",
  top5: "Test top-5",
  head_top1: "Head top-1",
  "retrieval@1": "Retrieval@1",
  mAP: "Retrieval mAP",
  fewshot1_top1: "1-shot top-1 (centroid)",
  fewshot5_top1: "5-shot top-1 (centroid)",
  fewshot1_probe_top1: "1-shot top-1 (probe)",
  fewshot5_probe_top1: "5-shot top-1 (probe)",
  human_pair_rho: "Human-pair ρ",
  oddoneout_accuracy: "Odd-one-out accuracy",
  oddoneout_normalised: "Odd-one-out (ceiling-normalised)",
  rsa_spearman: "RSA (Spearman)",
  rsa_pearson: "RSA (Pearson)",
  rsa_cosine: "RSA (cosine)",
  rsa_kendall_tau_a: "RSA (Kendall τa)",
  rdm48_rsa_spearman: "RDM48 RSA (Spearman)",
  rdm48_rsa_pearson: "RDM48 RSA (Pearson)",
  thingsplus_rating_rho: "THINGSplus rating ρ",
  object_properties_rho: "Object-properties ρ",
  category_auc: "Category AUC",
  category_comembership_auc: "Category co-membership AUC",
  property_difference_rho: "Property-difference ρ",
  triplet_satisfaction: "Triplet satisfaction",
  triplet_margin: "Triplet margin",
};
