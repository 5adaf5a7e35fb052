/**
 * `deno task status`: where a SLURM run stands, one line per unit, from the submission record
 * (`<out>/.cache/slurm/jobs.json`), SLURM (`squeue`, `sacct` or `scontrol`) and the stage cache:
 * done, running, pending (and on what), failed (exit code and the last line of its log),
 * cancelled, or not run because a job it waits for did not succeed; and what to do next.
 *
 * @module
 */
import { exists } from "../io/files.ts";
import { Planner, type StagePlan } from "../pipeline/plan.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { readSubmission, type SubmittedJob } from "./slurm.ts";
import { type JobState, jobStates, LIVE_STATES, queuedStates } from "./slurm_query.ts";
import type { PipelineUnit } from "./units.ts";

/** A unit's status word. */
export type UnitStatusWord =
  | "done"
  | "running"
  | "pending"
  | "failed"
  | "cancelled"
  | "not run"
  | "stale"
  | "not submitted";

/** One unit's line. */
export interface UnitStatus {
  /** Unit id. */
  unit: string;
  /** Status. */
  status: UnitStatusWord;
  /** Details: job id, SLURM state and reason, exit code, log line. */
  detail: string;
}

/** Job states that mean the job ended without success. */
const FAILED = new Set([
  "FAILED",
  "OUT_OF_MEMORY",
  "TIMEOUT",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
]);

/**
 * The status of one unit from its stage plan (skip = outputs cached), its latest job and the
 * job's state.
 */
export function unitStatus(
  unit: string,
  plan: StagePlan,
  job?: { record: SubmittedJob; state?: JobState; logLine?: string; started?: boolean },
): UnitStatus {
  const id = job ? `job ${job.record.jobId}` : "";
  const state = job?.state;
  const why = state?.reason ? ` (${state.reason})` : "";
  const line = job?.logLine ? `: ${job.logLine}` : "";
  if (state && LIVE_STATES.has(state.state)) {
    const running = state.state === "RUNNING" || state.state === "COMPLETING";
    return {
      unit,
      status: running ? "running" : "pending",
      detail: `${id} ${state.state}${state.nodes ? ` on ${state.nodes}` : ""}${why}`,
    };
  }
  if (plan.action === "skip") {
    return {
      unit,
      status: "done",
      detail: `outputs cached${id ? ` (${id} ${state?.state})` : ""}`,
    };
  }
  if (!job) return { unit, status: "not submitted", detail: plan.reason };
  const s = state?.state ?? "UNKNOWN";
  if (s === "COMPLETED") {
    return { unit, status: "stale", detail: `${id} COMPLETED, but ${plan.reason}` };
  }
  if (s === "CANCELLED" && /Dependency/.test(state?.reason ?? "")) {
    return { unit, status: "not run", detail: `${id}: a job it waits for did not succeed${why}` };
  }
  if (s === "CANCELLED" && job?.started === false) {
    // (SLURM's job completion log keeps no reason: a job cancelled before it wrote its log)
    return {
      unit,
      status: "not run",
      detail: `${id}: cancelled before it started (a job it waits for did not succeed, or scancel)`,
    };
  }
  if (s.startsWith("CANCELLED")) return { unit, status: "cancelled", detail: `${id} ${s}${why}` };
  if (FAILED.has(s)) {
    const exit = state?.exitCode && state.exitCode !== "0:0" ? ` exit ${state.exitCode}` : "";
    return { unit, status: "failed", detail: `${id} ${s}${exit}${why}${line}` };
  }
  return { unit, status: "failed", detail: `${id} ${s}${why}: no outputs${line}` };
}

/** The last non-empty line of a job's log ("" when there is none). */
export async function lastLogLine(path: string): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    // prefer the error line of a failed task over a stack frame
    const error = lines.findLast((l) => /error|Error|failed/.test(l) && !/^at /.test(l));
    return (error ?? lines.at(-1) ?? "").slice(0, 200);
  } catch {
    return "";
  }
}

/** Every unit's status for the run in `ctx.out` (its submission record must exist). */
export async function slurmStatus(
  units: readonly PipelineUnit[],
  ctx: StageContext,
): Promise<UnitStatus[]> {
  const record = await readSubmission(ctx.out);
  if (!record) return [];
  const planner = new Planner();
  for (const unit of units) await planner.add(unit.stage, ctx, { ...unit.options });
  const states = await jobStates(Object.values(record.jobs).map((j) => j.jobId));
  const out: UnitStatus[] = [];
  for (const [i, unit] of units.entries()) {
    const job = record.jobs[unit.id];
    const state = job ? states.get(job.jobId) : undefined;
    const ended = job && state && !LIVE_STATES.has(state.state) && state.state !== "COMPLETED";
    const logLine = ended ? await lastLogLine(job.log) : undefined;
    const started = ended ? await exists(job.log) : undefined;
    out.push(unitStatus(
      unit.id,
      planner.plans[i],
      job ? { record: job, state, logLine, started } : undefined,
    ));
  }
  return out;
}

/** The status as text, with a last line that says what to do. */
export function formatStatus(statuses: UnitStatus[], command: string): string {
  const width = Math.max(...statuses.map((s) => s.unit.length)) + 2;
  const lines = statuses.map((s) => `  ${s.unit.padEnd(width)}${s.status.padEnd(15)}${s.detail}`);
  const count = (word: UnitStatusWord) => statuses.filter((s) => s.status === word).length;
  const counts =
    (["done", "running", "pending", "failed", "cancelled", "not run", "stale"] as const)
      .filter((w) => count(w)).map((w) => `${count(w)} ${w}`).join(", ");
  const redo = count("failed") + count("cancelled") + count("not run") + count("stale") +
    count("not submitted");
  const live = count("running") + count("pending");
  const next = redo
    ? `run the same command again to resubmit the ${redo} unit(s) not done: ${command}`
    : live
    ? "jobs are still queued or running"
    : "every unit is done";
  return [`status: ${counts || "nothing submitted"}; ${next}`, ...lines].join("\n");
}

/**
 * Wait until none of the jobs of the run's latest submission is queued or running (polling
 * SLURM every `intervalMs`, default 10 s), then return every unit's status.
 */
export async function waitForSubmission(
  units: readonly PipelineUnit[],
  ctx: StageContext,
  options: { intervalMs?: number } = {},
): Promise<UnitStatus[]> {
  const record = await readSubmission(ctx.out);
  const ids = Object.values(record?.jobs ?? {}).map((j) => j.jobId);
  // a job that is not in squeue has ended: polling needs nothing else
  while ([...(await queuedStates(ids)).values()].some((s) => LIVE_STATES.has(s.state))) {
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 10_000));
  }
  return await slurmStatus(units, ctx);
}
