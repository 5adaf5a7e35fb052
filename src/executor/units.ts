/**
 * The pipeline as a graph of units: one unit per stage run (`data`, `human`, `train:<model>` per
 * seed, `embed`, …, `site`), each with the options `deno task all` gives it, the units it must
 * wait for and what it needs from a machine. The local executor runs them in order; the SLURM
 * executor submits one job per unit with `afterok` dependencies (src/executor/slurm.ts); a job
 * runs its unit with `deno task all --unit ID` and the same flags, which rebuilds the same graph.
 *
 * @module
 */
import { ALIGNET_DEFAULTS, alignetStage } from "../align/alignet_stage.ts";
import { GLOCAL_DEFAULTS, glocalStage } from "../align/glocal_stage.ts";
import { gwotOptionsForAll, gwotStage } from "../align/gwot_stage.ts";
import { type GwotModelOptions, gwotRuns, gwotTargetsForAll } from "../align/gwot_units.ts";
import { dataStage } from "../data/stage.ts";
import { BENCH_DEFAULTS, benchStage } from "../eval/benchmark/stage.ts";
import { FIGURES_DEFAULTS, figuresStage } from "../figures/stage.ts";
import { HUMAN_DEFAULTS, humanStage } from "../human/stage.ts";
import { intFlag, type ParsedArgs } from "../pipeline/cli.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { siteStage } from "../report/stage.ts";
import { decodeWorkersFlag, scheduleFlags, seedsFlag } from "../train/cli.ts";
import { MODEL_NAMES, seedSuffix } from "../train/config.ts";
import { type EmbedModelOptions, embedRuns, embedStage } from "../train/embed_stage.ts";
import { BASELINE, IMAGENET, registeredModel } from "../models/registry.ts";
import { defaultBackbone, trainStage } from "../train/stage.ts";

/** What a unit needs from a machine (the SLURM executor turns it into sbatch resources). */
export interface UnitResources {
  /** CPU cores. */
  cpus: number;
  /** Memory in GB (peak RSS of the embedded default with headroom; README "Performance"). */
  memoryGB: number;
  /** Whether the unit runs models (TensorFlow): it gets `--gpus-per-job` GPUs on a cluster. */
  models: boolean;
}

/** One stage run of the pipeline. */
export interface PipelineUnit {
  /** Unit id: the stage name, `@<seed>` added for a training run of an extra seed. */
  id: string;
  /** The stage. */
  stage: Stage<Record<string, unknown>>;
  /** Its options, as `deno task all` passes them (without `force`). */
  options: Record<string, unknown>;
  /** Ids of the units that must finish first. */
  after: string[];
  /** What it needs. */
  resources: UnitResources;
}

/** Units whose stage runs models and so needs the native TensorFlow backend loaded. */
export function needsTrainingBackend(unit: PipelineUnit): boolean {
  return unit.id.startsWith("train:") || unit.id.startsWith("embed:");
}

/**
 * Memory (GB) each stage asks for: the peak RSS measured or extrapolated for full THINGS
 * (README "The THINGS study": e.g. align:glocal 14.0 GB, the variants up to 10.7 GB) with about
 * 20 % headroom; the embedded default peaks at 2.1 GB, so its jobs ask for 4 GB (6 GB for the
 * units that run the network).
 */
const THINGS_MEMORY_GB: Record<string, number> = {
  data: 2,
  human: 4,
  "train:baseline": 9,
  train: 13,
  "embed:<model>": 11,
  embed: 2,
  "align:glocal": 17,
  "align:alignet": 14,
  bench: 4,
  "align:gwot:<model>": 4,
  "align:gwot": 2,
  figures: 4,
  site: 4,
};

/** Stages that run the network (TensorFlow): they get `--gpus-per-job` GPUs on a cluster. */
const MODEL_STAGES = [
  "train",
  "embed:<model>",
  "align:glocal",
  "align:alignet",
  "align:gwot:<model>",
];

/**
 * What a stage's job needs on a profile: `train:<model>` counts as `train` (the baseline apart),
 * `embed:<model>[@seed]` as `embed:<model>`, `align:gwot:<model>` (and the untrained networks')
 * as `align:gwot:<model>`.
 */
export function unitResources(stage: string, profile: string): UnitResources {
  const kind = stage.startsWith("train:") && stage !== "train:baseline"
    ? "train"
    : stage.startsWith("embed:")
    ? "embed:<model>"
    : stage.startsWith("align:gwot:")
    ? "align:gwot:<model>"
    : stage;
  const models = MODEL_STAGES.includes(kind) || kind === "train:baseline";
  const cpus = models || kind === "bench" ? 2 : 1;
  const memoryGB = profile === "things" ? THINGS_MEMORY_GB[kind] ?? 4 : models ? 6 : 4;
  return { cpus, memoryGB, models };
}

/**
 * The pipeline's units for a command line (the flags of `deno task all`) and the backend the
 * models train on, in the order the local executor runs them.
 */
export async function pipelineUnits(
  parsed: ParsedArgs,
  ctx: StageContext,
  options: { backend: string },
): Promise<PipelineUnit[]> {
  const skipBadImages = Boolean(parsed.values["skip-bad-images"]);
  const backbone = (parsed.values.backbone as string | undefined) ??
    defaultBackbone(ctx.profile.name);
  const limitConcepts = intFlag(parsed, "limit-concepts") ?? 0;
  const decodeWorkers = decodeWorkersFlag(parsed);
  const seeds = seedsFlag(parsed, ctx.seed);
  const units: PipelineUnit[] = [];
  const add: AddUnit = (id, stage, stageOptions, unit) => {
    units.push({
      id,
      stage: stage as unknown as Stage<Record<string, unknown>>,
      options: stageOptions,
      ...unit,
    });
  };
  const needs = (stage: string) => unitResources(stage, ctx.profile.name);
  add("data", dataStage, { limitConcepts, skipBadImages }, { after: [], resources: needs("data") });
  add("human", humanStage, { ...HUMAN_DEFAULTS }, { after: ["data"], resources: needs("human") });
  const common = { backbone, skipBadImages, ...decodeWorkers };
  trainingUnits(parsed, { ...common, seeds, backend: options.backend }, {
    add,
    needs,
  });
  const embedded = embedUnits({ backbone, seeds, backend: options.backend, skipBadImages }, {
    add,
    needs,
    decodeWorkers,
  });
  add(glocalStage.name, glocalStage, { ...GLOCAL_DEFAULTS }, {
    after: [embedded],
    resources: needs(glocalStage.name),
  });
  add(alignetStage.name, alignetStage, { ...ALIGNET_DEFAULTS, backbone, skipBadImages }, {
    after: [embedded],
    resources: needs(alignetStage.name),
  });
  const aligned = [glocalStage.name, alignetStage.name];
  add(benchStage.name, benchStage, { ...BENCH_DEFAULTS }, {
    after: [embedded, ...aligned],
    resources: needs(benchStage.name),
  });
  const gwot = await gwotOptionsForAll(ctx);
  ctx.log(`all: align:gwot with ${gwot.source}`);
  const runs = gwotRuns(gwot.options, {
    targets: gwotTargetsForAll(gwot.options, seeds),
    spaceFrom: { model: IMAGENET, seed: seeds[0] },
    backbone,
    seeds,
  });
  for (const run of runs) {
    // a model's unit waits for what makes it: embed (image models; models.arrow lists them) and,
    // for an aligned model, its alignment stage
    const target = (run.options as Partial<GwotModelOptions>).target;
    const made = target && registeredModel(target.model);
    const maker = made?.origin === "aligned" ? [made.stage] : [];
    const after = run.stage === gwotStage
      ? runs.filter((r) => r !== run).map((r) => r.id)
      : [embedded, ...maker];
    add(run.id, run.stage as Stage<Record<string, unknown>>, run.options, {
      after,
      resources: needs(run.id),
    });
  }
  add(figuresStage.name, figuresStage, { ...FIGURES_DEFAULTS }, {
    after: [benchStage.name, gwotStage.name],
    resources: needs(figuresStage.name),
  });
  add(siteStage.name, siteStage, {}, {
    after: [figuresStage.name],
    resources: needs(siteStage.name),
  });
  checkGraph(units);
  return units;
}

/** Adds one unit (as inside {@link pipelineUnits}). */
type AddUnit = <O extends Record<string, unknown>>(
  id: string,
  stage: Stage<O>,
  stageOptions: O,
  unit: { after: string[]; resources: UnitResources },
) => void;

/** The training units: every model for every seed. */
function trainingUnits(
  parsed: ParsedArgs,
  settings: {
    backbone: string;
    skipBadImages: boolean;
    seeds: number[];
    backend: string;
    decodeWorkers?: number;
  },
  build: { add: AddUnit; needs: (stage: string) => UnitResources },
): void {
  const { seeds, backend, ...rest } = settings;
  for (const trainSeed of seeds) {
    const suffix = seedSuffix(trainSeed, seeds);
    for (const model of MODEL_NAMES) {
      const id = `train:${model}${suffix}`;
      // the baseline of a seed fills the shared trunk cache the other models read
      const after = model === BASELINE ? ["human"] : ["human", `train:${BASELINE}${suffix}`];
      build.add(id, trainStage(model, suffix), {
        ...rest,
        trainSeed,
        backend,
        resume: Boolean(parsed.values.resume),
        schedule: scheduleFlags(parsed),
      }, { after, resources: build.needs(`train:${model}`) });
    }
  }
}

/**
 * The embedding units: `embed:<model>[@seed]` for every model and seed (each waits for its
 * model's training; the ImageNet embedding for the first seed's baseline, which fills the trunk
 * cache), then `embed`, which joins their rows into models.arrow; returns its id.
 */
function embedUnits(
  settings: { backbone: string; seeds: number[]; backend: string; skipBadImages: boolean },
  build: { add: AddUnit; needs: (stage: string) => UnitResources; decodeWorkers: object },
): string {
  const runs = embedRuns({ ...settings, models: [...MODEL_NAMES], ...build.decodeWorkers });
  for (const run of runs) {
    const { model, seed } = run.options as Partial<EmbedModelOptions>;
    const trained = model === IMAGENET
      ? `train:${BASELINE}`
      : `train:${model}${seedSuffix(seed!, settings.seeds)}`;
    const join = run.stage === embedStage;
    build.add(run.id, run.stage as Stage<Record<string, unknown>>, run.options, {
      after: join ? runs.filter((r) => r !== run).map((r) => r.id) : [trained],
      resources: build.needs(run.id),
    });
  }
  return embedStage.name;
}

/** Every `after` names an earlier unit, and ids are unique (the order is a topological one). */
export function checkGraph(units: readonly PipelineUnit[]): void {
  const seen = new Set<string>();
  for (const unit of units) {
    if (seen.has(unit.id)) throw new Error(`pipeline graph: unit ${unit.id} appears twice`);
    for (const dep of unit.after) {
      if (!seen.has(dep)) {
        throw new Error(`pipeline graph: ${unit.id} waits for ${dep}, which does not come before`);
      }
    }
    seen.add(unit.id);
  }
}

/** The unit with id `id`, or an error that lists the ids. */
export function findUnit(units: readonly PipelineUnit[], id: string): PipelineUnit {
  const unit = units.find((u) => u.id === id);
  if (!unit) {
    throw new Error(`no pipeline unit "${id}"; the units are ${units.map((u) => u.id).join(", ")}`);
  }
  return unit;
}

/** Ids of every unit `unit` waits for, directly or not. */
export function ancestors(units: readonly PipelineUnit[], id: string): Set<string> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Set<string>();
  const visit = (unitId: string) => {
    for (const dep of byId.get(unitId)?.after ?? []) {
      if (!out.has(dep)) {
        out.add(dep);
        visit(dep);
      }
    }
  };
  visit(id);
  return out;
}

/**
 * Output files that two units which may run at the same time (neither waits for the other) would
 * both write: on a cluster they would race. The pipeline's graph must have none.
 */
export function concurrentClashes(
  units: readonly PipelineUnit[],
  ctx: StageContext,
): { a: string; b: string; file: string }[] {
  const outputs = units.map((u) => new Set(u.stage.outputs(ctx, u.options)));
  const before = units.map((u) => ancestors(units, u.id));
  const clashes: { a: string; b: string; file: string }[] = [];
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) {
      if (before[j].has(units[i].id) || before[i].has(units[j].id)) continue;
      for (const file of outputs[i]) {
        if (outputs[j].has(file)) clashes.push({ a: units[i].id, b: units[j].id, file });
      }
    }
  }
  return clashes;
}
