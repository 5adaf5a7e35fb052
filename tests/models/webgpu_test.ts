/**
 * The WebGPU backend (`--backend webgpu`) against TF.js's pure-JS `cpu` backend on the same
 * inputs: the ops the models run (matrix products, convolutions, depthwise convolutions, batch
 * norm, ReLU6, pooling) and their gradients, in a child process (tests/models/_webgpu_ops.ts;
 * a Vulkan driver loaded before libtensorflow crashes a process). Without a WebGPU adapter the
 * test is ignored with the reason, unless `HT_REQUIRE_WEBGPU=1` (set by `.ci/run`, which installs
 * Mesa's software Vulkan device, lavapipe): then a missing adapter fails.
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";

const TOL = 1e-4; // float32 sums of a few hundred terms, in another order

Deno.test("webgpu: ops and gradients of the models equal the cpu backend", async (t) => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fileURLToPath(new URL("./_webgpu_ops.ts", import.meta.url))],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child failed (exit ${out.code}): ${stderr}`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const report = JSON.parse(lines[lines.length - 1]);
  if (!report.adapter.usable) {
    assert.notEqual(Deno.env.get("HT_REQUIRE_WEBGPU"), "1", `no adapter: ${report.adapter.detail}`);
    console.error(`webgpu test skipped: ${report.adapter.detail}`);
    return;
  }
  console.log(`  webgpu adapter: ${report.adapter.detail}`);
  await t.step("selection and table metadata name the adapter", () => {
    assert.equal(report.selection.name, "webgpu");
    assert.ok(report.selection.canTrain);
    assert.match(report.selection.reason, /WebGPU on /);
    assert.equal(report.info.name, "webgpu");
    assert.equal(report.info.adapter, report.adapter.detail);
  });
  await t.step("ops", () => {
    assert.equal(report.ops.length, 7);
    report.ops.forEach((d: number, i: number) => assert.ok(d < TOL, `output ${i}: ${d}`));
  });
  await t.step("gradients", () => {
    assert.equal(report.gradients.length, 5);
    report.gradients.forEach((d: number, i: number) => assert.ok(d < TOL, `gradient ${i}: ${d}`));
  });
});
