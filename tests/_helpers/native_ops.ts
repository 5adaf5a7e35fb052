/**
 * The native backends' numbers against the pure-JS cpu backend: a matMul, two conv2d (strided
 * `same`, dilated `valid`) and the conv2d gradients, each within the float32 error model. Used by
 * tests/models/backend_test.ts for `tensorflow` (tfjs-node) and by the child process of
 * tests/models/gpu_package_test.ts for `gpu` (tfjs-node-gpu).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import {
  backendInfo,
  type BackendSelection,
  initBackend,
  switchBackend,
} from "../../src/models/backend.ts";
import { assertFloat32Close } from "./numeric.ts";

/** Deterministic values in [-1, 1). */
export function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

/**
 * Select `request`, check the backend metadata, compute the operations there and on `cpu`, and
 * assert every element within the float32 error model. Returns the selection and the labels
 * checked.
 */
export async function checkNativeAgainstCpu(
  request: "tensorflow" | "gpu",
): Promise<{ selection: BackendSelection; checked: string[] }> {
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
  const selection = await initBackend({ backend: request, log: false });
  const expected = request === "gpu" ? "tensorflow-gpu" : "tensorflow";
  assert.deepEqual(selection.name, expected, selection.reason);
  const info = backendInfo();
  assert.deepEqual(info.name, expected);
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
  return { selection, checked: checks.map((c) => c.label) };
}
