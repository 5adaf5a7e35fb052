/**
 * Names of the pipeline's tables: a table's name is its path below `outputs/tables/` without the
 * `.arrow` extension (`benchmark`, `benchmark/retrieval_queries`, `embeddings/baseline`). Every
 * other module names tables through these constants and functions, so the file layout is written
 * down once. Browser-safe: no Deno or Node APIs (figures and the site use it too).
 *
 * @module
 */

/** File extension of every table. */
export const TABLE_EXT = ".arrow";

/** The tables with a fixed name. */
export const TABLE = {
  /** `data`: one row per concept. */
  concepts: "concepts",
  /** `data`: one row per image. */
  images: "images",
  /** `data`: image → split. */
  splits: "splits",
  /** `human`: the SPoSE similarity matrix. */
  humanSimilarity: "human_similarity",
  /** `human`: its shuffled-labels control. */
  humanSimilarityShuffled: "human_similarity_shuffled",
  /** `human`: concept pairs with their similarity and split. */
  humanPairs: "human_pairs",
  /** `human`: training triplets. */
  triplets: "triplets",
  /** `human`: the shuffled-labels training triplets. */
  tripletsShuffled: "triplets_shuffled",
  /** `embed`: one row per embedded model. */
  models: "models",
  /** `bench`: one row per model, seed, metric and subset. */
  benchmark: "benchmark",
  /** `bench`: paired comparisons. */
  comparisons: "comparisons",
  /** `bench`: one row per retrieval query. */
  retrievalQueries: "benchmark/retrieval_queries",
  /** `bench`: one row per held-out triplet. */
  tripletMargins: "benchmark/triplet_margins",
  /** `bench`: one row per transfer target. */
  transferTargets: "benchmark/transfer_targets",
  /** `align:gwot`: one row per model, ε and initialisation. */
  gwot: "gwot",
  /** `align:gwot`: one row per model. */
  gwotSummary: "gwot_summary",
} as const;

/** Name of a fixed table. */
export type FixedTable = typeof TABLE[keyof typeof TABLE];

/** File name of a table below the tables folder (`benchmark` → `benchmark.arrow`). */
export function tableFile(name: string): string {
  return `${name}${TABLE_EXT}`;
}

/** Whether a file name is a table's (ends in `.arrow`). */
export function isTableFile(fileName: string): boolean {
  return fileName.endsWith(TABLE_EXT);
}

/** A table's name from its file name or path (`embeddings/x.arrow` → `embeddings/x`). */
export function tableNameOf(fileName: string): string {
  return isTableFile(fileName) ? fileName.slice(0, -TABLE_EXT.length) : fileName;
}

/** The training log of a model (`stem` is the model key with its seed suffix). */
export function trainingTable(stem: string): string {
  return `training/${stem}`;
}

/** The image embeddings of a model (`stem`: model key and seed suffix). */
export function embeddingTable(stem: string): string {
  return `embeddings/${stem}`;
}

/** The concept prototypes of a model (`stem`: model key and seed suffix). */
export function prototypesTable(stem: string): string {
  return `embeddings/${stem}.prototypes`;
}

/**
 * One model's row of `models.arrow` (`models/<stem>`), written by its `embed:<model>` unit; the
 * `embed` unit joins them.
 */
export function modelRowTable(stem: string): string {
  return `models/${stem}`;
}

/** The registry table of an aligned model (`aligned/<model>`). */
export function alignedTable(model: string): string {
  return `aligned/${model}`;
}

/** The GWOT transport plan of a model (`stem`: model key and seed suffix). */
export function gwotPlanTable(stem: string): string {
  return `gwot/plans/${stem}`;
}

/**
 * One GWOT unit's share of `gwot.arrow` (`gwot/parts/<stem>`: a model's runs, or the untrained
 * networks') and of `gwot_summary.arrow` (`gwot/parts/<stem>.summary`); `align:gwot` joins them.
 */
export function gwotPartTable(stem: string, kind: "runs" | "summary"): string {
  return kind === "runs" ? `gwot/parts/${stem}` : `gwot/parts/${stem}.summary`;
}

/** The wall-clock timings of a training log (`timings/training/<stem>`; src/tables/timings.ts). */
export function trainingTimingTable(stem: string): string {
  return `timings/training/${stem}`;
}

/** The wall-clock timings of a GWOT unit's runs (`timings/gwot/<stem>`). */
export function gwotTimingTable(stem: string): string {
  return `timings/gwot/${stem}`;
}

/** Folder (below the tables folder) of the training logs. */
export const TRAINING_DIR = "training";
/** Folder of the embedding and prototype tables. */
export const EMBEDDINGS_DIR = "embeddings";
/** Folder of the aligned models' registry tables. */
export const ALIGNED_DIR = "aligned";
/** Folder of the GWOT transport plans. */
export const GWOT_PLANS_DIR = "gwot/plans";
