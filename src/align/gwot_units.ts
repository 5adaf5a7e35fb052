/**
 * GWOT as one stage run per analysed model: `align:gwot:<model>[@seed]` sweeps one model's
 * concept RDM against the human RDM and writes its part of the two tables and its plan,
 * `align:gwot:untrained` does the same for the untrained-network baseline, and `align:gwot`
 * joins the parts into `gwot.arrow` and `gwot_summary.arrow`. On a cluster each is a job.
 *
 * Every part is computed over the same concept space: the concepts the analysed model shares
 * with the ImageNet embedding (`spaceFrom`), which every run embeds and which has a prototype
 * for every concept with training images, as every image model does.
 *
 * @module
 */
import { IMAGENET, MODEL_REGISTRY, SPOSE49 } from "../models/registry.ts";
import { NeedsStageError } from "../io/errors.ts";
import { modelJsonPath } from "../models/backbones.ts";
import { initBackend } from "../models/backend.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import type { Stage, StageContext, StageRun } from "../pipeline/stage.ts";
import { modelKey, readModelList } from "../eval/benchmark/inputs.ts";
import { MODEL_NAMES } from "../train/config.ts";
import { seedSuffix } from "../train/model_names.ts";
import { thingsFile } from "../data/things_files.ts";
import { prototypePath, tablePath } from "../tables/paths.ts";
import { ALIGNED_DIR, TABLE, tableFile } from "../tables/names.ts";
import { modelsPath } from "../tables/models.ts";
import { displayPath } from "../pipeline/paths.ts";
import { gwotPartPaths, gwotPlanFile } from "../tables/gwot.ts";
import { gwotTimingPath } from "../tables/timings.ts";
import {
  gwotStage,
  type GwotStageOptions,
  type GwotSweepSettings,
  type GwotTarget,
  type GwotUntrainedSettings,
  loadGwotProblem,
  pipelineBackbone,
  UNTRAINED_MODEL,
  untrainedBaseline,
  writeGwotPart,
} from "./gwot_stage.ts";

type SweepOptions = GwotSweepSettings;

/** Options of one model's GWOT unit. */
export interface GwotModelOptions extends SweepOptions, Record<string, unknown> {
  /** The model analysed. */
  target: GwotTarget;
  /** The model whose concepts define the space (the ImageNet embedding). */
  spaceFrom: GwotTarget;
}

/** Options of the untrained-network unit. */
export interface GwotUntrainedOptions
  extends SweepOptions, GwotUntrainedSettings, Record<string, unknown> {
  /** The backbone whose random-weight networks are analysed. */
  backbone: string;
  /** The model whose concepts define the space (the ImageNet embedding). */
  spaceFrom: GwotTarget;
}

/** The input files every GWOT unit reads: concepts, the human tables and the space's model. */
function sharedInputs(ctx: StageContext, spaceFrom: GwotTarget): string[] {
  const t = ctx.tables;
  return [
    ...[TABLE.concepts, TABLE.humanSimilarity, TABLE.humanPairs].map((f) => tablePath(t, f)),
    prototypePath(ctx, spaceFrom.model, spaceFrom.seed!),
  ];
}

/** The sweep settings of a stage's options. */
function sweepOptions(options: SweepOptions): SweepOptions {
  const { epsilons, epsilonScales, inits, maxIter } = options;
  return { epsilons, epsilonScales, inits, maxIter };
}

/** One model's GWOT unit (`id`: `align:gwot:<model>[@seed]`). */
export function gwotModelStage(id: string): Stage<GwotModelOptions> {
  return {
    name: id,
    modules: [import.meta.url],
    inputs(ctx, { target, spaceFrom }) {
      const own = target.model === SPOSE49
        ? thingsFile(ctx, "spose")
        : prototypePath(ctx, target.model, target.seed!);
      return Promise.resolve([...sharedInputs(ctx, spaceFrom), own]);
    },
    outputs(ctx, { target }) {
      const part = gwotPartPaths(ctx.tables, target.model, target.seed);
      return [
        part.runs,
        part.summary,
        gwotPlanFile(ctx.tables, target.model, target.seed),
        gwotTimingPath(ctx.tables, target.model, target.seed),
      ];
    },
    async run(ctx, options) {
      await initBackend({ backend: "auto", log: false });
      const { target } = options;
      const problem = await loadGwotProblem(ctx, options);
      const model = problem.inputs.models.find((m) => modelKey(m) === modelKey(target));
      if (!model) {
        throw new NeedsStageError(
          `${this.name}: model ${target.model} (seed ${target.seed}) is in neither ` +
            `${tableFile(TABLE.models)} nor ${ALIGNED_DIR}/`,
          "deno task all",
        );
      }
      const result = await problem.analyse(model, { maxIter: options.maxIter });
      const meta = await stageMetadata(ctx, this, {
        stageOptions: options,
        notes: { model: target.model, concepts: problem.space.size },
        backend: true,
      });
      await writeGwotPart(ctx, { results: [result], ids: problem.ids }, meta);
      const best = result.sweep.runs[result.sweep.best];
      return `${target.model}: ${problem.space.size} concepts, top-1 ${best.top1.toFixed(3)}`;
    },
  };
}

/** The untrained-network baseline's GWOT unit. */
export const gwotUntrainedStage: Stage<GwotUntrainedOptions> = {
  name: `align:gwot:${UNTRAINED_MODEL}`,
  modules: [import.meta.url],
  inputs(ctx, options) {
    // the random networks read the images (images.arrow holds their hashes) and the backbone
    return Promise.resolve([
      ...sharedInputs(ctx, options.spaceFrom),
      ...[TABLE.images, TABLE.splits].map((f) => tablePath(ctx.tables, f)),
      modelJsonPath(options.backbone),
    ]);
  },
  outputs(ctx) {
    const part = gwotPartPaths(ctx.tables, UNTRAINED_MODEL, null);
    return [part.runs, part.summary, gwotTimingPath(ctx.tables, UNTRAINED_MODEL, null)];
  },
  async run(ctx, options) {
    await initBackend({ backend: "auto", log: false });
    const problem = await loadGwotProblem(ctx, options);
    const baseline = await untrainedBaseline(ctx, options, problem);
    const meta = await stageMetadata(ctx, this, {
      stageOptions: options,
      notes: { untrained: baseline.note, concepts: problem.space.size },
      backend: true,
    });
    await writeGwotPart(ctx, { untrained: baseline.results, ids: problem.ids }, meta);
    return `${baseline.results.length} random ${options.backbone} networks, ` +
      `${problem.space.size} concepts`;
  },
};

/**
 * The stage runs of GWOT for `targets` (in that order), in the order they run: one unit per
 * model, the untrained networks' (when `options.untrained` > 0), then `align:gwot`, which joins
 * them. `seeds` names the units (`@<seed>` for a model of a seed other than the first).
 */
export function gwotRuns(
  options: GwotStageOptions,
  run: { targets: GwotTarget[]; spaceFrom: GwotTarget; backbone: string; seeds: number[] },
): StageRun[] {
  const { targets, spaceFrom, backbone, seeds } = run;
  const sweep = sweepOptions(options);
  const runs: StageRun[] = targets.map((target) => {
    const id = `align:gwot:${target.model}` +
      (target.seed == null ? "" : seedSuffix(target.seed, seeds));
    return { id, stage: gwotModelStage(id), options: { ...sweep, target, spaceFrom } };
  });
  if (options.untrained > 0) {
    const { untrained, untrainedImages, untrainedMaxIter, untrainedEpsilonScales } = options;
    runs.push({
      id: gwotUntrainedStage.name,
      stage: gwotUntrainedStage,
      options: {
        ...sweep,
        untrained,
        untrainedImages,
        untrainedMaxIter,
        untrainedEpsilonScales,
        backbone,
        spaceFrom,
      },
    });
  }
  runs.push({ id: gwotStage.name, stage: gwotStage, options: { ...options, targets } });
  return runs;
}

/** Registry position of a model key (models the registry does not know come last). */
function registryIndex(model: string): number {
  const i = MODEL_REGISTRY.findIndex((m) => m.key === model);
  return i < 0 ? MODEL_REGISTRY.length : i;
}

/** Targets in the order of the GWOT tables: registry order, then seed, then name. */
function ordered(targets: GwotTarget[]): GwotTarget[] {
  return [...targets].sort((a, b) =>
    registryIndex(a.model) - registryIndex(b.model) || (a.seed ?? -1) - (b.seed ?? -1) ||
    a.model.localeCompare(b.model)
  );
}

/**
 * The models `deno task all` analyses, known before any of them exists: `options.models` (empty:
 * every model the run makes — the ImageNet embedding, the trained models of every seed, the
 * aligned models of the first seed — and SPoSE-49), each trained model for every seed.
 */
export function gwotTargetsForAll(
  options: Pick<GwotStageOptions, "models">,
  seeds: number[],
): GwotTarget[] {
  const wanted = new Set(options.models);
  const want = (model: string) => wanted.size === 0 || wanted.has(model);
  const targets: GwotTarget[] = [];
  if (want(IMAGENET)) targets.push({ model: IMAGENET, seed: seeds[0] });
  for (const model of MODEL_NAMES.filter(want)) {
    targets.push(...seeds.map((seed) => ({ model, seed })));
  }
  for (const m of MODEL_REGISTRY.filter((m) => m.origin === "aligned" && want(m.key))) {
    targets.push({ model: m.key, seed: seeds[0] });
  }
  if (want(SPOSE49)) targets.push({ model: SPOSE49, seed: null });
  return ordered(targets);
}

/**
 * The models `deno task align:gwot` analyses: those of models.arrow and the aligned registries
 * that `options.models` names (every one when empty), and SPoSE-49; with the space's model and
 * the backbone, as the tables record them.
 */
export async function gwotTargetsFromTables(
  ctx: StageContext,
  options: Pick<GwotStageOptions, "models">,
): Promise<{ targets: GwotTarget[]; spaceFrom: GwotTarget; backbone: string; seeds: number[] }> {
  const wanted = new Set(options.models);
  const want = (model: string) => wanted.size === 0 || wanted.has(model);
  const listed = await readModelList(ctx.tables);
  const targets: GwotTarget[] = listed.filter((m) => want(m.model))
    .map(({ model, seed }) => ({ model, seed }));
  if (want(SPOSE49)) targets.push({ model: SPOSE49, seed: null });
  const reference = listed.find((m) => m.model === IMAGENET);
  if (!reference) {
    throw new NeedsStageError(
      `${displayPath(modelsPath(ctx.tables))} has no ImageNet embedding`,
      "deno task embed",
    );
  }
  const seeds = [...new Set(listed.map((m) => m.seed))];
  // the first seed of the run: the ImageNet embedding's (embed writes it for the first seed)
  seeds.sort((a, b) => (a === reference.seed ? -1 : b === reference.seed ? 1 : 0));
  return {
    targets: ordered(targets),
    spaceFrom: { model: IMAGENET, seed: reference.seed },
    backbone: await pipelineBackbone(ctx.tables),
    seeds,
  };
}
