/** KL / JSD triplet distillation losses and the decay-to-init regulariser, by hand. */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { jsdTripletLoss, klTripletLoss, l2ToInit } from "../../src/train/losses/mod.ts";
import { allClose, close, refSoftmax, value } from "./losses_helpers.ts";

function kl(p: number[][], z: number[][], temperature?: number): number {
  return tf.tidy(() => value(klTripletLoss(tf.tensor2d(p), tf.tensor2d(z), { temperature })));
}

function jsd(p: number[][], z: number[][], temperature?: number): number {
  return tf.tidy(() => value(jsdTripletLoss(tf.tensor2d(p), tf.tensor2d(z), { temperature })));
}

Deno.test("klTripletLoss: identical distributions give 0; hand values", () => {
  const z = [[0.3, -1.2, 2], [1, 1, -4]];
  for (const tau of [1, 0.25, 3]) {
    const p = z.map((row) => refSoftmax(row, tau));
    close(kl(p, z, tau), 0, 1e-6, `identical, τ=${tau}`);
  }
  // p one-hot vs uniform student: ln 3; p = [½, ½, 0] vs uniform: ln 1.5
  close(kl([[1, 0, 0]], [[0, 0, 0]]), Math.log(3), 1e-6, "one-hot vs uniform");
  close(kl([[0.5, 0.5, 0]], [[5, 5, 5]]), Math.log(1.5), 1e-6, "0 log 0 = 0");
  // mean over triplets
  close(kl([[1, 0, 0], [0.5, 0.5, 0]], [[0, 0, 0], [0, 0, 0]]), Math.log(4.5) / 2, 1e-6, "mean");
  // the temperature divides the student logits
  close(kl([[0.2, 0.5, 0.3]], [[2, 4, -2]], 2), kl([[0.2, 0.5, 0.3]], [[1, 2, -1]]), 1e-6, "τ");
});

Deno.test("klTripletLoss: stable for huge logits; gradient (q − p)/(τT)", () => {
  // student certain of the wrong answer by 1e4: KL = 1e4 (p one-hot on index 0)
  close(kl([[1, 0, 0]], [[0, 1e4, 0]]), 1e4, 1e-2, "huge logits");
  const p = tf.tensor2d([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
  const z = tf.tensor2d([[1, 2, 3], [0, -1, 0.5]]);
  const tau = 0.5;
  const g = tf.grad((x: tf.Tensor) => klTripletLoss(p, x as tf.Tensor2D, { temperature: tau }))(z);
  const want = [[1, 2, 3], [0, -1, 0.5]].flatMap((row, t) => {
    const q = refSoftmax(row, tau), pt = [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]][t];
    return q.map((v, k) => (v - pt[k]) / (tau * 2));
  });
  allClose(g.dataSync(), want, 1e-6, "grad");
  tf.dispose([p, z, g]);
});

Deno.test("jsdTripletLoss: 0 for identical, ln 2 for disjoint, hand value", () => {
  const z = [[0.3, -1.2, 2], [1, 1, -4]];
  close(jsd(z.map((r) => refSoftmax(r, 0.5)), z, 0.5), 0, 1e-6, "identical");
  close(jsd([[1, 0, 0]], [[-50, 50, -50]]), Math.LN2, 1e-6, "disjoint");
  // p one-hot, q uniform: M = [2/3, 1/6, 1/6]; KL(p‖M) = ln 1.5, KL(q‖M) = ln 2 / 3
  close(jsd([[1, 0, 0]], [[0, 0, 0]]), 0.5 * (Math.log(1.5) + Math.LN2 / 3), 1e-6, "hand");
  // symmetric in p and q
  const a = [0.7, 0.2, 0.1], b = [0.1, 0.3, 0.6];
  close(jsd([a], [b.map(Math.log)]), jsd([b], [a.map(Math.log)]), 1e-6, "symmetric");
  // huge logits stay finite
  const big = jsd([[0, 0, 1]], [[1e4, -1e4, 0]]);
  close(big, Math.LN2, 1e-6, "huge logits");
  const g = tf.tidy(() => {
    const p = tf.tensor2d([[0, 0, 1], [0.5, 0.5, 0]]);
    const f = (x: tf.Tensor) => jsdTripletLoss(p, x as tf.Tensor2D);
    return tf.grad(f)(tf.tensor2d([[1e4, -1e4, 0], [0, 0, -1e4]])).dataSync();
  });
  assert.ok(Array.from(g).every(Number.isFinite), `finite gradient: ${g}`);
});

Deno.test("klTripletLoss / jsdTripletLoss: empty batch and bad inputs", () => {
  const p0 = tf.zeros([0, 3]) as tf.Tensor2D, z0 = tf.zeros([0, 3]) as tf.Tensor2D;
  close(value(klTripletLoss(p0, z0)), 0, 0, "empty kl");
  close(value(jsdTripletLoss(p0, z0)), 0, 0, "empty jsd");
  const p = tf.tensor2d([[0.2, 0.5, 0.3]]), z = tf.tensor2d([[1, 2]]);
  assert.throws(() => klTripletLoss(p, z), /differ in shape/);
  assert.throws(() => jsdTripletLoss(p, p, { temperature: 0 }), /temperature must be > 0/);
  tf.dispose([p0, z0, p, z]);
});

Deno.test("l2ToInit: λ Σ ‖W − W⁰‖², gradient 2λ(W − W⁰), constants only", () => {
  const w = [tf.tensor1d([1, 2]), tf.tensor2d([[0.5, 0], [1, -1]])];
  const w0 = [tf.tensor1d([0, 0]), tf.tensor2d([[0.5, 1], [0, 0]])];
  // (1 + 4) + (0 + 1 + 1 + 1) = 8; λ = 0.5 → 4
  close(value(l2ToInit(w, w0, { lambda: 0.5 })), 4, 1e-6, "value");
  close(value(l2ToInit(w, w, { lambda: 3 })), 0, 0, "at init");
  close(value(l2ToInit([], [], { lambda: 1 })), 0, 0, "empty");
  const v = tf.variable(tf.tensor1d([1, 2]));
  const { value: total, grads } = tf.variableGrads(
    () => l2ToInit([v, w[1]], [w0[0], w0[1]], { lambda: 0.5 }),
    [v],
  );
  allClose(grads[v.name].dataSync(), [1, 2], 1e-6, "2λ(w − w0)");
  const frozen = tf.variable(tf.tensor1d([0, 0]), false);
  close(value(l2ToInit([v], [frozen], { lambda: 1 })), 5, 1e-6, "non-trainable init is fine");
  const trainable = tf.variable(tf.tensor1d([0, 0]));
  assert.throws(() => l2ToInit([v], [trainable], { lambda: 1 }), /trainable variable/);
  assert.throws(() => l2ToInit(w, [w0[0]], { lambda: 1 }), /2 weights but 1 initial/);
  assert.throws(() => l2ToInit([w[0]], [w0[1]], { lambda: 1 }), /shape \[2\] vs initial \[2,2\]/);
  assert.throws(() => l2ToInit(w, w0, { lambda: -1 }), /lambda/);
  tf.dispose([...w, ...w0, v, total, grads[v.name], frozen, trainable]);
});
