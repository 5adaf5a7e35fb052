/**
 * AligNet (seed 001; Muttenthaler et al. 2024), the parts that do not train a network:
 * image-triplet sampling (cluster-border, class-border, random), triplet probabilities from
 * similarities, and temperature calibration on validation triplets.
 *
 * A triplet here is (a, b, odd): the sampler puts a and b in one group (a k-means cluster of the
 * teacher's features, or a concept) and `odd` in another, but the teacher decides: its soft label
 * is p = softmax([s(a,b), s(a,odd), s(b,odd)] / τ) over which pair is kept together.
 *
 * @module
 */
import type { Matrix, Triplets } from "../metrics/types.ts";
import { createRng } from "../stats/random.ts";

/** How image triplets are drawn. */
export type TripletSampling = "cluster-border" | "class-border" | "random";

/** The sampling strategies, for flags. */
export const TRIPLET_SAMPLINGS: readonly TripletSampling[] = [
  "cluster-border",
  "class-border",
  "random",
];

/** Options of {@link sampleTriplets}. */
export interface SampleTripletsOptions {
  /** Number of triplets. */
  n: number;
  /** Seed. */
  seed: number;
  /** Label of the random stream (default "alignet-triplets"). */
  label?: string;
}

/**
 * Draw image triplets over items 0…m−1. With `groups` (a group id per item: k-means cluster for
 * cluster-border, concept for class-border), a and b come from one group (a uniformly among items
 * whose group has ≥ 2 members, b uniformly among the others of that group) and `odd` uniformly
 * from the items of every other group: each triplet crosses a group border. Without `groups`
 * (random sampling), three distinct items uniformly. Throws when no valid triplet exists.
 */
export function sampleTriplets(
  m: number,
  groups: Int32Array | null,
  options: SampleTripletsOptions,
): Triplets {
  const rng = createRng(options.seed, { label: options.label ?? "alignet-triplets" });
  const n = options.n;
  const a = new Int32Array(n), b = new Int32Array(n), odd = new Int32Array(n);
  if (!groups) {
    if (m < 3) throw new RangeError(`sampleTriplets: ${m} items, need ≥ 3`);
    for (let t = 0; t < n; t++) {
      a[t] = rng.int(m);
      do b[t] = rng.int(m); while (b[t] === a[t]);
      do odd[t] = rng.int(m); while (odd[t] === a[t] || odd[t] === b[t]);
    }
    return { a, b, odd, n };
  }
  if (groups.length !== m) {
    throw new RangeError(`sampleTriplets: ${groups.length} group labels for ${m} items`);
  }
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const anchors = Array.from({ length: m }, (_, i) => i).filter((i) =>
    members.get(groups[i])!.length >= 2
  );
  if (anchors.length === 0 || members.size < 2) {
    throw new RangeError(
      `sampleTriplets: ${members.size} groups and ${anchors.length} items in a group of ≥ 2; ` +
        "need two groups and one group with two items",
    );
  }
  for (let t = 0; t < n; t++) {
    const i = anchors[rng.int(anchors.length)];
    const same = members.get(groups[i])!;
    let j: number;
    do j = same[rng.int(same.length)]; while (j === i);
    let k: number;
    do k = rng.int(m); while (groups[k] === groups[i]);
    a[t] = i;
    b[t] = j;
    odd[t] = k;
  }
  return { a, b, odd, n };
}

/** Options of {@link sampleTripletBatches}. */
export interface TripletBatchOptions {
  /** Number of batches. */
  batches: number;
  /** Same-group pairs per batch (2 images each). */
  pairsPerBatch: number;
  /** Odd ones combined with each pair, drawn from the batch's other images. */
  oddsPerPair: number;
  /** Seed. */
  seed: number;
  /** Label of the random stream (default "alignet-batches"). */
  label?: string;
}

/**
 * Image triplets in batches that share their images, so a student step scores many triplets for
 * few forward passes: each batch draws `pairsPerBatch` pairs (a, b) as {@link sampleTriplets}
 * does (same group; any two distinct items when `groups` is null), and each pair is combined with
 * `oddsPerPair` distinct odd ones drawn from the batch's other images — with `groups`, only images
 * of another group (each triplet crosses a border). Batch t holds triplets
 * [t·pairsPerBatch·oddsPerPair, (t+1)·pairsPerBatch·oddsPerPair); a pair with fewer eligible odd
 * ones than `oddsPerPair` contributes fewer triplets, so `n` can be below the nominal count.
 */
export function sampleTripletBatches(
  m: number,
  groups: Int32Array | null,
  options: TripletBatchOptions,
): Triplets & { batchStarts: Int32Array } {
  const { batches, pairsPerBatch, oddsPerPair } = options;
  const a: number[] = [], b: number[] = [], odd: number[] = [];
  const batchStarts = new Int32Array(batches + 1);
  const rng = createRng(options.seed, { label: options.label ?? "alignet-batches" });
  for (let t = 0; t < batches; t++) {
    batchStarts[t] = a.length;
    const pairs = sampleTriplets(m, groups, {
      n: pairsPerBatch,
      seed: rng.int(2 ** 31),
      label: "pairs",
    });
    const images = [...new Set([...pairs.a, ...pairs.b])];
    for (let p = 0; p < pairs.n; p++) {
      const i = pairs.a[p], j = pairs.b[p];
      const eligible = images.filter((k) =>
        k !== i && k !== j && (groups ? groups[k] !== groups[i] : true)
      );
      rng.shuffle(eligible);
      for (const k of eligible.slice(0, oddsPerPair)) {
        a.push(i);
        b.push(j);
        odd.push(k);
      }
    }
  }
  batchStarts[batches] = a.length;
  return {
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    odd: Int32Array.from(odd),
    n: a.length,
    batchStarts,
  };
}

/**
 * Triplet logits from row vectors: for each triplet the dot products
 * [v_a·v_b, v_a·v_odd, v_b·v_odd] (row-major, n × 3). With `normalise`, rows are L2-normalised
 * first (cosine similarities).
 */
export function tripletLogits(
  v: Matrix,
  t: Triplets,
  options: { normalise?: boolean } = {},
): Float64Array {
  const d = v.cols;
  const inv = new Float64Array(v.rows).fill(1);
  if (options.normalise) {
    for (let r = 0; r < v.rows; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += v.data[r * d + k] ** 2;
      inv[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
  }
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += v.data[i * d + k] * v.data[j * d + k];
    return s * inv[i] * inv[j];
  };
  const out = new Float64Array(t.n * 3);
  for (let q = 0; q < t.n; q++) {
    out[q * 3] = dot(t.a[q], t.b[q]);
    out[q * 3 + 1] = dot(t.a[q], t.odd[q]);
    out[q * 3 + 2] = dot(t.b[q], t.odd[q]);
  }
  return out;
}

/** Row-wise softmax of n × 3 logits divided by τ (max-shifted). */
export function tripletProbabilities(logits: Float64Array, tau = 1): Float64Array {
  if (!(tau > 0)) throw new RangeError(`tripletProbabilities: τ must be > 0, got ${tau}`);
  const out = new Float64Array(logits.length);
  for (let q = 0; q < logits.length; q += 3) {
    const z0 = logits[q] / tau, z1 = logits[q + 1] / tau, z2 = logits[q + 2] / tau;
    const mx = Math.max(z0, z1, z2);
    const e0 = Math.exp(z0 - mx), e1 = Math.exp(z1 - mx), e2 = Math.exp(z2 - mx);
    const s = e0 + e1 + e2;
    out[q] = e0 / s;
    out[q + 1] = e1 / s;
    out[q + 2] = e2 / s;
  }
  return out;
}

/**
 * Mean KL divergence KL(p ‖ softmax(z/τ)) over n × 3 rows (0·log 0 = 0): the quantity the
 * student minimises, and the criterion of {@link calibrateTemperature}.
 */
export function meanTripletKl(targets: Float64Array, logits: Float64Array, tau = 1): number {
  if (targets.length !== logits.length || targets.length % 3 !== 0) {
    throw new RangeError(
      `meanTripletKl: ${targets.length} targets vs ${logits.length} logits (n × 3 each)`,
    );
  }
  const q = tripletProbabilities(logits, tau);
  let s = 0;
  for (let i = 0; i < targets.length; i++) {
    const p = targets[i];
    if (p > 0) s += p * (Math.log(p) - Math.log(Math.max(q[i], 1e-300)));
  }
  return targets.length ? s / (targets.length / 3) : NaN;
}

/** Result of {@link calibrateTemperature}. */
export interface Calibration {
  /** The chosen temperature. */
  tau: number;
  /** Mean KL(p ‖ softmax(z/τ)) at the chosen τ. */
  kl: number;
}

/**
 * The temperature τ that makes softmax(z/τ) closest to the target distributions p (minimum mean
 * KL, equivalently cross-entropy): a log-spaced grid over [`min`, `max`] (default 10⁻³…10⁴,
 * 57 points), refined by golden-section search between the best grid point's neighbours.
 */
export function calibrateTemperature(
  targets: Float64Array,
  logits: Float64Array,
  options: { min?: number; max?: number; points?: number } = {},
): Calibration {
  const lo = Math.log(options.min ?? 1e-3), hi = Math.log(options.max ?? 1e4);
  const points = options.points ?? 57;
  const f = (logTau: number) => meanTripletKl(targets, logits, Math.exp(logTau));
  let best = 0, bestV = Infinity;
  const grid = Array.from({ length: points }, (_, i) => lo + (hi - lo) * i / (points - 1));
  grid.forEach((x, i) => {
    const v = f(x);
    if (v < bestV) {
      bestV = v;
      best = i;
    }
  });
  let a = grid[Math.max(0, best - 1)], b = grid[Math.min(points - 1, best + 1)];
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const x = (a + b) / 2, v = f(x);
  return v <= bestV ? { tau: Math.exp(x), kl: v } : { tau: Math.exp(grid[best]), kl: bestV };
}

/** Nearest centre (squared Euclidean) of every row: assigns new items to k-means clusters. */
export function nearestCenter(x: Matrix, centers: Matrix): Int32Array {
  const d = x.cols;
  if (centers.cols !== d) {
    throw new RangeError(`nearestCenter: ${d} features vs ${centers.cols}-dim centres`);
  }
  const out = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let best = 0, bestD = Infinity;
    for (let c = 0; c < centers.rows; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x.data[i * d + k] - centers.data[c * d + k]) ** 2;
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
