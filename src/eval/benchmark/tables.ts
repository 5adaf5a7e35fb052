/**
 * The tables of the `bench` stage, written from a benchmark run: `benchmark.arrow` (with the
 * saturation guard's verdicts), `comparisons.arrow`, and the per-item tables under `benchmark/`
 * (retrieval queries, triplet margins, transfer targets). Columns as `docs/tables.md` documents
 * them.
 *
 * @module
 */
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../../io/arrow.ts";
import { utf8Column } from "./columns.ts";
import type { ModelPair } from "./comparisons.ts";
import type { ParallelBenchResult } from "./parallel.ts";
import type { BenchmarkRow } from "./run.ts";
import {
  benchmarkSaturation,
  type Saturation,
  SATURATION_LABELS,
  saturationKey,
} from "./saturation.ts";

/** Paths of the bench stage's tables. */
export interface BenchTablePaths {
  benchmark: string;
  comparisons: string;
  retrieval: string;
  margins: string;
  targets: string;
}

/** Table metadata of the stage with these notes (the stage's provenance around them). */
type MetaOf = (notes: Record<string, unknown>) => Promise<TableMetadata>;

/** A row's saturation flag and reason, from the guard's verdict on its metric × subset. */
function saturationOf(saturation: Map<string, Saturation>) {
  const verdict = (r: { metric: string; subset: string }) =>
    saturation.get(saturationKey(r.metric, r.subset));
  return {
    saturated: (r: { metric: string; subset: string }) => verdict(r)?.saturated ?? false,
    reason: (r: { metric: string; subset: string }) =>
      verdict(r)?.saturated ? verdict(r)!.criterion : null,
  };
}

/**
 * Write every table of a benchmark run: metrics with no items on this image set (e.g. no
 * held-out triplet among the concepts of a small slice) have no value and are listed in the
 * notes, not written as rows. Returns the rows and comparisons written.
 */
export async function writeBenchmarkTables(
  paths: BenchTablePaths,
  result: ParallelBenchResult,
  options: { pairs: ModelPair[]; gallery: readonly string[]; meta: MetaOf },
): Promise<{ rows: number; comparisons: number }> {
  const { meta } = options;
  const rows = result.rows.filter((r) => r.n > 0 && Number.isFinite(r.value));
  const notComputable = [
    ...new Set(
      result.rows.filter((r) => !(r.n > 0 && Number.isFinite(r.value))).map((r) =>
        `${r.metric}|${r.subset}`
      ),
    ),
  ];
  // the saturation guard: one verdict per metric × subset, on its benchmark and comparison rows
  const saturation = benchmarkSaturation(rows);
  const flags = saturationOf(saturation);
  await writeMetricsTable(
    paths.benchmark,
    { rows, flags },
    await meta({
      concepts: result.space.size,
      bootstrap: `${result.resamples} resamples of concepts, percentile 95% intervals`,
      noise_ceiling: result.human.ceiling.value,
      not_computable: notComputable,
      retrieval_gallery: options.gallery,
      saturated: Object.fromEntries(
        [...saturation].filter(([, s]) => s.saturated).map((
          [key, s],
        ) => [key, `${SATURATION_LABELS[s.criterion!]}: ${s.reason}`]),
      ),
    }),
  );
  const comparisons = result.comparisons!;
  await writeComparisonsTable(
    paths.comparisons,
    { comparisons, flags },
    await meta({
      correction: "Holm over every row of the table",
      pairs: options.pairs,
    }),
  );
  await writeItemTables(paths, result, options);
  return { rows: rows.length, comparisons: comparisons.length };
}

/** `benchmark.arrow`: one row per model, seed, metric and subset. */
async function writeMetricsTable(
  path: string,
  { rows, flags }: { rows: BenchmarkRow[]; flags: ReturnType<typeof saturationOf> },
  meta: TableMetadata,
): Promise<void> {
  await writeTable(
    path,
    makeTable({
      model: stringColumn(rows.map((r) => r.model)),
      seed: int32Column(rows.map((r) => r.seed)),
      metric: stringColumn(rows.map((r) => r.metric)),
      subset: stringColumn(rows.map((r) => r.subset)),
      group: stringColumn(rows.map((r) => r.group)),
      value: float64Column(rows.map((r) => r.value)),
      ci_low: float64Column(rows.map((r) => r.ci_low)),
      ci_high: float64Column(rows.map((r) => r.ci_high)),
      n: int32Column(rows.map((r) => r.n)),
      source: stringColumn(rows.map((r) => r.source)),
      note: stringColumn(rows.map((r) => r.note)),
      saturated: boolColumn(rows.map(flags.saturated)),
      saturation_reason: stringColumn(rows.map(flags.reason)),
    }),
    meta,
  );
}

/** `comparisons.arrow`: the paired comparisons with a finite delta. */
async function writeComparisonsTable(
  path: string,
  { comparisons, flags }: {
    comparisons: NonNullable<ParallelBenchResult["comparisons"]>;
    flags: ReturnType<typeof saturationOf>;
  },
  meta: TableMetadata,
): Promise<void> {
  const c = comparisons.filter((r) => Number.isFinite(r.delta));
  await writeTable(
    path,
    makeTable({
      model_a: stringColumn(c.map((r) => r.model_a)),
      model_b: stringColumn(c.map((r) => r.model_b)),
      relation: stringColumn(c.map((r) => r.relation)),
      seed: int32Column(c.map((r) => r.seed)),
      metric: stringColumn(c.map((r) => r.metric)),
      subset: stringColumn(c.map((r) => r.subset)),
      value_a: float64Column(c.map((r) => r.value_a)),
      value_b: float64Column(c.map((r) => r.value_b)),
      delta: float64Column(c.map((r) => r.delta)),
      ci_low: float64Column(c.map((r) => r.ci_low)),
      ci_high: float64Column(c.map((r) => r.ci_high)),
      p: float64Column(c.map((r) => r.p)),
      p_adj: float64Column(c.map((r) => r.p_adj)),
      n_units: int32Column(c.map((r) => r.n_units)),
      test: stringColumn(c.map((r) => r.test)),
      saturated: boolColumn(c.map(flags.saturated)),
      saturation_reason: stringColumn(c.map(flags.reason)),
    }),
    meta,
  );
}

/** The per-item tables: retrieval queries, triplet margins and transfer targets. */
async function writeItemTables(
  paths: BenchTablePaths,
  result: ParallelBenchResult,
  options: { gallery: readonly string[]; meta: MetaOf },
): Promise<void> {
  const { meta } = options;
  const ids = result.concepts.ids;
  const canon = (l: number) => ids[result.space.canonical[l]];
  const q = result.details.flatMap((d) =>
    d.retrieval.map((r) => ({ model: d.model, seed: d.seed, ...r }))
  );
  await writeTable(
    paths.retrieval,
    makeTable({
      model: utf8Column(q.map((r) => r.model)),
      seed: int32Column(q.map((r) => r.seed)),
      image_row: int32Column(q.map((r) => r.row)),
      uniqueID: utf8Column(q.map((r) => canon(r.concept))),
      first_relevant_rank: int32Column(q.map((r) => r.firstRelevant)),
      average_precision: float64Column(q.map((r) => r.averagePrecision)),
    }),
    await meta({
      gallery:
        `the images of ${
          options.gallery.join(", ")
        } (test images query them) except the query's own design (its design family for ` +
        "drawn images, the image itself for photos), cosine similarity",
    }),
  );
  // the triplet margins, column by column (over 200,000 rows with a dozen models)
  const margins = result.details.flatMap((d) => d.margins.map((s) => ({ d, s })));
  const repeat = <T>(f: (m: (typeof margins)[number]) => T) =>
    margins.flatMap((m) => new Array<T>(m.s.margin.length).fill(f(m)));
  const concepts = (f: (s: (typeof margins)[number]["s"]) => Int32Array) =>
    utf8Column(margins.flatMap(({ s }) => Array.from(f(s), canon)));
  await writeTable(
    paths.margins,
    makeTable({
      model: utf8Column(repeat(({ d }) => d.model)),
      seed: int32Column(repeat(({ d }) => d.seed)),
      subset: utf8Column(repeat(({ s }) => s.subset)),
      anchor: concepts((s) => s.anchor),
      positive: concepts((s) => s.positive),
      negative: concepts((s) => s.negative),
      margin: float64Column(margins.flatMap(({ s }) => Array.from(s.margin))),
    }),
    await meta({ margin: "s(anchor, positive) − s(anchor, negative) of the model's concepts" }),
  );
  const tt = result.details.flatMap((d) =>
    d.targets.map((r) => ({ model: d.model, seed: d.seed, ...r }))
  );
  await writeTable(
    paths.targets,
    makeTable({
      model: stringColumn(tt.map((r) => r.model)),
      seed: int32Column(tt.map((r) => r.seed)),
      kind: stringColumn(tt.map((r) => r.kind)),
      target: stringColumn(tt.map((r) => r.target)),
      value: float64Column(tt.map((r) => r.value)),
      n: int32Column(tt.map((r) => r.n)),
      lambda: float64Column(tt.map((r) => r.lambda)),
    }),
    await meta({ cv: "5-fold over concepts, λ per target by leave-one-out inside each fold" }),
  );
}
