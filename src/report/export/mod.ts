/**
 * `deno task export`: the seed's report files (its relative paths and names: processed data
 * CSVs, split and human-similarity files, audit reports, the benchmark summary, report and
 * comparisons) written from this pipeline's tables, with `EXPORT_MANIFEST.json` naming every
 * file's source tables. docs/export.md describes the files.
 *
 * @module
 */
export * from "./plan.ts";
export * from "./csv.ts";
export * from "./sources.ts";
export * from "./data.ts";
export * from "./data_audit.ts";
export * from "./human.ts";
export * from "./human_audit.ts";
export * from "./bench.ts";
export * from "./run.ts";
