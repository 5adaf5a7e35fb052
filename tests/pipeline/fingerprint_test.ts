import { strict as assert } from "node:assert";
import { join } from "node:path";
import { codeHash, moduleFiles } from "../../src/pipeline/fingerprint.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

const rel = (files: string[]) => files.map((f) => f.slice(REPO_ROOT.length + 1));

Deno.test("moduleFiles: a stage's code is what its module reaches, workers and configs included", async () => {
  const human = rel(await moduleFiles([join(REPO_ROOT, "src/human/stage.ts")]));
  assert.ok(human.includes("src/human/similarity.ts"), "static import");
  assert.ok(human.includes("src/human/similarity_worker.ts"), "worker via new URL(...)");
  assert.ok(!human.includes("src/train/trainer.ts"), "training code does not rerun `human`");
  const train = rel(await moduleFiles([join(REPO_ROOT, "src/train/stage.ts")]));
  assert.ok(train.includes("src/train/configs/baseline.json"), "config folder via new URL(...)");
  assert.ok(!train.includes("src/eval/benchmark/stage.ts"), "benchmark code does not retrain");
});

Deno.test("codeHash: changes with a reached file, not with an unrelated one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-code-" });
  try {
    await Deno.writeTextFile(
      join(dir, "a.ts"),
      `import { b } from "./b.ts";\nexport const a = b;\n`,
    );
    await Deno.writeTextFile(join(dir, "b.ts"), "export const b = 1;\n");
    await Deno.writeTextFile(join(dir, "c.ts"), "export const c = 1;\n");
    const entry = join(dir, "a.ts");
    const h1 = await codeHash([entry]);
    await Deno.writeTextFile(join(dir, "c.ts"), "export const c = 2;\n");
    assert.equal(await codeHash([entry]), h1);
    await Deno.writeTextFile(join(dir, "b.ts"), "export const b = 2;\n");
    assert.notEqual(await codeHash([entry]), h1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("moduleFiles: no stage's code hash reaches outside src/ and tasks/ (no repo root, no node_modules)", async () => {
  const { glocalStage } = await import("../../src/align/glocal_stage.ts");
  const { alignetStage } = await import("../../src/align/alignet_stage.ts");
  const { gwotStage } = await import("../../src/align/gwot_stage.ts");
  const { embedStage } = await import("../../src/train/embed_stage.ts");
  const { trainStage } = await import("../../src/train/stage.ts");
  const { benchStage } = await import("../../src/eval/benchmark/stage.ts");
  const { figuresStage } = await import("../../src/figures/stage.ts");
  const { siteStage } = await import("../../src/report/stage.ts");
  for (
    const stage of [
      glocalStage,
      alignetStage,
      gwotStage,
      embedStage,
      trainStage("baseline"),
      benchStage,
      figuresStage,
      siteStage,
    ]
  ) {
    const files = await moduleFiles(stage.modules ?? []);
    const outside = files.filter((f) =>
      !/^(src|tasks|report|data\/embedded\/fonts|node_modules\/dejavu)/.test(
        f.slice(REPO_ROOT.length + 1),
      )
    );
    assert.ok(
      files.every((f) => !f.includes("/node_modules/")) || stage.name === "figures" ||
        stage.name === "site",
      `${stage.name}: reaches node_modules`,
    );
    assert.ok(files.length < 1000, `${stage.name}: ${files.length} files`);
    assert.ok(
      outside.length < 50,
      `${stage.name}: ${outside.length} files outside src/: ${outside.slice(0, 5).join(", ")}`,
    );
  }
});
