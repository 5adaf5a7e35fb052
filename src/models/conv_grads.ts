/**
 * Faster convolution gradients on the native CPU backend.
 *
 * With oneDNN off, TensorFlow's CPU `Conv2DBackpropInput` (Eigen) takes 4–20× as long as the
 * forward convolution of the same shape: on the 2-core development machine a ResNet-50 layer4
 * step at batch 64 spent 42 ms per image in forward + backward against 4.4 ms in the forward pass
 * alone. The input gradient of the shapes the trainable tops use is the same arithmetic as an
 * ordinary matrix product or forward convolution, which TensorFlow runs fast:
 *
 * - 1×1 kernel, stride s (any padding: a 1×1 kernel pads nothing): dx at the strided positions
 *   is `dy · Wᵀ` (one matrix product over batch × positions), zeros elsewhere;
 * - k×k kernel (odd k), stride 1, `same` padding: dx = conv(dy, W rotated by 180° with its
 *   channel axes swapped, `same`) — the padding is symmetric, so the transposed convolution is
 *   an ordinary one;
 * - the filter gradient of a 1×1 kernel is `xᵀ · dy` over the strided input positions.
 *
 * Every other case (dilations, explicit padding, NCHW, even kernels with `same`, strided k×k)
 * falls through to TensorFlow's own kernel. The results equal TensorFlow's up to float32
 * summation order (tested against it). {@link installFastConvGradients} registers the two kernels
 * for the `tensorflow` backend, keeping the originals for the other cases; `HT_FAST_CONV_GRADS=0`
 * leaves TensorFlow's kernels in place.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Environment variable that switches the faster gradients off (`0`). */
export const FAST_CONV_GRADS_ENV = "HT_FAST_CONV_GRADS";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelResult = ReturnType<tf.KernelFunc>;

const installed = new Set<string>();

/** Strides as [height, width]. */
function pair(v: number | [number, number] | number[]): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1] ?? v[0]];
}

/** Attributes every fast path needs: NHWC, string padding, no dilation, no rounding mode. */
function plain(attrs: Record<string, unknown>): boolean {
  const format = attrs.dataFormat;
  const dilations = attrs.dilations === undefined ? [1, 1] : pair(attrs.dilations as number);
  return (format === undefined || format === "NHWC" || format === "channelsLast") &&
    (attrs.pad === "same" || attrs.pad === "valid") && attrs.dimRoundingMode == null &&
    dilations[0] === 1 && dilations[1] === 1;
}

/**
 * Spread `[B, oh, ow, C]` onto the strided positions of `[B, H, W, C]` (zeros elsewhere): the
 * input gradient of a strided 1×1 convolution.
 */
function unstride(
  values: tf.Tensor4D,
  shape: [number, number, number, number],
  strides: [number, number],
): tf.Tensor4D {
  const [b, oh, ow, c] = values.shape;
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return values;
  const spread = values.reshape([b, oh, 1, ow, 1, c])
    .pad([[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
    .reshape([b, oh * sh, ow * sw, c]) as tf.Tensor4D;
  return spread.slice([0, 0, 0, 0], [b, shape[1], shape[2], c]);
}

/** The input gradient by a fast path, or undefined where TensorFlow's kernel must do it. */
export function fastBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Record<string, unknown>,
): tf.Tensor4D | undefined {
  if (!plain(attrs)) return undefined;
  const shape = attrs.inputShape as [number, number, number, number];
  const [kh, kw, cin, cout] = filter.shape;
  const strides = pair(attrs.strides as number);
  if (kh === 1 && kw === 1) {
    return tf.tidy(() => {
      const [b, oh, ow] = dy.shape;
      const dx = tf.matMul(
        dy.reshape([b * oh * ow, cout]) as tf.Tensor2D,
        filter.reshape([cin, cout]) as tf.Tensor2D,
        false,
        true,
      ).reshape([b, oh, ow, cin]) as tf.Tensor4D;
      return unstride(dx, shape, strides);
    });
  }
  if (
    kh % 2 === 1 && kw % 2 === 1 && strides[0] === 1 && strides[1] === 1 && attrs.pad === "same"
  ) {
    return tf.tidy(() => {
      const rotated = tf.reverse(filter, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
      return tf.conv2d(dy, rotated, 1, "same");
    });
  }
  return undefined;
}

/** The filter gradient by a fast path (1×1 kernels), or undefined. */
export function fastBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Record<string, unknown>,
): tf.Tensor4D | undefined {
  if (!plain(attrs)) return undefined;
  const [kh, kw, cin, cout] = attrs.filterShape as [number, number, number, number];
  if (kh !== 1 || kw !== 1) return undefined;
  const [sh, sw] = pair(attrs.strides as number);
  return tf.tidy(() => {
    const [b, oh, ow] = dy.shape;
    const sampled = sh === 1 && sw === 1 ? x : tf.stridedSlice(
      x,
      [0, 0, 0, 0],
      [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, cin],
      [1, sh, sw, 1],
    ) as tf.Tensor4D;
    return tf.matMul(
      sampled.reshape([b * oh * ow, cin]) as tf.Tensor2D,
      dy.reshape([b * oh * ow, cout]) as tf.Tensor2D,
      true,
      false,
    ).reshape([1, 1, cin, cout]) as tf.Tensor4D;
  });
}

/** Replace one kernel of a backend by `fast`, falling back to the original kernel. */
function override(
  kernelName: string,
  backendName: string,
  fast: (args: KernelArgs) => tf.Tensor | undefined,
): void {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) throw new Error(`no ${kernelName} kernel registered for ${backendName}`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args: KernelArgs): KernelResult => fast(args) ?? original.kernelFunc(args),
  });
}

/**
 * Register the fast input and filter gradients for `backendName` (default `tensorflow`), once;
 * false when already installed, switched off by `HT_FAST_CONV_GRADS=0`, or when the backend has
 * no such kernels.
 */
export function installFastConvGradients(backendName = "tensorflow"): boolean {
  let off = false;
  try {
    off = Deno.env.get(FAST_CONV_GRADS_ENV) === "0";
  } catch { /* no --allow-env: on */ }
  if (off || installed.has(backendName)) return false;
  const names = ["Conv2DBackpropInput", "Conv2DBackpropFilter"];
  if (!names.every((name) => tf.getKernel(name, backendName))) return false;
  override("Conv2DBackpropInput", backendName, ({ inputs, attrs }) =>
    fastBackpropInput(
      inputs.dy as tf.Tensor4D,
      inputs.filter as tf.Tensor4D,
      attrs as Record<string, unknown>,
    ));
  override("Conv2DBackpropFilter", backendName, ({ inputs, attrs }) =>
    fastBackpropFilter(
      inputs.x as tf.Tensor4D,
      inputs.dy as tf.Tensor4D,
      attrs as Record<string, unknown>,
    ));
  installed.add(backendName);
  return true;
}

/** Whether the fast gradients are installed for a backend. */
export function fastConvGradientsInstalled(backendName = "tensorflow"): boolean {
  return installed.has(backendName);
}
