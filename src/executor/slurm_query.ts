/**
 * Reading job states from SLURM: `squeue` for the jobs still queued or running; for finished ones
 * `scontrol show job` (with the reason, while the controller remembers the job: `MinJobAge`),
 * then `sacct` (clusters with accounting), then `sacct -c` (the job completion log of clusters
 * without slurmdbd, jobcomp/filetxt; it has no reason). A job none of them knows is `UNKNOWN`; the stage cache then says
 * whether its unit's outputs exist.
 *
 * @module
 */
import { UserError } from "../io/errors.ts";

/** A job's state as SLURM reports it. */
export interface JobState {
  /** SLURM job state (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, …). */
  state: string;
  /** SLURM's reason (`Dependency`, `DependencyNeverSatisfied`, `NodeFail`, …) or "". */
  reason: string;
  /** Exit code `code:signal` where known. */
  exitCode?: string;
  /** Node list where known. */
  nodes?: string;
}

/** States of jobs that have not ended: resubmitting their unit would run it twice. */
export const LIVE_STATES: ReadonlySet<string> = new Set([
  "PENDING",
  "RUNNING",
  "CONFIGURING",
  "COMPLETING",
  "REQUEUED",
  "RESIZING",
  "SUSPENDED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "SIGNALING",
  "STAGE_OUT",
]);

/** Run a SLURM client command; its stdout, or an error with its stderr. */
export async function runCommand(command: string, args: string[]): Promise<string> {
  let result;
  try {
    result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UserError(
        `${command} was not found: --executor slurm needs the SLURM client commands on PATH ` +
          "(a cluster's login node; Debian: apt-get install slurm-client)",
      );
    }
    throw error;
  }
  const text = new TextDecoder().decode(result.stdout);
  if (!result.success) {
    const err = new TextDecoder().decode(result.stderr).trim();
    throw new UserError(`${command} ${args.slice(0, 3).join(" ")} … failed: ${err || text}`);
  }
  return text;
}

/** States of the given jobs (ids SLURM no longer knows map to `UNKNOWN`). */
export async function jobStates(ids: readonly string[]): Promise<Map<string, JobState>> {
  const states = new Map<string, JobState>();
  if (!ids.length) return states;
  for (const [id, state] of await queuedStates(ids)) states.set(id, state);
  const rest = ids.filter((id) => !states.has(id));
  if (rest.length) await finishedStates(rest, states);
  for (const id of ids) if (!states.has(id)) states.set(id, { state: "UNKNOWN", reason: "" });
  return states;
}

/** States of the given jobs that are still queued or running (`squeue`: one call). */
export async function queuedStates(ids: readonly string[]): Promise<Map<string, JobState>> {
  const wanted = new Set(ids);
  const states = new Map<string, JobState>();
  if (!ids.length) return states;
  for (const line of (await runCommand("squeue", ["-h", "-o", "%i|%T|%r|%N"])).split("\n")) {
    const [id, state, reason, nodes] = line.trim().split("|");
    if (id && wanted.has(id)) states.set(id, { state, reason: clean(reason), nodes });
  }
  return states;
}

async function finishedStates(ids: string[], states: Map<string, JobState>): Promise<void> {
  // the controller first (it has the reason, for MinJobAge after the end), then accounting
  // (slurmdbd), then the job completion log (`sacct -c`, jobcomp/filetxt: never forgets)
  await scontrolStates(ids, states);
  for (const source of [[], ["-c"]]) {
    const rest = ids.filter((i) => !states.has(i));
    if (!rest.length) return;
    await sacctStates(rest, source, states);
  }
}

/**
 * States from `scontrol show job` (every job the controller still remembers, one line each, in
 * one call; nothing for the jobs it forgot).
 */
async function scontrolStates(ids: string[], states: Map<string, JobState>): Promise<void> {
  let text;
  try {
    text = await runCommand("scontrol", ["show", "job", "-o"]);
  } catch {
    return;
  }
  const wanted = new Set(ids);
  for (const line of text.split("\n")) {
    const field = (name: string) => line.match(new RegExp(`(?:^|\\s)${name}=(\\S*)`))?.[1] ?? "";
    const id = field("JobId");
    if (!wanted.has(id) || !field("JobState")) continue;
    states.set(id, {
      state: field("JobState"),
      reason: clean(field("Reason")),
      exitCode: field("ExitCode") || undefined,
      nodes: field("NodeList") || undefined,
    });
  }
}

/** States from `sacct` (`extra`: `-c` for the job completion log); the last line of a job wins. */
async function sacctStates(ids: string[], extra: string[], states: Map<string, JobState>) {
  let text;
  try {
    text = await runCommand("sacct", [
      ...extra,
      "-n",
      "-P",
      "-X",
      "-j",
      ids.join(","),
      "-o",
      extra.length ? "JobID,State,ExitCode,NodeList" : "JobID,State,ExitCode,NodeList,Reason",
    ]);
  } catch {
    return; // no accounting on this cluster
  }
  for (const line of text.split("\n")) {
    const [id, state, exitCode, nodes, reason] = line.trim().split("|");
    if (id && ids.includes(id) && state) {
      states.set(id, { state: state.split(" ")[0], reason: clean(reason), exitCode, nodes });
    }
  }
}

function clean(reason: string | undefined): string {
  return !reason || reason === "None" || reason === "(null)" ? "" : reason.replace(/^\(|\)$/g, "");
}
