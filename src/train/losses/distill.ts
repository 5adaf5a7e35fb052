/**
 * Small distillation pieces used by AligNet: KL and Jensen–Shannon divergences between teacher
 * and student triplet distributions, and the decay-to-init regulariser.
 */
import * as tf from "@tensorflow/tfjs";
import { checkFloat, checkNumber, connectedZero, fail } from "./common.ts";

/** Options of {@link klTripletLoss} and {@link jsdTripletLoss}. */
export interface TripletDistillOptions {
  /** Student temperature τ > 0: q = softmax(logits / τ). Default 1. */
  temperature?: number;
}

/** Probabilities are floored at this value inside logarithms (0 · log 0 = 0). */
const LOG_FLOOR = 1e-30;

function checkPair(
  name: string,
  teacherProbs: tf.Tensor2D,
  studentLogits: tf.Tensor2D,
  options: TripletDistillOptions,
): number {
  const [t, k] = checkFloat(name, "teacherProbs", teacherProbs, 2);
  const [ts, ks] = checkFloat(name, "studentLogits", studentLogits, 2);
  if (t !== ts || k !== ks) {
    fail(name, `teacherProbs [${t}, ${k}] and studentLogits [${ts}, ${ks}] differ in shape`);
  }
  return checkNumber(name, "temperature", options.temperature ?? 1, { min: 0, strict: true });
}

/** Σ_k p_k log p_k per row, with 0·log 0 = 0. */
function negEntropy(p: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(p, tf.log(tf.maximum(p, LOG_FLOOR))), 1) as tf.Tensor1D;
}

/**
 * Mean KL divergence from the teacher's triplet distribution p (rows of `teacherProbs` [T, K],
 * K = 3 for triplets; each row sums to 1, not checked) to the student's
 * q = softmax(z/τ) (`studentLogits` [T, K]):
 *
 *   L = (1/T) Σ_t Σ_k p_tk (log p_tk − log q_tk),   log q = log-softmax(z/τ) (max-shifted)
 *
 * with 0·log 0 = 0. Identical distributions give 0. The teacher is a constant; its temperature
 * is applied by whoever computed `teacherProbs`; no τ² factor. T = 0 gives a connected 0.
 */
export function klTripletLoss(
  teacherProbs: tf.Tensor2D,
  studentLogits: tf.Tensor2D,
  options: TripletDistillOptions = {},
): tf.Scalar {
  const tau = checkPair("klTripletLoss", teacherProbs, studentLogits, options);
  return tf.tidy(() => {
    if (teacherProbs.shape[0] === 0) return connectedZero(studentLogits);
    const logQ = tf.logSoftmax(tf.div(studentLogits, tau), 1);
    const cross = tf.sum(tf.mul(teacherProbs, logQ), 1);
    return tf.mean(tf.sub(negEntropy(teacherProbs), cross)) as tf.Scalar;
  });
}

/**
 * Mean Jensen–Shannon divergence between the teacher's p and the student's q = softmax(z/τ)
 * (shapes as in {@link klTripletLoss}), with M = (p + q)/2:
 *
 *   L = (1/T) Σ_t [½ KL(p_t ‖ M_t) + ½ KL(q_t ‖ M_t)]  ∈ [0, ln 2]
 *
 * Symmetric and bounded; 0 for identical distributions, ln 2 for disjoint ones. log M is
 * floored at 1e-30 so entries where both p and q vanish contribute 0. T = 0 gives a connected 0.
 */
export function jsdTripletLoss(
  teacherProbs: tf.Tensor2D,
  studentLogits: tf.Tensor2D,
  options: TripletDistillOptions = {},
): tf.Scalar {
  const tau = checkPair("jsdTripletLoss", teacherProbs, studentLogits, options);
  return tf.tidy(() => {
    if (teacherProbs.shape[0] === 0) return connectedZero(studentLogits);
    const logQ = tf.logSoftmax(tf.div(studentLogits, tau), 1);
    const q = tf.exp(logQ);
    const logM = tf.log(tf.maximum(tf.mul(tf.add(teacherProbs, q), 0.5), LOG_FLOOR));
    const klP = tf.sub(negEntropy(teacherProbs), tf.sum(tf.mul(teacherProbs, logM), 1));
    const klQ = tf.sum(tf.mul(q, tf.sub(logQ, logM)), 1);
    return tf.mul(tf.mean(tf.add(klP, klQ)), 0.5) as tf.Scalar;
  });
}

/** Options of {@link l2ToInit}. */
export interface L2ToInitOptions {
  /** Strength λ ≥ 0. */
  lambda: number;
}

/**
 * Decay-to-init regulariser (AligNet's weight decay toward the initial weights):
 *
 *   R = λ · Σ_l ‖W_l − W⁰_l‖²_F      (gradient 2λ(W_l − W⁰_l); no ½ factor)
 *
 * `weights` and `initialWeights` are matched by position and must have equal shapes.
 * `initialWeights` must be constants (plain tensors or non-trainable variables); a trainable
 * variable there is rejected, since the optimiser would otherwise pull the anchor toward the
 * weights. Empty lists give a scalar 0.
 */
export function l2ToInit(
  weights: readonly tf.Tensor[],
  initialWeights: readonly tf.Tensor[],
  options: L2ToInitOptions,
): tf.Scalar {
  const name = "l2ToInit";
  const lambda = checkNumber(name, "lambda", options.lambda, { min: 0 });
  if (weights.length !== initialWeights.length) {
    fail(name, `${weights.length} weights but ${initialWeights.length} initial weights`);
  }
  weights.forEach((w, i) => {
    const w0 = initialWeights[i];
    if (!(w instanceof tf.Tensor) || !(w0 instanceof tf.Tensor)) {
      fail(name, `entry ${i} is not a tf.Tensor`);
    }
    if (w.shape.join() !== w0.shape.join() || w.rank !== w0.rank) {
      fail(name, `entry ${i}: shape [${w.shape}] vs initial [${w0.shape}]`);
    }
    if (w0 instanceof tf.Variable && w0.trainable) {
      fail(name, `initialWeights[${i}] is a trainable variable; pass a constant copy`);
    }
  });
  return tf.tidy(() => {
    if (weights.length === 0) return tf.scalar(0);
    const terms = weights.map((w, i) => tf.sum(tf.square(tf.sub(w, initialWeights[i]))));
    return tf.mul(tf.addN(terms), lambda) as tf.Scalar;
  });
}
