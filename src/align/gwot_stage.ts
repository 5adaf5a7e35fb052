/**
 * The `align:gwot` stage: unsupervised GWOT between every model's concept RDM (1 − cosine of
 * its concept vectors, over the benchmark's concepts) and the human RDM (1 − RSM), with RSA of
 * the same RDMs as the supervised baseline. Writes `gwot.arrow` (every ε × init run),
 * `gwot_summary.arrow` (per model the minimum-GWD solution and the highest-matching-rate
 * solution, chance levels, RSA; and the untrained-network baseline: the backbone with random
 * weights, several seeded initialisations, mean and 5th/95th percentiles) and the chosen plans
 * under `gwot/plans/`.
 *
 * @module
 */
import { BASELINE, JOINT_MATRIX_ALIGNMENT, UNTRAINED } from "../models/registry.ts";
import { NeedsStageError } from "../io/errors.ts";
import { join } from "node:path";
import type { TableMetadata } from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import { pearson, spearman } from "../metrics/correlation.ts";
import { cosineDissimilarity, upperTriangle } from "../metrics/similarity.ts";
import type { Matrix } from "../metrics/types.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import { displayPath } from "../pipeline/paths.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { loadBenchInputs, modelKey } from "../eval/benchmark/inputs.ts";
import type { BenchModel } from "../eval/benchmark/inputs.ts";
import { benchmarkSpace } from "../eval/benchmark/run.ts";
import { type ConceptSpace, spaceVectors } from "../eval/benchmark/spec.ts";
import { loadTrainData } from "../train/dataset.ts";
import { gwotSweep, type GwotSweepResult } from "./gwot_sweep.ts";
import { spread, untrainedPrototypes, untrainedSeeds } from "./gwot_untrained.ts";
import {
  gwotPartPaths,
  gwotPaths,
  gwotPlanFile,
  type GwotRunRow,
  type GwotSummaryRow,
  readGwotParts,
  readGwotSummaryOptions,
  writeGwotPlan,
  writeGwotRuns,
  writeGwotSummary,
  writeJoinedGwot,
} from "../tables/gwot.ts";
import { modelsPath, readModelsOptions } from "../tables/models.ts";
import { GWOT_PLANS_DIR } from "../tables/names.ts";
import { gwotTimingPath, writeGwotTimings } from "../tables/timings.ts";

/** The untrained-network baseline's settings (`align:gwot:untrained`). */
export interface GwotUntrainedSettings {
  /**
   * Random-weight networks of the backbone for the untrained baseline (seeds `--seed` …
   * `--seed + untrained − 1`; 0 = no untrained baseline).
   */
  untrained: number;
  /**
   * Training images per concept each untrained network embeds (evenly spaced over the concept's
   * training images in images.arrow order; 0 = all).
   */
  untrainedImages: number;
  /**
   * Gradient-step cap of the untrained networks' runs (0 = `maxIter`). Their smallest-ε runs do
   * not converge (the plan oscillates): on the embedded default they end at the same GW distance
   * (to 4 digits) and top-1 after 100 steps as after 300, so the quick sweep stops them at 100.
   */
  untrainedMaxIter: number;
  /**
   * ε grid of the untrained networks' runs, in units of the dissimilarity scale (empty = the
   * trained models' grid, as in the quick sweep).
   */
  untrainedEpsilonScales: number[];
}

/** Options of the GWOT stage. */
export interface GwotStageOptions extends GwotUntrainedSettings, Record<string, unknown> {
  /** ε grid (empty = `epsilonScales` × the RDMs' dissimilarity scale). */
  epsilons: number[];
  /** ε grid in units of the dissimilarity scale (empty = the default 5 values, 10⁻³ … 10⁻¹). */
  epsilonScales: number[];
  /** Initial plans per ε. */
  inits: number;
  /** Gradient-step cap per run. */
  maxIter: number;
  /** Models to analyse (empty = every model of models.arrow and SPoSE-49). */
  models: string[];
}

/** Defaults of `deno task align:gwot`. */
export const GWOT_DEFAULTS: GwotStageOptions = {
  epsilons: [],
  epsilonScales: [],
  inits: 3,
  maxIter: 300,
  models: [],
  untrained: 5,
  untrainedImages: 2,
  untrainedMaxIter: 0,
  untrainedEpsilonScales: [],
};

/**
 * The quick sweep `deno task all` runs when no GWOT tables exist yet: the two models the GWOT
 * figures contrast (the image-only baseline and joint matrix alignment), the three middle values
 * of the default ε grid from the product plan p·qᵀ only (about 10 s per model on the embedded
 * default, against about 100 s for the full sweep, whose smallest ε and random initial plans
 * dominate).
 */
export const GWOT_QUICK: GwotStageOptions = {
  epsilons: [],
  epsilonScales: [10 ** -2.5, 1e-2, 10 ** -1.5],
  inits: 1,
  maxIter: 300,
  models: [BASELINE, JOINT_MATRIX_ALIGNMENT],
  untrained: 5,
  untrainedImages: 2,
  untrainedMaxIter: 100,
  untrainedEpsilonScales: [],
};

/**
 * The options `deno task all` runs `align:gwot` with: those recorded in an existing
 * `gwot_summary.arrow` (so `all` refreshes the GWOT tables a researcher made with an explicit
 * `deno task align:gwot …` rather than replacing them with the quick sweep), else
 * {@link GWOT_QUICK}. Tables whose recorded options do not have this stage's shape are ignored.
 */
export async function gwotOptionsForAll(
  ctx: StageContext,
): Promise<{ options: GwotStageOptions; source: string }> {
  const path = paths(ctx).summary;
  if (!(await exists(path))) return { options: GWOT_QUICK, source: "the quick sweep" };
  const recorded = await readGwotSummaryOptions(ctx.tables);
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (
    !recorded || !numbers(recorded.epsilons) || !strings(recorded.models) ||
    typeof recorded.inits !== "number" || typeof recorded.maxIter !== "number"
  ) {
    return { options: GWOT_QUICK, source: "the quick sweep" };
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b);
  const quick = same(recorded.epsilons, GWOT_QUICK.epsilons) &&
    same(recorded.epsilonScales, GWOT_QUICK.epsilonScales) &&
    same(recorded.models, GWOT_QUICK.models) && recorded.inits === GWOT_QUICK.inits &&
    recorded.maxIter === GWOT_QUICK.maxIter;
  const fallback = quick ? GWOT_QUICK : GWOT_DEFAULTS;
  return {
    options: {
      epsilons: recorded.epsilons as number[],
      epsilonScales: numbers(recorded.epsilonScales) ? recorded.epsilonScales as number[] : [],
      inits: recorded.inits,
      maxIter: recorded.maxIter,
      models: recorded.models as string[],
      // tables written before the untrained baseline existed get the quick sweep's settings
      // when they are the quick sweep's tables, else the defaults of `deno task align:gwot`
      untrained: typeof recorded.untrained === "number" ? recorded.untrained : fallback.untrained,
      untrainedImages: typeof recorded.untrainedImages === "number"
        ? recorded.untrainedImages
        : fallback.untrainedImages,
      untrainedMaxIter: typeof recorded.untrainedMaxIter === "number"
        ? recorded.untrainedMaxIter
        : fallback.untrainedMaxIter,
      untrainedEpsilonScales: numbers(recorded.untrainedEpsilonScales)
        ? recorded.untrainedEpsilonScales as number[]
        : fallback.untrainedEpsilonScales,
    },
    source: `the options of ${displayPath(path)}`,
  };
}

/** 1 − cosine similarity of concept vectors over the space (local order). */
export function conceptRdm(model: BenchModel, space: ConceptSpace): Matrix {
  const rows = spaceVectors(model.prototypes, { space, model: model.model });
  return cosineDissimilarity({ data: rows, rows: space.size, cols: model.prototypes.dim });
}

/** The human RDM (1 − RSM) over the space. */
export function humanRdm(similarity: Float64Array, space: ConceptSpace): Matrix {
  const n = Math.round(Math.sqrt(similarity.length)), p = space.size;
  const data = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      data[i * p + j] = 1 - similarity[space.canonical[i] * n + space.canonical[j]];
    }
  }
  return { data, rows: p, cols: p };
}

/** The stage's output paths: its two tables and the plans folder. */
function paths(ctx: StageContext) {
  return { ...gwotPaths(ctx.tables), plans: join(ctx.tables, GWOT_PLANS_DIR) };
}

/** Model name of the untrained-network baseline in the GWOT tables (the registry's). */
export const UNTRAINED_MODEL = UNTRAINED;

/**
 * The backbone the pipeline's models were built on, as the embed stage recorded it in
 * models.arrow's metadata (`options.backbone`).
 */
export async function pipelineBackbone(tables: string): Promise<string> {
  const file = modelsPath(tables);
  const options = await readModelsOptions(tables);
  if (typeof options?.backbone !== "string") {
    throw new NeedsStageError(
      `${displayPath(file)} does not record its backbone`,
      "deno task embed",
    );
  }
  return options.backbone;
}

/**
 * Up to `perConcept` rows of `rows` per concept (0 = all), evenly spaced over each concept's
 * rows in their order (first and last included); the result keeps the order of `rows`.
 */
export function evenlyPerConcept(
  rows: ArrayLike<number>,
  options: { concept: ArrayLike<number>; perConcept: number },
): number[] {
  const groups = new Map<number, number[]>();
  for (const r of Array.from(rows)) {
    const c = options.concept[r];
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(r);
  }
  const k = options.perConcept;
  const keep = new Set<number>();
  for (const list of groups.values()) {
    if (k <= 0 || list.length <= k) list.forEach((r) => keep.add(r));
    else if (k === 1) keep.add(list[0]);
    else {
      for (let j = 0; j < k; j++) keep.add(list[Math.round((j * (list.length - 1)) / (k - 1))]);
    }
  }
  return Array.from(rows).filter((r) => keep.has(r));
}

/** The summary metrics that get a spread over untrained networks. */
const SPREAD_COLUMNS = [
  "top1",
  "top5",
  "top10",
  "category_rate",
  "rsa_pearson",
  "rsa_spearman",
] as const;

/** One analysed model (or one untrained network): its sweep and RSA. */
export interface GwotModelResult {
  /** Model key (`untrained` for a random network). */
  model: string;
  /** Training seed (the random network's seed; null for SPoSE-49). */
  seed: number | null;
  /** Its ε × initial-plan sweep. */
  sweep: GwotSweepResult;
  /** RSA of its RDM with the human RDM: Pearson, Spearman. */
  rsa: [number, number];
}

/** The summary values of one solution of one result (see {@link GwotSummaryRow}). */
function solutionValues(
  result: GwotModelResult,
  solution: GwotSummaryRow["solution"],
): Record<string, number> {
  const { sweep, rsa } = result;
  const run = sweep.runs[solution === "min_gwd" ? sweep.best : sweep.bestMatching];
  const chance = solution === "min_gwd" ? sweep.chance : sweep.matchingChance;
  return {
    eps: run.epsilon,
    gwd: run.gwDistance,
    top1: run.top1,
    top5: run.top5,
    top10: run.top10,
    category_rate: run.categoryRate,
    chance_top1_mean: chance.top1Mean,
    chance_top1_p95: chance.top1P95,
    chance_top1_p05: chance.top1P05,
    chance_category_mean: chance.categoryMean,
    chance_category_p95: chance.categoryP95,
    chance_category_p05: chance.categoryP05,
    rsa_pearson: rsa[0],
    rsa_spearman: rsa[1],
  };
}

/**
 * The summary rows: per model its minimum-GWD and highest-matching-rate solutions; then, when
 * there are untrained networks, one row per solution with the mean over networks of every value
 * (chance levels included) and the 5th/95th percentiles of the rates and RSA.
 */
export function summaryRows(
  models: readonly GwotModelResult[],
  untrained: readonly GwotModelResult[] = [],
): GwotSummaryRow[] {
  const solutions = ["min_gwd", "max_matching"] as const;
  const rows: GwotSummaryRow[] = models.flatMap((m) =>
    solutions.map((solution) => ({
      model: m.model,
      seed: m.seed,
      solution,
      networks: 1,
      values: solutionValues(m, solution),
    }))
  );
  if (untrained.length) {
    for (const solution of solutions) {
      const each = untrained.map((u) => solutionValues(u, solution));
      const values: Record<string, number> = {};
      const spreads: Record<string, { p05: number; p95: number }> = {};
      for (const key of Object.keys(each[0])) {
        const s = spread(each.map((v) => v[key]));
        values[key] = s.mean;
        if ((SPREAD_COLUMNS as readonly string[]).includes(key)) {
          spreads[key] = { p05: s.p05, p95: s.p95 };
        }
      }
      rows.push({
        model: UNTRAINED_MODEL,
        seed: null,
        solution,
        networks: untrained.length,
        values,
        spreads,
      });
    }
  }
  return rows;
}

/** A model GWOT analyses: its key and seed (null for SPoSE-49). */
export interface GwotTarget {
  /** Model key. */
  model: string;
  /** Training seed (null for SPoSE-49). */
  seed: number | null;
}

/** Options of `align:gwot`, which joins the units' parts: the sweep's and the models analysed. */
export interface GwotJoinOptions extends GwotStageOptions {
  /** The models analysed, in table order (one `align:gwot:<model>` unit each). */
  targets: GwotTarget[];
}

/**
 * The `align:gwot` stage: `gwot.arrow` and `gwot_summary.arrow`, the parts of every model's unit
 * in `targets` order, then the untrained networks' (src/align/gwot_units.ts writes the parts).
 */
export const gwotStage: Stage<GwotJoinOptions> = {
  name: "align:gwot",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve(partFiles(ctx, options).flatMap((p) => [p.runs, p.summary]));
  },
  outputs(ctx) {
    const p = paths(ctx);
    return [p.runs, p.summary];
  },
  async run(ctx, options) {
    const parts = await readGwotParts(partFiles(ctx, options));
    const concepts = new Set(parts.concepts);
    if (concepts.size !== 1) {
      throw new Error(
        `align:gwot: the units' parts cover different numbers of concepts ` +
          `(${[...concepts].join(", ")}); rerun them with --force`,
      );
    }
    const untrained = options.untrained > 0 ? parts.metadata.at(-1)!.notes?.untrained : undefined;
    const meta = await stageMetadata(ctx, this, {
      stageOptions: options,
      notes: {
        rdm: "1 − cosine of concept vectors (model); 1 − RSM (human)",
        concepts: [...concepts][0],
        ...(untrained ? { untrained } : {}),
      },
      // the parts record the backend that computed them; joining them runs none
    });
    const rows = await writeJoinedGwot(ctx.tables, parts, meta);
    return gwotSummaryLine(rows, options.targets.length);
  },
};

/** The part files `align:gwot` joins: each target's, then the untrained networks'. */
function partFiles(ctx: StageContext, options: GwotJoinOptions) {
  const parts = options.targets.map((t) => gwotPartPaths(ctx.tables, t.model, t.seed));
  if (options.untrained > 0) parts.push(gwotPartPaths(ctx.tables, UNTRAINED_MODEL, null));
  return parts;
}

/** What every GWOT unit shares: the inputs it loaded, the concept space, the human RDM. */
export interface GwotProblem {
  inputs: Awaited<ReturnType<typeof loadBenchInputs>>;
  space: ConceptSpace;
  human: Matrix;
  categories: string[][];
  /** uniqueID of every concept of the space, in space order. */
  ids: string[];
  /** The analysis of one model under the unit's sweep settings. */
  analyse: GwotAnalyser;
}

/** The sweep settings every GWOT unit shares. */
export type GwotSweepSettings = Pick<
  GwotStageOptions,
  "epsilons" | "epsilonScales" | "inits" | "maxIter"
>;

/**
 * Load the model a unit analyses (`target`; none for the untrained networks) with the model
 * whose concepts define the space (`spaceFrom`), the space and the human RDM over it.
 */
export async function loadGwotProblem(
  ctx: StageContext,
  options: GwotSweepSettings & { target?: GwotTarget; spaceFrom: GwotTarget },
): Promise<GwotProblem> {
  const wanted = new Set([options.spaceFrom, ...(options.target ? [options.target] : [])].map(
    modelKey,
  ));
  const inputs = await loadBenchInputs(ctx.tables, {
    profile: ctx.profile,
    seed: ctx.seed,
    select: (k) => wanted.has(k),
  });
  const space = benchmarkSpace(inputs);
  const human = humanRdm(inputs.human.similarity, space);
  const categories = Array.from(space.canonical, (c) => inputs.concepts.categories[c]);
  const ids = Array.from(space.canonical, (c) => inputs.concepts.ids[c]);
  const problem = { inputs, space, human, categories, ids };
  return { ...problem, analyse: gwotAnalyser(ctx, options, problem) };
}

/** Analyses one model (or one untrained network): its GWOT sweep against the human RDM and RSA. */
type GwotAnalyser = (
  model: BenchModel,
  run: { maxIter: number; epsilonScales?: number[] },
) => Promise<GwotModelResult>;

/** The analysis of one model under the stage's options ({@link GwotAnalyser}). */
function gwotAnalyser(
  ctx: StageContext,
  options: GwotSweepSettings,
  { space, human, categories }: Pick<GwotProblem, "space" | "human" | "categories">,
): GwotAnalyser {
  return async (
    model: BenchModel,
    run: { maxIter: number; epsilonScales?: number[] },
  ): Promise<GwotModelResult> => {
    const rdm = conceptRdm(model, space);
    ctx.log(
      `align:gwot ${model.model}${
        model.model === UNTRAINED_MODEL ? ` (seed ${model.seed})` : ""
      }: ${space.size} concepts`,
    );
    const sweep = await gwotSweep(rdm, human, {
      seed: ctx.seed,
      categories,
      inits: options.inits,
      maxIter: run.maxIter,
      ...(options.epsilons.length && !run.epsilonScales?.length
        ? { epsilons: options.epsilons }
        : {}),
      ...(run.epsilonScales?.length
        ? { epsilonScales: run.epsilonScales }
        : options.epsilonScales.length
        ? { epsilonScales: options.epsilonScales }
        : {}),
      log: ctx.log,
    });
    const a = upperTriangle(rdm), b = upperTriangle(human);
    return { model: model.model, seed: model.seed, sweep, rsa: [pearson(a, b), spearman(a, b)] };
  };
}

/**
 * The untrained-network baseline: `options.untrained` random-weight networks of the pipeline's
 * backbone embed `options.untrainedImages` training images per concept, and each is analysed
 * like a model; with the note the tables record.
 */
export async function untrainedBaseline(
  ctx: StageContext,
  options: GwotUntrainedSettings & Pick<GwotSweepSettings, "maxIter"> & { backbone: string },
  { space, analyse }: Pick<GwotProblem, "space" | "analyse">,
): Promise<{ results: GwotModelResult[]; note: Record<string, unknown> }> {
  const untrained: GwotModelResult[] = [];
  const backbone = options.backbone;
  const data = await loadTrainData(ctx.tables);
  const rows = evenlyPerConcept(
    Array.from(data.rows.train).filter((r) => space.local[data.imageConcept[r]] >= 0),
    { concept: data.imageConcept, perConcept: options.untrainedImages },
  );
  const seeds = untrainedSeeds(ctx.seed, options.untrained);
  const protos = await untrainedPrototypes(
    {
      paths: rows.map((r) => join(ctx.profile.imagesRoot, data.imagePaths[r])),
      concept: Int32Array.from(rows, (r) => data.imageConcept[r]),
    },
    { backbone, seeds },
  );
  ctx.log(
    `align:gwot ${UNTRAINED_MODEL}: ${seeds.length} random ${backbone} networks embedded ` +
      `${protos.images} training images in ${protos.seconds.toFixed(1)}s`,
  );
  for (const net of protos.networks) {
    untrained.push(
      await analyse({
        model: UNTRAINED_MODEL,
        seed: net.seed,
        similarity: "cosine",
        prototypes: { concept: protos.concepts, vectors: net.vectors, dim: protos.dim },
      }, {
        maxIter: options.untrainedMaxIter || options.maxIter,
        epsilonScales: options.untrainedEpsilonScales,
      }),
    );
  }
  const note = {
    backbone,
    seeds,
    images: protos.images,
    weights: "every weight drawn from its layer's initializer (Keras weights=None), seeded",
  };
  return { results: untrained, note };
}

/**
 * Write a unit's part of `gwot.arrow` and `gwot_summary.arrow` ({@link summaryRows}): one
 * model's (with its minimum-GWD plan) or the untrained networks'.
 */
export async function writeGwotPart(
  ctx: StageContext,
  part: { results?: GwotModelResult[]; untrained?: GwotModelResult[]; ids: string[] },
  meta: TableMetadata,
): Promise<void> {
  const results = part.results ?? [], untrained = part.untrained ?? [];
  const [model, seed] = results.length
    ? [results[0].model, results[0].seed]
    : [UNTRAINED_MODEL, null];
  const files = gwotPartPaths(ctx.tables, model, seed);
  await Deno.mkdir(join(files.runs, ".."), { recursive: true });
  const runs = runRows([...results, ...untrained]);
  await writeGwotRuns(files.runs, runs, meta);
  const summary = summaryRows(results, untrained);
  await writeGwotSummary(
    files.summary,
    { summary, concepts: part.ids.length, spreadColumns: SPREAD_COLUMNS },
    meta,
  );
  await writePlans(ctx, { results, ids: part.ids }, meta);
  await writeGwotTimings(gwotTimingPath(ctx.tables, model, seed), runs, {
    task: meta.task,
    version: meta.version,
    seed: meta.seed,
    profile: meta.profile,
  });
}

/** Every run of the analysed models (and untrained networks), flagged with their solutions. */
function runRows(analysed: GwotModelResult[]): GwotRunRow[] {
  return analysed.flatMap(({ model, seed, sweep }) =>
    sweep.runs.map((r, i) => ({
      model,
      seed,
      selected: i === sweep.best,
      bestMatching: i === sweep.bestMatching,
      ...r,
    }))
  );
}

/** `gwot/plans/<model>[.seed<k>].arrow`: each analysed model's minimum-GWD plan. */
async function writePlans(
  ctx: StageContext,
  { results, ids }: { results: GwotModelResult[]; ids: string[] },
  meta: TableMetadata,
): Promise<void> {
  await Deno.mkdir(paths(ctx).plans, { recursive: true });
  for (const { model, seed, sweep } of results) {
    await writeGwotPlan(gwotPlanFile(ctx.tables, model, seed), { ids, plan: sweep.plan }, {
      ...meta,
      notes: {
        ...meta.notes,
        columns:
          "plan row i: mass sent from model concept i to each human concept, in uniqueID order",
      },
    });
  }
}

/** `align:gwot`'s one-line result: each model's top-1 matching rate, and the untrained baseline's. */
function gwotSummaryLine(rows: Record<string, unknown>[], models: number): string {
  const min = rows.filter((r) => r.solution === "min_gwd");
  const line = min.filter((r) => r.model !== UNTRAINED_MODEL)
    .map((r) => `${r.model} top-1 ${(r.top1 as number).toFixed(3)}`).join(", ");
  const base = min.find((r) => r.model === UNTRAINED_MODEL);
  const extra = base
    ? `; untrained (${base.n_networks} networks) top-1 ${(base.top1 as number).toFixed(3)}, RSA ` +
      `${(base.rsa_spearman as number).toFixed(3)}`
    : "";
  return `${models} models, ${rows[0]?.n_concepts ?? 0} concepts: ${line}${extra}`;
}
