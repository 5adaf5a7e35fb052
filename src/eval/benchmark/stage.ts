/**
 * The `bench` stage: runs the benchmark over every model of models.arrow (plus the aligned
 * models and the SPoSE reference row), writes `benchmark.arrow`, `comparisons.arrow` and the
 * per-item tables under `benchmark/`.
 *
 * @module
 */
import { join } from "node:path";
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  writeTable,
} from "../../io/arrow.ts";
import { stageMetadata } from "../../pipeline/metadata.ts";
import type { Stage, StageContext } from "../../pipeline/stage.ts";
import { comparisonPairs } from "./comparisons.ts";
import { alignedRegistries, embeddingStem, rdm48Files, readModelList } from "./inputs.ts";
import { utf8Column } from "./columns.ts";
import { runBenchmarkParallel } from "./parallel.ts";
import { benchmarkSaturation, SATURATION_LABELS, saturationKey } from "./saturation.ts";
import type { BenchGroup } from "./spec.ts";

/** Which benchmarks to run: `core`, `expanded` or `all`. */
export type BenchMode = "core" | "expanded" | "all";

/** Options of the bench stage. */
export interface BenchOptions extends Record<string, unknown> {
  mode: BenchMode;
  /** Bootstrap resamples per metric. */
  resamples: number;
  /** Sign-flip permutations per comparison. */
  permutations: number;
}

/** Set this environment variable to have the stage log its seconds per phase (one JSON line). */
export const BENCH_PROFILE_ENV = "HT_BENCH_PROFILE";

/** Prefix of that log line. */
export const BENCH_PROFILE_PREFIX = "bench profile: ";

/** Defaults of `deno task bench` (and of the bench stage in `deno task all`). */
export const BENCH_DEFAULTS: BenchOptions = { mode: "all", resamples: 1000, permutations: 10000 };

/** Groups of a mode. */
export function modeGroups(mode: BenchMode): Set<BenchGroup> {
  return new Set<BenchGroup>(mode === "all" ? ["core", "expanded"] : [mode]);
}

/** Paths of the bench outputs. */
export function benchPaths(ctx: StageContext) {
  const dir = join(ctx.tables, "benchmark");
  return {
    benchmark: join(ctx.tables, "benchmark.arrow"),
    comparisons: join(ctx.tables, "comparisons.arrow"),
    retrieval: join(dir, "retrieval_queries.arrow"),
    margins: join(dir, "triplet_margins.arrow"),
    targets: join(dir, "transfer_targets.arrow"),
  };
}

/** The bench stage. */
export const benchStage: Stage<BenchOptions> = {
  name: "bench",
  modules: [import.meta.url],
  async inputs(ctx) {
    const t = ctx.tables;
    const files = [
      "concepts.arrow",
      "human_similarity.arrow",
      "human_pairs.arrow",
      "triplets.arrow",
      "models.arrow",
    ].map((f) => join(t, f));
    files.push(...await alignedRegistries(t));
    for (const m of await readModelList(t)) {
      const stem = embeddingStem(m.model, m.seed, ctx.seed);
      files.push(
        join(t, "embeddings", `${stem}.arrow`),
        join(t, "embeddings", `${stem}.prototypes.arrow`),
      );
    }
    const things = ctx.profile.thingsDir;
    files.push(
      ctx.profile.testTriplets,
      join(things, "triplets/triplets_noiseceiling.csv"),
      join(things, "spose49/spose_embedding_49d_sorted.txt"),
      ...Object.values(rdm48Files(ctx.profile)),
    );
    return files;
  },
  outputs(ctx) {
    return Object.values(benchPaths(ctx));
  },
  async run(ctx, options) {
    const start = performance.now();
    const pairs = comparisonPairs(await readModelList(ctx.tables));
    const result = await runBenchmarkParallel(ctx.tables, {
      profile: ctx.profile,
      seed: ctx.seed,
      groups: modeGroups(options.mode),
      resamples: options.resamples,
      compare: { pairs, permutations: options.permutations },
      log: ctx.log,
    });
    const comparisons = result.comparisons!;
    const writeStart = performance.now();
    const inputHashes = await ctx.hasher.hashAll(await this.inputs(ctx, options));
    const meta = (notes: Record<string, unknown>) =>
      stageMetadata(ctx, this, { stageOptions: options, inputs: inputHashes, notes });
    const paths = benchPaths(ctx);
    // metrics with no items on this image set (e.g. no held-out triplet among the concepts of a
    // small slice) have no value: listed in the notes, not written as rows
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
    const verdict = (r: { metric: string; subset: string }) =>
      saturation.get(saturationKey(r.metric, r.subset));
    const saturated = (r: { metric: string; subset: string }) => verdict(r)?.saturated ?? false;
    const reason = (r: { metric: string; subset: string }) =>
      verdict(r)?.saturated ? verdict(r)!.criterion : null;
    await writeTable(
      paths.benchmark,
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
        saturated: boolColumn(rows.map(saturated)),
        saturation_reason: stringColumn(rows.map(reason)),
      }),
      await meta({
        concepts: result.space.size,
        bootstrap: `${result.resamples} resamples of concepts, percentile 95% intervals`,
        noise_ceiling: result.human.ceiling.value,
        not_computable: notComputable,
        retrieval_gallery: ctx.profile.retrievalGallery,
        saturated: Object.fromEntries(
          [...saturation].filter(([, s]) => s.saturated).map((
            [key, s],
          ) => [key, `${SATURATION_LABELS[s.criterion!]}: ${s.reason}`]),
        ),
      }),
    );
    const c = comparisons.filter((r) => Number.isFinite(r.delta));
    await writeTable(
      paths.comparisons,
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
        saturated: boolColumn(c.map(saturated)),
        saturation_reason: stringColumn(c.map(reason)),
      }),
      await meta({ correction: "Holm over every row of the table", pairs }),
    );
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
            ctx.profile.retrievalGallery.join(", ")
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
    if (Deno.env.get(BENCH_PROFILE_ENV)) {
      const timings = {
        ...result.timings,
        "main:write_tables": (performance.now() - writeStart) / 1000,
      };
      ctx.log(`${BENCH_PROFILE_PREFIX}${JSON.stringify(timings)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    return `${result.details.length} models, ${rows.length} rows, ${comparisons.length} ` +
      `comparisons, ${result.space.size} concepts, ${seconds.toFixed(1)}s`;
  },
};
