/**
 * Child process of tests/models/webgpu_test.ts: the WebGPU backend against TF.js's pure-JS `cpu`
 * backend on the same inputs. Runs in its own process because a Vulkan driver loaded before
 * libtensorflow crashes the process (both carry LLVM), and the test runner loads libtensorflow.
 * Prints one JSON line: the adapter, the selection, and the largest relative difference of each
 * output and gradient.
 */
import * as tf from "@tensorflow/tfjs";
import { backendInfo, detectWebgpu, initBackend, switchBackend } from "../../src/models/backend.ts";

const adapter = await detectWebgpu();
if (!adapter.usable) {
  console.log(JSON.stringify({ adapter }));
  Deno.exit(0);
}

/** Largest |a − b| / (1 + |b|) over two arrays (Infinity when their lengths differ). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

/** Run `f` on webgpu and on cpu with the same seeded inputs; the flat outputs of each. */
async function onBoth(f: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const run = async (name: "webgpu" | "cpu") => {
    await switchBackend(name);
    const outs = tf.tidy(f);
    const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outs);
    return values;
  };
  return [await run("webgpu"), await run("cpu")];
}

const selection = await initBackend({ backend: "webgpu", log: false });
const info = backendInfo();
const report: Record<string, unknown> = { adapter, selection, info };
{
  const [gpu, cpu] = await onBoth(() => {
    const a = tf.randomNormal([64, 96], 0, 1, "float32", 1);
    const b = tf.randomNormal([96, 40], 0, 1, "float32", 2);
    const x = tf.randomNormal([2, 12, 12, 8], 0, 1, "float32", 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 16], 0, 0.3, "float32", 4) as tf.Tensor4D;
    const dw = tf.randomNormal([3, 3, 8, 1], 0, 0.3, "float32", 5) as tf.Tensor4D;
    const mean = tf.randomNormal([8], 0, 1, "float32", 6);
    const variance = tf.randomUniform([8], 0.5, 2, "float32", 7);
    return [
      tf.matMul(a, b),
      tf.conv2d(x, w, 1, "same"),
      tf.conv2d(x, w, 2, "valid"),
      tf.depthwiseConv2d(x, dw, 2, "same"),
      tf.relu6(tf.batchNorm(x, mean, variance, undefined, undefined, 1e-3)),
      tf.avgPool(x, 2, 2, "valid"),
      tf.mean(x, [1, 2]),
    ];
  });
  report.ops = gpu.map((g, i) => maxRelDiff(g, cpu[i]));
}
{
  const [gpu, cpu] = await onBoth(() => {
    const x = tf.randomNormal([2, 10, 10, 6], 0, 1, "float32", 11) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 6, 8], 0, 0.3, "float32", 12) as tf.Tensor4D;
    const p = tf.randomNormal([1, 1, 8, 8], 0, 0.3, "float32", 13) as tf.Tensor4D;
    const dw = tf.randomNormal([3, 3, 8, 1], 0, 0.3, "float32", 14) as tf.Tensor4D;
    const dense = tf.randomNormal([8, 5], 0, 0.3, "float32", 15) as tf.Tensor2D;
    const loss = (...args: tf.Tensor[]) => {
      const [xx, ww, pp, dd, de] = args as [
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor2D,
      ];
      const h = tf.relu6(tf.conv2d(xx, ww, 1, "same"));
      const g = tf.depthwiseConv2d(tf.conv2d(h, pp, 2, "valid"), dd, 1, "same");
      const pooled = tf.mean(g, [1, 2]) as tf.Tensor2D;
      return tf.sum(tf.square(tf.matMul(pooled, de)));
    };
    return tf.grads(loss)([x, w, p, dw, dense]);
  });
  report.gradients = gpu.map((g, i) => maxRelDiff(g, cpu[i]));
}
console.log(JSON.stringify(report));
