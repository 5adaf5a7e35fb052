/**
 * The CUDA route's package, `@tensorflow/tfjs-node-gpu`, built by `deno task setup:tf --gpu`:
 * on a machine without a GPU (CI builds it with `--gpu --wheel pinned`) it loads under
 * `--backend gpu` with `HT_GPU_ALLOW_CPU=1` and computes a matMul, two conv2d and the conv2d
 * gradients like the cpu backend, within the float32 error model: everything of the route but
 * the GPU kernels. Skipped when the GPU addon is not built, unless `HT_REQUIRE_GPU_ADDON=1`
 * (`.ci/run`).
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { locateTfjsNode, TFJS_NODE_GPU } from "../../src/setup/tf/mod.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { exists } from "../../src/io/files.ts";

Deno.test("tfjs-node-gpu (setup:tf --gpu) computes like the cpu backend under --backend gpu", async () => {
  const pkg = await locateTfjsNode(REPO_ROOT, { name: TFJS_NODE_GPU, install: false });
  if (!await exists(pkg.bindingPath)) {
    assert.notEqual(
      Deno.env.get("HT_REQUIRE_GPU_ADDON"),
      "1",
      `no GPU addon at ${pkg.bindingPath}: run \`deno task setup:tf --gpu\``,
    );
    console.error(`skipped: no GPU addon at ${pkg.bindingPath} (deno task setup:tf --gpu)`);
    return;
  }
  const child = fileURLToPath(new URL("./_gpu_package_ops.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", child],
    cwd: REPO_ROOT,
    env: { HT_GPU_ALLOW_CPU: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child failed (exit ${out.code}):\n${stderr}\n${stdout}`);
  const line = stdout.trim().split("\n").pop()!;
  const report = JSON.parse(line) as {
    selection: { name: string; reason: string };
    checked: string[];
  };
  assert.equal(report.selection.name, "tensorflow-gpu");
  assert.match(report.selection.reason, /@tensorflow\/tfjs-node-gpu with TensorFlow 2\./);
  assert.deepEqual(report.checked.length, 5);
  const source = await Deno.readTextFile(`${pkg.dir}/deps/SOURCE.txt`).catch(() => "");
  if (/^wheel: tensorflow_cpu-/m.test(source)) {
    // CI's build (--wheel pinned): the selection must say that no GPU can be used
    assert.match(report.selection.reason, /its libtensorflow is the CPU-only build/);
  }
  console.log(`  gpu package: ${report.selection.reason}`);
});

Deno.test("--backend gpu without a driver names what is missing and how to run it anyway", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--ext=ts",
      `import { initBackend } from ${
        JSON.stringify(new URL("../../src/models/backend.ts", import.meta.url).href)
      };` +
      `import { detectCuda } from ${
        JSON.stringify(new URL("../../src/models/cuda.ts", import.meta.url).href)
      };` +
      `if ((await detectCuda()).usable) { console.log("HAS-CUDA"); Deno.exit(0); }` +
      `try { await initBackend({ backend: "gpu", log: false }); console.log("LOADED"); }` +
      `catch (e) { console.log("ERR " + e.message); }`,
    ],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (stdout === "HAS-CUDA") return; // a machine with a driver: nothing to say here
  assert.match(stdout, /^ERR --backend gpu: no CUDA driver \(no libcuda\.so\.1/);
  assert.match(stdout, /deno task setup:tf --gpu/);
  assert.match(stdout, /HT_GPU_ALLOW_CPU=1/);
});
