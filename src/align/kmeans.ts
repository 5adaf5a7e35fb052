/**
 * k-means for AligNet's triplet sampling (seed 001): k-means++ seeding from a seeded generator,
 * Lloyd iterations until no label changes, inertia (sum of squared distances to the assigned
 * centre), and the elbow criterion for choosing k from an inertia curve.
 *
 * @module
 */
import { crossProductSimd } from "../metrics/product_simd.ts";
import type { Matrix } from "../metrics/types.ts";
import { createRng } from "../stats/random.ts";

/** Result of {@link kmeans}. */
export interface KMeansResult {
  /** k × d centres, row-major. */
  centers: Float64Array;
  /** Cluster of every row. */
  labels: Int32Array;
  /** Σ squared distance of every row to its centre. */
  inertia: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** The k-means++ starting centres (k × d), e.g. to replay the run elsewhere. */
  initialCenters: Float64Array;
}

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /** Number of clusters (1 ≤ k ≤ rows). */
  k: number;
  /** Seed of the k-means++ draws. */
  seed: number;
  /** Lloyd iteration cap (default 300). */
  maxIter?: number;
}

function squaredDistance(x: Float64Array, i: number, c: Float64Array, j: number, d: number) {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = x[i * d + t] - c[j * d + t];
    s += v * v;
  }
  return s;
}

/** k-means++ seeding: the first centre uniformly, then each with probability ∝ D(x)². */
function plusPlus(x: Matrix, k: number, seed: number): Float64Array {
  const { rows: n, cols: d, data } = x;
  const rng = createRng(seed, { label: "kmeans++" });
  const centers = new Float64Array(k * d);
  const first = rng.int(n);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  const dist = Float64Array.from({ length: n }, (_, i) => squaredDistance(data, i, centers, 0, d));
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (const v of dist) total += v;
    let pick = n - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= dist[i];
        if (r < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    centers.set(data.subarray(pick * d, (pick + 1) * d), c * d);
    for (let i = 0; i < n; i++) {
      dist[i] = Math.min(dist[i], squaredDistance(data, i, centers, c, d));
    }
  }
  return centers;
}

/**
 * Lloyd's k-means from `initial` centres (k × d) until no label changes (or `maxIter`); an empty
 * cluster keeps its previous centre.
 */
export function lloyd(x: Matrix, initial: Float64Array, options: { maxIter?: number } = {}) {
  const { rows: n, cols: d, data } = x;
  const k = initial.length / d;
  const centers = Float64Array.from(initial);
  const labels = new Int32Array(n).fill(-1);
  const maxIter = options.maxIter ?? 300;
  let iterations = 0;
  // ‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²: the cross products come from one blocked matrix product
  // per iteration; ‖x‖² is the same for every centre, so it is left out of the comparison.
  for (; iterations < maxIter; iterations++) {
    let changed = 0;
    const dots = crossProductSimd(x, { data: centers, rows: k, cols: d }).data;
    const norms = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += centers[c * d + t] ** 2;
      norms[c] = s;
    }
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = norms[c] - 2 * dots[i * k + c];
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
    }
    if (changed === 0) break;
    const sums = new Float64Array(k * d), counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let t = 0; t < d; t++) sums[labels[i] * d + t] += data[i * d + t];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let t = 0; t < d; t++) centers[c * d + t] = sums[c * d + t] / counts[c];
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistance(data, i, centers, labels[i], d);
  return { centers, labels, inertia, iterations };
}

/** k-means with k-means++ seeding (see the module documentation). */
export function kmeans(x: Matrix, options: KMeansOptions): KMeansResult {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > x.rows) {
    throw new RangeError(`kmeans: k = ${k} for ${x.rows} rows`);
  }
  const initialCenters = plusPlus(x, k, options.seed);
  return { ...lloyd(x, initialCenters, options), initialCenters };
}

/**
 * The elbow of an inertia curve (the "kneedle" rule): with k and inertia both scaled to [0, 1],
 * the k whose point lies farthest below the chord from the first to the last point.
 */
export function elbowK(curve: readonly { k: number; inertia: number }[]): number {
  if (curve.length < 3) return curve[0]?.k ?? NaN;
  const first = curve[0], last = curve[curve.length - 1];
  const kSpan = last.k - first.k || 1, iSpan = first.inertia - last.inertia || 1;
  let best = first.k, bestGap = -Infinity;
  for (const p of curve) {
    const kx = (p.k - first.k) / kSpan;
    const iy = (first.inertia - p.inertia) / iSpan; // rises from 0 to 1
    const gap = iy - kx; // distance above the diagonal of the normalised, inverted curve
    if (gap > bestGap) {
      bestGap = gap;
      best = p.k;
    }
  }
  return best;
}
