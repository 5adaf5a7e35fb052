/**
 * The GWOT analysis of two dissimilarity matrices over the same objects in the same order (as in
 * GWTune, seed 003): entropic GW for every ε of a log grid from several initial plans, the
 * minimum-GW-distance solution and the highest-matching-rate solution (seed 003 reports both),
 * their top-k and category matching rates, and chance levels of those rates by permuting the
 * object labels.
 *
 * @module
 */
import type { Matrix } from "../metrics/types.ts";
import { createRng, type Rng } from "../stats/random.ts";
import { matchingRate } from "./gwot.ts";
import { entropicGwTf } from "./gwot_tf.ts";

/** One (ε, initial plan) run of a sweep. */
export interface GwotRun {
  epsilon: number;
  /** 0 = the product plan p·qᵀ; 1… = seeded random plans. */
  init: number;
  gwDistance: number;
  top1: number;
  top5: number;
  top10: number;
  /** Share of objects whose row argmax shares a category with them (NaN without categories). */
  categoryRate: number;
  iterations: number;
  converged: boolean;
  seconds: number;
}

/** Chance levels of a plan's rates by permuting the object labels ({@link permutationChance}). */
export interface GwotChance {
  top1Mean: number;
  top1P95: number;
  /** 5th percentile of the permuted top-1 rates. */
  top1P05: number;
  categoryMean: number;
  categoryP95: number;
  /** 5th percentile of the permuted category rates. */
  categoryP05: number;
  permutations: number;
}

/** Result of {@link gwotSweep}. */
export interface GwotSweepResult {
  runs: GwotRun[];
  /** Index into `runs` of the minimum-GW-distance run. */
  best: number;
  /** Plan of the best run (n×n, row-major). */
  plan: Float64Array;
  /** Chance levels of the best plan's rates by permuting object labels. */
  chance: GwotChance;
  /** Index into `runs` of the highest-matching-rate run ({@link bestMatchingRun}). */
  bestMatching: number;
  /** Chance levels of the highest-matching-rate run's plan (the same permutations). */
  matchingChance: GwotChance;
}

/** Options of {@link gwotSweep}. */
export interface GwotSweepOptions {
  /** ε values (default: {@link scaledEpsilons} of `epsilonScales`). */
  epsilons?: number[];
  /**
   * ε as multiples of the RDMs' dissimilarity scale, used when `epsilons` is not given (default
   * {@link DEFAULT_EPSILON_SCALES}).
   */
  epsilonScales?: readonly number[];
  /** Initial plans per ε (default 3: the product plan and two random ones). */
  inits?: number;
  /** Seed of the random initial plans and the permutations. */
  seed: number;
  /** Category labels per object (for the category matching rate). */
  categories?: string[][];
  /** Gradient-step cap per run (default 300). */
  maxIter?: number;
  /** Label permutations for the chance levels (default 1000). */
  permutations?: number;
  /** Progress per run. */
  log?: (message: string) => void;
}

/** Mean off-diagonal dissimilarity of a square matrix. */
function meanOffDiagonal(m: Matrix): number {
  let s = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.rows; j++) if (i !== j) s += m.data[i * m.rows + j];
  }
  return s / (m.rows * (m.rows - 1));
}

/** The default ε grid in units of the dissimilarity scale: 5 values log-spaced over [10⁻³, 10⁻¹]. */
export const DEFAULT_EPSILON_SCALES: readonly number[] = Array.from(
  { length: 5 },
  (_, i) => 10 ** (-3 + i * 0.5),
);

/**
 * ε values as `scales` × the dissimilarity scale of the two RDMs (the geometric mean of their mean
 * off-diagonal dissimilarities); default scales {@link DEFAULT_EPSILON_SCALES}.
 */
export function scaledEpsilons(
  a: Matrix,
  b: Matrix,
  scales: readonly number[] = DEFAULT_EPSILON_SCALES,
): number[] {
  const scale = Math.sqrt(meanOffDiagonal(a) * meanOffDiagonal(b));
  return scales.map((s) => scale * s);
}

/** A random plan with uniform marginals: seeded uniform entries, then 50 rounds of scaling. */
export function randomPlan(n: number, rng: Rng): Float64Array {
  const t = Float64Array.from({ length: n * n }, () => rng.next() + 1e-3);
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += t[i * n + j];
      const f = 1 / (n * s);
      for (let j = 0; j < n; j++) t[i * n + j] *= f;
    }
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) col[j] += t[i * n + j];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[i * n + j] /= n * col[j];
  }
  return t;
}

/** Row argmax of a plan. */
function rowArgmax(plan: Float64Array, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < n; j++) if (plan[i * n + j] > plan[i * n + best]) best = j;
    return best;
  });
}

/**
 * Category matching rate: among objects with at least one category, the share whose row argmax
 * (the object they are matched to) shares a category with them.
 */
export function categoryMatchingRate(
  plan: Float64Array,
  options: { n: number; categories: string[][] },
): number {
  const identity = Int32Array.from({ length: options.n }, (_, i) => i);
  return categoryWithLabels(rowArgmax(plan, options.n), options.categories, identity);
}

/** The `q`-quantile of `values` (nearest rank, 0 ≤ q ≤ 1). */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}

/**
 * GWOT between `a` and `b` (n×n dissimilarities of the same objects in the same order): every ε
 * × every initial plan, keep the minimum-GW-distance run and the highest-matching-rate run
 * ({@link bestMatchingRun}); rates of the kept plans and their chance levels (see the module
 * documentation).
 */
export async function gwotSweep(
  a: Matrix,
  b: Matrix,
  options: GwotSweepOptions,
): Promise<GwotSweepResult> {
  const n = a.rows;
  if (b.rows !== n) throw new RangeError(`gwotSweep: ${n} vs ${b.rows} objects`);
  const epsilons = options.epsilons ?? scaledEpsilons(a, b, options.epsilonScales);
  const inits = options.inits ?? 3;
  const rng = createRng(options.seed, { label: "gwot-init" });
  const plans = Array.from(
    { length: inits },
    (_, k) => (k === 0 ? undefined : randomPlan(n, rng.fork(`init-${k}`))),
  );
  const runs: GwotRun[] = [];
  // only the plans of the two kept runs are held (the full THINGS sweep has 15 plans of 1854²)
  let best = -1, bestMatching = -1;
  let bestPlan: Float64Array | undefined, matchingPlan: Float64Array | undefined;
  for (const epsilon of epsilons) {
    for (let init = 0; init < inits; init++) {
      const start = performance.now();
      const r = await entropicGwTf(a, b, {
        epsilon,
        maxIter: options.maxIter ?? 300,
        ...(plans[init] ? { init: plans[init] } : {}),
      });
      const run: GwotRun = {
        epsilon,
        init,
        gwDistance: r.gwDistance,
        top1: matchingRate(r.plan, { n, k: 1 }),
        top5: matchingRate(r.plan, { n, k: 5 }),
        top10: matchingRate(r.plan, { n, k: 10 }),
        categoryRate: options.categories
          ? categoryMatchingRate(r.plan, { n, categories: options.categories })
          : NaN,
        iterations: r.iterations,
        converged: r.converged,
        seconds: (performance.now() - start) / 1000,
      };
      runs.push(run);
      const i = runs.length - 1;
      if (Number.isFinite(run.gwDistance) && (best < 0 || run.gwDistance < runs[best].gwDistance)) {
        best = i;
        bestPlan = r.plan;
      }
      if (bestMatchingRun(runs) === i) {
        bestMatching = i;
        matchingPlan = r.plan;
      }
      options.log?.(
        `gwot ε ${epsilon.toExponential(2)} init ${init}: GWD ${r.gwDistance.toExponential(3)}, ` +
          `top-1 ${run.top1.toFixed(3)}, ${r.iterations} steps, ${run.seconds.toFixed(1)}s`,
      );
    }
  }
  if (!bestPlan || !matchingPlan) {
    throw new RangeError("gwotSweep: no run gave a finite GW distance");
  }
  const chanceOptions = {
    n,
    seed: options.seed,
    permutations: options.permutations ?? 1000,
    ...(options.categories ? { categories: options.categories } : {}),
  };
  return {
    runs,
    best,
    plan: bestPlan,
    chance: permutationChance(bestPlan, chanceOptions),
    bestMatching,
    matchingChance: permutationChance(matchingPlan, chanceOptions),
  };
}

/**
 * The highest-matching-rate solution of a sweep (seed 003's "highest matching rate solution"):
 * among runs with a finite GW distance, the index of the one with the highest top-1 matching
 * rate; ties go to the lower GW distance, then to the earlier run. −1 when no run qualifies.
 */
export function bestMatchingRun(
  runs: readonly Pick<GwotRun, "top1" | "gwDistance">[],
): number {
  let best = -1;
  runs.forEach((run, i) => {
    if (!Number.isFinite(run.gwDistance) || !Number.isFinite(run.top1)) return;
    const b = runs[best];
    if (
      best < 0 || run.top1 > b.top1 || (run.top1 === b.top1 && run.gwDistance < b.gwDistance)
    ) best = i;
  });
  return best;
}

/**
 * Chance levels of a plan's top-1 and category matching rates: the plan's row argmaxes kept, the
 * matched side's object labels permuted (`permutations` seeded shuffles; the same shuffles for
 * every plan of a seed); mean, 95th and 5th percentiles (nearest rank).
 */
export function permutationChance(
  plan: Float64Array,
  options: { n: number; seed: number; permutations: number; categories?: string[][] },
): GwotChance {
  const { n, permutations } = options;
  const prng = createRng(options.seed, { label: "gwot-chance" });
  const arg = rowArgmax(plan, n);
  const top1: number[] = [], cat: number[] = [];
  const label = Int32Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < permutations; r++) {
    prng.shuffle(label);
    let hits = 0;
    for (let i = 0; i < n; i++) if (label[arg[i]] === i) hits++;
    top1.push(hits / n);
    if (options.categories) {
      cat.push(categoryWithLabels(arg, options.categories, label));
    }
  }
  const mean = (v: number[]) => v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
  return {
    top1Mean: mean(top1),
    top1P95: quantile(top1, 0.95),
    top1P05: quantile(top1, 0.05),
    categoryMean: mean(cat),
    categoryP95: cat.length ? quantile(cat, 0.95) : NaN,
    categoryP05: cat.length ? quantile(cat, 0.05) : NaN,
    permutations,
  };
}

/** Category matching of fixed matches `arg` when the matched side's labels are permuted. */
function categoryWithLabels(arg: Int32Array, categories: string[][], label: Int32Array): number {
  let hits = 0, counted = 0;
  for (let i = 0; i < arg.length; i++) {
    const mine = categories[i], theirs = categories[label[arg[i]]];
    if (mine.length === 0 || theirs.length === 0) continue;
    counted++;
    if (mine.some((c) => theirs.includes(c))) hits++;
  }
  return counted ? hits / counted : NaN;
}
