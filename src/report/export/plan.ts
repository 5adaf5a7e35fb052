/**
 * What `deno task export` writes: every file of the seed's report layout (its relative path and
 * name), the pipeline tables it is computed from and a one-line description; and which task
 * writes each of those tables.
 *
 * @module
 */
import { TABLE, tableFile } from "../../tables/names.ts";

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

/**
 * The export's source tables: their file names below the tables folder (`concepts.arrow`), the
 * keys of {@link Sources}.
 */
export const SOURCE = {
  concepts: tableFile(TABLE.concepts),
  images: tableFile(TABLE.images),
  splits: tableFile(TABLE.splits),
  humanPairs: tableFile(TABLE.humanPairs),
  humanSimilarityShuffled: tableFile(TABLE.humanSimilarityShuffled),
  triplets: tableFile(TABLE.triplets),
  tripletsShuffled: tableFile(TABLE.tripletsShuffled),
  models: tableFile(TABLE.models),
  benchmark: tableFile(TABLE.benchmark),
  comparisons: tableFile(TABLE.comparisons),
} as const;

/** The task that writes each source table (for the missing-table error and `--list`). */
export const TABLE_TASKS: Readonly<Record<string, string>> = {
  [SOURCE.concepts]: "data",
  [SOURCE.images]: "data",
  [SOURCE.splits]: "data",
  [SOURCE.humanPairs]: "human",
  [SOURCE.humanSimilarityShuffled]: "human",
  [SOURCE.triplets]: "human",
  [SOURCE.tripletsShuffled]: "human",
  [SOURCE.models]: "embed",
  [SOURCE.benchmark]: "bench",
  [SOURCE.comparisons]: "bench",
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
    sources: [SOURCE.concepts],
    description: "one row per THINGS concept in canonical order, with THINGSplus metadata",
  }),
  fileSpec("data/processed/images.csv", {
    sources: [SOURCE.images],
    description: "one row per image: concept, file path, family, source, style, license, size",
  }),
  fileSpec("data/baseline/image_metadata.csv", {
    sources: [SOURCE.images, SOURCE.concepts],
    description: "one row per image with its concept's canonical index, word and WordNet id",
  }),
  fileSpec("data/baseline/image_splits.csv", {
    sources: [SOURCE.splits, SOURCE.images, SOURCE.concepts],
    description: "one row per image: its split (train, val, test, stress) and concept index",
  }),
  fileSpec("outputs/reports/image_metadata_report.json", {
    sources: [SOURCE.images, SOURCE.concepts],
    description: "audit of the image metadata: counts, images per concept, licenses, sources",
  }),
  fileSpec("outputs/reports/image_splits_report.json", {
    sources: [SOURCE.splits, SOURCE.images],
    description: "audit of the image splits: policy, per-split image and concept counts",
  }),
  ...["train", "val", "test"].map((split) =>
    fileSpec(`data/human_similarity/${split}_similarity_pairs.csv`, {
      sources: [SOURCE.humanPairs],
      description: `human similarity of the concept pairs in the ${split} split`,
    })
  ),
  fileSpec("data/human_similarity/train_triplets.csv", {
    sources: [SOURCE.triplets],
    description: "training triplets (anchor, positive, negative) derived from the train pairs",
  }),
  fileSpec("data/human_similarity/shuffled_train_triplets.csv", {
    sources: [SOURCE.tripletsShuffled],
    description: "shuffled-triplet control: same anchors per row, partners permuted across rows",
  }),
  fileSpec("outputs/human_similarity/similarity_audit_report.json", {
    sources: [SOURCE.humanPairs, SOURCE.humanSimilarityShuffled],
    description: "audit of the human pairs: per-split counts, similarity range, shuffled vs real",
  }),
  fileSpec("outputs/human_similarity/triplet_audit_report.json", {
    sources: [SOURCE.triplets, SOURCE.tripletsShuffled, SOURCE.humanPairs],
    description: "audit of the triplets: counts, anchors, anchor frequency kept by the control",
  }),
  fileSpec("outputs/reports/embedding_benchmark_report_with_joint_matrix.json", {
    sources: [SOURCE.benchmark],
    description: "every benchmark row grouped by model, metric and subset (value, interval, n)",
  }),
  fileSpec(SUMMARY_FILE, {
    sources: [SOURCE.benchmark, SOURCE.models],
    description: "one row per model of the report seed: the headline table's columns",
  }),
  fileSpec("outputs/tables/model_comparison_summary.csv", {
    sources: [SOURCE.comparisons],
    description: "paired model comparisons: delta, bootstrap interval, p and Holm-adjusted p",
  }),
  fileSpec(TRIPLET_SATISFACTION_FILE, {
    sources: [SOURCE.benchmark],
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
