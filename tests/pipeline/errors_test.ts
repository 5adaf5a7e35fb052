/**
 * One error convention (docs/architecture.md): every condition a user can fix ends a task with one
 * line on stderr naming the file or the command to run, and exit code 2, never a stack trace.
 * Walks the tasks' known failure modes on an empty output folder and on broken inputs.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { detectCuda } from "../../src/models/cuda.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

/** A stack frame line as Deno prints it. */
const STACK = /^\s+at .*(:\d+:\d+\)?|\(native\))$/m;

/** Assert a one-line user error: exit 2, no stack, a last line `task: …` that matches `text`. */
function assertUserError(
  run: { code: number; stderr: string },
  task: string,
  text: RegExp,
): void {
  assert.equal(run.code, 2, `${task}: exit ${run.code}\n${run.stderr}`);
  assert.ok(!STACK.test(run.stderr), `${task}: a stack trace reached the user:\n${run.stderr}`);
  // the message is the last line, but for a usage error's "Run `deno task … --help`" pointer
  const last = run.stderr.trim().split("\n")
    .filter((l) => !l.startsWith("backend:") && !/^Run `deno task \S+ --help`/.test(l)).pop() ?? "";
  assert.ok(last.startsWith(`${task}: `), `${task}: last line is "${last}"`);
  assert.match(last, text, `${task}: ${last}`);
}

Deno.test("tasks on an empty output folder: one line naming the missing table and its stage", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-errors-" });
  try {
    const cases: [string, string[], RegExp][] = [
      ["human", [], /concepts\.arrow.*written by `deno task data`/],
      ["train", ["--model", "baseline"], /images\.arrow.*written by `deno task data`/],
      ["embed", [], /images\.arrow.*written by `deno task data`/],
      ["align_glocal", [], /triplets\.arrow.*written by `deno task human`/],
      ["align_alignet", [], /\.arrow.*written by `deno task (human|data|embed)`/],
      ["bench", [], /models\.arrow.*written by `deno task embed`/],
      ["align_gwot", [], /models\.arrow.*written by `deno task embed`/],
      ["site", [], /benchmark\.arrow.*written by `deno task bench`/],
      ["status", [], /no SLURM submission in .*deno task all --executor slurm/],
      [
        "all",
        ["--executor", "local", "--gpus-per-job", "1"],
        /--gpus-per-job needs --executor slurm/,
      ],
    ];
    for (const [task, args, text] of cases) {
      const run = await runTaskCli(task, ["--out", out, ...args]);
      assertUserError(run, task.replace("_", ":"), text);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("broken inputs and unusable choices: one line, exit 2", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-errors-" });
  try {
    const data = await runTaskCli("data", ["--out", out, "--limit-concepts", "6"]);
    assert.equal(data.code, 0, data.stderr);
    // a concepts table in another order than the canonical one: the human stage names `data`
    const concepts = join(out, "tables", "concepts.arrow");
    const images = join(out, "tables", "images.arrow");
    const saved = await Deno.readFile(concepts);
    await Deno.copyFile(images, concepts);
    assertUserError(
      await runTaskCli("human", ["--out", out, "--force"]),
      "human",
      /concepts\.arrow/,
    );
    await Deno.writeFile(concepts, saved);
    assertUserError(
      await runTaskCli("figures", ["--out", out, "--only", "nope/nope"]),
      "figures",
      /unknown figure nope\/nope/,
    );
    if (!(await detectCuda()).usable) {
      assertUserError(
        await runTaskCli("train", ["--out", out, "--model", "baseline", "--backend", "gpu"], {
          unset: ["HT_GPU_ALLOW_CPU"],
        }),
        "train",
        /--backend gpu: no CUDA driver.*deno task setup:tf --gpu/,
      );
    }
    const bad = join(out, "bad.txt");
    await Deno.writeTextFile(bad, "1 2 3\n4 five 6\n");
    assertUserError(
      await runTaskCli("eval", ["rsa", "--a", bad, "--b", bad]),
      "eval",
      /bad\.txt: line 2/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
