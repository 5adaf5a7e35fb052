/** The figures stage and task: outputs, skipped figures, strict mode, the figure list. */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import { renderFigures, selectFigures } from "../../src/figures/stage.ts";
import { InputError } from "../../src/io/errors.ts";
import { runTaskCli } from "../_helpers/tasks.ts";
import { fixtureCopy } from "./_fixture.ts";

Deno.test("renderFigures: files, notes JSON (deterministic) and skipped figures", async () => {
  const tables = await fixtureCopy();
  const out = await Deno.makeTempDir();
  try {
    for (const name of ["gwot", "gwot_summary"]) await Deno.remove(join(tables, `${name}.arrow`));
    const figures = selectFigures({ only: ["classification_top1", "gwot/matching_rates"] });
    const first = await renderFigures(figures, { tablesDir: tables, outDir: out, density: 72 });
    const [rendered, skipped] = first.records;
    assert.equal(rendered.status, "rendered");
    assert.ok((await Deno.stat(join(out, "paper/classification_top1.png"))).size > 1000);
    assert.ok(
      (await Deno.readTextFile(join(out, "paper/classification_top1.svg"))).includes("<svg"),
    );
    assert.ok(rendered.notes!.length > 0);
    assert.equal(skipped.status, "skipped");
    assert.match(skipped.reason!, /gwot_summary\.arrow \(deno task align:gwot\)/);
    const json = await Deno.readTextFile(first.notesPath);
    const parsed = JSON.parse(json);
    assert.deepEqual(parsed.figures.map((f: { name: string }) => f.name), [
      "classification_top1",
      "matching_rates",
    ]);
    assert.equal(parsed.figures[0].files.png, "paper/classification_top1.png");
    assert.ok(!("ms" in parsed.figures[0]));
    await renderFigures(figures, { tablesDir: tables, outDir: out, density: 72 });
    assert.equal(await Deno.readTextFile(first.notesPath), json);
    await assert.rejects(
      () => renderFigures(figures, { tablesDir: tables, outDir: out, strict: true }),
      (error: unknown) => error instanceof InputError && /align:gwot/.test(error.message),
    );
  } finally {
    await Deno.remove(tables, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("selectFigures: by name, family/name and family; unknown names throw", () => {
  assert.equal(selectFigures({ only: ["retrieval_curves"] })[0].name, "retrieval_curves");
  assert.equal(selectFigures({ only: ["paper/retrieval_curves"] }).length, 1);
  assert.ok(selectFigures({ family: "paper" }).every((f) => f.family === "paper"));
  assert.equal(selectFigures({}).length, ALL_FIGURES.length);
  assert.throws(() => selectFigures({ only: ["no_such_figure"] }), /no_such_figure/);
});

Deno.test("deno task figures --list prints every figure with purpose and tables", async () => {
  const { code, stdout } = await runTaskCli("figures", ["--list"]);
  assert.equal(code, 0);
  for (const f of ALL_FIGURES) assert.ok(stdout.includes(`${f.family}/${f.name}\n`), f.name);
  assert.match(stdout, /tables: benchmark/);
  const bad = await runTaskCli("figures", ["--only", "no_such_figure"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown figure no_such_figure/);
});

Deno.test("deno task figures writes outputs under --out and skips unchanged reruns", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = ["--out", out, "--tables", FIXTURE_TABLES, "--only", "triplet_satisfaction"];
    const first = await runTaskCli("figures", args, { env: { CI: "1" } });
    assert.equal(first.code, 0, first.stderr);
    assert.ok((await Deno.stat(join(out, "figures/paper/triplet_satisfaction.png"))).isFile);
    assert.ok((await Deno.stat(join(out, "figures/figure_notes.json"))).isFile);
    const second = await runTaskCli("figures", args, { env: { CI: "1" } });
    assert.match(second.stderr, /up to date, skipped/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
