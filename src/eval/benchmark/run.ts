/**
 * Run the benchmark: every metric of every model on one concept space, with bootstrap
 * intervals over concepts. The resampling draws are the same for every model and metric (one
 * seed), so the stored resamples of two models pair up for the comparisons.
 *
 * @module
 */
import { createRng } from "../../stats/random.ts";
import { foldAssignment } from "../../metrics/ridge.ts";
import { SPOSE49 } from "../../models/registry.ts";
import type { BenchInputs, BenchModel } from "./inputs.ts";
import { fewShotMetrics } from "./fewshot.ts";
import { classificationMetrics, retrievalMetrics, type RetrievalQuery } from "./images.ts";
import {
  conceptSimilarity,
  humanPairMetrics,
  oddOneOutMetrics,
  rdm48Metrics,
  rsaMetrics,
  tripletMargins,
  tripletMetrics,
} from "./human.ts";
import {
  type ConceptResamples,
  conceptResamples,
  percentileInterval,
  resampleValues,
} from "./resamples.ts";
import { type BenchGroup, type ConceptSpace, conceptSpace, type MetricSpec } from "./spec.ts";
import {
  transferMetrics,
  type TransferTarget,
  type TransferTargets,
  transferTargets,
} from "./transfer.ts";
import type { BenchmarkRow } from "../../tables/benchmark.ts";
import { TABLE, tableFile } from "../../tables/names.ts";

/** Everything one model contributes beyond its rows. */
export interface ModelDetail {
  model: string;
  seed: number | null;
  /** Concepts the bootstrap resamples. */
  concepts: number;
  /** Metric key (`metric|subset`) → bootstrap resamples (aligned across models). */
  resamples: Map<string, Float64Array>;
  /** Metric key → per-concept scores (concept-separable metrics only). */
  perConcept: Map<string, Float64Array>;
  /** Metric key → full-sample value. */
  values: Map<string, number>;
  retrieval: RetrievalQuery[];
  margins: {
    subset: string;
    anchor: Int32Array;
    positive: Int32Array;
    negative: Int32Array;
    margin: Float64Array;
  }[];
  targets: TransferTarget[];
}

/** Result of {@link runBenchmark}. */
export interface BenchmarkResult {
  rows: BenchmarkRow[];
  details: ModelDetail[];
  space: ConceptSpace;
  resamples: number;
}

/** Options of {@link runBenchmark}. */
export interface RunBenchmarkOptions {
  /** Which groups to compute. */
  groups: ReadonlySet<BenchGroup>;
  /** Seed of the bootstrap draws, the CV folds and the test-triplet sampler. */
  seed: number;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Progress lines. */
  log?: (message: string) => void;
  /** The concept space (default {@link benchmarkSpace} of the inputs). */
  space?: ConceptSpace;
  /** Splits of the retrieval gallery (default: every split but `test`; see retrievalMetrics). */
  retrievalGallery?: readonly string[];
}

/** Key of a metric in the per-model maps. */
export function metricKey(metric: string, subset: string): string {
  return `${metric}|${subset}`;
}

/**
 * The benchmark's concepts: those every image model has a prototype for (the concepts with
 * training images); with no image model, the concepts of the human pairs.
 */
export function benchmarkSpace(inputs: BenchInputs): ConceptSpace {
  const n = inputs.concepts.ids.length;
  const imageModels = inputs.models.filter((m) => m.images);
  let set: Set<number>;
  if (imageModels.length === 0) {
    set = new Set([...inputs.human.pairs.a, ...inputs.human.pairs.b]);
  } else {
    set = new Set(imageModels[0].prototypes.concept);
    for (const m of imageModels.slice(1)) {
      const has = new Set(m.prototypes.concept);
      for (const c of set) if (!has.has(c)) set.delete(c);
    }
  }
  return conceptSpace(set, n);
}

/** What every model of a benchmark run shares: concepts, folds, targets and bootstrap draws. */
export interface BenchContext {
  inputs: BenchInputs;
  space: ConceptSpace;
  groups: ReadonlySet<BenchGroup>;
  /** CV fold of every local concept (the same for every model). */
  folds: Int32Array;
  targets: TransferTargets;
  /** The bootstrap's concept draws (the same for every model and metric). */
  draws: ConceptResamples;
  /** Retrieval gallery (see {@link RunBenchmarkOptions}). */
  retrievalGallery: readonly string[];
  /** The benchmark seed (few-shot draws). */
  seed: number;
}

/** Build the shared context of a run (see {@link runBenchmark} for the options). */
export function benchContext(inputs: BenchInputs, options: RunBenchmarkOptions): BenchContext {
  const space = options.space ?? benchmarkSpace(inputs);
  const rng = createRng(options.seed, { label: "bench-folds" });
  return {
    retrievalGallery: options.retrievalGallery ?? ["train", "val", "stress"],
    seed: options.seed,
    inputs,
    space,
    groups: options.groups,
    folds: foldAssignment(space.size, 5, { shuffle: (o) => rng.shuffle(o) }),
    targets: transferTargets(inputs.concepts, space),
    draws: conceptResamples(space.size, {
      seed: options.seed,
      resamples: options.resamples ?? 1000,
    }),
  };
}

/** Seconds spent per phase of a model's benchmark (`specs:<part>`, `bootstrap:<metric>`). */
export type BenchTimings = Record<string, number>;

/** Run `f`, adding its seconds to `timings[phase]`. */
function timed<T>(timings: BenchTimings, phase: string, f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + (performance.now() - start) / 1000;
  }
}

/** All metric specs of one model. */
function modelSpecs(
  model: BenchModel,
  context: BenchContext,
  timings: BenchTimings,
): {
  specs: MetricSpec[];
  detail: Omit<ModelDetail, "resamples" | "perConcept" | "values" | "concepts">;
} {
  const { inputs, space, groups } = context;
  const human = inputs.human;
  const note = model.model === SPOSE49
    ? "reference: the human similarity is computed from SPoSE-49, so human-pair, RSA and " +
      "triplet-satisfaction values of this row are circular"
    : undefined;
  const time = <T>(part: string, f: () => T) => timed(timings, `specs:${part}`, f);
  const sim = time("similarity", () => conceptSimilarity(model, space));
  const specs: MetricSpec[] = [];
  let retrieval: RetrievalQuery[] = [];
  const margins: ModelDetail["margins"] = [];
  let targets: TransferTarget[] = [];
  if (groups.has("core")) {
    time("classification", () => {
      specs.push(...classificationMetrics(model, { space, split: "test", ks: [1, 5] }));
      specs.push(...classificationMetrics(model, { space, split: "stress", ks: [1] }));
    });
    time("fewshot", () => specs.push(...fewShotMetrics(model, { space, seed: context.seed })));
    const r = time(
      "retrieval",
      () => retrievalMetrics(model, { space, split: "test", gallery: context.retrievalGallery }),
    );
    specs.push(...r.specs);
    retrieval = r.queries;
    // out of distribution: the stress styles (never trained on) query the same gallery;
    // retrieval@1 and mAP (their per-query rows are not kept)
    const ood = time(
      "retrieval",
      () => retrievalMetrics(model, { space, split: "stress", gallery: context.retrievalGallery }),
    );
    specs.push(...ood.specs.filter((s) => s.metric === "retrieval@1" || s.metric === "mAP"));
    time("human_pairs", () => {
      specs.push(...humanPairMetrics(sim, { space, human, splits: ["test", "val"], note }));
      specs.push(...oddOneOutMetrics(sim, { space, human, model, note }));
      specs.push(...rsaMetrics(sim, { space, human, note }));
      // RDM48 is an independent experiment: no circularity for the SPoSE row
      specs.push(...rdm48Metrics(sim, {
        space,
        human,
        note: model.model === SPOSE49
          ? "reference row: SPoSE-49 is not fitted to the RDM48 triplets"
          : undefined,
      }));
    });
  }
  const transfer = time("transfer", () =>
    transferMetrics(model, {
      space,
      targets: context.targets,
      folds: context.folds,
      sim,
      note,
    }));
  specs.push(...transfer.specs.filter((s) => groups.has(s.group)));
  if (groups.has("expanded")) {
    targets = transfer.targets;
    time("triplets", () => {
      for (
        const [subset, triplets] of [["train", human.trainTriplets], [
          "test",
          human.testTriplets,
        ]] as const
      ) {
        const m = tripletMargins(sim, { space, triplets });
        margins.push({ subset, ...m });
        specs.push(...tripletMetrics(m, { size: space.size, subset, note }));
      }
    });
  }
  return { specs, detail: { model: model.model, seed: model.seed, retrieval, margins, targets } };
}

/**
 * The rows and details of one model (every metric, with its bootstrap interval), and the
 * seconds spent per phase.
 */
export function benchmarkModel(
  model: BenchModel,
  context: BenchContext,
): { rows: BenchmarkRow[]; detail: ModelDetail; timings: BenchTimings } {
  const { space, draws, groups } = context;
  const timings: BenchTimings = {};
  const { specs, detail } = modelSpecs(model, context, timings);
  const ones = new Float64Array(space.size).fill(1);
  const rows: BenchmarkRow[] = [];
  const full: ModelDetail = {
    ...detail,
    concepts: space.size,
    resamples: new Map(),
    perConcept: new Map(),
    values: new Map(),
  };
  for (const spec of specs) {
    const key = metricKey(spec.metric, spec.subset);
    const value = spec.evaluate(ones);
    let ci: [number, number] | null = null;
    if (spec.bootstrap !== false && Number.isFinite(value)) {
      const values = timed(
        timings,
        `bootstrap:${spec.metric}`,
        () => resampleValues(spec.evaluate, draws),
      );
      ci = percentileInterval(values);
      full.resamples.set(key, values);
    }
    if (spec.perConcept) full.perConcept.set(key, spec.perConcept);
    full.values.set(key, value);
    rows.push({
      model: model.model,
      seed: model.seed,
      metric: spec.metric,
      subset: spec.subset,
      group: spec.group,
      value,
      ci_low: ci ? ci[0] : null,
      ci_high: ci ? ci[1] : null,
      n: spec.n,
      source: spec.source ?? null,
      note: spec.note ?? null,
    });
  }
  if (model.headTop1 != null && groups.has("core")) {
    rows.push({
      model: model.model,
      seed: model.seed,
      metric: "head_top1",
      subset: "test",
      group: "core",
      value: model.headTop1,
      ci_low: null,
      ci_high: null,
      n: model.images!.split.filter((s) => s === "test").length,
      source: tableFile(TABLE.models),
      note: "the model's own classification head (from training)",
    });
  }
  return { rows, detail: full, timings };
}

/** Progress line of one benchmarked model. */
export function modelLine(
  model: BenchModel,
  options: { metrics: number; seconds: number },
): string {
  const { metrics, seconds } = options;
  return `bench ${model.model}${model.seed != null ? ` seed ${model.seed}` : ""}: ${metrics} ` +
    `metrics in ${seconds.toFixed(1)}s`;
}

/** Run every metric of every model (see the module documentation). */
export function runBenchmark(inputs: BenchInputs, options: RunBenchmarkOptions): BenchmarkResult {
  const context = benchContext(inputs, options);
  const rows: BenchmarkRow[] = [];
  const details: ModelDetail[] = [];
  for (const model of inputs.models) {
    const start = performance.now();
    const one = benchmarkModel(model, context);
    rows.push(...one.rows);
    details.push(one.detail);
    options.log?.(modelLine(model, {
      metrics: one.detail.values.size,
      seconds: (performance.now() - start) / 1000,
    }));
  }
  return { rows, details, space: context.space, resamples: context.draws.resamples };
}

export type { BenchmarkRow };
