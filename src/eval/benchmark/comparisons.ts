/**
 * Paired comparisons between models: every variant against its matched (shuffled) control and
 * against the baseline, every control against the baseline, and the baseline against the
 * ImageNet-only backbone. For each headline metric: the difference of the full-sample values,
 * a paired bootstrap interval over concepts (the two models' resamples use the same draws), a
 * p-value, and Holm's correction across the whole table.
 *
 * The p-value: for metrics whose items each belong to one concept (images, retrieval queries)
 * the per-concept differences are independent under the null and a sign-flip permutation test
 * over concepts is exact; metrics over pairs or triplets share items between concepts, so
 * flipping concepts independently would be anti-conservative, and their p-value comes from the
 * same paired bootstrap as the interval ({@link bootstrapPValue}).
 *
 * @module
 */
import { BASELINE, IMAGENET, SPOSE49 } from "../../models/registry.ts";
import { normalCdf, pairedBootstrap, percentileSorted } from "../../stats/bootstrap.ts";
import { holm } from "../../stats/multiple.ts";
import { pairedPermutationTest } from "../../stats/permutation.ts";
import { modelKey } from "./inputs.ts";
import { metricKey, type ModelDetail } from "./run.ts";
import type { ComparisonRow } from "../../tables/benchmark.ts";

/** The metrics compared (metric, subset), when the benchmark computed them. */
export const COMPARED_METRICS: readonly (readonly [string, string])[] = [
  ["top1", "test"],
  ["retrieval@1", "test"],
  ["mAP", "test"],
  ["fewshot1_top1", "test"],
  ["fewshot5_top1", "test"],
  ["fewshot1_probe_top1", "test"],
  ["fewshot5_probe_top1", "test"],
  ["top1", "stress"],
  ["retrieval@1", "stress"],
  ["human_pair_rho", "test"],
  ["oddoneout_accuracy", "with_images"],
  ["rsa_spearman", "with_images"],
  ["rdm48_rsa_spearman", "rdm48"],
  ["object_properties_rho", "mean_over_targets"],
  ["triplet_satisfaction", "test"],
  ["property_difference_rho", "concept_pairs"],
  ["category_comembership_auc", "concept_pairs"],
];

/**
 * Two-sided p-value of "delta = 0" from the paired bootstrap: a Wald test with the bootstrap
 * standard error, 2·(1 − Φ(|Δ| / SE*)). Unlike counting resamples on the far side of 0 it is not
 * floored at 2/(B + 1), which Holm's correction over a large table would inflate into
 * non-significance for effects whose interval is far from 0. 1 when SE* is 0 and Δ = 0, and 1
 * with fewer than 2 resamples (no standard error can be estimated, so no evidence).
 */
export function bootstrapPValue(delta: number, resampledDeltas: Float64Array): number {
  const n = resampledDeltas.length;
  if (n < 2) return 1;
  let mean = 0;
  for (const d of resampledDeltas) mean += d;
  mean /= n;
  let ss = 0;
  for (const d of resampledDeltas) ss += (d - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1));
  if (!(se > 0)) return delta === 0 ? 1 : 0;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(delta) / se)));
}

/** A pair of models to compare, `a` minus `b`. */
export interface ModelPair {
  a: string;
  b: string;
  relation: string;
}

/**
 * The comparison pairs among the models present: variant vs matched control (`controlOf`),
 * every other trained or aligned model vs `baseline`, `baseline` vs `imagenet`. Each pair once,
 * however many rows (training seeds) a model has in `models`.
 */
export function comparisonPairs(
  models: readonly { model: string; controlOf?: string | null }[],
): ModelPair[] {
  const names = new Set(models.map((m) => m.model));
  const pairs: ModelPair[] = [];
  const controlled = new Set<string>();
  for (const m of models) {
    if (m.controlOf && names.has(m.controlOf) && !controlled.has(m.model)) {
      controlled.add(m.model);
      pairs.push({ a: m.controlOf, b: m.model, relation: "variant_vs_control" });
    }
  }
  if (names.has(BASELINE)) {
    for (const name of names) {
      if ([BASELINE, IMAGENET, SPOSE49].includes(name)) continue;
      pairs.push({ a: name, b: BASELINE, relation: "vs_baseline" });
    }
    if (names.has(IMAGENET)) {
      pairs.push({ a: BASELINE, b: IMAGENET, relation: "baseline_vs_imagenet" });
    }
  }
  return pairs;
}

/** Options of {@link compareModels}. */
export interface CompareOptions {
  /** Seed of the permutation tests. */
  seed: number;
  /** Sign-flip permutations per test (default 10000). */
  permutations?: number;
  /** Interval level (default 0.05 → 95%). */
  alpha?: number;
}

/** Rows of one pair of models trained with the same seed, on {@link COMPARED_METRICS} (p_adj NaN). */
export function comparePair(
  da: ModelDetail,
  db: ModelDetail,
  options: CompareOptions & { pair: ModelPair },
): ComparisonRow[] {
  const alpha = options.alpha ?? 0.05;
  const { pair } = options;
  const rows: ComparisonRow[] = [];
  for (const [metric, subset] of COMPARED_METRICS) {
    const key = metricKey(metric, subset);
    const ra = da.resamples.get(key), rb = db.resamples.get(key);
    if (!ra || !rb) continue;
    const diff = Float64Array.from(ra, (v, i) => v - rb[i]).filter(Number.isFinite).sort();
    let p: number, test: string, units: number;
    const ca = da.perConcept.get(key), cb = db.perConcept.get(key);
    if (ca && cb) {
      const keep: number[] = [];
      for (let c = 0; c < ca.length; c++) {
        if (Number.isFinite(ca[c]) && Number.isFinite(cb[c])) keep.push(c);
      }
      p = pairedPermutationTest(
        Float64Array.from(keep, (c) => ca[c]),
        Float64Array.from(keep, (c) => cb[c]),
        { seed: options.seed, permutations: options.permutations ?? 10000 },
      ).pValue;
      units = keep.length;
      test = "sign-flip permutation over concepts";
    } else {
      p = bootstrapPValue(da.values.get(key)! - db.values.get(key)!, diff);
      units = da.concepts;
      test = "paired bootstrap over concepts, Wald with bootstrap SE (items shared)";
    }
    const va = da.values.get(key)!, vb = db.values.get(key)!;
    rows.push({
      model_a: pair.a,
      model_b: pair.b,
      relation: pair.relation,
      seed: da.seed,
      metric,
      subset,
      value_a: va,
      value_b: vb,
      delta: va - vb,
      ci_low: percentileSorted(diff, alpha / 2),
      ci_high: percentileSorted(diff, 1 - alpha / 2),
      p,
      p_adj: NaN,
      n_units: units,
      test,
    });
  }
  return rows;
}

/**
 * The comparison table built while model details arrive: {@link add} queues every pair the new
 * detail completes and {@link step} compares one queued pair (so the permutation tests can run
 * while other models are still being benchmarked); {@link rows} assembles the table in the
 * order of {@link compareModels}, comparing what is still queued.
 */
export class ComparisonTable {
  readonly #pairs: readonly ModelPair[];
  readonly #options: CompareOptions;
  readonly #details = new Map<string, ModelDetail>();
  readonly #done = new Map<string, ComparisonRow[]>();
  readonly #queue: [number, number][] = [];

  /** Compare `pairs` (see {@link comparisonPairs}). */
  constructor(pairs: readonly ModelPair[], options: CompareOptions) {
    this.#pairs = pairs;
    this.#options = options;
  }

  /** Add a model's detail and queue the pairs it completes. */
  add(detail: ModelDetail): void {
    this.#details.set(modelKey(detail), detail);
    const seed = detail.seed;
    if (seed == null) return;
    this.#pairs.forEach((pair, i) => {
      const other = pair.a === detail.model ? pair.b : pair.b === detail.model ? pair.a : null;
      if (other !== null && this.#details.has(modelKey({ model: other, seed }))) {
        this.#queue.push([i, seed]);
      }
    });
  }

  /** Compare one queued pair; false when none is queued. */
  step(): boolean {
    const next = this.#queue.shift();
    if (next) this.#compare(...next);
    return next !== undefined;
  }

  #compare(i: number, seed: number): ComparisonRow[] | undefined {
    const key = `${i}|${seed}`;
    if (this.#done.has(key)) return this.#done.get(key);
    const pair = this.#pairs[i];
    const da = this.#details.get(modelKey({ model: pair.a, seed }));
    const db = this.#details.get(modelKey({ model: pair.b, seed }));
    if (!da || !db) return undefined;
    const rows = comparePair(da, db, { ...this.#options, pair });
    this.#done.set(key, rows);
    return rows;
  }

  /**
   * The table over `details` (all added, in model-list order): per seed (in order of first
   * appearance) and pair, the per-seed rows; then the comparisons over seeds; Holm over all.
   */
  rows(details: readonly ModelDetail[]): ComparisonRow[] {
    const rows: ComparisonRow[] = [];
    const seeds = [...new Set(details.map((d) => d.seed).filter((s) => s != null))];
    for (const seed of seeds) {
      this.#pairs.forEach((_, i) => rows.push(...(this.#compare(i, seed!) ?? [])));
    }
    rows.push(...seedComparisons(details, this.#pairs, this.#options));
    const adjusted = holm(rows.map((r) => r.p));
    return rows.map((r, i) => ({ ...r, p_adj: adjusted[i] }));
  }
}

/** Compare the model pairs on {@link COMPARED_METRICS} (same seed within a pair). */
export function compareModels(
  details: readonly ModelDetail[],
  pairs: readonly ModelPair[],
  options: CompareOptions,
): ComparisonRow[] {
  const table = new ComparisonTable(pairs, options);
  for (const d of details) table.add(d);
  return table.rows(details);
}

/**
 * Comparisons over training seeds, for pairs whose models both have at least 3 seeds: the mean of
 * the per-seed full-sample deltas, a percentile bootstrap interval over seeds, and an exact
 * sign-flip permutation test over seeds (seed column null).
 */
export function seedComparisons(
  details: readonly ModelDetail[],
  pairs: readonly ModelPair[],
  options: CompareOptions,
): ComparisonRow[] {
  const alpha = options.alpha ?? 0.05;
  const rows: ComparisonRow[] = [];
  for (const pair of pairs) {
    const a = new Map(details.filter((d) => d.model === pair.a).map((d) => [d.seed, d]));
    const b = new Map(details.filter((d) => d.model === pair.b).map((d) => [d.seed, d]));
    const seeds = [...a.keys()].filter((s) => s != null && b.has(s));
    if (seeds.length < 3) continue;
    for (const [metric, subset] of COMPARED_METRICS) {
      const key = metricKey(metric, subset);
      const va = seeds.map((s) => a.get(s)!.values.get(key));
      const vb = seeds.map((s) => b.get(s)!.values.get(key));
      if (va.some((v) => v === undefined) || vb.some((v) => v === undefined)) continue;
      const xa = Float64Array.from(va as number[]), xb = Float64Array.from(vb as number[]);
      const deltas = xa.map((v, i) => v - xb[i]);
      const boot = pairedBootstrap(
        (idx) => idx.reduce((sum, i) => sum + deltas[i], 0) / idx.length,
        { nUnits: seeds.length, seed: options.seed, resamples: 2000, alpha },
      );
      const test = pairedPermutationTest(xa, xb, {
        seed: options.seed,
        permutations: options.permutations ?? 10000,
      });
      const mean = (x: Float64Array) => x.reduce((sum, v) => sum + v, 0) / x.length;
      rows.push({
        model_a: pair.a,
        model_b: pair.b,
        relation: pair.relation,
        seed: null,
        metric,
        subset,
        value_a: mean(xa),
        value_b: mean(xb),
        delta: boot.estimate,
        ci_low: boot.ci[0],
        ci_high: boot.ci[1],
        p: test.pValue,
        p_adj: NaN,
        n_units: seeds.length,
        test: `over ${seeds.length} training seeds: bootstrap interval, ${
          test.exact ? "exact " : ""
        }sign-flip permutation`,
      });
    }
  }
  return rows;
}

export type { ComparisonRow };
