/** Cross-entropy of the image-only classification head (the `baseline` objective). */
import * as tf from "@tensorflow/tfjs";
import {
  checkFloat,
  checkNumber,
  connectedZero,
  fail,
  indexLength,
  type IndexLike,
  toIndexTensor,
} from "./common.ts";

/** Options of {@link crossEntropyLoss}. */
export interface CrossEntropyOptions {
  /** ε ∈ [0, 1): target = (1 − ε)·one-hot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Mean softmax cross-entropy of `logits` [B, C] against integer `labels` [B] (values in [0, C)):
 *
 *   q_bc = (1 − ε)·[c = y_b] + ε/C
 *   L = (1/B) Σ_b Σ_c −q_bc · log softmax(z_b)_c,   log softmax(z)_c = z_c − LSE(z),
 *   LSE(z) = m + log Σ_c exp(z_c − m),  m = max_c z_c
 *
 * The log-sum-exp is max-shifted (`tf.logSoftmax`), so large logits give finite values and
 * gradients. With ε = 0 this is −(1/B) Σ_b log softmax(z_b)_{y_b}. Gradient w.r.t. the logits:
 * (softmax(z_b) − q_b)/B. An empty batch (B = 0) gives a connected 0.
 */
export function crossEntropyLoss(
  logits: tf.Tensor2D,
  labels: IndexLike,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  const name = "crossEntropyLoss";
  const [b, c] = checkFloat(name, "logits", logits, 2);
  const eps = checkNumber(name, "labelSmoothing", options.labelSmoothing ?? 0, { min: 0 });
  if (!(eps < 1)) fail(name, `labelSmoothing must be < 1, got ${eps}`);
  const n = indexLength(name, "labels", labels);
  if (n !== b) fail(name, `labels has ${n} entries for ${b} rows of logits`);
  if (c < 1) fail(name, "logits need at least one class");
  return tf.tidy(() => {
    if (b === 0) return connectedZero(logits);
    const y = toIndexTensor(name, "labels", labels, c);
    const target = eps === 0
      ? tf.oneHot(y, c).toFloat()
      : tf.add(tf.mul(tf.oneHot(y, c).toFloat(), 1 - eps), eps / c);
    const perRow = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits, 1)), 1));
    return tf.mean(perRow) as tf.Scalar;
  });
}
