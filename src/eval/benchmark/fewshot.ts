/**
 * Few-shot classification on frozen embeddings (the AligNet and gLocal papers' downstream test):
 * for n training images per concept, drawn at random, each held-out (test-style) image is
 * assigned to a concept by two classifiers trained on the drawn images (L2-normalised image
 * vectors), and top-1 is averaged over several draws:
 *
 * - nearest centroid (`fewshot<n>_top1`): the concept whose centroid of the n drawn images (mean,
 *   normalised again) is the most cosine-similar;
 * - linear probe (`fewshot<n>_probe_top1`): multinomial logistic regression on the drawn images
 *   (probe.ts: L2 penalty with C = {@link PROBE_C}, scikit-learn's default, balanced class weights
 *   so a concept with fewer than n images weighs as much as the others, as a centroid does;
 *   L-BFGS to max |gradient| ≤ {@link PROBE_TOLERANCE}), the concept with the largest decision
 *   value.
 *
 * The draws depend only on the benchmark seed, the concept and the shot count, never on the
 * model, so every model is scored on the same draws, both classifiers see the same images and the
 * comparisons are paired. Concepts with fewer than n training images use all they have; concepts
 * without any are never predicted. An image counts as correct when no concept scores strictly
 * higher than its own. Intervals: the bootstrap over concepts of the benchmark (each test image's
 * score is its mean over the draws).
 *
 * @module
 */
import { crossProductSimd } from "../../metrics/product_simd.ts";
import { createRng } from "../../stats/random.ts";
import { itemMetric } from "./images.ts";
import type { BenchModel } from "./inputs.ts";
import {
  balancedWeights,
  decisionFunction,
  fitLogistic,
  PROBE_C,
  PROBE_TOLERANCE,
} from "./probe.ts";
import type { ConceptSpace, MetricSpec } from "./spec.ts";
import type { Matrix } from "../../metrics/types.ts";

/** Shot counts of the benchmark. */
export const FEW_SHOTS: readonly number[] = [1, 5];

/** Draws per shot count. */
export const FEW_SHOT_DRAWS = 5;

/**
 * Draws the linear probe is fitted on: the first 3 of the same draws (the probe costs about 20×
 * the centroid, and 3 keep `deno task all` on the embedded default within its 10 minutes).
 */
export const PROBE_DRAWS = 3;

/** Options of {@link fewShotMetrics}. */
export interface FewShotOptions {
  /** The benchmark's concepts. */
  space: ConceptSpace;
  /** Benchmark seed (the draws). */
  seed: number;
  /** Shot counts (default {@link FEW_SHOTS}). */
  shots?: readonly number[];
  /** Draws per shot count (default {@link FEW_SHOT_DRAWS}). */
  draws?: number;
  /** Draws the probe uses, the first of `draws` (default {@link PROBE_DRAWS}, at most `draws`). */
  probeDraws?: number;
  /** Also score the linear probe (default true). */
  probe?: boolean;
  /** The probe's stopping tolerance (default {@link PROBE_TOLERANCE}; tests tighten it). */
  probeTolerance?: number;
}

/**
 * The images a draw uses as shots: for every local concept, `n` of its training rows (all when
 * it has fewer), chosen without replacement by a generator seeded with (seed, n, draw, concept).
 */
export function drawShots(
  trainRows: readonly (readonly number[])[],
  options: { n: number; draw: number; seed: number },
): number[][] {
  return trainRows.map((rows, concept) => {
    if (rows.length <= options.n) return [...rows];
    const rng = createRng(options.seed, {
      label: `fewshot:${options.n}:${options.draw}:${concept}`,
    });
    const order = [...rows];
    rng.shuffle(order);
    return order.slice(0, options.n).sort((a, b) => a - b);
  });
}

/** Per test image, 1 when no concept with shots scores strictly higher than its own, else 0. */
function hitsOf(
  scores: Float64Array,
  options: { owner: Int32Array; column: Int32Array; columns: number },
): Int32Array {
  const { owner, column, columns } = options;
  return Int32Array.from(owner, (concept, i) => {
    const j0 = column[concept];
    if (j0 < 0) return 0;
    const row = scores.subarray(i * columns, (i + 1) * columns);
    const truth = row[j0];
    for (let j = 0; j < columns; j++) if (row[j] > truth) return 0;
    return 1;
  });
}

/** The images of one model's few-shot test (see {@link fewShotData}). */
interface FewShotData {
  /** The model's image vectors (L2-normalised), with concept and split. */
  images: NonNullable<BenchModel["images"]>;
  /** Training rows (image indices) of every local concept: the pool the shots are drawn from. */
  trainRows: number[][];
  /** The test images' vectors, one row each. */
  query: Matrix;
  /** Local concept of every test image. */
  owner: Int32Array;
  /** Class of every local concept (−1: no training images). */
  classOf: Int32Array;
  /** Concepts with training images: the classes both classifiers choose from. */
  classes: number;
}

/** The training pools, test queries and classes of a model's images; null when nothing to score. */
function fewShotData(
  images: NonNullable<BenchModel["images"]>,
  space: ConceptSpace,
): FewShotData | null {
  const dim = images.dim;
  const trainRows: number[][] = Array.from({ length: space.size }, () => []);
  const testRows: number[] = [];
  for (let r = 0; r < images.concept.length; r++) {
    const local = space.local[images.concept[r]];
    if (local < 0) continue;
    if (images.split[r] === "train") trainRows[local].push(r);
    else if (images.split[r] === "test") testRows.push(r);
  }
  // the concepts with training images, in local order: the classes both classifiers choose from
  const classOf = new Int32Array(space.size).fill(-1);
  let classes = 0;
  trainRows.forEach((rows, c) => rows.length > 0 && (classOf[c] = classes++));
  if (testRows.length === 0 || classes === 0) return null;
  const queries = new Float64Array(testRows.length * dim);
  testRows.forEach((r, i) => queries.set(images.vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const query = { data: queries, rows: testRows.length, cols: dim };
  const owner = Int32Array.from(testRows, (r) => space.local[images.concept[r]]);
  return { images, trainRows, query, owner, classOf, classes };
}

/** Cosine similarity of every test image to every class's centroid of its shots (normalised). */
function centroidScores(data: FewShotData, shots: number[][]): Float64Array {
  const { images, classOf, classes } = data;
  const dim = images.dim;
  const centroids = new Float64Array(classes * dim);
  shots.forEach((rows, c) => {
    if (classOf[c] < 0) return;
    const out = centroids.subarray(classOf[c] * dim, (classOf[c] + 1) * dim);
    for (const r of rows) {
      for (let k = 0; k < dim; k++) out[k] += images.vectors[r * dim + k];
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += out[k] * out[k];
    norm = Math.sqrt(norm);
    if (norm > 0) { for (let k = 0; k < dim; k++) out[k] /= norm; }
  });
  return crossProductSimd(data.query, { data: centroids, rows: classes, cols: dim }).data;
}

/** Decision values for every test image of the linear probe fitted on the shots. */
function probeScores(
  data: FewShotData,
  options: { shots: number[][]; tolerance: number },
): Float64Array {
  const { images, classOf, classes } = data;
  const { shots } = options;
  const dim = images.dim;
  const rows = shots.flat();
  const labels = Int32Array.from(shots.flatMap((r, c) => r.map(() => classOf[c])));
  const x = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => x.set(images.vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const fit = fitLogistic({ data: x, rows: rows.length, cols: dim }, {
    labels,
    classes,
    c: PROBE_C,
    weights: balancedWeights(labels, classes),
    tolerance: options.tolerance,
  });
  return decisionFunction(fit, data.query);
}

/** How a shot count is scored: draws, the probe's draws and tolerance, and the seed. */
interface ShotPlan {
  draws: number;
  probe: boolean;
  probeDraws: number;
  probeTolerance: number;
  seed: number;
}

/** Hits per test image, summed over the draws of `n` shots: nearest centroid and probe. */
function shotHits(
  data: FewShotData,
  options: { n: number; plan: ShotPlan },
): { centroid: Int32Array; probe: Int32Array } {
  const { n, plan } = options;
  const { owner, classOf, classes } = data;
  const centroid = new Int32Array(owner.length);
  const probe = new Int32Array(owner.length);
  const hits = (scores: Float64Array) =>
    hitsOf(scores, { owner, column: classOf, columns: classes });
  for (let d = 0; d < plan.draws; d++) {
    const shots = drawShots(data.trainRows, { n, draw: d, seed: plan.seed });
    hits(centroidScores(data, shots)).forEach((h, i) => (centroid[i] += h));
    if (!plan.probe || d >= plan.probeDraws) continue;
    hits(probeScores(data, { shots, tolerance: plan.probeTolerance }))
      .forEach((h, i) => (probe[i] += h));
  }
  return { centroid, probe };
}

/**
 * Few-shot top-1 on the `test` images, one metric per shot count and classifier: nearest
 * centroid (`fewshot<n>_top1`), then the linear probe (`fewshot<n>_probe_top1`).
 */
export function fewShotMetrics(model: BenchModel, options: FewShotOptions): MetricSpec[] {
  const images = model.images;
  if (!images) return [];
  const { space } = options;
  const data = fewShotData(images, space);
  if (!data) return [];
  const { owner } = data;
  const draws = options.draws ?? FEW_SHOT_DRAWS;
  const shotCounts = options.shots ?? FEW_SHOTS;
  const probe = options.probe ?? true;
  const probeDraws = Math.min(draws, options.probeDraws ?? PROBE_DRAWS);
  const plan: ShotPlan = {
    draws,
    probe,
    probeDraws,
    probeTolerance: options.probeTolerance ?? PROBE_TOLERANCE,
    seed: options.seed,
  };
  const centroid: MetricSpec[] = [], probes: MetricSpec[] = [];
  for (const n of shotCounts) {
    const hits = shotHits(data, { n, plan });
    const drawn = `${n} training image${n > 1 ? "s" : ""} per concept, ${draws} draws`;
    const score = (hits: Int32Array, k = draws) => Float64Array.from(hits, (h) => h / k);
    centroid.push(itemMetric({
      metric: `fewshot${n}_top1`,
      subset: "test",
      group: "core",
      note: `nearest centroid of ${drawn}`,
    }, { scores: score(hits.centroid), owner, size: space.size }));
    if (probe) {
      probes.push(itemMetric({
        metric: `fewshot${n}_probe_top1`,
        subset: "test",
        group: "core",
        note: `linear probe (multinomial logistic regression, C = ${PROBE_C}, balanced class ` +
          `weights) on ${n} training image${n > 1 ? "s" : ""} per concept, the first ` +
          `${probeDraws} of the ${draws} draws`,
      }, { scores: score(hits.probe, probeDraws), owner, size: space.size }));
    }
  }
  return [...centroid, ...probes];
}
