/**
 * Run the benchmark: every metric of every model on one concept space, with bootstrap
 * intervals over concepts. The resampling draws are the same for every model and metric (one
 * seed), so the stored resamples of two models pair up for the comparisons.
 *
 * @module
 */
import { pairedBootstrap } from "../../stats/bootstrap.ts";
import { createRng } from "../../stats/random.ts";
import { unitCounts } from "../../stats/weighted.ts";
import { foldAssignment } from "../../metrics/ridge.ts";
import type { BenchInputs, BenchModel } from "./inputs.ts";
import { classificationMetrics, retrievalMetrics, type RetrievalQuery } from "./images.ts";
import {
  conceptSimilarity,
  humanPairMetrics,
  oddOneOutMetrics,
  rsaMetrics,
  tripletMargins,
  tripletMetrics,
} from "./human.ts";
import { type BenchGroup, type ConceptSpace, conceptSpace, type MetricSpec } from "./spec.ts";
import { transferMetrics, type TransferTarget, transferTargets } from "./transfer.ts";

/** One row of benchmark.arrow. */
export interface BenchmarkRow {
  model: string;
  seed: number | null;
  metric: string;
  subset: string;
  group: BenchGroup;
  value: number;
  ci_low: number | null;
  ci_high: number | null;
  n: number;
  source: string | null;
  note: string | null;
}

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

/** All metric specs of one model. */
function modelSpecs(
  model: BenchModel,
  context: {
    inputs: BenchInputs;
    space: ConceptSpace;
    groups: ReadonlySet<BenchGroup>;
    folds: Int32Array;
    targets: ReturnType<typeof transferTargets>;
  },
): {
  specs: MetricSpec[];
  detail: Omit<ModelDetail, "resamples" | "perConcept" | "values" | "concepts">;
} {
  const { inputs, space, groups } = context;
  const human = inputs.human;
  const note = model.model === "spose49"
    ? "reference: the human similarity is computed from SPoSE-49, so human-pair, RSA and " +
      "triplet-satisfaction values of this row are circular"
    : undefined;
  const sim = conceptSimilarity(model, space);
  const specs: MetricSpec[] = [];
  let retrieval: RetrievalQuery[] = [];
  const margins: ModelDetail["margins"] = [];
  let targets: TransferTarget[] = [];
  if (groups.has("core")) {
    specs.push(...classificationMetrics(model, { space, split: "test", ks: [1, 5] }));
    specs.push(...classificationMetrics(model, { space, split: "stress", ks: [1] }));
    const r = retrievalMetrics(model, { space, split: "test" });
    specs.push(...r.specs);
    retrieval = r.queries;
    specs.push(...humanPairMetrics(sim, { space, human, splits: ["test", "val"], note }));
    specs.push(...oddOneOutMetrics(sim, { space, human, model, note }));
    specs.push(...rsaMetrics(sim, { space, human, note }));
  }
  const transfer = transferMetrics(model, {
    space,
    targets: context.targets,
    folds: context.folds,
    sim,
    note,
  });
  specs.push(...transfer.specs.filter((s) => groups.has(s.group)));
  if (groups.has("expanded")) {
    targets = transfer.targets;
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
  }
  return { specs, detail: { model: model.model, seed: model.seed, retrieval, margins, targets } };
}

/** Run every metric of every model (see the module documentation). */
export function runBenchmark(inputs: BenchInputs, options: RunBenchmarkOptions): BenchmarkResult {
  const space = options.space ?? benchmarkSpace(inputs);
  const resamples = options.resamples ?? 1000;
  const rng = createRng(options.seed, { label: "bench-folds" });
  const folds = foldAssignment(space.size, 5, { shuffle: (o) => rng.shuffle(o) });
  const targets = transferTargets(inputs.concepts, space);
  const ones = new Float64Array(space.size).fill(1);
  const rows: BenchmarkRow[] = [];
  const details: ModelDetail[] = [];
  for (const model of inputs.models) {
    const start = performance.now();
    const { specs, detail } = modelSpecs(model, {
      inputs,
      space,
      groups: options.groups,
      folds,
      targets,
    });
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
        const boot = pairedBootstrap((idx) => spec.evaluate(unitCounts(idx, space.size)), {
          nUnits: space.size,
          seed: options.seed,
          resamples,
        });
        ci = boot.ci;
        full.resamples.set(key, boot.resamples);
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
    if (model.headTop1 != null && options.groups.has("core")) {
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
        source: "models.arrow",
        note: "the model's own classification head (from training)",
      });
    }
    details.push(full);
    options.log?.(
      `bench ${model.model}${model.seed != null ? ` seed ${model.seed}` : ""}: ${specs.length} ` +
        `metrics in ${((performance.now() - start) / 1000).toFixed(1)}s`,
    );
  }
  return { rows, details, space, resamples };
}
