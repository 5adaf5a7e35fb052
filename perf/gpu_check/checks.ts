/**
 * The WebGPU adapter probe and the op/gradient comparison of the WebGPU backend against TF.js's
 * pure-JS `cpu` backend (also run by `tests/models/_webgpu_ops.ts` in the WebGPU test), reported per
 * op by name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { describeAdapter } from "../../src/models/webgpu_adapter.ts";

/** What one `navigator.gpu.requestAdapter()` found. */
export interface AdapterReport {
  /** An adapter was found and a device could be requested from it. */
  usable: boolean;
  /** A software rasteriser (lavapipe, llvmpipe, SwiftShader, WARP) or a fallback adapter. */
  software: boolean;
  /** Vendor, architecture, device and description in one line, or why there is none. */
  detail: string;
  /** `GPUAdapterInfo` fields as WebGPU reports them. */
  info?: Record<string, string>;
  /** Selected limits of the adapter (bytes or counts). */
  limits?: Record<string, number>;
  /** The adapter's optional features. */
  features?: string[];
  /** Whether `requestDevice()` succeeded, or its error. */
  device?: string;
  /** Seconds the probe took. */
  seconds: number;
}

/** First line of an error's message, at most `max` characters. */
export function firstLine(error: unknown, max = 400): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.split("\n").map((s) => s.trim()).find((s) => s !== "") ?? text;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Ask WebGPU for a high-performance adapter and a device, and describe both (named and judged by
 * `describeAdapter`, as `detectWebgpu` does).
 */
export async function probeAdapter(): Promise<AdapterReport> {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  const gpu = (navigator as unknown as { gpu?: GPU }).gpu;
  if (!gpu) {
    return {
      usable: false,
      software: false,
      detail: "no navigator.gpu in this runtime",
      seconds: seconds(),
    };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (error) {
    return {
      usable: false,
      software: false,
      detail: `requestAdapter failed: ${firstLine(error)}`,
      seconds: seconds(),
    };
  }
  if (!adapter) {
    return {
      usable: false,
      software: false,
      detail: "no WebGPU adapter (no Vulkan loader or driver found)",
      seconds: seconds(),
    };
  }
  const raw = (adapter as unknown as { info?: GPUAdapterInfo }).info;
  const info: Record<string, string> = {};
  for (const key of ["vendor", "architecture", "device", "description"] as const) {
    const value = raw?.[key];
    if (value !== undefined) info[key] = String(value);
  }
  const { detail, software } = describeAdapter(adapter);
  const limits: Record<string, number> = {};
  for (
    const key of [
      "maxBufferSize",
      "maxStorageBufferBindingSize",
      "maxComputeWorkgroupStorageSize",
      "maxComputeInvocationsPerWorkgroup",
      "maxComputeWorkgroupsPerDimension",
    ] as const
  ) {
    limits[key] = Number(adapter.limits[key]);
  }
  let device = "ok";
  try {
    const d = await adapter.requestDevice();
    d.destroy();
  } catch (error) {
    device = `requestDevice failed: ${firstLine(error)}`;
  }
  return {
    usable: device === "ok",
    software,
    detail,
    info,
    limits,
    features: [...adapter.features].map(String).sort(),
    device,
    seconds: seconds(),
  };
}

/** Largest |a − b| / (1 + |b|) over two arrays (Infinity when their lengths differ). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Run `f` on `gpu` and on `cpu` with the same seeded inputs; the flat outputs of each. */
export async function onBoth(
  f: () => tf.Tensor[],
  gpu = "webgpu",
  cpu = "cpu",
): Promise<[Float32Array[], Float32Array[]]> {
  const run = async (name: string) => {
    await tf.setBackend(name);
    // the cpu backend's "install our node backend" banner, printed on its first write
    if (name === "cpu") (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    const outs = tf.tidy(f);
    const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outs);
    return values;
  };
  const a = await run(gpu);
  const b = await run(cpu);
  await tf.setBackend(gpu);
  return [a, b];
}

/** Names of the outputs compared by {@link opDiffs}, in order. */
export const OP_NAMES = [
  "matMul",
  "conv2d_same_s1",
  "conv2d_valid_s2",
  "depthwiseConv2d_same_s2",
  "batchNorm_relu6",
  "avgPool",
  "mean_hw",
] as const;

/** Names of the gradients compared by {@link gradientDiffs}, in order. */
export const GRADIENT_NAMES = ["x", "conv3x3", "conv1x1_s2", "depthwise3x3", "dense"] as const;

/** Largest relative difference of each op output, `backend` against cpu (`_webgpu_ops.ts`). */
export async function opDiffs(backend = "webgpu"): Promise<Record<string, number>> {
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
  }, backend);
  return Object.fromEntries(OP_NAMES.map((name, i) => [name, maxRelDiff(gpu[i], cpu[i])]));
}

/** Largest relative difference of each gradient, `backend` against cpu (`_webgpu_ops.ts`). */
export async function gradientDiffs(backend = "webgpu"): Promise<Record<string, number>> {
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
  }, backend);
  return Object.fromEntries(GRADIENT_NAMES.map((name, i) => [name, maxRelDiff(gpu[i], cpu[i])]));
}

/** Names of the gradients compared by {@link strideGradientDiffs}, in order. */
export const STRIDE_GRADIENT_NAMES = [
  "x",
  "conv3x3_s2_same",
  "conv3x3_s2_valid",
  "depthwise3x3_s2_same",
  "depthwise3x3_s2_valid_padded",
  "conv1x1_s1",
] as const;

/**
 * Gradients of the strided convolutions MobileNetV2 has and `_webgpu_ops.ts` does not try
 * (3×3 convolutions and depthwise convolutions with stride 2, `same` and zero-padded `valid`),
 * on odd and even sizes; largest relative difference of each, `backend` against cpu.
 */
export async function strideGradientDiffs(backend = "webgpu"): Promise<Record<string, number>> {
  const [gpu, cpu] = await onBoth(() => {
    const x = tf.randomNormal([2, 13, 13, 4], 0, 1, "float32", 21) as tf.Tensor4D;
    const a = tf.randomNormal([3, 3, 4, 6], 0, 0.3, "float32", 22) as tf.Tensor4D;
    const b = tf.randomNormal([3, 3, 4, 6], 0, 0.3, "float32", 23) as tf.Tensor4D;
    const d1 = tf.randomNormal([3, 3, 6, 1], 0, 0.3, "float32", 24) as tf.Tensor4D;
    const d2 = tf.randomNormal([3, 3, 6, 1], 0, 0.3, "float32", 25) as tf.Tensor4D;
    const p = tf.randomNormal([1, 1, 6, 5], 0, 0.3, "float32", 26) as tf.Tensor4D;
    const loss = (...args: tf.Tensor[]) => {
      const [xx, aa, bb, dd1, dd2, pp] = args as tf.Tensor4D[];
      const h1 = tf.relu6(tf.conv2d(xx, aa, 2, "same")); // 7×7
      const h2 = tf.conv2d(xx, bb, 2, "valid"); // 6×6
      const g1 = tf.depthwiseConv2d(h1, dd1, 2, "same"); // 4×4
      const padded = tf.pad(h2, [[0, 0], [0, 1], [0, 1], [0, 0]]); // 7×7, as ZeroPadding2D
      const g2 = tf.depthwiseConv2d(padded, dd2, 2, "valid"); // 3×3
      const s = tf.add(tf.mean(g1, [1, 2]), tf.mean(g2, [1, 2])).reshape([2, 1, 1, 6]);
      return tf.sum(tf.square(tf.conv2d(s as tf.Tensor4D, pp, 1, "same")));
    };
    return tf.grads(loss)([x, a, b, d1, d2, p]);
  }, backend);
  return Object.fromEntries(
    STRIDE_GRADIENT_NAMES.map((name, i) => [name, maxRelDiff(gpu[i], cpu[i])]),
  );
}
