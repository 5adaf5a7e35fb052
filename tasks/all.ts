/** `deno task all`: every stage in order; stages whose inputs did not change are skipped. */
import { intFlag, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { formatSeconds } from "../src/pipeline/progress.ts";
import { formatPlan, Planner } from "../src/pipeline/plan.ts";
import { planEstimates } from "../src/pipeline/estimate.ts";
import { runStage, runStages } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import {
  ensureNativeBackend,
  MODEL_FLAGS,
  plannedBackend,
  SCHEDULE_FLAGS,
  trainingBackend,
} from "../src/train/cli.ts";
import { defaultBackbone } from "../src/train/stage.ts";
import {
  findUnit,
  needsTrainingBackend,
  type PipelineUnit,
  pipelineUnits,
} from "../src/executor/units.ts";
import { SLURM_FLAGS, slurmOptionsFromFlags, submitToSlurm } from "../src/executor/slurm.ts";
import { formatStatus, waitForSubmission } from "../src/executor/status.ts";
import { UserError } from "../src/io/errors.ts";

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
        "outputs; the time it took last) and change nothing; with --executor slurm, the sbatch " +
        "commands it would submit",
    },
    unit: {
      type: "string",
      description: "run one unit of the plan only (what a cluster job runs: data, human, " +
        "train:<model>, embed:<model>, embed, align:glocal, …, align:gwot:<model>, …)",
    },
    ...SLURM_FLAGS,
  },
  epilog: "On a SLURM cluster: deno task all --executor slurm [--partition P] " +
    "[--gpus-per-job N] [--time T] submits one job per stage (per model and seed for training, " +
    "embedding and GWOT) " +
    "with afterok dependencies; deno task status shows where it stands; running the same " +
    "command again resubmits what failed or was cancelled (README: Running on a cluster).",
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const start = performance.now();
    const dryRun = Boolean(parsed.values["dry-run"]);
    const unitId = parsed.values.unit as string | undefined;
    const slurm = slurmOptionsFromFlags(parsed);
    const ctx = await contextFromFlags(parsed, { readOnly: dryRun });
    const force = Boolean(parsed.values.force);
    const local = !dryRun && !slurm && !unitId;
    if (local) await ensureNativeBackend(parsed, ctx.log);
    const backend = local ? await trainingBackend(parsed) : await plannedBackend(parsed);
    const units = await pipelineUnits(parsed, ctx, { backend });
    if (unitId) {
      const unit = findUnit(units, unitId);
      if (needsTrainingBackend(unit)) {
        await ensureNativeBackend(parsed, ctx.log);
        if (await trainingBackend(parsed) !== backend) {
          throw new Error(`--unit ${unitId}: the backend changed between plan and job`);
        }
      }
      // a job continues the training an earlier job of the same run left (cancelled, preempted,
      // its node restarted) from its checkpoints; resuming gives the same weights bit for bit
      const options = unit.id.startsWith("train:") && !unit.options.resume
        ? { ...unit.options, resume: "auto" }
        : unit.options;
      const result = await runStage(unit.stage, ctx, { ...options, force });
      console.error(`all --unit ${unitId}: ${result.status} in ${result.seconds.toFixed(1)}s`);
      return;
    }
    if (slurm) {
      await submitToSlurm(units, ctx, { ...slurm, argv: Deno.args, dryRun, force });
      if (!slurm.wait || dryRun) return;
      const statuses = await waitForSubmission(units, ctx);
      console.log(formatStatus(statuses, ["deno", "task", "all", ...Deno.args].join(" ")));
      const left = statuses.filter((s) => s.status !== "done").length;
      if (left) throw new UserError(`${left} unit(s) did not finish: see the status above`);
      return;
    }
    if (dryRun) {
      await printPlan(units, ctx, { parsed, backend, force });
      return;
    }
    const results = await runStages(units, ctx, { force });
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

/** `--dry-run` on the local executor: what each unit would do. */
async function printPlan(
  units: PipelineUnit[],
  ctx: Awaited<ReturnType<typeof contextFromFlags>>,
  options: { parsed: Parameters<typeof intFlag>[0]; backend: string; force: boolean },
): Promise<void> {
  const backbone = (options.parsed.values.backbone as string | undefined) ??
    defaultBackbone(ctx.profile.name);
  const limitConcepts = intFlag(options.parsed, "limit-concepts") ?? 0;
  const estimates = await planEstimates(ctx.profile, { backbone, limitConcepts });
  const planner = new Planner(estimates);
  for (const unit of units) {
    await planner.add(unit.stage, ctx, { ...unit.options, force: options.force });
  }
  console.log(
    `all --dry-run: the plan for ${ctx.profile.name} (seed ${ctx.seed}, backbone ${backbone}, ` +
      `backend ${options.backend}) into ${ctx.out}; nothing was run or written\n` +
      formatPlan(planner.plans, estimates),
  );
}
