/**
 * What `deno task export` writes: every file of the seed's report layout (its relative path and
 * name), the pipeline tables it is computed from and a one-line description; and which task
 * writes each of those tables.
 *
 * @module
 */

/** One exported file. */
export interface ExportFileSpec {
  /** Path below the export folder, as in the seed repository. */
  path: string;
  /** `csv` or `json`. */
  format: "csv" | "json";
  /** Source tables (paths below `<out>/tables/`). */
  sources: readonly string[];
  /** One-line description. */
  description: string;
  /** Written only when its benchmark metric exists (skipped with a manifest note otherwise). */
  optional?: boolean;
}

/** An exported file's content, ready to write. */
export interface ExportedFile {
  /** Path below the export folder (one of {@link EXPORT_FILES}). */
  path: string;
  /** Bytes or text. */
  data: Uint8Array | string;
  /** Data rows (CSV) or benchmark rows held (the benchmark report); null for the audits. */
  rows: number | null;
}

/** The task that writes each source table (for the missing-table error and `--list`). */
export const TABLE_TASKS: Readonly<Record<string, string>> = {
  "concepts.arrow": "data",
  "images.arrow": "data",
  "splits.arrow": "data",
  "human_pairs.arrow": "human",
  "human_similarity_shuffled.arrow": "human",
  "triplets.arrow": "human",
  "triplets_shuffled.arrow": "human",
  "models.arrow": "embed",
  "benchmark.arrow": "bench",
  "comparisons.arrow": "bench",
};

/** The export's file name (beside the seed's files). */
export const MANIFEST_FILE = "EXPORT_MANIFEST.json";

/** The benchmark summary (the seed's "Current Results Snapshot" source). */
export const SUMMARY_FILE = "outputs/tables/embedding_benchmark_summary_with_joint_matrix.csv";

/** The triplet-satisfaction table (script 13), written when the benchmark has the metric. */
export const TRIPLET_SATISFACTION_FILE = "outputs/tables/triplet_satisfaction_summary.csv";

/**
 * The spec of an exported file at `path`; its format (`csv` or `json`) is the path's extension.
 */
function fileSpec(
  path: string,
  options: Omit<ExportFileSpec, "path" | "format">,
): ExportFileSpec {
  const format = path.endsWith(".csv") ? "csv" : path.endsWith(".json") ? "json" : undefined;
  if (format === undefined) throw new RangeError(`export: ${path} is neither .csv nor .json`);
  return { path, format, ...options };
}

/** Every exported file, in the order of the seed's scripts. */
export const EXPORT_FILES: readonly ExportFileSpec[] = [
  fileSpec("data/processed/concepts.csv", {
    sources: ["concepts.arrow"],
    description: "one row per THINGS concept in canonical order, with THINGSplus metadata",
  }),
  fileSpec("data/processed/images.csv", {
    sources: ["images.arrow"],
    description: "one row per image: concept, file path, family, source, style, license, size",
  }),
  fileSpec("data/baseline/image_metadata.csv", {
    sources: ["images.arrow", "concepts.arrow"],
    description: "one row per image with its concept's canonical index, word and WordNet id",
  }),
  fileSpec("data/baseline/image_splits.csv", {
    sources: ["splits.arrow", "images.arrow", "concepts.arrow"],
    description: "one row per image: its split (train, val, test, stress) and concept index",
  }),
  fileSpec("outputs/reports/image_metadata_report.json", {
    sources: ["images.arrow", "concepts.arrow"],
    description: "audit of the image metadata: counts, images per concept, licenses, sources",
  }),
  fileSpec("outputs/reports/image_splits_report.json", {
    sources: ["splits.arrow", "images.arrow"],
    description: "audit of the image splits: policy, per-split image and concept counts",
  }),
  ...["train", "val", "test"].map((split) =>
    fileSpec(`data/human_similarity/${split}_similarity_pairs.csv`, {
      sources: ["human_pairs.arrow"],
      description: `human similarity of the concept pairs in the ${split} split`,
    })
  ),
  fileSpec("data/human_similarity/train_triplets.csv", {
    sources: ["triplets.arrow"],
    description: "training triplets (anchor, positive, negative) derived from the train pairs",
  }),
  fileSpec("data/human_similarity/shuffled_train_triplets.csv", {
    sources: ["triplets_shuffled.arrow"],
    description: "shuffled-triplet control: same anchors per row, partners permuted across rows",
  }),
  fileSpec("outputs/human_similarity/similarity_audit_report.json", {
    sources: ["human_pairs.arrow", "human_similarity_shuffled.arrow"],
    description: "audit of the human pairs: per-split counts, similarity range, shuffled vs real",
  }),
  fileSpec("outputs/human_similarity/triplet_audit_report.json", {
    sources: ["triplets.arrow", "triplets_shuffled.arrow", "human_pairs.arrow"],
    description: "audit of the triplets: counts, anchors, anchor frequency kept by the control",
  }),
  fileSpec("outputs/reports/embedding_benchmark_report_with_joint_matrix.json", {
    sources: ["benchmark.arrow"],
    description: "every benchmark row grouped by model, metric and subset (value, interval, n)",
  }),
  fileSpec(SUMMARY_FILE, {
    sources: ["benchmark.arrow", "models.arrow"],
    description: "one row per model of the report seed: the headline table's columns",
  }),
  fileSpec("outputs/tables/model_comparison_summary.csv", {
    sources: ["comparisons.arrow"],
    description: "paired model comparisons: delta, bootstrap interval, p and Holm-adjusted p",
  }),
  fileSpec(TRIPLET_SATISFACTION_FILE, {
    sources: ["benchmark.arrow"],
    description: "triplet satisfaction and margin per model, seed and triplet set",
    optional: true,
  }),
];

/** The spec of an exported file by its path. */
export function exportFileSpec(path: string): ExportFileSpec {
  const spec = EXPORT_FILES.find((f) => f.path === path);
  if (!spec) throw new RangeError(`export: no file ${path} in EXPORT_FILES`);
  return spec;
}

/** Every source table the export reads, in first-use order. */
export function sourceTables(): string[] {
  return [...new Set(EXPORT_FILES.flatMap((f) => f.sources))];
}

/** The `--list` text: each exported path with its source tables and the tasks writing them. */
export function listingText(): string {
  const width = Math.max(...EXPORT_FILES.map((f) => f.path.length));
  const lines = EXPORT_FILES.map((f) => {
    const sources = f.sources.map((s) => `${s} (deno task ${TABLE_TASKS[s]})`).join(", ");
    return `${f.path.padEnd(width)}  <-  ${sources}${f.optional ? "  [when present]" : ""}`;
  });
  lines.push(`${MANIFEST_FILE.padEnd(width)}  <-  every file above: sources, sha256, rows`);
  return lines.join("\n");
}
