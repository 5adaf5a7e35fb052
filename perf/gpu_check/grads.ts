/**
 * Convolution gradient kernels made of ordinary ops, for CPU backends that lack them or run them
 * slowly, so that the device check can time training on the best CPU backend it carries:
 *
 * - tfjs-backend-wasm has no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` or
 *   `DepthwiseConv2dNativeBackpropFilter`, so it cannot train convolutions at all;
 * - the pure-JS `cpu` backend has them, but its `Conv2DBackpropFilter` runs at a few million
 *   multiply-adds per second (34 s for the 1×1 filter gradient of MobileNetV2's `Conv_1` at
 *   batch 32 on the 2-core development machine, against 0.3 s for the forward convolution).
 *
 * Every kernel here is a short sum over the kernel's taps of strided slices, matrix products and
 * depthwise convolutions, which both backends run fast:
 *
 * - filter gradient of a convolution: for each tap (i, j), the strided slice of the padded input
 *   that the tap saw, as an N×Cin matrix, times dy as N×Cout;
 * - filter gradient of a depthwise convolution: for each tap, Σ over batch and positions of the
 *   same slice times dy;
 * - input gradient of a depthwise convolution: dy spread onto the stride grid (zeros between),
 *   padded by k − 1 and correlated with the flipped filter (a stride-1 `valid` depthwise
 *   convolution), then cut to the input's window inside the padding.
 *
 * Dilated convolutions and channel multipliers other than 1 are not covered (MobileNetV2 has
 * neither) and throw. {@link installCompositeGradients} registers them for one backend; the
 * check compares the result against the pure-JS cpu backend's own kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Attrs = Record<string, unknown>;
type Quad = [number, number, number, number];

/** Strides or dilations as [height, width]. */
function pair(v: unknown): [number, number] {
  if (v === undefined || v === null) return [1, 1];
  if (typeof v === "number") return [v, v];
  const a = v as number[];
  return [a[0], a[1] ?? a[0]];
}

/** Output size and padding of a convolution (tfjs's own computation). */
function convInfo(
  inShape: Quad,
  filterShape: Quad,
  attrs: Attrs,
  depthwise: boolean,
): { top: number; bottom: number; left: number; right: number; oh: number; ow: number } {
  const [dh, dw] = pair(attrs.dilations);
  if (dh !== 1 || dw !== 1) throw new Error("composite conv gradients: dilations are not covered");
  const format = attrs.dataFormat;
  if (format !== undefined && format !== "NHWC" && format !== "channelsLast") {
    throw new Error(`composite conv gradients: data format ${format} is not covered`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    pair(attrs.strides),
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
  );
  const p = info.padInfo;
  return {
    top: p.top,
    bottom: p.bottom,
    left: p.left,
    right: p.right,
    oh: info.outHeight,
    ow: info.outWidth,
  };
}

/**
 * For each tap (i, j): the positions of the padded input it met, [B, oh, ow, C]. Made of 4-D
 * slices and reshapes only (wasm's strided slice is several times slower): for stride s, the
 * window [i, i + s·oh) is reshaped so that every s-th row and column is a leading slice.
 */
function taps(
  x: tf.Tensor4D,
  kh: number,
  kw: number,
  info: ReturnType<typeof convInfo>,
  strides: [number, number],
): tf.Tensor4D[] {
  const [b, h, w, c] = x.shape;
  const [sh, sw] = strides;
  const { oh, ow } = info;
  // room for the last window's full s·oh rows (the extra rows are never sampled)
  const extraH = Math.max(0, kh - 1 + sh * oh - (h + info.top + info.bottom));
  const extraW = Math.max(0, kw - 1 + sw * ow - (w + info.left + info.right));
  const xp = tf.pad(x, [
    [0, 0],
    [info.top, info.bottom + extraH],
    [info.left, info.right + extraW],
    [0, 0],
  ]);
  const out: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      if (sh === 1 && sw === 1) {
        out.push(tf.slice(xp, [0, i, j, 0], [b, oh, ow, c]));
        continue;
      }
      const window = tf.slice(xp, [0, i, j, 0], [b, sh * oh, sw * ow, c]);
      const sampled = window.reshape([b * oh, sh, ow, sw * c]).slice([0, 0, 0, 0], [
        b * oh,
        1,
        ow,
        c,
      ]);
      out.push(sampled.reshape([b, oh, ow, c]));
    }
  }
  return out;
}

/** `Conv2DBackpropFilter`: per tap, slice(x)ᵀ · dy. */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  const [kh, kw, cin, cout] = attrs.filterShape as Quad;
  return tf.tidy(() => {
    const info = convInfo(x.shape, [kh, kw, cin, cout], attrs, false);
    const n = dy.shape[0] * dy.shape[1] * dy.shape[2];
    const d = dy.reshape([n, cout]) as tf.Tensor2D;
    const parts = taps(x, kh, kw, info, pair(attrs.strides)).map((s) =>
      tf.matMul(s.reshape([n, cin]) as tf.Tensor2D, d, true, false)
    );
    return tf.stack(parts).reshape([kh, kw, cin, cout]) as tf.Tensor4D;
  });
}

/** `DepthwiseConv2dNativeBackpropFilter` (multiplier 1): per tap, Σ slice(x) ⊙ dy. */
export function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  const [kh, kw, c, mult] = attrs.filterShape as Quad;
  if (mult !== 1) throw new Error("composite conv gradients: channel multiplier ≠ 1");
  return tf.tidy(() => {
    const info = convInfo(x.shape, [kh, kw, c, mult], attrs, true);
    // Σ over batch and positions as a product with ones: a reduction over leading axes would
    // transpose the whole tensor first
    const n = dy.shape[0] * dy.shape[1] * dy.shape[2];
    const ones = tf.ones([1, n]) as tf.Tensor2D;
    const parts = taps(x, kh, kw, info, pair(attrs.strides)).map((s) =>
      tf.matMul(ones, tf.mul(s, dy).reshape([n, c]) as tf.Tensor2D)
    );
    return tf.stack(parts).reshape([kh, kw, c, 1]) as tf.Tensor4D;
  });
}

/** `DepthwiseConv2dNativeBackpropInput` (multiplier 1): full correlation with the flipped filter. */
export function depthwiseInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Attrs,
): tf.Tensor4D {
  const [kh, kw, c, mult] = filter.shape;
  if (mult !== 1) throw new Error("composite conv gradients: channel multiplier ≠ 1");
  const inShape = attrs.inputShape as Quad;
  return tf.tidy(() => {
    const info = convInfo(inShape, filter.shape, attrs, true);
    const [sh, sw] = pair(attrs.strides);
    const [b, oh, ow] = dy.shape;
    let up: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      up = dy.reshape([b, oh, 1, ow, 1, c])
        .pad([[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
        .reshape([b, oh * sh, ow * sw, c])
        .slice([0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]) as tf.Tensor4D;
    }
    const flipped = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
    const full = tf.depthwiseConv2d(
      tf.pad(up, [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]]),
      flipped,
      1,
      "valid",
    );
    // `full` covers rows 0 … (oh−1)·sh + kh − 1 of the padded input; the rest got no gradient
    const hp = inShape[1] + info.top + info.bottom;
    const wp = inShape[2] + info.left + info.right;
    const extended = tf.pad(full, [
      [0, 0],
      [0, Math.max(0, hp - full.shape[1])],
      [0, Math.max(0, wp - full.shape[2])],
      [0, 0],
    ]);
    return extended.slice([0, info.top, info.left, 0], [b, inShape[1], inShape[2], c]);
  });
}

/** The kernels {@link installCompositeGradients} registers, with their implementations. */
const KERNELS: Record<string, (args: KernelArgs) => tf.Tensor> = {
  Conv2DBackpropFilter: ({ inputs, attrs }) =>
    convFilterGrad(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as Attrs),
  DepthwiseConv2dNativeBackpropFilter: ({ inputs, attrs }) =>
    depthwiseFilterGrad(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as Attrs),
  DepthwiseConv2dNativeBackpropInput: ({ inputs, attrs }) =>
    depthwiseInputGrad(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, attrs as Attrs),
};

/**
 * Register the composite gradient kernels for `backendName`, replacing its own where it has
 * them; returns the kernel names that were missing before.
 */
export function installCompositeGradients(backendName: string): string[] {
  const missing: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    else missing.push(kernelName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  return missing;
}
