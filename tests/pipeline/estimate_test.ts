/** Dry-run estimates from a perf:scale cost model. */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  countImageFolder,
  estimateStageSeconds,
  loadCostReference,
  planEstimates,
} from "../../src/pipeline/estimate.ts";
import { formatPlan, type StagePlan } from "../../src/pipeline/plan.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";

/** A perf:scale report with a few fitted time rows (and rows the estimator must ignore). */
function report() {
  const fit = (size: string, a: number, b: number, power = 1) => ({
    model: { size, ...(power !== 1 ? { power } : {}) },
    points: [],
    fit: { a, b, r2: 1, seB: 0, n: 3, proportional: false },
  });
  return {
    generated: "2026-12-07T00:00:00Z",
    machine: { cpu: "Test CPU", cores: 2, onednn: { enabled: false } },
    options: { backbone: "resnet50" },
    things: { train: 22097, splits: { images: 26107, concepts: 1854 } },
    rows: [
      { name: "data", sub: false, resource: "time", multiplier: 1, cost: fit("images", 1, 0.001) },
      {
        name: "trunk cache",
        sub: false,
        resource: "time",
        multiplier: 1,
        cost: fit("images", 0, 0.03),
      },
      { name: "train:baseline", sub: false, resource: "time", multiplier: 1 },
      {
        name: "train:baseline · top epoch",
        sub: true,
        resource: "time",
        multiplier: 8,
        cost: fit("trainRows", 2, 0.05),
      },
      {
        name: "train:baseline · rest",
        sub: true,
        resource: "time",
        multiplier: 1,
        cost: fit("images", 5, 0.01),
      },
      {
        name: "bench",
        sub: false,
        resource: "time",
        multiplier: 1,
        cost: fit("concepts", 3, 1e-4, 2),
      },
      { name: "embed", sub: false, resource: "time", multiplier: 1, cost: fit("images", 4, 0.02) },
      { name: "data", sub: false, resource: "rss", multiplier: 1, cost: fit("images", 1e8, 1e4) },
    ],
  };
}

Deno.test("estimate: a stage's time is the sum of its fitted rows at the set's size, epochs included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-estimate-" });
  const path = join(dir, "perf_scale.json");
  await Deno.writeTextFile(path, JSON.stringify(report()));
  const ref = (await loadCostReference(path))!;
  assert.equal(ref.machine, "Test CPU, 2 cores, oneDNN off");
  assert.equal(ref.rows.length, 6, "time rows with a fit only");
  const size = { images: 2000, concepts: 100 };
  const close = (a: number | undefined, b: number) =>
    assert.ok(Math.abs(a! - b) < 1e-9, `${a} ≠ ${b}`);
  close(estimateStageSeconds(ref, "data", size), 1 + 0.001 * 2000);
  const trainRows = 22097 * 2000 / 26107;
  close(
    estimateStageSeconds(ref, "train:baseline", size),
    0.03 * 2000 + 8 * (2 + 0.05 * trainRows) + (5 + 0.01 * 2000),
  );
  close(estimateStageSeconds(ref, "bench", size), 3 + 1e-4 * 100 ** 2);
  assert.equal(estimateStageSeconds(ref, "train:matrix_control", size), undefined);
  // the reference timed embed as one piece: each model's unit gets an eighth, the join none
  close(estimateStageSeconds(ref, "embed:baseline@8", size), (4 + 0.02 * 2000) / 8);
  assert.equal(estimateStageSeconds(ref, "embed", size), undefined);
  // an extra seed's baseline: the same epochs, but the trunk cache is the first seed's
  close(
    estimateStageSeconds(ref, "train:baseline@8", size),
    8 * (2 + 0.05 * trainRows) + (5 + 0.01 * 2000),
  );
  assert.equal(await loadCostReference(join(dir, "missing.json")), undefined);
  await Deno.writeTextFile(join(dir, "bad.json"), '{"rows": 3}');
  await assert.rejects(
    loadCostReference(join(dir, "bad.json")),
    /bad\.json: not a perf:scale report/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("estimate: image folders are counted as the data stage lists them; only THINGS runs are estimated", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-estimate-" });
  const root = join(dir, "images");
  for (const c of ["aardvark", "abacus"]) {
    await Deno.mkdir(join(root, "object_images", c), { recursive: true });
    for (const k of [1, 2, 3]) {
      await Deno.writeFile(join(root, "object_images", c, `${c}_0${k}s.jpg`), new Uint8Array(4));
    }
  }
  await Deno.mkdir(join(root, "__MACOSX", "object_images", "abacus"), { recursive: true });
  await Deno.writeFile(
    join(root, "__MACOSX", "object_images", "abacus", "._abacus_01s.jpg"),
    new Uint8Array(4),
  );
  await Deno.mkdir(join(root, "object_images_CC0"), { recursive: true });
  await Deno.writeFile(join(root, "object_images_CC0", "aardvark.jpg"), new Uint8Array(4));
  const concepts = { concepts: new Set(["aardvark", "abacus"]) };
  assert.deepEqual(await countImageFolder(root, concepts), { images: 7, concepts: 2 });
  assert.equal(await countImageFolder(join(dir, "none"), concepts), undefined);

  const path = join(dir, "perf_scale.json");
  await Deno.writeTextFile(path, JSON.stringify(report()));
  await Deno.mkdir(join(dir, "concepts"));
  await Deno.writeTextFile(join(dir, "concepts/unique_id.txt"), "aardvark\nabacus\naccordion\n");
  const things = { ...resolveProfile("things", { dataDir: dir }), imagesRoot: root };
  const est = await planEstimates(things, { backbone: "resnet50", reference: path });
  assert.ok(est.estimate && est.estimateSource);
  assert.ok(Math.abs(est.estimate("data")! - (1 + 0.001 * 7)) < 1e-12);
  assert.match(est.estimateSource, /Test CPU.* at 7 images of 2 concepts/);
  const halved = await planEstimates(things, {
    backbone: "resnet50",
    reference: path,
    limitConcepts: 1,
  });
  assert.ok(
    Math.abs(halved.estimate!("data")! - (1 + 0.001 * 4)) < 1e-12,
    "7 images × 1/2, rounded",
  );
  assert.deepEqual(
    await planEstimates(things, { backbone: "mobilenet_v2_035", reference: path }),
    {},
  );
  assert.deepEqual(
    await planEstimates(resolveProfile("embedded"), { backbone: "resnet50", reference: path }),
    {},
  );

  const plans: StagePlan[] = [
    { stage: "data", action: "skip", reason: "up to date", inputs: 1, outputs: [], lastSeconds: 2 },
    {
      stage: "train:baseline",
      action: "run",
      reason: "never ran here",
      inputs: 3,
      outputs: [],
      estimatedSeconds: 3600,
    },
    { stage: "embed", action: "run", reason: "never ran here", inputs: 3, outputs: [] },
  ];
  const text = formatPlan(plans, est);
  assert.match(text, /train:baseline .*~1h00m est\./);
  assert.match(text, /; ~1h00m estimated for 1 never run here \+ 1 never timed here/);
  assert.match(text, /est\.: perf:scale's cost model/);
  await Deno.remove(dir, { recursive: true });
});
