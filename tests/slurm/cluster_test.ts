/**
 * The SLURM test cluster (tests/slurm/cluster.ts) against real daemons: `afterok` dependencies
 * (the second job waits with reason `Dependency`, then both run), a failed job's dependents (never
 * run: `DependencyNeverSatisfied`, cancelled with `--kill-on-invalid-dep=yes`), `scancel`, the
 * job completion log that `sacct -c` reads, a node restart with and without losing the running
 * job, and a stop that leaves no process behind. Skipped with the reason when SLURM or munge is
 * not installed or this is not root, unless `HT_REQUIRE_SLURM=1` (then that fails).
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ClusterProcess, haveSlurm, type SlurmCluster, startCluster } from "./cluster.ts";

/** How long a job may take to reach a state (generous: CI machines are slow and shared). */
const WAIT_MS = 60_000;

/** Output of a client command; throws with its stderr when it fails. */
async function slurm(cluster: SlurmCluster, command: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(command, {
    args,
    env: cluster.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${text.decode(out.stderr)}`);
  }
  return text.decode(out.stdout).trim();
}

/** Submits a `--wrap` job writing its output under the cluster folder; returns its id. */
async function submit(cluster: SlurmCluster, script: string, flags: string[] = []) {
  return await slurm(cluster, "sbatch", [
    "--parsable",
    `--output=${join(cluster.dir, "out", "%j.out")}`,
    ...flags,
    "--wrap",
    script,
  ]);
}

/** The fields of `scontrol show job -o` (live jobs, and finished ones for MinJobAge). */
async function job(cluster: SlurmCluster, id: string): Promise<Record<string, string>> {
  const line = await slurm(cluster, "scontrol", ["show", "job", "-o", id]);
  return Object.fromEntries(
    [...line.matchAll(/(?:^|\s)(\w+)=(\S*)/g)].map((m) => [m[1], m[2]]),
  );
}

/** Polls a job until `ok` holds; fails with its last fields and the daemons' logs. */
async function waitJob(
  cluster: SlurmCluster,
  id: string,
  ok: (fields: Record<string, string>) => boolean,
  what: string,
): Promise<Record<string, string>> {
  const deadline = performance.now() + WAIT_MS;
  let fields = await job(cluster, id);
  while (!ok(fields)) {
    if (performance.now() > deadline) {
      const seen = `JobState=${fields.JobState} Reason=${fields.Reason}`;
      assert.fail(`job ${id} never became ${what} (${seen})\n${await cluster.logs()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    fields = await job(cluster, id);
  }
  return fields;
}

/** Job id → [State, ExitCode] of the last line per job in the completion log (`sacct -c`). */
async function completions(cluster: SlurmCluster, ids: string[]): Promise<Map<string, string[]>> {
  const text = await slurm(cluster, "sacct", [
    "-c",
    "-n",
    "-P",
    "-j",
    ids.join(","),
    "-o",
    "JobID,State,ExitCode",
  ]);
  const ends = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const [id, state, exitCode] = line.split("|");
    if (id) ends.set(id, [state, exitCode]);
  }
  return ends;
}

/** Whether a process is alive (zombies count as gone). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

/** The file's text, or undefined when it does not exist. */
async function read(path: string): Promise<string | undefined> {
  return await Deno.readTextFile(path).catch(() => undefined);
}

/** A file in the jobs' output folder. */
function out(cluster: SlurmCluster, name: string): string {
  return join(cluster.dir, "out", name);
}

/** `afterok`: the second job waits with reason `Dependency`, then both run. */
async function afterok(cluster: SlurmCluster): Promise<void> {
  const a = await submit(cluster, `sleep 3; echo a > ${out(cluster, "a.txt")}`);
  const b = await submit(cluster, `echo b > ${out(cluster, "b.txt")}`, [
    `--dependency=afterok:${a}`,
  ]);
  const waiting = await waitJob(cluster, b, (f) => f.Reason !== "None", "held");
  assert.equal(waiting.JobState, "PENDING");
  assert.equal(waiting.Reason, "Dependency");
  assert.equal(
    await slurm(cluster, "squeue", ["-h", "-j", b, "-o", "%T %r"]),
    "PENDING Dependency",
  );
  await waitJob(cluster, b, (f) => f.JobState === "COMPLETED", "COMPLETED");
  assert.equal((await job(cluster, a)).JobState, "COMPLETED");
  assert.equal(await read(out(cluster, "a.txt")), "a\n");
  assert.equal(await read(out(cluster, "b.txt")), "b\n");
  assert.deepEqual([...(await completions(cluster, [a, b])).values()], [
    ["COMPLETED", "0:0"],
    ["COMPLETED", "0:0"],
  ]);
}

/**
 * A job exits with 3: its dependents never run. Without `--kill-on-invalid-dep` one stays
 * PENDING with reason `DependencyNeverSatisfied` for ever; with `=yes` it is CANCELLED.
 */
async function failedDependency(cluster: SlurmCluster): Promise<void> {
  const f = await submit(cluster, "exit 3");
  const after = `--dependency=afterok:${f}`;
  const waits = await submit(cluster, `touch ${out(cluster, "never1")}`, [after]);
  const killed = await submit(cluster, `touch ${out(cluster, "never2")}`, [
    after,
    "--kill-on-invalid-dep=yes",
  ]);
  const failed = await waitJob(cluster, f, (j) => j.JobState === "FAILED", "FAILED");
  assert.equal(failed.ExitCode, "3:0");
  const cancelled = await waitJob(cluster, killed, (j) => j.JobState !== "PENDING", "ended");
  assert.equal(cancelled.JobState, "CANCELLED");
  assert.equal(cancelled.Reason, "DependencyNeverSatisfied");
  const never = await waitJob(
    cluster,
    waits,
    (j) => j.Reason === "DependencyNeverSatisfied",
    "DependencyNeverSatisfied",
  );
  assert.equal(never.JobState, "PENDING");
  await slurm(cluster, "scancel", [waits]);
  await waitJob(cluster, waits, (j) => j.JobState === "CANCELLED", "CANCELLED");
  assert.equal(await read(out(cluster, "never1")), undefined);
  assert.equal(await read(out(cluster, "never2")), undefined);
  const ends = await completions(cluster, [f, killed]);
  assert.deepEqual(ends.get(f), ["FAILED", "3:0"]);
  assert.deepEqual(ends.get(killed), ["CANCELLED", "0:0"]);
}

/** `scancel` of a running job: CANCELLED, gone from `squeue`. */
async function cancel(cluster: SlurmCluster): Promise<void> {
  const id = await submit(cluster, "sleep 30");
  await waitJob(cluster, id, (j) => j.JobState === "RUNNING", "RUNNING");
  await slurm(cluster, "scancel", [id]);
  await waitJob(cluster, id, (j) => j.JobState === "CANCELLED", "CANCELLED");
  assert.equal(await slurm(cluster, "squeue", ["-h", "-j", id]), "");
  assert.deepEqual((await completions(cluster, [id])).get(id), ["CANCELLED", "0:0"]);
}

/** `restartNode({ keepJobs: true })`: the running job finishes. */
async function restartKeepingJobs(cluster: SlurmCluster): Promise<void> {
  const script = `touch ${out(cluster, "k.started")}; sleep 4; echo k > ${out(cluster, "k.txt")}`;
  const id = await submit(cluster, script);
  await waitJob(cluster, id, () => existsSync(out(cluster, "k.started")), "started (k.started)");
  await cluster.restartNode({ keepJobs: true });
  await waitJob(cluster, id, (j) => j.JobState === "COMPLETED", "COMPLETED");
  assert.equal(await read(out(cluster, "k.txt")), "k\n");
}

/** `restartNode()`: a running job is requeued and runs again; one with `--no-requeue` fails. */
async function restartLosingJobs(cluster: SlurmCluster): Promise<void> {
  const id = await submit(cluster, `echo run >> ${out(cluster, "r.txt")}; sleep 2`);
  const lost = await submit(cluster, "sleep 30", ["--no-requeue"]);
  await waitJob(cluster, lost, (j) => j.JobState === "RUNNING", "RUNNING");
  // RUNNING comes with the allocation, before slurmd has started the script: wait for its line
  await waitJob(cluster, id, () => existsSync(out(cluster, "r.txt")), "started (r.txt)");
  await cluster.restartNode();
  assert.equal((await job(cluster, lost)).JobState, "NODE_FAIL");
  const requeued = await job(cluster, id);
  assert.equal(requeued.Restarts, "1");
  assert.equal(requeued.JobState, "PENDING");
  assert.deepEqual((await completions(cluster, [id])).get(id), ["NODE_FAIL", "0:0"]);
  await waitJob(cluster, id, (j) => j.JobState === "COMPLETED", "COMPLETED after requeue");
  assert.equal(await read(out(cluster, "r.txt")), "run\nrun\n");
  assert.deepEqual((await completions(cluster, [id])).get(id), ["COMPLETED", "0:0"]);
}

/** Why the test cannot run here, or "". */
async function unavailable(): Promise<string> {
  if (!(await haveSlurm())) {
    return "slurmctld, slurmd, the SLURM clients or munged not installed " +
      "(apt-get install slurm-wlm munge)";
  }
  return Deno.uid() === 0 ? "" : "the SLURM test cluster needs root";
}

Deno.test("slurm test cluster: dependencies, failures, cancel, node restart, clean stop", async (t) => {
  const why = await unavailable();
  if (why) {
    assert.notEqual(Deno.env.get("HT_REQUIRE_SLURM"), "1", why);
    console.error(`slurm cluster test skipped: ${why}`);
    return;
  }
  const cluster = await startCluster();
  let started: ClusterProcess[] = [];
  try {
    await Deno.mkdir(join(cluster.dir, "out"));
    started = await cluster.processes();
    assert.deepEqual(
      started.map((p) => p.command.split(" ")[0].split("/").pop()).sort(),
      ["munged", "slurmctld", "slurmctld:", "slurmd"], // "slurmctld: slurmscriptd", its helper
    );
    await t.step("afterok: the second job waits, then both run", () => afterok(cluster));
    await t.step("a failed job's dependents never run", () => failedDependency(cluster));
    await t.step("scancel: a running job reads CANCELLED", () => cancel(cluster));
    await t.step("restartNode({ keepJobs: true })", () => restartKeepingJobs(cluster));
    await t.step("restartNode(): running jobs lost", () => restartLosingJobs(cluster));
    const left = await submit(cluster, "sleep 60"); // left running: stop must end it
    await waitJob(cluster, left, (j) => j.JobState === "RUNNING", "RUNNING");
  } finally {
    await cluster.stop();
    assert.deepEqual(await cluster.processes(), []);
    for (const p of started) assert.ok(!(await alive(p.pid)), `${p.pid} ${p.command} still runs`);
  }
});

Deno.test("slurm test cluster: a failed start names the logs and leaves nothing", async () => {
  if (await unavailable()) return; // the test above says why
  let error: Error | undefined;
  try {
    await (await startCluster({ extraConfig: ["NoSuchOption=1"] })).stop();
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error, "started with an unknown option in slurm.conf");
  assert.match(error.message, /did not start: slurmctld exited while waiting for node/);
  assert.match(error.message, /\n--- munged\.log \(last \d+ lines\) ---\n/);
  assert.match(error.message, /\n--- slurmctld\.stderr \(last \d+ lines\) ---\n.*NoSuchOption/);
  const dir = error.message.match(/in (\/tmp\/hS-slurm-\S+) did not start/)?.[1];
  assert.ok(dir, error.message);
  const left = [];
  for await (const entry of Deno.readDir("/proc")) {
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.includes(dir) && (await alive(Number(entry.name)))) left.push(cmdline);
  }
  assert.deepEqual(left, []);
  await Deno.remove(dir, { recursive: true });
});
