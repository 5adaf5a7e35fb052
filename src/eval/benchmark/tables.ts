/**
 * The tables of the `bench` stage, written from a benchmark run: `benchmark.arrow` (with the
 * saturation guard's verdicts), `comparisons.arrow`, and the per-item tables under `benchmark/`
 * (retrieval queries, triplet margins, transfer targets). Columns as `docs/tables.md` documents
 * them.
 *
 * @module
 */
import type { TableMetadata } from "../../io/arrow.ts";
import { type SaturationFlags, writeBenchmark, writeComparisons } from "../../tables/benchmark.ts";
import {
  writeRetrievalQueries,
  writeTransferTargets,
  writeTripletMargins,
} from "../../tables/benchmark_items.ts";
import type { ModelPair } from "./comparisons.ts";
import type { ParallelBenchResult } from "./parallel.ts";
import {
  benchmarkSaturation,
  type Saturation,
  SATURATION_LABELS,
  saturationKey,
} from "./saturation.ts";

/** Table metadata of the stage with these notes (the stage's provenance around them). */
type MetaOf = (notes: Record<string, unknown>) => Promise<TableMetadata>;

/** A row's saturation flag and reason, from the guard's verdict on its metric × subset. */
function saturationOf(saturation: Map<string, Saturation>): SaturationFlags {
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
  tables: string,
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
  await writeBenchmark(
    tables,
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
  await writeComparisons(
    tables,
    { comparisons, flags },
    await meta({
      correction: "Holm over every row of the table",
      pairs: options.pairs,
    }),
  );
  await writeItemTables(tables, result, options);
  return { rows: rows.length, comparisons: comparisons.length };
}

/** The per-item tables: retrieval queries, triplet margins and transfer targets. */
async function writeItemTables(
  tables: string,
  result: ParallelBenchResult,
  options: { gallery: readonly string[]; meta: MetaOf },
): Promise<void> {
  const { meta } = options;
  const ids = result.concepts.ids;
  const canon = (l: number) => ids[result.space.canonical[l]];
  const q = result.details.flatMap((d) =>
    d.retrieval.map((r) => ({
      model: d.model,
      seed: d.seed,
      image_row: r.row,
      uniqueID: canon(r.concept),
      first_relevant_rank: r.firstRelevant,
      average_precision: r.averagePrecision,
    }))
  );
  await writeRetrievalQueries(
    tables,
    q,
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
    margins.flatMap(({ s }) => Array.from(f(s), canon));
  await writeTripletMargins(
    tables,
    {
      model: repeat(({ d }) => d.model),
      seed: repeat(({ d }) => d.seed),
      subset: repeat(({ s }) => s.subset),
      anchor: concepts((s) => s.anchor),
      positive: concepts((s) => s.positive),
      negative: concepts((s) => s.negative),
      margin: margins.flatMap(({ s }) => Array.from(s.margin)),
    },
    await meta({ margin: "s(anchor, positive) − s(anchor, negative) of the model's concepts" }),
  );
  const tt = result.details.flatMap((d) =>
    d.targets.map((r) => ({ model: d.model, seed: d.seed, ...r }))
  );
  await writeTransferTargets(
    tables,
    tt,
    await meta({ cv: "5-fold over concepts, λ per target by leave-one-out inside each fold" }),
  );
}
