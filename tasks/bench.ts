/**
 * `deno task bench [core|expanded|all]`: score every model on the benchmark, with bootstrap
 * intervals over concepts, and compare variants with their controls and the baseline.
 */
import { BENCH_DEFAULTS, type BenchMode, benchStage } from "../src/eval/benchmark/stage.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import { TABLE, tableFile } from "../src/tables/names.ts";

/** Command line of the bench stage. */
export const spec: TaskSpec = {
  name: "bench",
  usage: "[core|expanded|all] [options]",
  summary: "Benchmark every model (core: classification, retrieval, human alignment, RSA, " +
    "object properties; expanded: THINGSplus targets, relational transfer, triplet " +
    `satisfaction) → outputs/tables/${tableFile(TABLE.benchmark)}, ${
      tableFile(TABLE.comparisons)
    }, ` +
    "benchmark/",
  flags: {
    ...STAGE_FLAGS,
    resamples: {
      type: "string",
      default: "1000",
      description: "bootstrap resamples of concepts per metric",
    },
    permutations: {
      type: "string",
      default: "10000",
      description: "sign-flip permutations per comparison",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const mode = (parsed.positionals[0] ?? "all") as BenchMode;
    if (!["core", "expanded", "all"].includes(mode)) {
      throw new UsageError(`unknown benchmark set ${mode} (core, expanded or all)`);
    }
    const resamples = intFlag(parsed, "resamples") ?? BENCH_DEFAULTS.resamples;
    const permutations = intFlag(parsed, "permutations") ?? BENCH_DEFAULTS.permutations;
    if (resamples < 2) throw new UsageError(`--resamples must be ≥ 2, got ${resamples}`);
    if (permutations < 1) throw new UsageError(`--permutations must be ≥ 1`);
    const ctx = await contextFromFlags(parsed);
    await runStage(benchStage, ctx, {
      mode,
      resamples,
      permutations,
      force: Boolean(parsed.values.force),
    });
  });
}
