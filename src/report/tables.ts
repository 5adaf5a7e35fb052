/**
 * The pipeline tables the write-up, the model cards and the credits read, as typed plain rows.
 * Required tables (benchmark, comparisons, models) fail with an {@link InputError} naming the
 * file; optional ones (training runs, gLocal, GWOT, images) are `undefined` when absent, and the
 * pages say so.
 *
 * @module
 */
import { join } from "node:path";
import { readSeedReference, type SeedReference } from "./seed_reference.ts";
import type { Table } from "apache-arrow";
import { missingTableError, readTable, type TableMetadata, tableMetadata } from "../io/arrow.ts";
import { InputError } from "../io/errors.ts";
import { exists } from "../io/files.ts";
import type { BenchmarkRow } from "../eval/benchmark/run.ts";
import type { ComparisonRow } from "../eval/benchmark/comparisons.ts";
import { asCriterion, benchmarkSaturation, saturationKey } from "../eval/benchmark/saturation.ts";
import { arrowRows } from "../tables/rows.ts";
import { ALIGNED_DIR, isTableFile, TABLE, tableNameOf, TRAINING_DIR } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { readTrainingTimings, trainingTimingPath } from "../tables/timings.ts";
import type { LogRow } from "../train/trainer.ts";
import type { ModelSummaryRow } from "../tables/models.ts";

/**
 * One row of `benchmark.arrow` and of `comparisons.arrow`: the types the `bench` stage writes them
 * with (docs/tables.md describes the columns).
 */
export type { BenchmarkRow, ComparisonRow };

/** One epoch row of `training/<model>.arrow`: the trainer's log row and the backend. */
export interface TrainingEpoch extends LogRow {
  /** Backend. */
  backend: string;
}

/** One training table with its provenance. */
export interface TrainingRun {
  /** Model key. */
  model: string;
  /** Training seed. */
  seed: number;
  /** File name below `training/`. */
  file: string;
  /** Epoch rows. */
  epochs: TrainingEpoch[];
  /** Table metadata (options hold the config, backbone and backend; notes the summary). */
  metadata: TableMetadata;
  /**
   * Whole-run wall-clock timings (`train_seconds`, `trunk_seconds`, `trunk_cache_hit`) from
   * `timings/training/`; empty for a log without timings (tables of older versions kept them in
   * the log's `notes.summary`).
   */
  timings: Record<string, unknown>;
}

/** Everything the report library reads. */
export interface ReportTables {
  /** Folder the tables came from. */
  dir: string;
  /** `benchmark.arrow` rows. */
  benchmark: BenchmarkRow[];
  /** `comparisons.arrow` rows. */
  comparisons: ComparisonRow[];
  /** `models.arrow` rows. */
  models: ModelSummaryRow[];
  /** The seed's published numbers (THINGS profile only; `data/reference/`). */
  seedReference?: SeedReference;
  /** Provenance of `benchmark.arrow` (profile, seed, options). */
  benchmarkMetadata: TableMetadata;
  /** `training/*.arrow`, one entry per file. */
  training: TrainingRun[];
  /**
   * Rows of the alignment registries `aligned/*.arrow` (gLocal, AligNet…), when present; each
   * row's `registry` names its file (`aligned/glocal.arrow`).
   */
  aligned?: Record<string, unknown>[];
  /** Provenance of each registry file, by its `registry` name. */
  alignedMetadata?: Record<string, TableMetadata>;
  /** `gwot_summary.arrow` rows, when `align:gwot` ran. */
  gwotSummary?: Record<string, unknown>[];
  /** Provenance of `gwot_summary.arrow` (its `options` describe the sweep). */
  gwotMetadata?: TableMetadata;
  /** `images.arrow` rows (credits), when present. */
  images?: Record<string, unknown>[];
  /** `images.arrow` metadata (its `notes.audit` lists the images the icon audit left out). */
  imagesMetadata?: TableMetadata;
}

const BENCHMARK_COLUMNS = ["model", "seed", "metric", "subset", "value", "ci_low", "ci_high", "n"];
const COMPARISON_COLUMNS = [
  "model_a",
  "model_b",
  "relation",
  "metric",
  "subset",
  "delta",
  "ci_low",
  "ci_high",
  "p_adj",
];
const MODEL_COLUMNS = ["model", "seed", "init", "trained", "backend"];

/** Tables the report cannot do without (the write-up, headline and model cards read them). */
export const REQUIRED_REPORT_TABLES: readonly string[] = [
  TABLE.benchmark,
  TABLE.comparisons,
  TABLE.models,
];

/**
 * Fail, naming the first missing table (and so the stage that writes it), unless every table in
 * {@link REQUIRED_REPORT_TABLES} exists in `dir`; cheap, so the site build checks before it
 * starts Framework.
 */
export async function requireReportTables(dir: string): Promise<void> {
  for (const name of REQUIRED_REPORT_TABLES) {
    const path = tablePath(dir, name);
    if (!(await exists(path))) throw missingTableError(path);
  }
}

/**
 * Read the report's tables from a tables folder (`outputs/tables`). Missing required tables or
 * columns throw an {@link InputError} naming the file and what was expected.
 */
export async function loadReportTables(dir: string): Promise<ReportTables> {
  await requireReportTables(dir);
  const benchmarkTable = await readTable(tablePath(dir, TABLE.benchmark), {
    require: BENCHMARK_COLUMNS,
  });
  const comparisons = arrowRows(
    await readTable(tablePath(dir, TABLE.comparisons), { require: COMPARISON_COLUMNS }),
  ) as unknown as ComparisonRow[];
  const models = arrowRows(
    await readTable(tablePath(dir, TABLE.models), { require: MODEL_COLUMNS }),
  ) as unknown as ModelSummaryRow[];
  const benchmark = arrowRows(benchmarkTable) as unknown as BenchmarkRow[];
  checkFinite(tablePath(dir, TABLE.benchmark), benchmark, "value");
  checkFinite(tablePath(dir, TABLE.comparisons), comparisons, "delta");
  markSaturated(benchmark, comparisons);
  const tables: ReportTables = {
    dir,
    benchmark,
    comparisons,
    models,
    benchmarkMetadata: tableMetadata(benchmarkTable),
    training: await loadTraining(dir),
  };
  const registries = await listTables(join(dir, ALIGNED_DIR));
  if (registries.length) {
    tables.aligned = [];
    tables.alignedMetadata = {};
    for (const file of registries) {
      const table = await readTable(join(dir, ALIGNED_DIR, file), { require: ["model", "seed"] });
      const registry = `${ALIGNED_DIR}/${file}`;
      tables.aligned.push(...arrowRows(table).map((r) => ({ ...r, registry })));
      tables.alignedMetadata[registry] = tableMetadata(table);
    }
  }
  const gwot = await optionalTable(tablePath(dir, TABLE.gwotSummary));
  if (gwot) {
    tables.gwotSummary = arrowRows(gwot);
    tables.gwotMetadata = tableMetadata(gwot);
  }
  const images = await optionalTable(tablePath(dir, TABLE.images));
  if (images) {
    tables.images = arrowRows(images);
    tables.imagesMetadata = tableMetadata(images);
  }
  if (tables.benchmarkMetadata.profile === "things") {
    tables.seedReference = await readSeedReference();
  }
  return tables;
}

/**
 * Tables written before the `saturated` or the `saturation_reason` column: set each row's flag
 * and reason (`ceiling`, `indistinguishable`, null when not flagged) by the same rule the bench
 * stage applies (src/eval/benchmark/saturation.ts) on the benchmark rows. Rows that carry a
 * column keep it; a flagged row whose reason the rule does not give keeps a null reason.
 */
export function markSaturated(benchmark: BenchmarkRow[], comparisons: ComparisonRow[]): void {
  const rows = [...benchmark, ...comparisons];
  const complete = (r: BenchmarkRow | ComparisonRow) =>
    typeof r.saturated === "boolean" && r.saturation_reason !== undefined;
  if (rows.every(complete)) {
    for (const r of rows) {
      r.saturation_reason = r.saturated ? asCriterion(r.saturation_reason) : null;
    }
    return;
  }
  const verdicts = benchmarkSaturation(benchmark);
  for (const r of rows) {
    const verdict = verdicts.get(saturationKey(r.metric, r.subset));
    if (typeof r.saturated !== "boolean") r.saturated = verdict?.saturated ?? false;
    r.saturation_reason = !r.saturated
      ? null
      : asCriterion(r.saturation_reason) ?? (verdict?.saturated ? verdict.criterion : null);
  }
}

function checkFinite(file: string, rows: object[], column: string): void {
  rows.forEach((row, i) => {
    const value = (row as Record<string, unknown>)[column];
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new InputError({
        file,
        row: i + 1,
        column,
        expected: "a number",
        found: JSON.stringify(value),
      });
    }
  });
}

/** File names of the tables (`.arrow` files) of a folder, sorted ([] when it does not exist). */
async function listTables(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && isTableFile(e.name)) names.push(e.name);
  }
  return names.sort();
}

async function optionalTable(path: string): Promise<Table | undefined> {
  return (await exists(path)) ? await readTable(path) : undefined;
}

/**
 * The training logs of a tables folder (`training/`), one run per table file, by file name; each
 * epoch's `seconds` from its timings (`timings/training/`, by row), or from the log itself in
 * tables of older versions (NaN when neither has them).
 */
async function loadTraining(tables: string): Promise<TrainingRun[]> {
  const dir = join(tables, TRAINING_DIR);
  const files = await listTables(dir);
  const runs: TrainingRun[] = [];
  for (const file of files) {
    const table = await readTable(join(dir, file), { require: ["model", "seed", "epoch"] });
    const rows = arrowRows(table);
    const metadata = tableMetadata(table);
    const timingFile = trainingTimingPath(tables, tableNameOf(file));
    const timings = await readTrainingTimings(timingFile);
    if (timings && timings.seconds.length !== rows.length) {
      throw new InputError({
        file: timingFile,
        expected: `one row per row of ${join(dir, file)} (${rows.length})`,
        found: `${timings.seconds.length} rows`,
      });
    }
    const first = rows[0] ?? {};
    runs.push({
      model: String(first.model ?? tableNameOf(file).replace(/\.seed\d+$/, "")),
      seed: Number(first.seed ?? metadata.seed ?? 0),
      file,
      epochs: rows.map((r, i) => ({
        ...r,
        seconds: timings?.seconds[i] ?? (typeof r.seconds === "number" ? r.seconds : NaN),
      })) as unknown as TrainingEpoch[],
      metadata,
      timings: timings?.notes ?? {},
    });
  }
  return runs;
}
