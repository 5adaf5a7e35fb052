/**
 * The SLURM executor: `deno task all --executor slurm` turns the pipeline's units
 * (src/executor/units.ts) into `sbatch` jobs, one per unit that is not up to date, each waiting
 * for the jobs of the units it needs (`--dependency=afterok:…`, `--kill-on-invalid-dep=yes`, so a
 * job whose dependency failed is cancelled instead of waiting forever). A job runs
 * `deno task all --unit ID` with the same flags; outputs go to the shared `--out` folder and
 * every stage writes atomically, so a failed or cancelled job leaves nothing half-written.
 * Running the same command again keeps the jobs still queued or running, skips the units whose
 * outputs are cached, and resubmits the rest. SLURM is the scheduler: nothing here schedules.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { UserError } from "../io/errors.ts";
import type { FlagSpec, ParsedArgs } from "../pipeline/cli.ts";
import { Planner, type StagePlan } from "../pipeline/plan.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import type { StageContext } from "../pipeline/stage.ts";
import type { PipelineUnit } from "./units.ts";
import { type JobState, jobStates, LIVE_STATES, runCommand } from "./slurm_query.ts";

/** The flags of the executors (`deno task all`). */
export const SLURM_FLAGS: Record<string, FlagSpec> = {
  executor: {
    type: "string",
    default: "local",
    choices: ["local", "slurm"],
    description: "run the stages here, one after another (local), or as SLURM jobs (slurm)",
  },
  partition: { type: "string", description: "with --executor slurm: the partition (sbatch -p)" },
  "gpus-per-job": {
    type: "string",
    description: "with --executor slurm: GPUs for each job that runs models (sbatch --gpus)",
  },
  time: {
    type: "string",
    description: "with --executor slurm: time limit of each job (sbatch --time, e.g. 2:00:00)",
  },
  wait: {
    type: "boolean",
    default: false,
    description: "with --executor slurm: wait until every job has ended, then print the status",
  },
};

/** Flags that select and shape the executor, left out of the jobs' own command lines. */
const EXECUTOR_FLAGS = ["executor", "partition", "gpus-per-job", "time", "wait", "dry-run", "out"];

/** The SLURM executor's settings. */
export interface SlurmOptions {
  /** Partition (`sbatch -p`). */
  partition?: string;
  /** GPUs per job that runs models (0: none requested). */
  gpusPerJob: number;
  /** Time limit of each job (`sbatch --time`). */
  time?: string;
  /** Wait for the jobs to end. */
  wait: boolean;
}

/** The SLURM settings of a command line, or undefined for the local executor. */
export function slurmOptionsFromFlags(parsed: ParsedArgs): SlurmOptions | undefined {
  const executor = String(parsed.values.executor ?? "local");
  const given = ["partition", "gpus-per-job", "time"].filter((f) => parsed.values[f] !== undefined);
  if (executor !== "slurm") {
    if (given.length || parsed.values.wait) {
      throw new UserError(`--${given[0] ?? "wait"} needs --executor slurm`);
    }
    return undefined;
  }
  const gpus = Number(parsed.values["gpus-per-job"] ?? 0);
  if (!Number.isInteger(gpus) || gpus < 0) {
    throw new UserError(
      `--gpus-per-job must be a whole number ≥ 0, got ${parsed.values["gpus-per-job"]}`,
    );
  }
  return {
    partition: parsed.values.partition as string | undefined,
    gpusPerJob: gpus,
    time: parsed.values.time as string | undefined,
    wait: Boolean(parsed.values.wait),
  };
}

/** The executor's folder under the output root: the submission record and the job logs. */
export function slurmDir(out: string): string {
  return join(out, ".cache", "slurm");
}

/** One unit's job in the submission record. */
export interface SubmittedJob {
  /** SLURM job id. */
  jobId: string;
  /** Job ids it waits for. */
  after: string[];
  /** The job's log file (`%j` filled in). */
  log: string;
  /** When it was submitted (ISO time). */
  submitted: string;
}

/** What `<out>/.cache/slurm/jobs.json` holds: the command and each unit's latest job. */
export interface SubmissionRecord {
  /** The flags of `deno task all` (without the executor's), to rebuild the plan. */
  argv: string[];
  /** The whole command line that submitted it (to repeat it). */
  command: string[];
  /** Output root. */
  out: string;
  /** Unit id → its latest job. */
  jobs: Record<string, SubmittedJob>;
}

/** Read the submission record of an output root (undefined when there is none). */
export async function readSubmission(out: string): Promise<SubmissionRecord | undefined> {
  const path = join(slurmDir(out), "jobs.json");
  let text;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as SubmissionRecord;
  } catch (error) {
    throw new UserError(`${path}: not a submission record (${(error as Error).message})`);
  }
}

/** The flags a job repeats: the command line without the executor's flags. */
export function jobFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.replace(/^--/, "").split("=")[0];
    if (!arg.startsWith("--") || !EXECUTOR_FLAGS.includes(name)) {
      out.push(arg);
      continue;
    }
    const boolean = ["wait", "dry-run"].includes(name);
    if (!arg.includes("=") && !boolean) i++; // skip the value
  }
  return out;
}

/** A shell word, quoted when needed. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** The `sbatch` arguments of one unit's job (dependencies as given: job ids or placeholders). */
export function sbatchArgs(
  unit: PipelineUnit,
  dependencies: string[],
  options: SlurmOptions & { out: string; flags: string[] },
): string[] {
  const r = unit.resources;
  const args = [
    "--parsable",
    `--job-name=ht:${unit.id}`,
    `--chdir=${REPO_ROOT}`,
    `--output=${join(slurmDir(options.out), "logs", `${logStem(unit.id)}.%j.log`)}`,
    `--cpus-per-task=${r.cpus}`,
    `--mem=${r.memoryGB}G`,
    "--kill-on-invalid-dep=yes",
  ];
  if (options.partition) args.push(`--partition=${options.partition}`);
  if (options.time) args.push(`--time=${options.time}`);
  if (r.models && options.gpusPerJob > 0) args.push(`--gpus=${options.gpusPerJob}`);
  if (dependencies.length) args.push(`--dependency=afterok:${dependencies.join(":")}`);
  // through the supervisor, as `deno task all` runs: the allocator settings, crash messages
  const command = [
    Deno.execPath(),
    "run",
    "-A",
    join(REPO_ROOT, "tasks", "supervise.ts"),
    "run",
    "-A",
    join(REPO_ROOT, "tasks", "all.ts"),
    "--unit",
    unit.id,
    "--out",
    options.out,
    ...options.flags,
  ];
  args.push(`--wrap=${command.map(shellQuote).join(" ")}`);
  return args;
}

/** A unit id as a file name (`train:baseline` → `train_baseline`). */
export function logStem(id: string): string {
  return id.replace(/[^\w@.-]+/g, "_");
}

/** What the executor decided for one unit. */
export interface UnitDecision {
  /** The unit. */
  unit: PipelineUnit;
  /** `cached` (up to date), `queued` (an earlier job still pending or running), `submit`. */
  action: "cached" | "queued" | "submit";
  /** Why. */
  reason: string;
  /** The job id (queued, or submitted). */
  jobId?: string;
}

/**
 * Decide per unit: skip it (its outputs are cached and no unit before it reruns), keep its job
 * (still pending or running from an earlier submission), or submit it.
 */
export function decide(
  units: readonly PipelineUnit[],
  plans: readonly StagePlan[],
  previous: { record?: SubmissionRecord; states: Map<string, JobState> },
): UnitDecision[] {
  return units.map((unit, i) => {
    const plan = plans[i];
    if (plan.action === "blocked") {
      throw new UserError(`${unit.id} cannot run: ${plan.reason}`);
    }
    if (plan.action === "skip") return { unit, action: "cached", reason: plan.reason };
    const job = previous.record?.jobs[unit.id];
    const state = job ? previous.states.get(job.jobId) : undefined;
    if (job && state && LIVE_STATES.has(state.state)) {
      return {
        unit,
        action: "queued",
        reason: `job ${job.jobId} ${state.state}`,
        jobId: job.jobId,
      };
    }
    return { unit, action: "submit", reason: plan.reason };
  });
}

/** Options of {@link submitToSlurm}. */
export interface SubmitOptions extends SlurmOptions {
  /** The command line of `deno task all` (flags). */
  argv: string[];
  /** Print the sbatch commands instead of submitting. */
  dryRun: boolean;
  /** Plan every unit as a run (`--force`). */
  force: boolean;
}

/** Submit the units that are not up to date; record the jobs; print the job graph. */
export async function submitToSlurm(
  units: PipelineUnit[],
  ctx: StageContext,
  options: SubmitOptions,
): Promise<UnitDecision[]> {
  const planner = new Planner();
  for (const unit of units) {
    await planner.add(unit.stage, ctx, { ...unit.options, force: options.force });
  }
  const record = await readSubmission(ctx.out);
  const ids = Object.values(record?.jobs ?? {}).map((j) => j.jobId);
  const states = options.dryRun && !ids.length ? new Map() : await jobStates(ids);
  const decisions = decide(units, planner.plans, { record, states });
  const flags = jobFlags(options.argv);
  const settings = { ...options, out: ctx.out, flags };
  if (options.dryRun) {
    console.log(dryRunScript(decisions, settings));
    return decisions;
  }
  const next: SubmissionRecord = {
    argv: flags,
    command: options.argv.filter((a) => a !== "--dry-run"),
    out: ctx.out,
    jobs: { ...(record?.jobs ?? {}) },
  };
  await Deno.mkdir(join(slurmDir(ctx.out), "logs"), { recursive: true });
  const jobOf = new Map<string, string>();
  try {
    for (const d of decisions) {
      if (d.action === "queued") jobOf.set(d.unit.id, d.jobId!);
      if (d.action !== "submit") continue;
      const after = d.unit.after.filter((id) => jobOf.has(id)).map((id) => jobOf.get(id)!);
      const out = await runCommand("sbatch", sbatchArgs(d.unit, after, settings));
      d.jobId = out.trim().split(";")[0];
      jobOf.set(d.unit.id, d.jobId);
      next.jobs[d.unit.id] = {
        jobId: d.jobId,
        after,
        log: join(slurmDir(ctx.out), "logs", `${logStem(d.unit.id)}.${d.jobId}.log`),
        submitted: new Date().toISOString(),
      };
    }
  } finally {
    await writeFileAtomic(join(slurmDir(ctx.out), "jobs.json"), JSON.stringify(next, null, 2));
  }
  console.log(formatDecisions(decisions, next));
  return decisions;
}

/** The job graph as text: one line per unit. */
export function formatDecisions(decisions: UnitDecision[], record: SubmissionRecord): string {
  const width = Math.max(...decisions.map((d) => d.unit.id.length)) + 2;
  const lines = decisions.map((d) => {
    const job = record.jobs[d.unit.id];
    const what = d.action === "cached"
      ? "cached, not submitted"
      : d.action === "queued"
      ? `kept: ${d.reason}`
      : `submitted job ${d.jobId}${job?.after.length ? ` after ${job.after.join(", ")}` : ""}`;
    return `  ${d.unit.id.padEnd(width)}${what}`;
  });
  const submitted = decisions.filter((d) => d.action === "submit").length;
  return [
    `all --executor slurm: ${submitted} job(s) submitted, ` +
    `${decisions.filter((d) => d.action === "queued").length} kept, ` +
    `${decisions.filter((d) => d.action === "cached").length} cached; ` +
    `follow with: deno task status --out ${record.out}`,
    ...lines,
  ].join("\n");
}

/**
 * The submission as a shell script (`--dry-run`): one `sbatch` line per unit to submit, each
 * job id kept in a variable that the dependent jobs' `--dependency` names.
 */
export function dryRunScript(
  decisions: UnitDecision[],
  settings: SlurmOptions & { out: string; flags: string[] },
): string {
  const variable = (id: string) => `JOB_${logStem(id).replace(/[^\w]/g, "_")}`;
  const known = new Map<string, string>();
  const lines = [
    "#!/bin/sh",
    "# deno task all --executor slurm --dry-run: the jobs it would submit (nothing was submitted)",
    "set -e",
  ];
  for (const d of decisions) {
    if (d.action === "cached") {
      lines.push(`# ${d.unit.id}: cached, not submitted (${d.reason})`);
      continue;
    }
    if (d.action === "queued") {
      lines.push(`# ${d.unit.id}: ${d.reason}, kept`);
      known.set(d.unit.id, d.jobId!);
      continue;
    }
    const deps = d.unit.after.filter((id) => known.has(id)).map((id) => known.get(id)!);
    const args = sbatchArgs(d.unit, deps, settings)
      .map((a) => (a.startsWith("--dependency=") ? a : shellQuote(a)));
    lines.push(`${variable(d.unit.id)}=$(sbatch ${args.join(" ")})`);
    known.set(d.unit.id, `$${variable(d.unit.id)}`);
  }
  return lines.join("\n");
}
