/**
 * The `train` stages: one per model of seed 000 (baseline first, then the six variants), each
 * training from the shared trunk cache and writing a checkpoint folder and a training-log table.
 */
import { NeedsStageError, UserError } from "../io/errors.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { sha256Hex, stableStringify } from "../io/hash.ts";
import { backboneSpec, modelJsonPath } from "../models/backbones.ts";
import { BASELINE } from "../models/registry.ts";
import { readImageHashes } from "../tables/images.ts";
import { TABLE } from "../tables/names.ts";
import { writeTrainingLog } from "../tables/training.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { CONFIG_DIR, loadTrainConfig, type TrainConfig } from "./config.ts";
import { effectiveConfig, type ScheduleOverrides } from "./schedule.ts";
import { loadHumanMatrix, loadTrainData, type TrainData } from "./dataset.ts";
import { readTripletIndices } from "../tables/triplets.ts";
import { buildNetwork, loadSplitBackbone } from "./network.ts";
import {
  type Network,
  setNetworkWeights,
  top1,
  topFeatures,
  trainModel,
  type TrunkActivations,
} from "./trainer.ts";
import { trunkActivations, type TrunkCacheResult } from "./trunk_cache.ts";
import { checkpointDir, seedStem, tablePath, trainingTablePath } from "../tables/paths.ts";
import { trainingTimingPath, writeTrainingTimings } from "../tables/timings.ts";

/** Options of a train stage. */
export interface TrainStageOptions extends Record<string, unknown> {
  /** Backbone (profile default: mobilenet_v2_035 embedded, resnet50 THINGS). */
  backbone: string;
  /** Training seed (data splits keep the pipeline seed). */
  trainSeed: number;
  /** Backend actually in use (recorded; part of the cache key). */
  backend: string;
  /**
   * Continue from the model's last checkpoint when it belongs to the same run (`true`: refuse
   * another run's checkpoints; `"auto"`, what a cluster job runs with: start over from them).
   * Resuming gives the same weights bit for bit, so it is not part of the cache key.
   */
  resume: boolean | "auto";
  /** Skip images that fail to decode (listed in the output metadata). */
  skipBadImages: boolean;
  /** Stop after this many steps (crash/resume tests); the stage then fails as unfinished. */
  maxSteps?: number;
  /** Schedule overrides (`--head-epochs`, `--layer4-epochs`, `--max-train-batches`). */
  schedule?: ScheduleOverrides;
  /** Images decoded at once for the trunk cache (`--num-workers`; not part of the cache key). */
  decodeWorkers?: number;
}

/** Default backbone of a profile. */
export function defaultBackbone(profile: string): string {
  return profile === "things" ? "resnet50" : "mobilenet_v2_035";
}

/** The tables every model's training reads. */
const TABLE_INPUTS = [TABLE.images, TABLE.splits, TABLE.concepts];

/** Tables a config reads besides the image tables. */
function configTables(config: TrainConfig): string[] {
  const out: string[] = [];
  if (config.loss.triplet > 0 && config.triplets) out.push(config.triplets.table);
  if (config.loss.matrix > 0 && config.matrix) out.push(config.matrix.table, TABLE.humanPairs);
  return out;
}

interface SharedTrunk {
  key: string;
  result: TrunkCacheResult;
}
const trunkMemo = new Map<string, SharedTrunk>();

/** Trunk activations for the images of the data stage (memoised within a process). */
export async function sharedTrunk(
  ctx: StageContext,
  data: TrainData,
  options: { backbone: string; skipBadImages: boolean; decodeWorkers?: number },
): Promise<TrunkCacheResult> {
  const hashes = await readImageHashes(ctx.tables);
  const memoKey = `${ctx.out}|${options.backbone}|${sha256Hex(hashes.join(""))}`;
  const hit = trunkMemo.get(memoKey);
  // reused in this process: a cache hit like the on-disk one (nothing computed), so a model's
  // training log says the same whether it trained after the baseline here or in its own job
  if (hit) return { ...hit.result, hit: true, seconds: 0 };
  const { backbone, trunk } = await loadSplitBackbone(options.backbone);
  const result = await trunkActivations(backbone, trunk, {
    cacheDir: join(ctx.out, "cache", "trunk"),
    imageIds: data.imageIds,
    imageHashes: hashes,
    imagePaths: data.imagePaths.map((p) => join(ctx.profile.imagesRoot, p)),
    skipBadImages: options.skipBadImages,
    storage: ctx.profile.trunkStorage,
    decodeWorkers: options.decodeWorkers,
    log: ctx.log,
  });
  trunk.dispose();
  trunkMemo.set(memoKey, { key: result.key, result });
  return result;
}

/**
 * The configuration a trained model was trained with (recorded in its checkpoint folder's
 * `run.json`: profile section and schedule overrides applied); the shipped file when absent.
 */
export async function trainedConfig(
  ctx: StageContext,
  options: { model: string; seed: number },
): Promise<TrainConfig> {
  const runFile = join(checkpointDir(ctx, options.model, options.seed), "run.json");
  const recorded = await Deno.readTextFile(runFile).then(
    (text) => JSON.parse(text)?.config as TrainConfig | undefined,
    () => undefined,
  );
  return recorded ?? effectiveConfig(await loadTrainConfig(options.model), ctx.profile.name);
}

/** Load the final weights of a trained model into a network. */
export async function loadTrainedWeights(
  ctx: StageContext,
  net: Network,
  options: { model: string; seed: number },
): Promise<void> {
  const path = join(checkpointDir(ctx, options.model, options.seed), "final.ckpt");
  const ckpt = await loadCheckpoint(path);
  if (!ckpt) {
    throw new NeedsStageError(
      `${path}: no trained weights`,
      `deno task train --model ${options.model}`,
    );
  }
  setNetworkWeights(net, ckpt.tensors);
}

/** Top-1 of the head over image rows (rows whose concept has no class count as wrong). */
export async function splitTop1(
  net: Network,
  options: { data: TrainData; rows: Int32Array; trunk: TrunkActivations },
): Promise<number> {
  const { data, rows, trunk } = options;
  const features = await topFeatures(net, trunk, rows);
  return await top1(net, features, Int32Array.from(rows, (r) => data.imageClass[r]));
}

/**
 * The train stage of one model; `seedSuffix` (`@<seed>` for a seed after the first, see
 * `seedSuffix` in config.ts) gives each seed its own cache record.
 */
export function trainStage(model: string, seedSuffix = ""): Stage<TrainStageOptions> {
  return {
    name: `train:${model}${seedSuffix}`,
    modules: [import.meta.url],
    inputs: (ctx, options) => trainInputs(ctx, { model, options }),
    outputs(ctx, options) {
      return [
        join(checkpointDir(ctx, model, options.trainSeed), "final.ckpt"),
        trainingTablePath(ctx, model, options.trainSeed),
        trainingTimingFile(ctx, model, options.trainSeed),
      ];
    },
    async run(ctx, options) {
      const config = effectiveConfig(
        await loadTrainConfig(model),
        ctx.profile.name,
        options.schedule,
      );
      const seed = options.trainSeed;
      const inputs = await ctx.hasher.hashAll(await this.inputs(ctx, options));
      const setup = await prepareTraining(ctx, { config, seed, options });
      const dir = checkpointDir(ctx, model, seed);
      const resume = await prepareCheckpoints(dir, {
        model,
        seed,
        config,
        options,
        runKey: runKeyOf({ config, seed, options, trunk: setup.trunk.key, inputs }),
      });
      const start = performance.now();
      const result = await trainModel({
        config,
        seed,
        ...setup,
        checkpointDir: dir,
        resume,
        maxSteps: options.maxSteps,
        log: ctx.log,
      });
      if (!result.finished) {
        throw new UserError(
          `${model}: stopped after ${result.steps} steps (--max-steps); rerun with --resume to continue`,
        );
      }
      const seconds = (performance.now() - start) / 1000;
      const summary = await trainedSummary(setup);
      const meta = await stageMetadata(ctx, this, {
        stageOptions: { ...options, config, backbone_spec: backboneSpec(options.backbone).title },
        inputs,
        seed,
        notes: { summary, bad_images: setup.trunk.bad },
        backend: true,
      });
      const log = { rows: result.log, model, seed, backend: options.backend };
      await writeTrainingLog(trainingTablePath(ctx, model, seed), log, meta);
      await writeTrainingTimings(trainingTimingFile(ctx, model, seed), {
        stages: result.log.map((r) => r.stage),
        epochs: result.log.map((r) => r.epoch),
        seconds: result.log.map((r) => r.seconds),
        notes: {
          train_seconds: seconds,
          trunk_seconds: setup.trunk.seconds,
          trunk_cache_hit: setup.trunk.hit,
        },
      }, { task: meta.task, version: meta.version, seed, profile: meta.profile });
      const { net } = setup;
      tf.dispose([net.top, net.head].flatMap((m) => m.weights.map((w) => w.read())));
      return trainedLine(model, { seed, epochs: result.log.length, summary, seconds });
    },
  };
}

/** Where a model's training timings go (`timings/training/<model>[.seed<k>].arrow`). */
function trainingTimingFile(ctx: StageContext, model: string, seed: number): string {
  return trainingTimingPath(ctx.tables, seedStem(model, seed, ctx.seed));
}

/** The files a model's training reads: tables, its config, the backbone, the baseline's weights. */
async function trainInputs(
  ctx: StageContext,
  { model, options }: { model: string; options: TrainStageOptions },
): Promise<string[]> {
  const config = await loadTrainConfig(model);
  const files = [...TABLE_INPUTS, ...configTables(config)].map((t) => tablePath(ctx.tables, t));
  files.push(join(CONFIG_DIR, `${model}.json`), modelJsonPath(options.backbone));
  if (config.init === BASELINE) {
    files.push(join(checkpointDir(ctx, BASELINE, options.trainSeed), "final.ckpt"));
  }
  return files;
}

/** The key a checkpoint folder's resumable state is tied to (a different key starts over). */
function runKeyOf(
  run: {
    config: TrainConfig;
    seed: number;
    options: TrainStageOptions;
    trunk: string;
    inputs: Record<string, string>;
  },
): string {
  return sha256Hex(stableStringify({
    config: run.config,
    seed: run.seed,
    backbone: run.options.backbone,
    backend: run.options.backend,
    trunk: run.trunk,
    inputs: run.inputs,
  }));
}

/** The stage's one-line result. */
function trainedLine(
  model: string,
  r: {
    seed: number;
    epochs: number;
    summary: { val_top1: number; test_top1: number; chance: number };
    seconds: number;
  },
): string {
  return `${model} seed ${r.seed}: ${r.epochs} epochs, val top-1 ${
    r.summary.val_top1.toFixed(3)
  }, ` +
    `test top-1 ${r.summary.test_top1.toFixed(3)} (chance ${r.summary.chance.toFixed(4)}), ${
      r.seconds.toFixed(0)
    }s`;
}

/**
 * What a training run needs: the data (images the trunk could not read dropped from every
 * split), the trunk cache, the network (from the baseline's weights where the config says so),
 * and the triplets and human matrix its losses use.
 */
async function prepareTraining(
  ctx: StageContext,
  { config, seed, options }: { config: TrainConfig; seed: number; options: TrainStageOptions },
) {
  const data = await loadTrainData(ctx.tables);
  const trunk = await sharedTrunk(ctx, data, options);
  const bad = new Set(trunk.bad.map((b) => b.row));
  if (bad.size) {
    for (const split of ["train", "val", "test", "stress"] as const) {
      data.rows[split] = data.rows[split].filter((r) => !bad.has(r));
    }
  }
  const net = await buildNetwork(options.backbone, {
    nClasses: data.classConcept.length,
    seed,
  });
  if (config.init === BASELINE) {
    await loadTrainedWeights(ctx, net, { model: BASELINE, seed });
  }
  const triplets = config.loss.triplet > 0 && config.triplets
    ? await readTripletIndices(ctx.tables, config.triplets.table)
    : undefined;
  const human = config.loss.matrix > 0 && config.matrix
    ? await loadHumanMatrix(ctx.tables, config.matrix.table)
    : undefined;
  return { data, trunk, net, triplets, human };
}

/**
 * The checkpoint folder of a run, ready: with `--resume`, refuse checkpoints of another run
 * (another `runKey`) and resume from this run's; with `resume: "auto"` (a cluster job) resume
 * from this run's and start clean over another run's; else start clean. Records the run in
 * `run.json`; returns whether to resume.
 */
async function prepareCheckpoints(
  dir: string,
  run: {
    model: string;
    seed: number;
    config: TrainConfig;
    options: TrainStageOptions;
    runKey: string;
  },
): Promise<boolean> {
  await Deno.mkdir(dir, { recursive: true });
  const runFile = join(dir, "run.json");
  let resume = false;
  if (run.options.resume) {
    const previous = await Deno.readTextFile(runFile).then(JSON.parse).catch(() => undefined);
    const same = previous?.runKey === run.runKey;
    if (previous && !same && run.options.resume !== "auto") {
      throw new UserError(
        `${dir}: the checkpoints belong to a different run (config, data, backend or seed changed); rerun without --resume`,
      );
    }
    // "auto" (a cluster job) starts over from another run's checkpoints
    resume = previous !== undefined && same;
  }
  if (!resume) {
    for (const f of ["last.ckpt", "best.ckpt", "final.ckpt", "timings.json"]) {
      await Deno.remove(join(dir, f)).catch(() => {});
    }
  }
  const { runKey, model, seed, config } = run;
  await writeFileAtomic(
    runFile,
    JSON.stringify({ runKey, model, seed, backend: run.options.backend, config }, null, 2),
  );
  return resume;
}

/** The trained head's top-1 on val, test and stress, with the run's facts (table notes). */
async function trainedSummary(
  { data, trunk, net }: Awaited<ReturnType<typeof prepareTraining>>,
) {
  const accuracy = (rows: Int32Array) => splitTop1(net, { data, rows, trunk });
  return {
    val_top1: await accuracy(data.rows.val),
    test_top1: await accuracy(data.rows.test),
    stress_top1: await accuracy(data.rows.stress),
    chance: 1 / data.classConcept.length,
    n_classes: data.classConcept.length,
    n_test: data.rows.test.length,
  };
}
