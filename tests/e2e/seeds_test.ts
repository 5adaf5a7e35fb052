/**
 * `--seeds 7,8`: training repeats per seed; each seed has its own checkpoints, tables and cache
 * record.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { loadCheckpoint } from "../../src/train/checkpoint.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

Deno.test("train/embed --seeds 7,8: one run per seed, seed-specific outputs", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-seeds-" });
  for (const [task, args] of [["data", ["--limit-concepts", "8"]], ["human", []]] as const) {
    const r = await runTaskCli(task, [...args, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
  }
  const train = await runTaskCli("train", ["--model", "baseline", "--seeds", "7,8", "--out", out]);
  assert.equal(train.code, 0, train.stderr);
  const a = (await loadCheckpoint(join(out, "checkpoints/baseline/seed-7/final.ckpt")))!;
  const b = (await loadCheckpoint(join(out, "checkpoints/baseline/seed-8/final.ckpt")))!;
  assert.notDeepEqual(
    a.tensors["head/0"].data,
    b.tensors["head/0"].data,
    "different seeds, different heads",
  );
  const t7 = await readTable(join(out, "tables/training/baseline.arrow"));
  const t8 = await readTable(join(out, "tables/training/baseline.seed8.arrow"));
  assert.equal(tableMetadata(t7).seed, 7);
  assert.equal(tableMetadata(t8).seed, 8);
  assert.deepEqual(new Set(t8.getChild("seed")!.toArray()), new Set([8]));
  // each seed has its own cache record: the same command again skips both
  const again = await runTaskCli("train", ["--model", "baseline", "--seeds", "7,8", "--out", out]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /^train:baseline: up to date, skipped/m);
  assert.match(again.stderr, /^train:baseline@8: up to date, skipped/m);
  assert.doesNotMatch(again.stderr, /: running/);
  const bad = await runTaskCli("train", ["--model", "baseline", "--seeds", "7,x", "--out", out]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--seeds must be integers/);
  await Deno.remove(out, { recursive: true });
});
