/**
 * The export's source tables: each read once with its provenance (sha256 of the file, the
 * producing task, pipeline version, seed and profile from the table metadata). A missing table is
 * an {@link InputError} naming it and the task that writes it, before anything is written.
 *
 * @module
 */
import { join } from "node:path";
import type { Table } from "apache-arrow";
import { readTable, type TableMetadata, tableMetadata } from "../../io/arrow.ts";
import { InputError } from "../../io/errors.ts";
import { exists } from "../../io/files.ts";
import { sha256File } from "../../io/hash.ts";
import { SOURCE, TABLE_TASKS } from "./plan.ts";

/** One source table and where it came from. */
export interface SourceTable {
  /** Path below the tables folder (`human_pairs.arrow`). */
  name: string;
  /** Full path. */
  path: string;
  /** The table. */
  table: Table;
  /** Its provenance metadata. */
  metadata: TableMetadata;
  /** sha256 of the file. */
  sha256: string;
  /** Number of rows. */
  rows: number;
}

/** The source tables by name. */
export type Sources = Record<string, SourceTable>;

/** Columns each source must have (the export reads them). */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  [SOURCE.concepts]: ["index", "uniqueID", "word", "has_images", "n_images"],
  [SOURCE.images]: ["image_id", "uniqueID", "path", "family", "source", "license"],
  [SOURCE.splits]: ["image_id", "uniqueID", "split"],
  [SOURCE.humanPairs]: ["a", "b", "a_uniqueID", "b_uniqueID", "similarity", "split"],
  [SOURCE.humanSimilarityShuffled]: ["index", "source_index"],
  [SOURCE.triplets]: ["anchor", "positive", "negative", "sim_positive", "sim_negative"],
  [SOURCE.tripletsShuffled]: ["anchor", "positive", "negative", "sim_positive", "sim_negative"],
  [SOURCE.models]: ["model", "seed"],
  [SOURCE.benchmark]: ["model", "seed", "metric", "subset", "value", "ci_low", "ci_high", "n"],
  [SOURCE.comparisons]: ["model_a", "model_b", "metric", "subset", "delta", "p", "p_adj"],
};

/** How to make a missing table: `deno task <task>`. */
export function makeHint(name: string): string {
  const task = TABLE_TASKS[name];
  return task ? `deno task ${task}` : "the pipeline stage that writes it";
}

/**
 * Throws an {@link InputError} naming every missing table of `names` in `dir` and the task that
 * writes each (`run \`deno task bench\``).
 */
export async function checkSources(dir: string, names: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const name of names) {
    if (!(await exists(join(dir, name)))) missing.push(name);
  }
  if (missing.length === 0) return;
  if (missing.length === 1) {
    throw new InputError({
      file: join(dir, missing[0]),
      expected: `the table ${missing[0]} (run \`${makeHint(missing[0])}\`)`,
      found: "no file",
    });
  }
  const byHint = new Map<string, string[]>();
  for (const name of missing) {
    byHint.set(makeHint(name), [...(byHint.get(makeHint(name)) ?? []), name]);
  }
  const found = [...byHint].map(([hint, names]) => `${names.join(", ")} (run \`${hint}\`)`);
  throw new InputError({
    file: dir,
    expected: "the tables the export reads",
    found: `${missing.length} missing: ${found.join("; ")}`,
  });
}

/** Read the tables `names` of `dir` (after {@link checkSources}) with their provenance. */
export async function loadSources(dir: string, names: readonly string[]): Promise<Sources> {
  await checkSources(dir, names);
  const out: Sources = {};
  for (const name of names) {
    const path = join(dir, name);
    const table = await readTable(path, { require: [...(REQUIRED_COLUMNS[name] ?? [])] });
    out[name] = {
      name,
      path,
      table,
      metadata: tableMetadata(table),
      sha256: await sha256File(path),
      rows: table.numRows,
    };
  }
  return out;
}

/** Provenance of a source as the manifest and the audits show it. */
export function provenance(source: SourceTable): Record<string, unknown> {
  const m = source.metadata;
  return {
    table: source.name,
    rows: source.rows,
    sha256: source.sha256,
    task: m.task ?? null,
    version: m.version ?? null,
    seed: m.seed ?? null,
    profile: m.profile ?? null,
  };
}
