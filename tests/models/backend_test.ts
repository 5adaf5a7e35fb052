/**
 * Backend selection (`src/models/backend.ts`) and the native TensorFlow backend's numbers against
 * the pure-JS cpu backend. The native backend needs `deno task setup:tf` (run by `.ci/run`).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import {
  backendInfo,
  BackendUnavailableError,
  DEFAULT_PROBES,
  detectCuda,
  initBackend,
  switchBackend,
  WEBGPU_IN_AUTO,
} from "../../src/models/backend.ts";
import { checkNativeAgainstCpu } from "../_helpers/native_ops.ts";

const quiet = { log: false as const };
const noWebgpu = {
  usable: false,
  software: false,
  detail: "no WebGPU (test)",
};
const noCuda = {
  detectCuda: () => Promise.resolve({ usable: false, detail: "no CUDA (test)" }),
  probeWebgpu: () => Promise.resolve(noWebgpu),
};
const fakeCuda = {
  detectCuda: () => Promise.resolve({ usable: true, detail: "CUDA driver (test)" }),
};
const fail = (why: string) => () => Promise.reject(new Error(why));
const SETUP_HINT = "the native backend does not load: run `deno task setup:tf` first";

/** Await a rejection of class `cls` whose message contains `text`; returns the error. */
async function rejects<E extends Error>(
  fn: () => Promise<unknown>,
  { cls, text = "" }: { cls: new (...args: never[]) => E; text?: string },
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${error}`);
    assert.ok(error.message.includes(text), `"${error.message}" lacks "${text}"`);
    return error;
  }
  throw new assert.AssertionError({ message: `expected a ${cls.name}` });
}

Deno.test({
  name: "auto: WebGPU only on a real GPU adapter, probed without loading a driver here",
  ignore: !WEBGPU_IN_AUTO,
}, async () => {
  const software = { usable: true, software: true, detail: "llvmpipe (test)" };
  const real = { usable: true, software: false, detail: "NVIDIA H100 (test)" };
  const touched: string[] = [];
  const stubs = (probed: typeof real) => ({
    ...noCuda,
    probeWebgpu: () => Promise.resolve(probed),
    detectWebgpu: () => {
      touched.push("detect");
      return Promise.resolve(probed);
    },
    loadWebgpu: fail("webgpu package refused (test)"),
  });
  const skipSoftware = await initBackend({ backend: "auto", ...quiet, probes: stubs(software) });
  assert.equal(skipSoftware.name, "tensorflow");
  assert.match(skipSoftware.reason, /WebGPU: llvmpipe \(test\) is a software adapter, not a GPU/);
  assert.deepEqual(touched, [], "a software adapter is never requested in this process by auto");
  const realGpu = await initBackend({ backend: "auto", ...quiet, probes: stubs(real) });
  assert.equal(realGpu.name, "tensorflow", "falls back when the package fails");
  assert.match(realGpu.reason, /WebGPU: NVIDIA H100 \(test\), but .*webgpu package refused/);
  assert.deepEqual(touched, ["detect"]);
});

Deno.test("auto picks the native tensorflow backend when it is available", async () => {
  const lines: string[] = [];
  const sel = await initBackend({ backend: "auto", log: (l) => lines.push(l), probes: noCuda });
  assert.deepEqual(sel.name, "tensorflow", `${SETUP_HINT} (${sel.reason})`);
  assert.ok(sel.canTrain);
  assert.deepEqual(sel.trainBackend, "tensorflow");
  assert.match(sel.reason, /native TensorFlow 2\.\d+/);
  assert.match(sel.reason, /GPU: no CUDA \(test\)/);
  assert.deepEqual(tf.getBackend(), "tensorflow");
  assert.deepEqual(lines.length, 1);
  assert.match(lines[0], /^backend: tensorflow \(/);
});

Deno.test("auto on this machine (real CUDA probe) still ends on tensorflow", async () => {
  const cuda = await detectCuda();
  const sel = await initBackend({ backend: "auto", ...quiet });
  // With a CUDA driver but no @tensorflow/tfjs-node-gpu installed, auto explains and moves on.
  assert.deepEqual(sel.name, "tensorflow", sel.reason);
  if (cuda.usable) assert.match(sel.reason, /tfjs-node-gpu/);
  else assert.match(sel.reason, /no CUDA driver/);
});

Deno.test("explicit cpu works and computes", async () => {
  const sel = await initBackend({ backend: "cpu", ...quiet });
  assert.deepEqual(sel.name, "cpu");
  assert.ok(sel.canTrain);
  assert.match(sel.reason, /^requested; pure-JS cpu/);
  assert.deepEqual(tf.getBackend(), "cpu");
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
  assert.deepEqual(await y.data(), new Float32Array([11]));
  y.dispose();
  assert.deepEqual(backendInfo().name, "cpu");
  assert.deepEqual(backendInfo().threads, 1);
});

Deno.test("gpu without CUDA fails with a clear message", async () => {
  const error = await rejects(
    () => initBackend({ backend: "gpu", ...quiet, probes: noCuda }),
    { cls: BackendUnavailableError },
  );
  assert.deepEqual(error.request, "gpu");
  assert.match(error.message, /^--backend gpu: no CUDA \(test\)/);
  assert.match(error.message, /deno task setup:tf --gpu/);
  assert.match(error.message, /--backend tensorflow/);
  assert.match(error.message, /HT_GPU_ALLOW_CPU=1/);
  if (!(await detectCuda()).usable) {
    // The real probe on a machine without a driver says the same.
    await rejects(
      () => initBackend({ backend: "gpu", ...quiet }),
      { cls: BackendUnavailableError, text: "no CUDA driver" },
    );
  }
});

Deno.test("gpu with a CUDA driver but without tfjs-node-gpu names the missing package", async () => {
  const probes = { ...fakeCuda, loadGpu: fail("Import '@tensorflow/tfjs-node-gpu' failed (test)") };
  await rejects(
    () => initBackend({ backend: "gpu", ...quiet, probes }),
    { cls: BackendUnavailableError, text: "@tensorflow/tfjs-node-gpu is unavailable" },
  );
  const sel = await initBackend({ backend: "auto", ...quiet, probes });
  assert.deepEqual(sel.name, "tensorflow");
  assert.match(sel.reason, /skipped: GPU: CUDA driver \(test\), but @tensorflow\/tfjs-node-gpu/);
  let installed = true;
  try {
    import.meta.resolve("@tensorflow/tfjs-node-gpu");
  } catch {
    installed = false;
  }
  if (!installed) {
    // The real loader, on a machine without the package (ours), says so plainly.
    await rejects(
      () => initBackend({ backend: "gpu", ...quiet, probes: fakeCuda }),
      {
        cls: BackendUnavailableError,
        text: "@tensorflow/tfjs-node-gpu is unavailable (not installed)",
      },
    );
  }
});

Deno.test("auto falls back to wasm for inference and cpu for training", async () => {
  const probes = { ...noCuda, loadNative: fail("addon missing (test)") };
  const sel = await initBackend({ backend: "auto", ...quiet, probes });
  assert.deepEqual(sel.name, "wasm");
  assert.deepEqual(sel.canTrain, false);
  assert.deepEqual(sel.trainBackend, "cpu");
  assert.match(sel.reason, /@tensorflow\/tfjs-node unavailable \(addon missing \(test\)\)/);
  assert.match(sel.reason, /deno task setup:tf/);
  assert.deepEqual(tf.getBackend(), "wasm");
  assert.deepEqual(backendInfo().name, "wasm");
  await switchBackend(sel.trainBackend);
  assert.deepEqual(tf.getBackend(), "cpu");

  const none = { ...probes, loadWasm: fail("no wasm (test)") };
  const last = await initBackend({ backend: "auto", ...quiet, probes: none });
  assert.deepEqual(last.name, "cpu");
  assert.match(last.reason, /no wasm \(test\)/);
});

Deno.test("explicit choices fail clearly when unavailable", async () => {
  await rejects(
    () => initBackend({ backend: "tensorflow", ...quiet, probes: { loadNative: fail("x") } }),
    {
      cls: BackendUnavailableError,
      text: "--backend tensorflow: @tensorflow/tfjs-node unavailable (x): run `deno task setup:tf`",
    },
  );
  await rejects(
    () => initBackend({ backend: "wasm", ...quiet, probes: { loadWasm: fail("y") } }),
    {
      cls: BackendUnavailableError,
      text: "--backend wasm: @tensorflow/tfjs-backend-wasm unavailable (y)",
    },
  );
  await rejects(
    // deno-lint-ignore no-explicit-any
    () => initBackend({ backend: "webgl" as any, ...quiet }),
    { cls: BackendUnavailableError, text: 'unknown backend "webgl"' },
  );
});

Deno.test("explicit wasm cannot train", async () => {
  const sel = await initBackend({ backend: "wasm", ...quiet, probes: DEFAULT_PROBES });
  assert.deepEqual(sel, {
    name: "wasm",
    reason: "requested; WebAssembly (SIMD) for inference; training uses the pure-JS cpu backend",
    canTrain: false,
    trainBackend: "cpu",
  });
});

Deno.test("native tensorflow matches the cpu backend: matMul, conv2d and its gradients", async () => {
  let checked: string[] = [];
  try {
    checked = (await checkNativeAgainstCpu("tensorflow")).checked;
  } catch (error) {
    if (error instanceof BackendUnavailableError) assert.fail(`${SETUP_HINT}: ${error.message}`);
    throw error;
  }
  assert.equal(checked.length, 5);
});
