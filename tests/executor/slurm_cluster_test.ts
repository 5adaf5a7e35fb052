/**
 * The SLURM executor against a real SLURM (tests/slurm/cluster.ts: munged, slurmctld and slurmd
 * from Debian's packages on the loopback interface): `deno task all --executor slurm` on the
 * 40-concept slice submits one job per unit with the right dependencies; a job cancelled with
 * `scancel`, a job whose input is missing, a job killed mid-run and a node restart each end with a
 * clear `deno task status` line and are recovered by running the same command again; the tables
 * equal a local run's.
 *
 * Skipped with a message where SLURM is not installed, unless `HT_REQUIRE_SLURM=1` (CI sets it).
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { readTable } from "../../src/io/arrow.ts";
import { arrowRows } from "../../src/tables/rows.ts";
import { runTaskCli } from "../_helpers/tasks.ts";
import { haveSlurm, type SlurmCluster, startCluster } from "../slurm/cluster.ts";
import { logStem } from "../../src/executor/slurm.ts";

const FLAGS = ["--limit-concepts", "40"];
/**
 * Units of the pipeline: data, human, 7 × train, 8 × embed:<model> (the ImageNet backbone and the
 * seven trained models), embed, 2 × align, bench, 3 × align:gwot:<model> (the quick sweep's two
 * models and the untrained networks), align:gwot, figures, site.
 */
const UNITS = 27;
/** The job cancelled with scancel while it runs (a training of 12 epochs). */
const CANCELLED = "train:joint_matrix_alignment";
/** The job killed mid-run, and running again when the node restarts (the longest job). */
const KILLED = "align:gwot:untrained";

Deno.test({
  name: "SLURM executor: jobs and dependencies, cancel, crash and node restart recovered, " +
    "tables equal to a local run",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    if (!(await haveSlurm())) {
      assert.notEqual(Deno.env.get("HT_REQUIRE_SLURM"), "1", "HT_REQUIRE_SLURM=1: SLURM missing");
      console.warn(
        "SKIPPED: SLURM is not installed (apt-get install slurm-wlm munge; .ci/run does)",
      );
      return;
    }
    const root = await Deno.makeTempDir({ prefix: "ht-slurm-e2e-" });
    const out = join(root, "run");
    // the reference: the same run on the local executor, at the same path (metadata names it)
    const local = await runTaskCli("all", [...FLAGS, "--out", out]);
    assert.equal(local.code, 0, local.stderr);
    await Deno.rename(out, join(root, "local"));
    const cluster = await startCluster({ cpus: 2 });
    try {
      await runOnCluster(cluster, out);
      await assertSameTables(join(root, "local", "tables"), join(out, "tables"));
    } catch (error) {
      console.error(await cluster.logs());
      throw error;
    } finally {
      await cluster.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});

/** The cluster part: submit, cancel, resubmit, crash, resubmit, node restart, until done. */
async function runOnCluster(cluster: SlurmCluster, out: string): Promise<void> {
  const env = cluster.env;
  const all = (extra: string[] = []) =>
    runTaskCli("all", [...FLAGS, "--executor", "slurm", "--out", out, ...extra], { env });
  const status = async () => {
    const r = await runTaskCli("status", ["--out", out], { env });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  const dry = await all(["--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.split("\n").filter((l) => /=\$\(sbatch /.test(l)).length, UNITS);
  assert.equal((await squeue(env)).length, 0, "--dry-run submits nothing");

  const first = await all();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`${UNITS} job\\(s\\) submitted`));
  const jobs = await submitted(out);
  assert.equal(Object.keys(jobs).length, UNITS);
  const embeds = Object.keys(jobs).filter((id) => id.startsWith("embed:")).map((id) => jobs[id]);
  assert.equal(embeds.length, 8, "one embedding job per model");
  assert.deepEqual(
    (await dependencyOf(env, jobs.embed)).sort(),
    embeds.sort(),
    "embed (models.arrow) waits for the eight embedding jobs",
  );
  assert.deepEqual(await dependencyOf(env, jobs["embed:matrix_control"]), [
    jobs["train:matrix_control"],
  ]);
  const gwots = Object.keys(jobs).filter((id) => id.startsWith("align:gwot:")).map((id) =>
    jobs[id]
  );
  assert.equal(gwots.length, 3, "one GWOT job per model, one for the untrained networks");
  assert.deepEqual((await dependencyOf(env, jobs["align:gwot"])).sort(), gwots.sort());
  assert.deepEqual(await dependencyOf(env, jobs["align:gwot:baseline"]), [jobs.embed]);
  // (a dependency SLURM already saw fulfilled may drop from the list: the baseline's is not yet)
  assert.ok(
    (await dependencyOf(env, jobs["train:matrix_control"])).includes(jobs["train:baseline"]),
    "a variant waits for the baseline (the trunk cache)",
  );

  // 1. a job that fails: its input is missing when it starts (train:baseline is held until
  //    human has ended, then the data stage's splits.arrow is deleted and the job released)
  await run("scontrol", ["hold", jobs["train:baseline"]], env);
  await waitForState(env, jobs.human, ["ended"]);
  await Deno.remove(join(out, "tables", "splits.arrow"));
  await run("scontrol", ["release", jobs["train:baseline"]], env);
  await waitIdle(env);
  let text = await status();
  assert.match(
    text,
    /^\s+train:baseline\s+failed\s+job \d+ FAILED exit 2:0.*splits\.arrow.*deno task data/m,
    text,
  );
  assert.match(text, /^\s+embed\s+not run\s+job \d+/m, text);
  assert.match(text, /^\s+data\s+stale\s+job \d+ COMPLETED, but/m, text);
  assert.match(text.split("\n")[0], /failed.*run the same command again/, text);

  // 2. the same command: data (its table is gone) and everything after it are submitted again;
  //    a job cancelled with scancel while it runs (a training, after its third epoch)
  const again = await all();
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`${UNITS} job\\(s\\) submitted`));
  const jobs1 = await submitted(out);
  await waitForState(env, jobs1[CANCELLED], ["RUNNING"]);
  // cancelled once its first epochs are checkpointed: the job submitted again continues them
  await waitForEpochs(join(out, "checkpoints/joint_matrix_alignment/seed-7"), 3);
  await run("scancel", [jobs1[CANCELLED]], env);
  await waitIdle(env);
  text = await status();
  assert.match(text, new RegExp(`^\\s+${CANCELLED}\\s+cancelled\\s+job \\d+ CANCELLED`, "m"), text);
  assert.match(text, /^\s+embed:joint_matrix_alignment\s+not run\s+job \d+: /m, text);
  assert.match(text, /^\s+bench\s+not run\s+job \d+: /m, text);
  // the jobs that do not wait for it ran
  assert.match(text, /^\s+train:baseline\s+done/m, text);
  assert.match(text, /^\s+embed:matrix_control\s+done/m, text);
  assert.match(text.split("\n")[0], /run the same command again/);

  // 3. the same command: cached units stay, the rest is submitted again; a job killed mid-run
  //    (SIGKILL, as an out-of-memory kill: the untrained networks' GWOT, the longest job)
  const second = await all();
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^\s+train:baseline\s+cached, not submitted/m);
  assert.match(second.stdout, /^\s+embed:matrix_control\s+cached, not submitted/m);
  // the cancelled training, its embedding, embed, the two alignments, bench, the four GWOT
  // units, figures, site
  assert.match(second.stdout, /12 job\(s\) submitted/);
  const jobs2 = await submitted(out);
  await waitForState(env, jobs2[CANCELLED], ["ended"]);
  const resumed = await Deno.readTextFile(
    join(out, `.cache/slurm/logs/${logStem(CANCELLED)}.${jobs2[CANCELLED]}.log`),
  );
  assert.match(resumed, /resuming at stage/, "the training continued from its checkpoints");
  await waitForState(env, jobs2[KILLED], ["RUNNING"]);
  await killUnit(cluster, KILLED);
  await waitIdle(env);
  text = await status();
  assert.match(
    text,
    new RegExp(`^\\s+${KILLED}\\s+failed\\s+job \\d+ (FAILED|CANCELLED)`, "m"),
    text,
  );
  assert.match(text, /^\s+align:gwot\s+not run/m, text);
  assert.match(text, /^\s+embed\s+done/m, text);
  assert.match(text, /^\s+bench\s+done/m, text);

  // 4. again; the node restarts while that job runs again (SLURM requeues it)
  const third = await all();
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, /^\s+bench\s+cached, not submitted/m);
  assert.match(third.stdout, /4 job\(s\) submitted/); // it, align:gwot, figures, site
  const jobs3 = await submitted(out);
  await waitForState(env, jobs3[KILLED], ["RUNNING"]);
  await cluster.restartNode();
  text = await status();
  assert.match(
    text,
    new RegExp(`^\\s+${KILLED}\\s+(pending|running|failed)\\s+job \\d+`, "m"),
    text,
  );
  await waitIdle(env);
  // a requeued job finishes by itself; whatever did not, the same command submits again
  for (let round = 0; round < 2 && !/every unit is done/.test(await status()); round++) {
    const again = await all(["--wait"]);
    assert.ok(again.code === 0 || again.code === 2, again.stderr);
  }
  text = await status();
  assert.match(text.split("\n")[0], new RegExp(`^status: ${UNITS} done; every unit is done`), text);
  // done: the same command submits nothing; --wait returns with the status
  const last = await all(["--wait"]);
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stdout, new RegExp(`0 job\\(s\\) submitted, 0 kept, ${UNITS} cached`));
  assert.match(last.stdout, new RegExp(`status: ${UNITS} done; every unit is done`));
}

/** Run a command with the cluster's environment; its stdout. */
async function run(command: string, args: string[], env: Record<string, string>) {
  const r = await new Deno.Command(command, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.ok(r.success, `${command} ${args.join(" ")}: ${dec.decode(r.stderr)}`);
  return dec.decode(r.stdout);
}

/** Live jobs: `id state` lines of squeue. */
async function squeue(env: Record<string, string>): Promise<string[]> {
  return (await run("squeue", ["-h", "-o", "%i %T"], env)).split("\n").filter(Boolean);
}

/** Unit id → job id of the latest submission. */
async function submitted(out: string): Promise<Record<string, string>> {
  const record = JSON.parse(await Deno.readTextFile(join(out, ".cache/slurm/jobs.json")));
  return Object.fromEntries(
    Object.entries(record.jobs as Record<string, { jobId: string }>).map(([k, v]) => [k, v.jobId]),
  );
}

/** The job ids a job waits for (`scontrol show job`: `Dependency=afterok:12(unfulfilled),…`). */
async function dependencyOf(env: Record<string, string>, id: string): Promise<string[]> {
  const text = await run("scontrol", ["show", "job", "-o", id], env);
  const dep = text.match(/Dependency=(\S+)/)?.[1] ?? "";
  return [...dep.matchAll(/afterok:(\d+)/g)].map((m) => m[1]);
}

/**
 * Wait until job `id` is in one of `states` (`ended`: gone from squeue); fails after 10 minutes
 * or when it ended first, naming its last state.
 */
async function waitForState(env: Record<string, string>, id: string, states: string[]) {
  let last = "";
  for (let i = 0; i < 1200; i++) {
    const line = (await squeue(env)).find((l) => l.startsWith(`${id} `));
    last = line?.split(" ")[1] ?? "ended";
    if (states.includes(last)) return;
    if (last === "ended") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`job ${id} never reached ${states.join("/")} (last: ${last})`);
}

/** Wait until no job is queued or running (fails after 15 minutes). */
async function waitIdle(env: Record<string, string>) {
  for (let i = 0; i < 1800; i++) {
    if (!(await squeue(env)).length) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`jobs still queued after 15 minutes: ${(await squeue(env)).join("; ")}`);
}

/** Wait until a training's checkpoint folder has timed at least `epochs` epochs (10 minutes). */
async function waitForEpochs(dir: string, epochs: number) {
  let seen = 0;
  for (let i = 0; i < 1200 && seen < epochs; i++) {
    try {
      seen = JSON.parse(await Deno.readTextFile(join(dir, "timings.json"))).length;
    } catch {
      seen = 0; // not written yet
    }
    if (seen < epochs) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(seen >= epochs, `${dir}: ${seen} epochs checkpointed, waited for ${epochs}`);
}

/** Kill (SIGKILL) the processes of a unit's running job, as an out-of-memory kill would. */
async function killUnit(cluster: SlurmCluster, unit: string) {
  // RUNNING comes with the allocation: wait for the job's processes to appear
  let processes: { pid: number }[] = [];
  for (let i = 0; i < 120 && !processes.length; i++) {
    processes = (await cluster.processes()).filter((p) => p.command.includes(`--unit ${unit} `));
    if (!processes.length) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(processes.length, `no process runs ${unit}`);
  for (const p of processes) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch { /* already gone */ }
  }
}

/**
 * Every table of the local run equals the cluster run's, byte for byte; the wall-clock timings
 * (`timings/`, which differ between any two runs) have the same files, and the same rows but for
 * their seconds.
 */
async function assertSameTables(localDir: string, clusterDir: string) {
  const files = await listFiles(localDir);
  assert.deepEqual(await listFiles(clusterDir), files, "the same table files");
  assert.ok(files.some((f) => f.startsWith("timings/training/")), "training timings");
  assert.ok(files.some((f) => f.startsWith("timings/gwot/")), "GWOT timings");
  const differ: string[] = [];
  for (const file of files) {
    const a = await Deno.readFile(join(localDir, file));
    const b = await Deno.readFile(join(clusterDir, file));
    if (file.startsWith("timings/")) {
      const strip = (rows: Record<string, unknown>[]) =>
        rows.map(({ seconds: _s, ...rest }) => rest);
      const [ta, tb] = [
        await readTable(join(localDir, file)),
        await readTable(join(clusterDir, file)),
      ];
      assert.deepEqual(strip(arrowRows(tb)), strip(arrowRows(ta)), `${file} without seconds`);
      continue;
    }
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) differ.push(file);
  }
  assert.deepEqual(differ, [], "tables that differ from the local run");
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listFiles(path, base));
    else if (entry.isFile && entry.name.endsWith(".arrow")) out.push(relative(base, path));
  }
  return out.sort();
}
