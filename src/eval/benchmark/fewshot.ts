/**
 * Few-shot classification on frozen embeddings (the AligNet and gLocal papers' downstream test):
 * for n training images per concept, drawn at random, each held-out (test-style) image is
 * assigned to the concept whose centroid of the n drawn images (L2-normalised image vectors,
 * mean, normalised again) is the most cosine-similar; top-1 is averaged over several draws. The
 * draws depend only on the benchmark seed, the concept and the shot count, never on the model, so
 * every model is scored on the same draws and the comparisons are paired. Concepts with fewer
 * than n training images use all they have. Intervals: the bootstrap over concepts of the
 * benchmark (each test image's score is its mean over the draws).
 *
 * @module
 */
import { crossProductSimd } from "../../metrics/product_simd.ts";
import { createRng } from "../../stats/random.ts";
import { itemMetric } from "./images.ts";
import type { BenchModel } from "./inputs.ts";
import type { ConceptSpace, MetricSpec } from "./spec.ts";

/** Shot counts of the benchmark. */
export const FEW_SHOTS: readonly number[] = [1, 5];

/** Draws per shot count. */
export const FEW_SHOT_DRAWS = 5;

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

/** Nearest-centroid few-shot top-1 on the `test` images, one metric per shot count. */
export function fewShotMetrics(model: BenchModel, options: FewShotOptions): MetricSpec[] {
  const images = model.images;
  if (!images) return [];
  const { space } = options;
  const dim = images.dim;
  const trainRows: number[][] = Array.from({ length: space.size }, () => []);
  const testRows: number[] = [];
  for (let r = 0; r < images.concept.length; r++) {
    const local = space.local[images.concept[r]];
    if (local < 0) continue;
    if (images.split[r] === "train") trainRows[local].push(r);
    else if (images.split[r] === "test") testRows.push(r);
  }
  const present = trainRows.map((rows) => rows.length > 0);
  if (testRows.length === 0 || !present.some(Boolean)) return [];
  const queries = new Float64Array(testRows.length * dim);
  testRows.forEach((r, i) => queries.set(images.vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const owner = Int32Array.from(testRows, (r) => space.local[images.concept[r]]);
  return (options.shots ?? FEW_SHOTS).map((n) => {
    const draws = options.draws ?? FEW_SHOT_DRAWS;
    const hits = new Int32Array(testRows.length);
    for (let d = 0; d < draws; d++) {
      const shots = drawShots(trainRows, { n, draw: d, seed: options.seed });
      const centroids = new Float64Array(space.size * dim);
      shots.forEach((rows, c) => {
        const out = centroids.subarray(c * dim, (c + 1) * dim);
        for (const r of rows) {
          for (let k = 0; k < dim; k++) out[k] += images.vectors[r * dim + k];
        }
        let norm = 0;
        for (let k = 0; k < dim; k++) norm += out[k] * out[k];
        norm = Math.sqrt(norm);
        if (norm > 0) { for (let k = 0; k < dim; k++) out[k] /= norm; }
      });
      const sims = crossProductSimd(
        { data: queries, rows: testRows.length, cols: dim },
        { data: centroids, rows: space.size, cols: dim },
      );
      for (let i = 0; i < testRows.length; i++) {
        const row = sims.data.subarray(i * space.size, (i + 1) * space.size);
        // correct when no concept with shots scores strictly higher than the true one
        const truth = row[owner[i]];
        let higher = 0;
        for (let j = 0; j < space.size; j++) if (present[j] && row[j] > truth) higher++;
        if (present[owner[i]] && higher === 0) hits[i]++;
      }
    }
    const scores = Float64Array.from(hits, (h) => h / draws);
    return itemMetric({
      metric: `fewshot${n}_top1`,
      subset: "test",
      group: "core",
      note: `nearest centroid of ${n} training image${n > 1 ? "s" : ""} per concept, ${draws} ` +
        "draws",
    }, { scores, owner, size: space.size });
  });
}
