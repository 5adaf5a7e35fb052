/**
 * The seed's published results (its README's "Current Results Snapshot": a PyTorch run of
 * ResNet-50 on the THINGS photos), shipped in `data/reference/seed000_results.csv`. With the
 * THINGS profile the site shows them beside the run's own numbers, labelled as the seed's run;
 * they never enter a table the pipeline writes.
 *
 * @module
 */
import { join } from "node:path";
import {
  badCell,
  parseFiniteNumber,
  parseTable,
  readText,
  requireColumns,
} from "../data/readers/text.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";

/** The shipped reference file. */
export const SEED_REFERENCE_FILE: string = join(REPO_ROOT, "data/reference/seed000_results.csv");

/** Headline columns the reference may fill (see `HEADLINE_COLUMNS`). */
const COLUMNS = ["head_top1", "retrieval1", "human_pair_rho", "object_properties_rho"];

/** The seed's numbers: model → headline column key → value. */
export interface SeedReference {
  /** What the numbers are, for captions. */
  label: string;
  /** Where they come from. */
  source: string;
  /** Values by model and column key. */
  values: Record<string, Record<string, number>>;
}

/** Read and check the reference file (model, column, value; one row per cell). */
export async function readSeedReference(
  path: string = SEED_REFERENCE_FILE,
): Promise<SeedReference> {
  const table = parseTable(await readText(path), path, { delimiter: "," });
  const col = requireColumns(table, ["model", "column", "value"]);
  const values: Record<string, Record<string, number>> = {};
  for (const record of table.records) {
    const where = { file: path, line: record.line };
    const model = record.fields[col.model];
    const column = record.fields[col.column];
    if (!COLUMNS.includes(column)) {
      throw badCell(column, { ...where, column: "column", expected: COLUMNS.join(", ") });
    }
    const value = parseFiniteNumber(record.fields[col.value], { ...where, column: "value" });
    if (values[model]?.[column] !== undefined) {
      throw badCell(`${model}/${column}`, {
        ...where,
        column: "column",
        expected: "one row per model and column",
      });
    }
    (values[model] ??= {})[column] = value;
  }
  return {
    label: "seed's PyTorch run",
    source: "Human Things (Python), README “Current Results Snapshot”: ResNet-50 on the " +
      "THINGS photos, seed 7 (data/reference/seed000_results.csv)",
    values,
  };
}
