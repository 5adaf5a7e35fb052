/**
 * Wall-clock timings live apart from the results (`timings/`): the training log holds no seconds,
 * its timings table does, and the report reads the seconds from there (or, for tables of older
 * versions, from the log itself).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable } from "../../src/io/arrow.ts";
import { loadReportTables } from "../../src/report/tables.ts";
import { modelCards } from "../../src/report/models.ts";
import {
  readTrainingTimings,
  trainingTimingPath,
  writeTrainingTimings,
} from "../../src/tables/timings.ts";
import { writeTrainingLog } from "../../src/tables/training.ts";
import type { LogRow } from "../../src/train/trainer.ts";
import { ROOT } from "../_helpers/tasks.ts";

const FIXTURE = join(ROOT, "tests/fixtures/tables");

function logRows(seconds: number[]): LogRow[] {
  return seconds.map((s, i) => ({
    stage: i < 2 ? "head" : "top",
    epoch: i + 1,
    step: 10 * (i + 1),
    loss_total: 1 / (i + 1),
    loss_ce: 1 / (i + 1),
    loss_triplet: 0,
    loss_matrix: 0,
    train_top1: 0.1 * i,
    val_top1: 0.05 * i,
    seconds: s,
  }));
}

Deno.test("timings: the training log holds no seconds; two runs differing in time write the same log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-timings-" });
  const meta = { task: "train:baseline", version: "test", seed: 7 };
  const write = async (name: string, seconds: number[]) => {
    const path = join(dir, name);
    await writeTrainingLog(path, {
      rows: logRows(seconds),
      model: "baseline",
      seed: 7,
      backend: "cpu",
    }, meta);
    return await Deno.readFile(path);
  };
  const a = await write("a.arrow", [1.5, 2.5, 3.5]);
  const b = await write("b.arrow", [9, 8, 7]);
  assert.deepEqual(a, b, "the same log whatever the epochs took");
  const table = await readTable(join(dir, "a.arrow"));
  assert.ok(!table.schema.fields.some((f) => f.name === "seconds"));

  const path = trainingTimingPath(dir, "baseline");
  assert.equal(await readTrainingTimings(path), undefined, "no timings: undefined");
  await writeTrainingTimings(path, {
    stages: ["head", "head", "top"],
    epochs: [1, 2, 3],
    seconds: [1.5, 2.5, 3.5],
    notes: { train_seconds: 9.25, trunk_seconds: 0, trunk_cache_hit: true },
  }, meta);
  const back = await readTrainingTimings(path);
  assert.deepEqual(back?.seconds, [1.5, 2.5, 3.5]);
  assert.deepEqual(back?.stages, ["head", "head", "top"]);
  assert.deepEqual(back?.epochs, [1, 2, 3]);
  assert.equal(back?.notes.train_seconds, 9.25);
  assert.equal(back?.notes.trunk_cache_hit, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("timings: the report takes epoch seconds and training seconds from timings/, else from an older log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-timings-report-" });
  const tables = join(dir, "tables");
  await Deno.mkdir(tables);
  // the fixture's tables are of an older version: seconds in the log and its notes
  for await (const e of Deno.readDir(FIXTURE)) {
    if (e.isFile) await Deno.copyFile(join(FIXTURE, e.name), join(tables, e.name));
  }
  await Deno.mkdir(join(tables, "training"));
  await Deno.copyFile(
    join(FIXTURE, "training/baseline.arrow"),
    join(tables, "training/baseline.arrow"),
  );
  const before = await loadReportTables(tables);
  const legacy = before.training.find((r) => r.model === "baseline")!;
  assert.ok(legacy.epochs.every((e) => Number.isFinite(e.seconds)), "older log: its seconds");
  assert.deepEqual(legacy.timings, {});
  const n = legacy.epochs.length;
  // a log of this version: its timings table is read, row by row
  const seconds = Array.from({ length: n }, (_, i) => 100 + i);
  await writeTrainingTimings(trainingTimingPath(tables, "baseline"), {
    stages: legacy.epochs.map((e) => e.stage),
    epochs: legacy.epochs.map((e) => e.epoch),
    seconds,
    notes: { train_seconds: 4321.5, trunk_seconds: 12, trunk_cache_hit: false },
  }, { task: "train:baseline", version: "test" });
  const after = await loadReportTables(tables);
  const run = after.training.find((r) => r.model === "baseline")!;
  assert.deepEqual(run.epochs.map((e) => e.seconds), seconds);
  assert.equal(run.timings.train_seconds, 4321.5);
  const card = modelCards(after).find((c) => c.model === "baseline" && c.seed === run.seed)!;
  assert.equal(card.train_seconds, 4321.5);
  assert.equal(
    card.stages.reduce((s, st) => s + st.seconds, 0),
    seconds.reduce((s, x) => s + x, 0),
  );
  // a timings table that does not match its log is an error naming both
  await writeTrainingTimings(trainingTimingPath(tables, "baseline"), {
    stages: ["head"],
    epochs: [1],
    seconds: [1],
    notes: {},
  }, { task: "train:baseline", version: "test" });
  await assert.rejects(
    () => loadReportTables(tables),
    /timings\/training\/baseline\.arrow: expected one row per row of .*training\/baseline\.arrow/,
  );
  await Deno.remove(dir, { recursive: true });
});
