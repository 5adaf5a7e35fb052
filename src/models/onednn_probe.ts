/**
 * The oneDNN probe's workload, run in a child process by {@link decideOneDnn}
 * (`src/models/onednn.ts`) with `TF_ENABLE_ONEDNN_OPTS=1`.
 *
 * It runs, forward and backward, the convolution shapes that this project's models execute and
 * that are known to crash oneDNN on some CPUs: on an AMD EPYC (Zen 5, AVX-512) whose cache
 * topology reads as zero, the 1×1 convolutions from 1,024 channels at the layer3 → layer4
 * transition of ResNet-50 (1,024 → 512, and 1,024 → 2,048 with stride 2) die with SIGFPE
 * (a division by the cache size inside libtensorflow). Around them: ResNet-50's 7×7 stem, a
 * 3×3 and a 1×1 convolution of layer4, a fused conv + bias + ReLU (the folded frozen models), a
 * depthwise 3×3 convolution (MobileNetV2) and the dense head. When the child prints
 * {@link PROBE_OK} and exits 0, oneDNN ran all of them.
 *
 * `HT_ONEDNN_PROBE_FAULT` simulates a broken CPU for tests: `sigfpe`/`sigsegv` make the child
 * kill itself with that signal before the workload, `error` makes it exit 3.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PROBE_FAULT_ENV, PROBE_OK } from "./onednn.ts";

/** A deterministic tensor with values in [−1, 1) (no RNG state shared with the caller). */
function filled(shape: number[], salt: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = (salt * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2147483648 - 1;
  }
  return tf.tensor(values, shape);
}

/**
 * Run the probe workload on the active backend and return the sum of every output (finite when
 * the kernels computed something). Shapes: batch 4, layer4's input 14×14×1,024.
 */
export function oneDnnWorkload(): number {
  return tf.tidy(() => {
    const conv = (x: tf.Tensor, w: tf.Tensor, stride: number) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, "same");
    // ResNet-50 stem (7×7, stride 2, 3 → 64), forward.
    const stem = conv(filled([2, 64, 64, 3], 1), filled([7, 7, 3, 64], 2), 2);
    // layer4's first block, forward and backward (the shapes that crashed).
    const x = filled([4, 14, 14, 1024], 3);
    const w1 = filled([1, 1, 1024, 512], 4).mul(0.03);
    const w2 = filled([3, 3, 512, 512], 5).mul(0.015);
    const w3 = filled([1, 1, 512, 2048], 6).mul(0.04);
    const ws = filled([1, 1, 1024, 2048], 7).mul(0.03);
    const w4 = filled([1, 1, 2048, 512], 8).mul(0.02);
    const block = (input: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, s: tf.Tensor) => {
      const h1 = tf.relu(conv(input, a, 1));
      const h2 = tf.relu(conv(h1, b, 2));
      const out = tf.relu(conv(h2, c, 1).add(conv(input, s, 2)));
      return conv(out, w4, 1).mean();
    };
    const grads = tf.grads(block)([x, w1, w2, w3, ws]);
    // Fused conv + bias + ReLU (BatchNorm folded into the convolution), forward.
    const fused = tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: w1 as tf.Tensor4D,
      strides: 1,
      pad: "same",
      bias: filled([512], 9),
      activation: "relu",
    });
    // MobileNetV2: depthwise 3×3, forward and backward.
    const dx = filled([4, 14, 14, 96], 10);
    const dw = filled([3, 3, 96, 1], 11);
    const depthwise = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").square().mean()
    )([dx, dw]);
    // Dense head: 2,048 → 1,000, forward and backward.
    const features = filled([8, 2048], 12);
    const dense = tf.grads((f: tf.Tensor, w: tf.Tensor) => tf.matMul(f, w).square().mean())([
      features,
      filled([2048, 1000], 13).mul(0.02),
    ]);
    let total = stem.sum().add(fused.sum());
    for (const g of [...grads, ...depthwise, ...dense]) total = total.add(g.sum());
    return total.dataSync()[0];
  });
}

if (import.meta.main) {
  const fault = Deno.env.get(PROBE_FAULT_ENV);
  if (fault === "sigfpe" || fault === "sigsegv") {
    Deno.kill(Deno.pid, fault === "sigfpe" ? "SIGFPE" : "SIGSEGV");
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  } else if (fault === "error") {
    console.error(`${PROBE_FAULT_ENV}=error: simulated probe failure`);
    Deno.exit(3);
  }
  const { initBackend } = await import("./backend.ts");
  await initBackend({ backend: "tensorflow", log: false });
  const t0 = performance.now();
  const total = oneDnnWorkload();
  if (!Number.isFinite(total)) {
    console.error(`the probe workload computed a non-finite sum (${total})`);
    Deno.exit(4);
  }
  console.log(`${PROBE_OK} ${JSON.stringify({ ms: Math.round(performance.now() - t0), total })}`);
}
