/**
 * Kill `deno task train` with SIGKILL mid-run, rerun with --resume: it continues from the last
 * checkpoint and ends with the same final weights (bitwise, same backend) as an uninterrupted run.
 * A cluster job (`deno task all --unit train:<model>`) does the same without `--resume`.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { loadCheckpoint } from "../../src/train/checkpoint.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

const LIMIT = ["--limit-concepts", "12"];

/** A run folder with data, human and the baseline trained once: its final weights. */
async function trainedReference(prefix: string) {
  const out = await Deno.makeTempDir({ prefix });
  for (const [task, args] of [["data", LIMIT], ["human", []]] as const) {
    const r = await runTaskCli(task, [...args, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
  }
  const ckptDir = join(out, "checkpoints/baseline/seed-7");
  const reference = await runTaskCli("train", ["--model", "baseline", "--out", out]);
  assert.equal(reference.code, 0, reference.stderr);
  const expected = (await loadCheckpoint(join(ckptDir, "final.ckpt")))!;
  return { out, ckptDir, expected };
}

Deno.test("train: SIGKILL mid-run, then --resume gives bit-identical final weights", async () => {
  const { out, ckptDir, expected } = await trainedReference("ht-resume-");
  const epochs = JSON.parse(await Deno.readTextFile(join(ckptDir, "timings.json"))).length;
  assert.ok(epochs >= 4, `reference trained ${epochs} epochs`);

  // a fresh run (--force, old checkpoints gone), killed once a few epochs are checkpointed
  await Deno.remove(ckptDir, { recursive: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/train.ts", "--model", "baseline", "--out", out, "--force"],
    cwd: ROOT,
    env: { HUMAN_THINGS_WRITE_DELAY_MS: "150" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let seen = 0;
  for (let i = 0; i < 6000 && seen < 3; i++) {
    await new Promise((r) => setTimeout(r, 10));
    try {
      seen = JSON.parse(await Deno.readTextFile(join(ckptDir, "timings.json"))).length;
    } catch {
      seen = 0; // not written yet (the fresh run removed the old checkpoints)
    }
  }
  child.kill("SIGKILL");
  assert.equal((await child.status).success, false);
  assert.ok(seen >= 3 && seen < epochs, `killed after ${seen} of ${epochs} epochs`);
  await assert.rejects(Deno.stat(join(ckptDir, "final.ckpt")), "no final weights after the kill");

  const resumed = await runTaskCli("train", [
    "--model",
    "baseline",
    "--out",
    out,
    "--force",
    "--resume",
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming at stage/);
  const got = (await loadCheckpoint(join(ckptDir, "final.ckpt")))!;
  assert.deepEqual(Object.keys(got.tensors), Object.keys(expected.tensors));
  for (const [name, t] of Object.entries(expected.tensors)) {
    assert.deepEqual(got.tensors[name].data, t.data, `${name} bit-identical`);
  }
  await Deno.remove(out, { recursive: true });
});

Deno.test("train: a cluster job (all --unit) continues its run's checkpoints, starts over from another run's", async () => {
  const { out, ckptDir, expected } = await trainedReference("ht-resume-unit-");
  const log = await Deno.readFile(join(out, "tables/training/baseline.arrow"));

  // a job stopped after a few steps (as a cancelled or preempted job) leaves its checkpoints
  const stop = ["--model", "baseline", "--out", out, "--force", "--max-steps", "6"];
  const stopped = await runTaskCli("train", stop);
  assert.notEqual(stopped.code, 0, "stopped before the end");
  await assert.rejects(Deno.stat(join(ckptDir, "final.ckpt")), "no final weights yet");
  const unit = ["--unit", "train:baseline", ...LIMIT, "--out", out];
  const job = await runTaskCli("all", unit);
  assert.equal(job.code, 0, job.stderr);
  assert.match(job.stderr, /resuming at stage/, "the job continued the checkpoints");
  const got = (await loadCheckpoint(join(ckptDir, "final.ckpt")))!;
  for (const [name, t] of Object.entries(expected.tensors)) {
    assert.deepEqual(got.tensors[name].data, t.data, `${name} bit-identical`);
  }
  assert.deepEqual(
    await Deno.readFile(join(out, "tables/training/baseline.arrow")),
    log,
    "the same training log, byte for byte",
  );

  // checkpoints of another run (another runKey): the job starts over where --resume refuses
  const again = await runTaskCli("train", stop);
  assert.notEqual(again.code, 0);
  const runFile = join(ckptDir, "run.json");
  const run = JSON.parse(await Deno.readTextFile(runFile));
  await Deno.writeTextFile(runFile, JSON.stringify({ ...run, runKey: "another run" }));
  const refused = await runTaskCli("train", ["--model", "baseline", "--out", out, "--resume"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /belong to a different run/);
  const fresh = await runTaskCli("all", unit);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.doesNotMatch(fresh.stderr, /resuming at stage/);
  const retrained = (await loadCheckpoint(join(ckptDir, "final.ckpt")))!;
  for (const [name, t] of Object.entries(expected.tensors)) {
    assert.deepEqual(retrained.tensors[name].data, t.data, `${name} bit-identical`);
  }
  await Deno.remove(out, { recursive: true });
});
