/**
 * The `bench` stage: runs the benchmark over every model of models.arrow (plus the aligned
 * models and the SPoSE reference row), writes `benchmark.arrow`, `comparisons.arrow` and the
 * per-item tables under `benchmark/`.
 *
 * @module
 */
import { join } from "node:path";

import { stageMetadata } from "../../pipeline/metadata.ts";
import type { Stage, StageContext } from "../../pipeline/stage.ts";
import { comparisonPairs } from "./comparisons.ts";
import { alignedRegistries } from "../../tables/aligned.ts";
import { rdm48Files, readModelList } from "./inputs.ts";
import { runBenchmarkParallel } from "./parallel.ts";
import type { BenchGroup } from "./spec.ts";
import { writeBenchmarkTables } from "./tables.ts";
import { benchmarkPaths } from "../../tables/benchmark.ts";
import { benchmarkItemPaths } from "../../tables/benchmark_items.ts";
import { TABLE } from "../../tables/names.ts";
import { embeddingPath, prototypePath, tablePath } from "../../tables/paths.ts";
import { thingsFile } from "../../data/things_files.ts";

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
  return { ...benchmarkPaths(ctx.tables), ...benchmarkItemPaths(ctx.tables) };
}

/** The bench stage. */
export const benchStage: Stage<BenchOptions> = {
  name: "bench",
  modules: [import.meta.url],
  async inputs(ctx) {
    const t = ctx.tables;
    const files = [
      TABLE.concepts,
      TABLE.humanSimilarity,
      TABLE.humanPairs,
      TABLE.triplets,
      TABLE.models,
    ].map((f) => tablePath(t, f));
    files.push(...await alignedRegistries(t));
    for (const m of await readModelList(t)) {
      files.push(embeddingPath(ctx, m.model, m.seed), prototypePath(ctx, m.model, m.seed));
    }
    const things = ctx.profile.thingsDir;
    files.push(
      ctx.profile.testTriplets,
      join(things, "triplets/triplets_noiseceiling.csv"),
      thingsFile(ctx, "spose"),
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
    const writeStart = performance.now();
    const inputHashes = await ctx.hasher.hashAll(await this.inputs(ctx, options));
    const meta = (notes: Record<string, unknown>) =>
      stageMetadata(ctx, this, { stageOptions: options, inputs: inputHashes, notes });
    const written = await writeBenchmarkTables(ctx.tables, result, {
      pairs,
      gallery: ctx.profile.retrievalGallery,
      meta,
    });
    if (Deno.env.get(BENCH_PROFILE_ENV)) {
      const timings = {
        ...result.timings,
        "main:write_tables": (performance.now() - writeStart) / 1000,
      };
      ctx.log(`${BENCH_PROFILE_PREFIX}${JSON.stringify(timings)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    return `${result.details.length} models, ${written.rows} rows, ${written.comparisons} ` +
      `comparisons, ${result.space.size} concepts, ${seconds.toFixed(1)}s`;
  },
};
