/** `deno task all`: every stage in order; stages whose inputs did not change are skipped. */
import { ALIGNET_DEFAULTS, alignetStage } from "../src/align/alignet_stage.ts";
import { GLOCAL_DEFAULTS, glocalStage } from "../src/align/glocal_stage.ts";
import { gwotOptionsForAll, gwotStage } from "../src/align/gwot_stage.ts";
import { dataStage } from "../src/data/stage.ts";
import { BENCH_DEFAULTS, benchStage } from "../src/eval/benchmark/stage.ts";
import { FIGURES_DEFAULTS, figuresStage } from "../src/figures/stage.ts";
import { HUMAN_DEFAULTS, humanStage } from "../src/human/stage.ts";
import { intFlag, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { formatSeconds } from "../src/pipeline/progress.ts";
import { formatPlan, Planner } from "../src/pipeline/plan.ts";
import { planEstimates } from "../src/pipeline/estimate.ts";
import { runStage, type StageResult } from "../src/pipeline/stage.ts";
import { siteStage } from "../src/report/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import {
  decodeWorkersFlag,
  ensureNativeBackend,
  MODEL_FLAGS,
  plannedBackend,
  SCHEDULE_FLAGS,
  scheduleFlags,
  seedsFlag,
  trainingBackend,
} from "../src/train/cli.ts";
import { MODEL_NAMES } from "../src/train/config.ts";
import { embedStage } from "../src/train/embed_stage.ts";
import { defaultBackbone, trainStage } from "../src/train/stage.ts";

/** Command line of the whole pipeline. */
export const spec: TaskSpec = {
  name: "all",
  summary:
    "Run the pipeline: data → human → train (baseline + 6 variants) → embed → align:glocal → " +
    "align:alignet → bench → align:gwot → figures → site (GWOT: a quick sweep of the baseline " +
    "and joint matrix alignment, or the options of your last `deno task align:gwot`). " +
    "Stages whose inputs, options and code are unchanged are skipped; --force reruns them.",
  flags: {
    ...STAGE_FLAGS,
    ...MODEL_FLAGS,
    ...SCHEDULE_FLAGS,
    "limit-concepts": {
      type: "string",
      default: "0",
      description: "use only the first N concepts with images (fast end-to-end runs); 0 = all",
    },
    "skip-bad-images": { type: "boolean", default: false, description: "skip unreadable images" },
    "dry-run": {
      type: "boolean",
      default: false,
      description: "print the plan (each stage: skip, run and why, or blocked; its inputs and " +
        "outputs; the time it took last) and change nothing",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const start = performance.now();
    const dryRun = Boolean(parsed.values["dry-run"]);
    const ctx = await contextFromFlags(parsed, { readOnly: dryRun });
    const force = Boolean(parsed.values.force);
    const skipBadImages = Boolean(parsed.values["skip-bad-images"]);
    const schedule = scheduleFlags(parsed);
    const decodeWorkers = decodeWorkersFlag(parsed);
    const results: [string, StageResult][] = [];
    const backbone = (parsed.values.backbone as string | undefined) ??
      defaultBackbone(ctx.profile.name);
    const limitConcepts = intFlag(parsed, "limit-concepts") ?? 0;
    const estimates = dryRun ? await planEstimates(ctx.profile, { backbone, limitConcepts }) : {};
    const planner = new Planner(estimates);
    const run = async <O extends Record<string, unknown>>(
      stage: Parameters<typeof runStage<O>>[0],
      options: O,
    ) => {
      if (dryRun) await planner.add(stage, ctx, { ...options, force });
      else results.push([stage.name, await runStage(stage, ctx, { ...options, force })]);
    };
    await run(dataStage, { limitConcepts, skipBadImages });
    await run(humanStage, { ...HUMAN_DEFAULTS });
    if (!dryRun) await ensureNativeBackend(parsed, ctx.log);
    const backend = dryRun ? await plannedBackend(parsed) : await trainingBackend(parsed);
    const seeds = seedsFlag(parsed, ctx.seed);
    for (const trainSeed of seeds) {
      for (const model of MODEL_NAMES) {
        await run(trainStage(model), {
          backbone,
          trainSeed,
          backend,
          resume: Boolean(parsed.values.resume),
          skipBadImages,
          schedule,
          ...decodeWorkers,
        });
      }
    }
    await run(embedStage, {
      backbone,
      seeds,
      models: [...MODEL_NAMES],
      backend,
      skipBadImages,
      ...decodeWorkers,
    });
    await run(glocalStage, { ...GLOCAL_DEFAULTS });
    await run(alignetStage, { ...ALIGNET_DEFAULTS, backbone, skipBadImages });
    await run(benchStage, { ...BENCH_DEFAULTS });
    const gwot = await gwotOptionsForAll(ctx);
    ctx.log(`all: align:gwot with ${gwot.source}`);
    await run(gwotStage, gwot.options);
    await run(figuresStage, { ...FIGURES_DEFAULTS });
    await run(siteStage, {});
    if (dryRun) {
      console.log(
        `all --dry-run: the plan for ${ctx.profile.name} (seed ${ctx.seed}, backbone ${backbone}, ` +
          `backend ${backend}) into ${ctx.out}; nothing was run or written\n` +
          formatPlan(planner.plans, estimates),
      );
      return;
    }
    const skipped = results.filter(([, r]) => r.status === "skipped").length;
    console.error(
      `all: ${results.length} stages (${results.length - skipped} ran, ${skipped} skipped) in ` +
        `${formatSeconds((performance.now() - start) / 1000)}; tables in ${ctx.tables}`,
    );
    console.error(
      results.map(([name, r]) =>
        `  ${name.padEnd(34)} ${r.status.padEnd(7)} ${r.seconds.toFixed(1)}s`
      ).join("\n"),
    );
  });
}
