/**
 * `deno task train --backend webgpu` on a 20-concept slice trains the baseline (head and top
 * stages) to the same losses as `--backend tensorflow` on the same data, within float32
 * tolerance. Runs on whatever WebGPU adapter the machine has (CI: Mesa's software lavapipe);
 * without one it is skipped with the reason, unless `HT_REQUIRE_WEBGPU=1` (`.ci/run`).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

const SCHEDULE = ["--model", "baseline", "--head-epochs", "2", "--layer4-epochs", "1"];

Deno.test("train --backend webgpu: the same losses as tensorflow on a 20-concept slice", async () => {
  const webgpu = await Deno.makeTempDir({ prefix: "ht-webgpu-" });
  const native = await Deno.makeTempDir({ prefix: "ht-webgpu-tf-" });
  for (const out of [webgpu, native]) {
    for (const [task, args] of [["data", ["--limit-concepts", "20"]], ["human", []]] as const) {
      const run = await runTaskCli(task, ["--out", out, ...args]);
      assert.equal(run.code, 0, run.stderr);
    }
  }
  const gpuRun = await runTaskCli("train", ["--out", webgpu, "--backend", "webgpu", ...SCHEDULE]);
  if (gpuRun.code !== 0 && /no WebGPU adapter/.test(gpuRun.stderr)) {
    assert.notEqual(Deno.env.get("HT_REQUIRE_WEBGPU"), "1", gpuRun.stderr);
    console.error(`webgpu training test skipped: ${gpuRun.stderr.trim().split("\n").pop()}`);
    return;
  }
  assert.equal(gpuRun.code, 0, gpuRun.stderr);
  assert.match(gpuRun.stderr, /backend: webgpu \(requested; WebGPU on /);
  const tfRun = await runTaskCli("train", [
    "--out",
    native,
    "--backend",
    "tensorflow",
    ...SCHEDULE,
  ]);
  assert.equal(tfRun.code, 0, tfRun.stderr);
  const read = async (out: string) => await readTable(join(out, "tables/training/baseline.arrow"));
  const [g, t] = [await read(webgpu), await read(native)];
  assert.equal(g.numRows, 3, "2 head epochs and 1 top epoch");
  assert.equal(t.numRows, g.numRows);
  const gl = g.getChild("loss_total")!.toArray() as Float64Array;
  const tl = t.getChild("loss_total")!.toArray() as Float64Array;
  console.log(`  final loss: webgpu ${gl.at(-1)}, tensorflow ${tl.at(-1)}`);
  for (let i = 0; i < gl.length; i++) {
    assert.ok(Math.abs(gl[i] - tl[i]) <= 1e-3 * (1 + Math.abs(tl[i])), `epoch ${i + 1}`);
  }
  assert.ok(gl.at(-1)! < gl[0], "the loss falls");
  const backend = tableMetadata(g).backend as { name: string; adapter?: string };
  assert.equal(backend.name, "webgpu");
  assert.ok(backend.adapter, "the adapter is recorded in the table's metadata");
  await Deno.remove(webgpu, { recursive: true });
  await Deno.remove(native, { recursive: true });
});
