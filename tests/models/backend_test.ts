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
import { assertFloat32Close } from "../_helpers/numeric.ts";

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

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
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
  assert.match(error.message, /CUDA 11\.2 \+ cuDNN 8\.1/);
  assert.match(error.message, /--backend tensorflow/);
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
  const a = tf.tensor2d(values(37 * 129, 1), [37, 129]);
  const b = tf.tensor2d(values(129 * 23, 2), [129, 23]);
  const x = tf.tensor4d(values(2 * 19 * 19 * 5, 3), [2, 19, 19, 5]);
  const w = tf.tensor4d(values(3 * 3 * 5 * 7, 4), [3, 3, 5, 7]);
  const compute = (a: tf.Tensor2D, b: tf.Tensor2D, x: tf.Tensor4D, w: tf.Tensor4D) =>
    tf.tidy(() => {
      const mm = tf.matMul(a, b);
      const conv = tf.conv2d(x, w, [2, 1], "same");
      const convValid = tf.conv2d(x, w, 1, "valid", "NHWC", 2);
      const loss = (xi: tf.Tensor, wi: tf.Tensor) =>
        tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, "same").square().sum();
      const [dx, dw] = tf.grads(loss)([x, w]);
      return [mm, conv, convValid, dx, dw].map((t) => t.dataSync().slice());
    });
  const sel = await initBackend({ backend: "tensorflow", ...quiet });
  assert.deepEqual(sel.name, "tensorflow", SETUP_HINT);
  const info = backendInfo();
  assert.deepEqual(info.name, "tensorflow");
  assert.match(info.tensorflow ?? "", /^2\.\d+\.\d+/);
  assert.deepEqual(info.tfjs, "4.22.0");
  assert.ok(info.threads >= 1);
  const native = compute(a, b, x, w);
  await switchBackend("cpu");
  const cpu = compute(a, b, x, w);
  // Float32 error model: the scale of every element is the same computation on |a|, |b|, |x|,
  // |w| (no cancellation; the loss gradient 2·conv(|x|, |w|) is the magnitude of dy), and the
  // number of terms is the summation depth of its chain: 129 (matMul), 3·3·5 = 45 (conv), the
  // forward's 45 plus dx's 3·3·7 = 63 or dw's 2·19·19 = 722 (plus the exact ×2 of the square).
  const scale = tf.tidy(() => compute(a.abs(), b.abs(), x.abs(), w.abs()));
  const checks = [
    { label: "matMul", terms: 129 },
    { label: "conv2d same stride [2,1]", terms: 45 },
    { label: "conv2d valid dilation 2", terms: 45 },
    { label: "dx", terms: 45 + 63 + 2 },
    { label: "dw", terms: 45 + 722 + 2 },
  ];
  checks.forEach(({ label, terms }, i) => {
    assert.equal(native[i].length, cpu[i].length, label);
    assertFloat32Close(native[i], cpu[i], { scale: scale[i], terms, label });
  });
  tf.dispose([a, b, x, w]);
});
