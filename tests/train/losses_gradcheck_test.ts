/**
 * Numerical gradient checks of every loss w.r.t. its embeddings (or logits / weights) on fresh
 * random, well-conditioned inputs (hinge arguments kept ≥ 0.1 away from the kink, more than a
 * finite-difference step can move them; for the triplet losses, rows and prototypes of norm
 * > 0.75, since the cosine distance's curvature grows like 1/‖x‖³). Each check compares the float32 autodiff gradient with
 * (1) float64 central differences of an independent JS reference (h = 1e-6, tolerance 1e-4 ×
 * the gradient's max-abs entry) and (2) float32 central differences of the TF.js loss itself
 * (h = 1e-2, tolerance 5e-3 × max-abs); see `checkGradient` in losses_helpers.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../src/stats/random.ts";
import {
  batchPrototypeTripletLoss,
  crossEntropyLoss,
  jsdTripletLoss,
  klTripletLoss,
  l2ToInit,
  matrixAlignmentLoss,
  prototypeTripletLoss,
} from "../../src/train/losses/mod.ts";
import { withSeed } from "../_helpers/seed.ts";
import {
  checkGradient,
  f32,
  type Mat,
  meanRelu,
  randn,
  refBatchHinges,
  refCrossEntropy,
  refJsdTriplet,
  refKlTriplet,
  refMatrixAlignment,
  refPrototypeHinges,
  refPrototypes,
  refSoftmax,
} from "./losses_helpers.ts";

const DISTANCES = [
  { distance: "cosine", margin: 0.2, scale: 1 },
  { distance: "sqeuclidean", margin: 1, scale: 0.7 },
] as const;

/** Draw until `ok` holds (inputs away from hinge kinks); fails after 200 tries. */
function draw<T>(rng: Rng, make: (rng: Rng) => T, ok: (v: T) => boolean): T {
  for (let i = 0; i < 200; i++) {
    const v = make(rng);
    if (ok(v)) return v;
  }
  throw new Error("could not draw well-conditioned inputs");
}

/** Smallest row norm (cosine curvature grows like 1/‖x‖³: keep rows away from 0). */
function minNorm(rows: Iterable<number[]>): number {
  return Math.min(...Array.from(rows, (r) => Math.hypot(...r)));
}

/** Hinge arguments away from 0, with at least one active and (if possible) one inactive. */
function wellConditioned(args: number[]): boolean {
  return args.every((a) => Math.abs(a) > 0.1) && args.some((a) => a > 0) &&
    args.some((a) => a < 0);
}

function pick3(rng: Rng, n: number): [number, number, number] {
  const a = rng.int(n);
  let p = rng.int(n);
  while (p === a) p = rng.int(n);
  let q = rng.int(n);
  while (q === a || q === p) q = rng.int(n);
  return [a, p, q];
}

Deno.test("gradcheck: crossEntropyLoss w.r.t. logits (with and without label smoothing)", () =>
  withSeed("gradcheck ce", (rng) => {
    for (const labelSmoothing of [0, 0.1]) {
      const logits = randn(rng, 4, 5, 2);
      const labels = [0, 3, 4, 3];
      checkGradient(
        `ce ε=${labelSmoothing}`,
        (x) => crossEntropyLoss(x, labels, { labelSmoothing }),
        (x) => refCrossEntropy(x, labels, labelSmoothing),
        logits,
      );
    }
  }));

Deno.test("gradcheck: prototypeTripletLoss w.r.t. embeddings (cosine, sqeuclidean)", () =>
  withSeed("gradcheck prototype triplets", (rng) => {
    for (const { distance, margin, scale } of DISTANCES) {
      const { emb, protos, o } = draw(rng, (r) => {
        const t = 8;
        return {
          emb: f32(randn(r, 5, 4, scale)),
          protos: f32(randn(r, 6, 4, scale)),
          o: {
            anchorRows: Array.from({ length: t }, () => r.int(5)),
            positive: Array.from({ length: t }, () => r.int(6)),
            negative: Array.from({ length: t }, () => r.int(6)),
            margin,
            distance,
          },
        };
      }, (v) =>
        wellConditioned(refPrototypeHinges(v.emb, v.protos, v.o)) &&
        minNorm([...v.emb, ...v.protos]) > 0.75);
      const protoTensor = tf.tensor2d(protos);
      checkGradient(
        `prototype triplets ${distance}`,
        (x) => prototypeTripletLoss(x, protoTensor, o),
        (x) => meanRelu(refPrototypeHinges(x, protos, o)),
        emb,
      );
      protoTensor.dispose();
    }
  }));

Deno.test("gradcheck: batchPrototypeTripletLoss w.r.t. embeddings (cosine, sqeuclidean)", () =>
  withSeed("gradcheck batch triplets", (rng) => {
    // concepts 3, 8, 15, 21 with 2 rows each (interleaved) + concept 30 in no triplet
    const conceptOfRow = [8, 3, 15, 21, 3, 8, 21, 15, 30];
    const ids = [3, 8, 15, 21];
    for (const { distance, margin, scale } of DISTANCES) {
      const { emb, o } = draw(rng, (r) => {
        const anchor: number[] = [], positive: number[] = [], negative: number[] = [];
        for (let t = 0; t < 5; t++) {
          const [a, p, n] = pick3(r, ids.length);
          anchor.push(ids[a]);
          positive.push(ids[p]);
          negative.push(ids[n]);
        }
        const o = { anchor, positive, negative, margin, distance };
        return { emb: f32(randn(r, conceptOfRow.length, 4, scale)), o };
      }, (v) =>
        wellConditioned(refBatchHinges(v.emb, conceptOfRow, v.o)) &&
        minNorm(refPrototypes(v.emb, conceptOfRow).values()) > 0.75);
      checkGradient(
        `batch triplets ${distance}`,
        (x) =>
          batchPrototypeTripletLoss(x, conceptOfRow, {
            triplets: { anchor: o.anchor, positive: o.positive, negative: o.negative },
            margin,
            distance,
          }),
        (x) => meanRelu(refBatchHinges(x, conceptOfRow, o)),
        emb,
      );
    }
  }));

Deno.test("gradcheck: matrixAlignmentLoss w.r.t. embeddings (pearson, mse, masked)", () =>
  withSeed("gradcheck matrix", (rng) => {
    // 5 concepts (ids out of order, unequal row counts)
    const conceptOfRow = [40, 2, 17, 40, 9, 2, 33, 17, 40];
    const c = 5;
    const raw = randn(rng, c, c);
    const human: Mat = raw.map((row, i) => row.map((_, j) => (raw[i][j] + raw[j][i]) / 2));
    const mask: Mat = Array.from({ length: c }, () => Array(c).fill(1));
    mask[0][3] = mask[3][0] = 0;
    mask[1][2] = mask[2][1] = 0;
    const h = tf.tensor2d(f32(human));
    const maskTensor = tf.tensor2d(mask);
    for (const kind of ["pearson", "mse"] as const) {
      for (const masked of [false, true]) {
        const emb = randn(rng, conceptOfRow.length, 6);
        checkGradient(
          `matrix ${kind}${masked ? " masked" : ""}`,
          (x) =>
            matrixAlignmentLoss(x, conceptOfRow, {
              humanSimilarity: h,
              kind,
              mask: masked ? maskTensor : undefined,
            }),
          (x) =>
            refMatrixAlignment(x, conceptOfRow, f32(human), {
              kind,
              mask: masked ? mask : undefined,
            }),
          emb,
        );
      }
    }
    tf.dispose([h, maskTensor]);
  }));

Deno.test("gradcheck: klTripletLoss and jsdTripletLoss w.r.t. student logits", () =>
  withSeed("gradcheck distill", (rng) => {
    const teacher = f32(randn(rng, 4, 3).map((z) => refSoftmax(z, 0.5)));
    const p = tf.tensor2d(teacher);
    for (const temperature of [1, 0.5]) {
      const logits = randn(rng, 4, 3);
      checkGradient(
        `kl τ=${temperature}`,
        (x) => klTripletLoss(p, x, { temperature }),
        (x) => refKlTriplet(teacher, x, temperature),
        logits,
      );
      checkGradient(
        `jsd τ=${temperature}`,
        (x) => jsdTripletLoss(p, x, { temperature }),
        (x) => refJsdTriplet(teacher, x, temperature),
        logits,
      );
    }
    p.dispose();
  }));

Deno.test("gradcheck: l2ToInit w.r.t. the weights", () =>
  withSeed("gradcheck l2ToInit", (rng) => {
    const init = f32(randn(rng, 3, 4));
    const w0 = tf.tensor2d(init);
    checkGradient(
      "l2ToInit",
      (x) => l2ToInit([x], [w0], { lambda: 0.3 }),
      (x) => 0.3 * x.flat().reduce((s, v, i) => s + (v - init.flat()[i]) ** 2, 0),
      randn(rng, 3, 4),
    );
    w0.dispose();
  }));
