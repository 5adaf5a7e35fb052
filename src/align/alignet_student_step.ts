/**
 * The student steps of `align:alignet` (steps 4–5 of its module documentation): the images the
 * students see (the teacher's image rows on the training trunk), one job per distilled model,
 * and per job its triplets (sampled within and across the teacher's clusters, or the concepts,
 * or at random), the distilled student, its checkpoint and embeddings, and its registry row.
 *
 * @module
 */
import { join } from "node:path";
import { NeedsStageError } from "../io/errors.ts";
import type { TableMetadata } from "../io/arrow.ts";
import type { Triplets } from "../metrics/types.ts";
import { ALIGNET, registeredModel, UNALIGNET } from "../models/registry.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { checkpointDir, embeddingPath } from "../tables/paths.ts";
import { saveCheckpoint } from "../train/checkpoint.ts";
import type { TrainData } from "../train/dataset.ts";
import { writeModelEmbeddings } from "../train/embed_stage.ts";
import { buildNetwork } from "../train/network.ts";
import { loadTrainedWeights } from "../train/stage.ts";
import type { TrunkCacheResult } from "../train/trunk_cache.ts";
import { type Network, networkWeights, topFeatures } from "../train/trainer.ts";
import {
  calibrateTemperature,
  sampleTripletBatches,
  sampleTriplets,
  tripletLogits,
  tripletProbabilities,
  type TripletSampling,
} from "./alignet.ts";
import type { AlignetStageOptions } from "./alignet_stage.ts";
import {
  type DistillResult,
  distillStudent,
  studentLogits,
  type TeacherTriplets,
} from "./alignet_student.ts";
import type { AlignetRow } from "../tables/aligned_alignet.ts";
import {
  type AlignetInputs,
  type AlignetTeachers,
  remapTriplets,
  type Teacher,
  type TeacherItems,
} from "./alignet_teacher_step.ts";

/** The students' images: the teacher's image rows of each split and their trunk rows. */
export interface StudentItems extends TeacherItems {
  /** Trunk row (image row of the data stage) of every teacher image row. */
  trunkRow: Int32Array;
}

/** One distilled model: its sampling and teacher. */
export interface AlignetJob {
  /** Model key. */
  model: string;
  /** Triplet sampling. */
  sampling: TripletSampling;
  /** Its teacher. */
  teacher: Teacher;
  /** The model it is the matched control of, else null. */
  controlOf: string | null;
}

/** What every job shares: the data, the trunk, the teacher's inputs and the items. */
export interface StudentSetup {
  /** The data stage's images. */
  data: TrainData;
  /** Their trunk activations. */
  trunk: TrunkCacheResult;
  /** The teacher's inputs (for the images' concepts). */
  inputs: AlignetInputs;
  /** The students' images. */
  items: StudentItems;
  /** Table metadata of a model's tables. */
  meta: (model: string) => Promise<TableMetadata>;
}

/** A job's training and validation triplets over trunk rows, with the teacher's probabilities. */
interface JobTriplets {
  train: TeacherTriplets;
  val: TeacherTriplets;
}

/** Model key of a sampling's student (`class-border` → `alignet_class_border`). */
export function samplingModel(sampling: TripletSampling): string {
  return `${ALIGNET}_${sampling.replace("-", "_")}`;
}

/**
 * The training and validation images of the teacher's image rows that the trunk could read, and
 * the trunk row of every teacher image row; an image the data stage does not list is an error.
 */
export function studentItems(
  ctx: StageContext,
  { data, inputs, trunk }: Pick<StudentSetup, "data" | "inputs" | "trunk">,
  teacher: string,
): StudentItems {
  const bad = new Set(trunk.bad.map((b) => b.row));
  const rowOfId = new Map(data.imageIds.map((id, r) => [id, r]));
  const trunkRow = Int32Array.from(inputs.split, (_, i) => {
    const r = rowOfId.get(inputs.imageIds[i]);
    if (r === undefined) {
      throw new NeedsStageError(
        `${embeddingPath(ctx, teacher, ctx.seed)}: image ${inputs.imageIds[i]} is not in ${
          tableFile(TABLE.images)
        }`,
        "deno task embed",
      );
    }
    return r;
  });
  const rowsOf = (split: string) =>
    inputs.split.flatMap((s, i) => (s === split && !bad.has(trunkRow[i]) ? [i] : []));
  return { train: rowsOf("train"), val: rowsOf("val"), trunkRow };
}

/**
 * The models to distil: per sampling, cluster-border → AligNet (aligned teacher) and UnAligNet
 * (its control, unaligned teacher); others → an AligNet ablation.
 */
export function alignetJobs(
  samplings: readonly TripletSampling[],
  teachers: AlignetTeachers,
): AlignetJob[] {
  return samplings.flatMap((sampling): AlignetJob[] =>
    sampling === "cluster-border"
      ? [
        { model: ALIGNET, sampling, teacher: teachers.aligned, controlOf: null },
        {
          model: UNALIGNET,
          sampling,
          teacher: teachers.unaligned!,
          controlOf: registeredModel(UNALIGNET)!.controlOf!,
        },
      ]
      : [{ model: samplingModel(sampling), sampling, teacher: teachers.aligned, controlOf: null }]
  );
}

/**
 * Step 5 for one job: sample its triplets, calibrate τ_s and distil the student from the
 * student model's weights, save its checkpoint and embeddings; returns its registry row.
 */
export async function distillAlignetModel(
  ctx: StageContext,
  job: AlignetJob,
  { setup, options }: { setup: StudentSetup; options: AlignetStageOptions },
): Promise<AlignetRow> {
  const start = performance.now();
  const { train, val } = jobTriplets(job, setup, { ...options, seed: ctx.seed });
  const net = await buildNetwork(options.backbone, {
    nClasses: setup.data.classConcept.length,
    seed: ctx.seed,
  });
  await loadTrainedWeights(ctx, net, { model: options.student, seed: ctx.seed });
  const tauS = calibrateTemperature(
    val.probabilities,
    await studentLogits(net, setup.trunk, val.triplets),
  );
  const result = await distillStudent(net, { trunk: setup.trunk, train, val }, {
    loss: options.loss,
    tau: tauS.tau,
    lambdaInit: options.lambdaInit,
    epochs: options.epochs,
    batchSize: options.pairsPerBatch * options.oddsPerPair,
    learningRate: options.learningRate,
    seed: ctx.seed,
    log: ctx.log,
    label: `align:alignet ${job.model}`,
  });
  await saveStudent(ctx, net, { job, setup, options });
  const row = alignetRow(job, { tauStudent: tauS.tau, result, train, val });
  ctx.log(
    `align:alignet ${job.model}: τ_s ${tauS.tau.toPrecision(3)}, val KL ${
      row.valKlStart.toFixed(4)
    } → ${row.valKlBest.toFixed(4)} (epoch ${row.bestEpoch}), ${
      ((performance.now() - start) / 1000).toFixed(1)
    }s`,
  );
  return row;
}

/**
 * Step 4 for one job: its training triplets in batches (one epoch = every training image about
 * once as a pair member) and its validation triplets, over trunk rows with the teacher's
 * probabilities at τ_t.
 */
function jobTriplets(
  { teacher, sampling }: AlignetJob,
  { inputs, items }: Pick<StudentSetup, "inputs" | "items">,
  options: Pick<AlignetStageOptions, "pairsPerBatch" | "oddsPerPair" | "valTripletsPerImage"> & {
    seed: number;
  },
): JobTriplets {
  const groups = (list: number[], labels: Int32Array) =>
    sampling === "random"
      ? null
      : sampling === "class-border"
      ? Int32Array.from(list, (i) => inputs.imageConcept[i])
      : labels;
  const label = `alignet-${sampling}`;
  const trainT = sampleTripletBatches(
    items.train.length,
    groups(items.train, teacher.trainLabels),
    {
      batches: Math.max(1, Math.round(items.train.length / (2 * options.pairsPerBatch))),
      pairsPerBatch: options.pairsPerBatch,
      oddsPerPair: options.oddsPerPair,
      seed: options.seed,
      label,
    },
  );
  const valT = sampleTriplets(items.val.length, groups(items.val, teacher.valLabels), {
    n: Math.round(options.valTripletsPerImage * items.val.length),
    seed: options.seed,
    label: `${label}-val`,
  });
  const toTrunk = (list: number[], t: Triplets) => remapTriplets(t, (i) => items.trunkRow[list[i]]);
  const teacherProbs = (list: number[], t: Triplets) =>
    tripletProbabilities(
      tripletLogits(teacher.images, remapTriplets(t, (i) => list[i])),
      teacher.tau,
    );
  return {
    train: {
      triplets: toTrunk(items.train, trainT),
      probabilities: teacherProbs(items.train, trainT),
      batchStarts: trainT.batchStarts,
    },
    val: { triplets: toTrunk(items.val, valT), probabilities: teacherProbs(items.val, valT) },
  };
}

/**
 * The distilled student's checkpoint (`final.ckpt`, recording the stage's options) and its
 * embeddings of every image (+ prototypes); then its weights are disposed.
 */
async function saveStudent(
  ctx: StageContext,
  net: Network,
  { job, setup, options }: { job: AlignetJob; setup: StudentSetup; options: AlignetStageOptions },
): Promise<void> {
  const { data, trunk } = setup;
  const all = Int32Array.from({ length: data.imageIds.length }, (_, r) => r);
  const features = await topFeatures(net, trunk, all);
  const dim = features.length / all.length;
  const meta = await setup.meta(job.model);
  const dir = checkpointDir(ctx, job.model, ctx.seed);
  await Deno.mkdir(dir, { recursive: true });
  await saveCheckpoint(join(dir, "final.ckpt"), {
    state: { model: job.model, options, sampling: job.sampling },
    tensors: await networkWeights(net),
  });
  await writeModelEmbeddings(ctx, {
    model: job.model,
    seed: ctx.seed,
    data,
    features,
    dim,
    meta,
  });
  net.top.dispose();
  net.head.dispose();
}

/** A distilled model's registry row. */
function alignetRow(
  job: AlignetJob,
  { tauStudent, result, train, val }: {
    tauStudent: number;
    result: DistillResult;
    train: TeacherTriplets;
    val: TeacherTriplets;
  },
): AlignetRow {
  const bestRow = result.epochs.find((e) => e.epoch === result.bestEpoch);
  return {
    model: job.model,
    controlOf: job.controlOf,
    sampling: job.sampling,
    teacherTransform: job.teacher.name,
    k: job.teacher.k,
    tauTeacher: job.teacher.tau,
    tauStudent,
    valKlStart: result.initialValKl,
    valKlBest: bestRow?.valKl ?? result.initialValKl,
    bestEpoch: result.bestEpoch,
    nTrainTriplets: train.triplets.n,
    nValTriplets: val.triplets.n,
    // no wall-clock seconds here: the registry must be identical for the same seed
    log: JSON.stringify({
      epochs: result.epochs.map(({ seconds: _s, ...e }) => e),
      inertia: job.teacher.inertia,
    }),
  };
}
