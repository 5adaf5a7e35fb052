/** figures:diff: PNG triples and the Markdown report, in-process and through the task. */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { diffFigureDirs } from "../../src/figures/diff.ts";
import { BASELINE_DENSITY } from "../../src/figures/render.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import { renderFigures, selectFigures } from "../../src/figures/stage.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";
import { editTable, fixtureCopy } from "./_fixture.ts";

const TARGET = "paper/fixed_prototype_triplets_vs_control";

async function perturbedFixture(): Promise<string> {
  const dir = await fixtureCopy();
  await editTable(
    dir,
    "comparisons",
    (r) =>
      r.model_a === "fixed_prototype_triplets" && r.model_b === "fixed_prototype_control" &&
      r.metric === "top1",
    (r) => {
      r.delta = 0.02;
      r.ci_low = 0.01;
      r.ci_high = 0.03;
    },
  );
  return dir;
}

Deno.test("diffFigureDirs: one changed figure gets a triple and a report row", async () => {
  const tables = await perturbedFixture();
  const tmp = await Deno.makeTempDir();
  try {
    const figures = selectFigures({
      only: [TARGET, "paper/joint_matrix_vs_shuffled_deltas", "paper/triplet_satisfaction"],
    });
    const options = { density: BASELINE_DENSITY, progress: false };
    await renderFigures(figures, { ...options, tablesDir: FIXTURE_TABLES, outDir: join(tmp, "a") });
    await renderFigures(figures.slice(0, 2), {
      ...options,
      tablesDir: tables,
      outDir: join(tmp, "b"),
    });
    const report = join(tmp, "report");
    const { entries } = await diffFigureDirs(join(tmp, "a"), join(tmp, "b"), report);
    const status = Object.fromEntries(entries.map((e) => [e.figure, e.status]));
    assert.deepEqual(status, {
      [TARGET]: "changed",
      "paper/joint_matrix_vs_shuffled_deltas": "unchanged",
      "paper/triplet_satisfaction": "removed",
    });
    const changed = entries.find((e) => e.figure === TARGET)!;
    assert.ok(changed.changed > 0 && changed.changed < changed.total);
    for (const suffix of ["base", "new", "diff"]) {
      assert.ok((await Deno.stat(join(report, `${TARGET}.${suffix}.png`))).isFile);
    }
    const md = await Deno.readTextFile(join(report, "report.md"));
    const pct = ((100 * changed.changed) / changed.total).toFixed(2);
    assert.ok(md.includes(`| \`${TARGET}\` | changed | ${changed.changed} | ${pct}% |`), md);
    assert.ok(md.includes(`<img src="${TARGET}.diff.png"`));
    assert.ok(md.includes("1 changed, 0 added, 1 removed, 1 unchanged"));
    const json = JSON.parse(await Deno.readTextFile(join(report, "report.json")));
    assert.equal(json.figures.length, 3);
  } finally {
    await Deno.remove(tables, { recursive: true });
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("deno task figures:diff: a changed fixture value shows exactly that figure", async () => {
  const tables = await perturbedFixture();
  const out = await Deno.makeTempDir();
  try {
    // the base is this checkout with the committed fixture; the new side the changed copy
    const { code, stdout, stderr } = await runTaskCli("figures_diff", [
      "--base-dir",
      ROOT,
      "--tables",
      tables,
      "--out",
      out,
    ], { env: { CI: "1" } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /1 changed, 0 added, 0 removed, \d+ unchanged/);
    assert.match(stdout, new RegExp(`changed +${TARGET} \\(\\d+ pixels\\)`));
    const json = JSON.parse(await Deno.readTextFile(join(out, "report.json")));
    const differing = json.figures.filter((f: { status: string }) => f.status !== "unchanged");
    assert.deepEqual(differing.map((f: { figure: string }) => f.figure), [TARGET]);
  } finally {
    await Deno.remove(tables, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

/** Whether this checkout is a git repository with a commit (CI may run from an export). */
const IN_GIT = (() => {
  try {
    return new Deno.Command("git", { args: ["rev-parse", "--verify", "HEAD"], cwd: ROOT })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "deno task figures:diff --base HEAD renders the revision in a git worktree",
  ignore: !IN_GIT,
}, async () => {
  const out = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runTaskCli("figures_diff", [
      "--base",
      "HEAD",
      "--out",
      out,
    ], { env: { CI: "1" } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /figures:diff: \d+ figures:/);
    assert.ok((await Deno.stat(join(out, "report.md"))).isFile);
    const list = new TextDecoder().decode(
      (await new Deno.Command("git", { args: ["worktree", "list"], cwd: ROOT, stdout: "piped" })
        .output()).stdout,
    );
    assert.ok(!list.includes("figure-diff-"), `worktree left behind:\n${list}`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
