/**
 * The fast convolution gradients of the native backend (src/models/conv_grads.ts) against an
 * independent implementation: TF.js's pure-JS `cpu` backend, on the same inputs, for every fast
 * path (1×1 at strides 1 and 2, odd k×k `same` at stride 1, inside fused conv + bias + ReLU as
 * the layers run them) and for the cases that fall through to TensorFlow's own kernels.
 */
import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "node:assert";
import { initBackend, switchBackend } from "../../src/models/backend.ts";
import {
  FAST_CONV_GRADS_ENV,
  fastBackpropFilter,
  fastBackpropInput,
  fastConvGradientsInstalled,
} from "../../src/models/conv_grads.ts";

await initBackend({ backend: "tensorflow", log: false });

type Case = [
  h: number,
  w: number,
  cin: number,
  cout: number,
  k: number,
  s: number,
  pad: "same" | "valid",
];

const CASES: Case[] = [
  [6, 6, 24, 16, 1, 1, "valid"],
  [6, 5, 24, 16, 1, 1, "same"],
  [14, 14, 32, 48, 1, 2, "valid"], // ResNet-50 res5a_branch1 / branch2a shape, fewer channels
  [7, 9, 8, 12, 1, 2, "same"], // odd sizes: the last strided position is the last row
  [7, 7, 16, 16, 3, 1, "same"], // res5*_branch2b
  [9, 8, 6, 10, 5, 1, "same"],
  [8, 8, 6, 10, 3, 1, "valid"], // falls through
  [10, 10, 6, 10, 3, 2, "same"], // falls through
];

/** Gradients of Σ(fused conv(x, w) + b, ReLU) · dy with respect to x and w, on the active backend. */
function gradients(c: Case): Float32Array[] {
  const [h, w, cin, cout, k, s, pad] = c;
  const seeded = (shape: number[], seed: number, sd: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    let st = seed >>> 0;
    for (let i = 0; i < n; i++) {
      st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
      values[i] = (st / 2 ** 32 - 0.5) * 2 * sd;
    }
    return tf.tensor(values, shape);
  };
  return tf.tidy(() => {
    const x = seeded([2, h, w, cin], 1, 1) as tf.Tensor4D;
    const filter = seeded([k, k, cin, cout], 2, 0.3) as tf.Tensor4D;
    const bias = seeded([cout], 3, 0.1) as tf.Tensor1D;
    const shape = tf.conv2d(x, filter, s, pad).shape;
    const dy = seeded(shape, 4, 1);
    const f = (xx: tf.Tensor, ww: tf.Tensor) =>
      tf.fused.conv2d({
        x: xx as tf.Tensor4D,
        filter: ww as tf.Tensor4D,
        strides: s,
        pad,
        bias,
        activation: "relu",
      }).mul(dy).sum();
    return tf.grads(f)([x, filter]).map((g) => g.dataSync() as Float32Array);
  });
}

/** max |a − b| over max |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

Deno.test("conv grads: installed on the native backend unless switched off", () => {
  const off = Deno.env.get(FAST_CONV_GRADS_ENV) === "0";
  assert.equal(fastConvGradientsInstalled("tensorflow"), !off);
});

Deno.test("conv grads: the input and filter gradients equal the pure-JS cpu backend's (fast paths and fall-throughs)", async () => {
  for (const c of CASES) {
    await switchBackend("tensorflow");
    const native = gradients(c);
    await switchBackend("cpu");
    const reference = gradients(c);
    await switchBackend("tensorflow");
    // float32 sums of at most k·k·cout (dx) or 2·h·w (dW) products of O(1) terms: 1e-5 relative
    // is far above their rounding and far below any indexing mistake (which is O(1))
    assert.ok(
      relativeError(native[0], reference[0]) < 1e-5,
      `dx ${c}: ${relativeError(native[0], reference[0])}`,
    );
    assert.ok(
      relativeError(native[1], reference[1]) < 1e-5,
      `dW ${c}: ${relativeError(native[1], reference[1])}`,
    );
  }
});

Deno.test("conv grads: fast paths only for NHWC, string padding, no dilation; others fall through", () => {
  const dy = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
  const filter = tf.zeros([3, 3, 3, 2]) as tf.Tensor4D;
  const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
  const base = { strides: [1, 1], pad: "same", dataFormat: "NHWC", inputShape: [1, 4, 4, 3] };
  assert.ok(fastBackpropInput(dy, filter, base));
  assert.equal(fastBackpropInput(dy, filter, { ...base, dataFormat: "NCHW" }), undefined);
  assert.equal(
    fastBackpropInput(dy, filter, { ...base, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] }),
    undefined,
  );
  assert.equal(fastBackpropInput(dy, filter, { ...base, dilations: [2, 2] }), undefined);
  assert.equal(fastBackpropInput(dy, filter, { ...base, dimRoundingMode: "floor" }), undefined);
  assert.equal(fastBackpropInput(dy, filter, { ...base, strides: [2, 2] }), undefined);
  assert.equal(fastBackpropFilter(x, dy, { ...base, filterShape: [3, 3, 3, 2] }), undefined);
  assert.ok(fastBackpropFilter(x, dy, { ...base, filterShape: [1, 1, 3, 2] }));
  tf.dispose([dy, filter, x]);
});
