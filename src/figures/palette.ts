/**
 * One source of model colours, labels and order for every figure and page, so a model looks the
 * same everywhere: the model registry's (`src/models/registry.ts`; Okabe–Ito and Tableau colours,
 * colour-blind safe pairs: each human-informed variant and its shuffled control share a hue
 * family), with stable fallbacks for models it does not know.
 *
 * @module
 */
import { MODEL_REGISTRY, type ModelRole } from "../models/registry.ts";

/** How a model was made, for grouping and legends (the registry's role). */
export type ModelKind = ModelRole;

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

/** Every known model in display order: the model registry's labels, colours and roles. */
export const MODEL_STYLES: readonly ModelStyle[] = MODEL_REGISTRY.map((m) => ({
  model: m.key,
  label: m.label,
  color: m.color,
  kind: m.role,
  ...(m.control ? { control: m.control } : {}),
}));

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
