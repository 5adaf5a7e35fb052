/**
 * Child process of tests/models/webgpu_test.ts: the WebGPU backend against TF.js's pure-JS `cpu`
 * backend on the same inputs, with the op and gradient checks of the device check
 * (`perf/gpu_check/checks.ts`, one kit for both). Runs in its own process because a Vulkan
 * driver loaded before libtensorflow crashes the process (both carry LLVM), and the test runner
 * loads libtensorflow. Prints one JSON line: the adapter, the selection, and the largest relative
 * difference of each output and gradient.
 */
import { gradientDiffs, opDiffs } from "../../perf/gpu_check/checks.ts";
import { backendInfo, detectWebgpu, initBackend } from "../../src/models/backend.ts";

const adapter = await detectWebgpu();
if (!adapter.usable) {
  console.log(JSON.stringify({ adapter }));
  Deno.exit(0);
}

const selection = await initBackend({ backend: "webgpu", log: false });
const info = backendInfo();
const report: Record<string, unknown> = { adapter, selection, info };
report.ops = Object.values(await opDiffs("webgpu"));
report.gradients = Object.values(await gradientDiffs("webgpu"));
console.log(JSON.stringify(report));
