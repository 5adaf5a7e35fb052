/** Dry runs: the plan says skip / run (and why) / blocked, from the same cache key runStage uses. */
import { strict as assert } from "node:assert";
import { stageMetadata } from "../../src/pipeline/metadata.ts";
import { join } from "node:path";
import { InputError } from "../../src/io/errors.ts";
import { formatPlan, Planner } from "../../src/pipeline/plan.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { createContext, runStage, type Stage } from "../../src/pipeline/stage.ts";

function copyStage(name: string, from: string, to: string): Stage<{ upper: boolean }> {
  return {
    name,
    modules: [import.meta.url],
    inputs() {
      return Promise.resolve([from]);
    },
    outputs() {
      return [to];
    },
    async run(_ctx, options) {
      const text = await Deno.readTextFile(from).catch(() => {
        throw new InputError({ file: from, expected: "an input", found: "no file" });
      });
      await Deno.writeTextFile(to, options.upper ? text.toUpperCase() : text);
      return "copied";
    },
  };
}

Deno.test("Planner: never ran → run; after a run → skip; changed input / options → run with the reason; missing → blocked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-plan-" });
  const a = join(dir, "a.txt");
  const b = join(dir, "b.txt");
  const c = join(dir, "c.txt");
  await Deno.writeTextFile(a, "hello");
  const first = copyStage("first", a, b);
  const second = copyStage("second", b, c);
  const ctx = await createContext(resolveProfile("embedded"), {
    out: join(dir, "out"),
    seed: 7,
    quiet: true,
  });
  const plan = async (options: { upper: boolean; force?: boolean }) => {
    const planner = new Planner();
    await planner.add(first, ctx, options);
    await planner.add(second, ctx, { upper: false });
    return planner.plans;
  };
  let plans = await plan({ upper: false });
  assert.deepEqual(plans.map((p) => [p.action, p.reason]), [
    ["run", "never ran here"],
    ["run", "inputs rewritten by first"],
  ]);
  const before = await Array.fromAsync(Deno.readDir(dir));
  assert.deepEqual(before.map((e) => e.name).sort(), ["a.txt", "out"], "planning wrote nothing");

  await runStage(first, ctx, { upper: false });
  await runStage(second, ctx, { upper: false });
  plans = await plan({ upper: false });
  assert.deepEqual(plans.map((p) => p.action), ["skip", "skip"]);
  assert.ok(plans.every((p) => p.lastSeconds !== undefined && p.lastSeconds >= 0));

  await Deno.writeTextFile(a, "changed");
  plans = await plan({ upper: false });
  assert.deepEqual(plans.map((p) => [p.action, p.reason]), [
    ["run", "changed: 1 input file"],
    ["run", "inputs rewritten by first"],
  ]);
  plans = await plan({ upper: true });
  assert.equal(plans[0].reason, "changed: options, 1 input file");
  plans = await plan({ upper: false, force: true });
  assert.equal(plans[0].reason, "--force");

  await Deno.remove(a);
  plans = await plan({ upper: false });
  assert.equal(plans[0].action, "blocked");
  assert.match(plans[0].reason, /missing input .*a\.txt/);
  assert.equal(plans[1].action, "blocked");
  assert.equal(plans[1].reason, "not reached (the run stops at first)");
  const text = formatPlan(plans);
  assert.match(text, /0 to run, 0 up to date, blocked at first/);
  assert.match(text, /first: missing input/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runStage: runtime options (decodeWorkers, resume) reach the stage but not its cache key or metadata", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-plan-runtime-" });
  const a = join(dir, "a.txt");
  await Deno.writeTextFile(a, "hello");
  const seen: unknown[] = [];
  const base = copyStage("copy", a, join(dir, "b.txt"));
  const stage: Stage<{ upper: boolean; decodeWorkers?: number }> = {
    ...base,
    run(ctx, options) {
      seen.push(options.decodeWorkers);
      return base.run(ctx, options);
    },
  };
  const ctx = await createContext(resolveProfile("embedded"), {
    out: join(dir, "out"),
    seed: 7,
    quiet: true,
  });
  assert.equal((await runStage(stage, ctx, { upper: false, decodeWorkers: 1 })).status, "ran");
  assert.deepEqual(seen, [1]);
  assert.equal((await runStage(stage, ctx, { upper: false, decodeWorkers: 8 })).status, "skipped");
  assert.equal((await runStage(stage, ctx, { upper: false })).status, "skipped");
  assert.equal((await runStage(stage, ctx, { upper: true, decodeWorkers: 8 })).status, "ran");
  assert.deepEqual(seen, [1, 8]);
  // resume (a training continued from its checkpoints) neither: and neither is in the metadata
  const resumable = stage as unknown as Stage<Record<string, unknown>>;
  assert.equal((await runStage(resumable, ctx, { upper: true, resume: "auto" })).status, "skipped");
  const meta = await stageMetadata(ctx, resumable, {
    stageOptions: { upper: true, decodeWorkers: 8, resume: true },
  });
  assert.deepEqual(meta.options, { upper: true });
  await Deno.remove(dir, { recursive: true });
});
