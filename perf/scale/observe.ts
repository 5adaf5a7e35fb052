/**
 * What `deno task perf:scale` reads back from a measured pipeline run: the set's split counts,
 * each model's training epochs (stage, seconds, images trained, from the training tables and a
 * replay of the batch sampler) and the trunk-cache pass.
 *
 * @module
 */
import { openTable } from "../../src/tables/reader.ts";
import type { SplitCounts } from "../../src/pipeline/cost.ts";
import { trainingTable } from "../../src/tables/names.ts";
import { readTrainingTimings, trainingTimingPath } from "../../src/tables/timings.ts";
import { missingTableError } from "../../src/io/arrow.ts";
import { tablePath } from "../../src/tables/paths.ts";
import type { TrainConfig } from "../../src/train/config.ts";
import { loadTrainData, type TripletRows } from "../../src/train/dataset.ts";
import { readTripletIndices } from "../../src/tables/triplets.ts";
import { TABLE } from "../../src/tables/names.ts";
import { epochBatches } from "../../src/train/sampler.ts";

/** Split counts of a run's tables, and its training triplets. */
export interface SetCounts extends SplitCounts {
  /** Training triplets whose three concepts have training images. */
  triplets: number;
}

/** Count images, concepts with images, splits and usable triplets of `<out>/tables`. */
export async function setCounts(tables: string): Promise<SetCounts> {
  const data = await loadTrainData(tables);
  const concepts = new Set(data.imageConcept).size;
  let triplets = 0;
  try {
    const t = await readTripletIndices(tables, TABLE.triplets);
    for (let i = 0; i < t.anchor.length; i++) {
      if ([t.anchor[i], t.positive[i], t.negative[i]].every((c) => data.conceptClass[c] >= 0)) {
        triplets++;
      }
    }
  } catch {
    // no human stage in this run
  }
  return {
    images: data.imageIds.length,
    concepts,
    train: data.rows.train.length,
    val: data.rows.val.length,
    test: data.rows.test.length,
    triplets,
  };
}

/** One training epoch as measured. */
export interface EpochRecord {
  /** Schedule stage name (`head`, `top`, `finetune`, `joint`). */
  stage: string;
  /** Whether the stage trains the head only or the top (layer4) too. */
  trainable: "head" | "top+head";
  /** Global epoch, 1-based. */
  epoch: number;
  /** Wall seconds of the epoch (training steps plus the train/val top-1 pass). */
  seconds: number;
  /** Images passed through the training step in the epoch (replayed sampler). */
  trainedRows: number;
}

/** A model's training run as measured. */
export interface TrainingRecord {
  /** Model. */
  model: string;
  /** The config it trained with (profile section and schedule flags applied; not saved). */
  config?: TrainConfig;
  /** Its epochs. */
  epochs: EpochRecord[];
  /** Seconds of the trunk-cache pass in this process (0 when the cache was there). */
  trunkSeconds: number;
  /** Whether the trunk cache was computed in this process. */
  trunkComputed: boolean;
}

/** Read a model's training table and replay its sampler to count the images of each epoch. */
export async function trainingRecord(
  tables: string,
  options: { model: string; log?: string[] },
): Promise<TrainingRecord> {
  const table = await openTable(tablePath(tables, trainingTable(options.model)), [
    "stage",
    "epoch",
  ]);
  const meta = table.metadata();
  const config = meta.options?.config as TrainConfig;
  const seed = Number(meta.options?.trainSeed ?? meta.seed ?? 7);
  // the epochs' wall-clock seconds and the trunk pass are in the run's timings table
  const timingFile = trainingTimingPath(tables, options.model);
  const timings = await readTrainingTimings(timingFile);
  if (!timings) throw missingTableError(timingFile);
  const summary = timings.notes;
  const stages = table.strings("stage");
  const epochsCol = Array.from(table.int32("epoch"));
  const seconds = timings.seconds;
  const data = await loadTrainData(tables);
  let triplets: TripletRows | undefined;
  if (config.sampler.kind === "triplet-concepts" && config.triplets) {
    triplets = await readTripletIndices(tables, config.triplets.table);
  }
  const epochs = stages.map((stage, i): EpochRecord => {
    const batches = epochBatches(data, config.sampler, {
      seed,
      epoch: epochsCol[i] - 1,
      triplets,
    }).slice(0, config.maxBatchesPerEpoch);
    return {
      stage,
      trainable: config.stages.find((s) => s.name === stage)?.trainable ?? "top+head",
      epoch: epochsCol[i],
      seconds: seconds[i],
      trainedRows: batches.reduce((s, b) => s + b.rows.length, 0),
    };
  });
  let trunkSeconds = Number(summary.trunk_seconds ?? 0);
  let trunkComputed = summary.trunk_cache_hit === false;
  // the log line is the fallback: `trunk resnet50: 768 images in 52.1s (14.7 img/s), cached`
  for (const line of options.log ?? []) {
    const m = line.match(/trunk \S+: (\d+) images in ([\d.]+)s/);
    if (m && !trunkComputed) {
      trunkSeconds = Number(m[2]);
      trunkComputed = true;
    }
  }
  return { model: options.model, config, epochs, trunkSeconds, trunkComputed };
}
