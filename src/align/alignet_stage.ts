/**
 * The `align:alignet` stage: AligNet and its UnAligNet control (seed 001).
 *
 * 1. **Teacher.** The features of the strongest available backbone (`imagenet`: the ImageNet
 *    backbone's pooled features from the embed stage — MobileNetV2 on the embedded default,
 *    ResNet-50 on the THINGS profile), with an *uncertainty-distillation* affine transform: the
 *    gLocal objective's global term with soft targets, i.e. the SPoSE triplet probabilities of
 *    the human training triplets (`triplets.arrow`, train pairs only), regularised toward a
 *    scaled identity; λ chosen by odd-one-out accuracy on validation-pair triplets. UnAligNet's
 *    teacher is the same features, standardised and scaled by mean(diag W), untransformed.
 * 2. **Teacher temperature** τ_t: calibrated so the teacher's concept-level triplet
 *    probabilities best match SPoSE's on the validation triplets (minimum KL).
 * 3. **Clusters.** k-means (k-means++, seeded) on the teacher vectors of the training images,
 *    k by the elbow of the inertia curve over a grid.
 * 4. **Triplets.** Cluster-border sampling (two images of one cluster, one of another) over the
 *    training images; class-border and random sampling as ablations (`--samplings`). Validation
 *    triplets are drawn the same way from the validation images.
 * 5. **Student.** The baseline network, its top fine-tuned on KL (or JSD) between the teacher's
 *    and the student's triplet distributions plus decay-to-init; τ_s calibrated on validation
 *    triplets before training; the epoch with the lowest validation KL is kept.
 *
 * Writes `embeddings/<model>.arrow` (+ prototypes), `checkpoints/<model>/seed-<s>/final.ckpt`
 * and the registry `aligned/alignet.arrow` (one row per model, with `control_of` marking
 * UnAligNet as AligNet's matched control).
 *
 * @module
 */
import { join } from "node:path";
import { thingsFile } from "../data/things_files.ts";
import type { TableMetadata } from "../io/arrow.ts";
import { modelJsonPath } from "../models/backbones.ts";
import { initBackend } from "../models/backend.ts";
import { ALIGNET, BASELINE, IMAGENET, UNALIGNET } from "../models/registry.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import type { Stage } from "../pipeline/stage.ts";
import { TABLE } from "../tables/names.ts";
import {
  alignedPath,
  checkpointDir,
  embeddingPath,
  prototypePath,
  tablePath,
} from "../tables/paths.ts";
import { loadTrainData } from "../train/dataset.ts";
import { sharedTrunk } from "../train/stage.ts";
import { TRIPLET_SAMPLINGS, type TripletSampling } from "./alignet.ts";
import type { DistillLoss } from "./alignet_student.ts";
import {
  alignetJobs,
  distillAlignetModel,
  samplingModel,
  studentItems,
} from "./alignet_student_step.ts";
import { type AlignetRow, writeAlignetRegistry } from "../tables/aligned_alignet.ts";
import { buildTeachers, fitTeacherTransform, loadAlignetInputs } from "./alignet_teacher_step.ts";
import { alignInputFiles } from "./inputs.ts";
import { isBackboneTeacher } from "./teacher.ts";

/** Settings of the AligNet stage (everything but the backbone). */
export interface AlignetSettings {
  /**
   * The teacher's features: a model of the embed stage (default `imagenet`, the ImageNet
   * backbone) or a backbone name (`resnet50`: pooled features computed from the images, cached).
   */
  teacher: string;
  /** Model the student starts from (default `baseline`). */
  student: string;
  /** Triplet samplings: `cluster-border` → alignet (+ unalignet); others → alignet_<sampling>. */
  samplings: TripletSampling[];
  /** Distillation divergence. */
  loss: DistillLoss;
  /** λ grid of the teacher transform's regulariser. */
  lambdas: number[];
  /** Epochs of the transform fit. */
  transformEpochs: number;
  /** k grid of the elbow. */
  kGrid: number[];
  /** Same-group pairs per student batch (2 images each). */
  pairsPerBatch: number;
  /** Odd ones per pair, from the batch's other images (triplets per batch = pairs × odds). */
  oddsPerPair: number;
  /** Student epochs. */
  epochs: number;
  /** Validation triplets per validation image. */
  valTripletsPerImage: number;
  /** Student learning rate. */
  learningRate: number;
  /** Decay-to-init strength. */
  lambdaInit: number;
  /** Skip unreadable images (as in training). */
  skipBadImages: boolean;
}

/** Options of the AligNet stage. */
export interface AlignetStageOptions extends AlignetSettings, Record<string, unknown> {
  /** Backbone of the student (the pipeline's training backbone). */
  backbone: string;
}

/** Defaults of `deno task align:alignet` (and of the stage in `deno task all`). */
export const ALIGNET_DEFAULTS: AlignetSettings = {
  teacher: IMAGENET,
  student: BASELINE,
  samplings: ["cluster-border"],
  loss: "kl",
  lambdas: [1e-2],
  transformEpochs: 5,
  kGrid: [8, 16, 32, 64, 128],
  pairsPerBatch: 32,
  oddsPerPair: 4,
  valTripletsPerImage: 1,
  epochs: 2,
  learningRate: 1e-4,
  lambdaInit: 1e-3,
  skipBadImages: false,
};

/** Model names the stage writes for its options. */
export function alignetModels(options: { samplings: readonly TripletSampling[] }): string[] {
  return options.samplings.flatMap((s) =>
    s === "cluster-border" ? [ALIGNET, UNALIGNET] : [samplingModel(s)]
  );
}

/** Check a samplings flag value. */
export function parseSamplings(value: string): TripletSampling[] {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!TRIPLET_SAMPLINGS.includes(s as TripletSampling)) {
      throw new RangeError(
        `unknown triplet sampling "${s}" (expected ${TRIPLET_SAMPLINGS.join(", ")})`,
      );
    }
  }
  if (list.length === 0) throw new RangeError("--samplings is empty");
  return list as TripletSampling[];
}

/** The AligNet stage (see the module documentation). */
export const alignetStage: Stage<AlignetStageOptions> = {
  name: "align:alignet",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve([
      ...(isBackboneTeacher(options.teacher)
        ? [
          tablePath(ctx.tables, TABLE.triplets),
          tablePath(ctx.tables, TABLE.humanPairs),
          tablePath(ctx.tables, TABLE.concepts),
          modelJsonPath(options.teacher),
        ]
        : alignInputFiles(ctx, options.teacher)),
      tablePath(ctx.tables, TABLE.images),
      tablePath(ctx.tables, TABLE.splits),
      thingsFile(ctx, "spose"),
      join(checkpointDir(ctx, options.student, ctx.seed), "final.ckpt"),
      modelJsonPath(options.backbone),
    ]);
  },
  outputs(ctx, options) {
    return [
      ...alignetModels(options).flatMap((m) => [
        embeddingPath(ctx, m, ctx.seed),
        prototypePath(ctx, m, ctx.seed),
        join(checkpointDir(ctx, m, ctx.seed), "final.ckpt"),
      ]),
      alignedPath(ctx, ALIGNET),
    ];
  },
  async run(ctx, options) {
    await initBackend({ backend: "auto", log: false });
    const data = await loadTrainData(ctx.tables);
    const inputs = await loadAlignetInputs(ctx, data, options);
    const transform = await fitTeacherTransform(ctx, inputs, options);
    const trunk = await sharedTrunk(ctx, data, options);
    const items = studentItems(ctx, { data, inputs, trunk }, options.teacher);
    const teachers = buildTeachers(ctx, {
      inputs,
      transform: transform.fit.transform,
      items,
    }, options);
    const inputHashes = await ctx.hasher.hashAll(await this.inputs(ctx, options));
    const meta = (model: string): Promise<TableMetadata> =>
      stageMetadata(ctx, this, {
        stageOptions: options,
        inputs: inputHashes,
        notes: { model, teacher: options.teacher, student: options.student },
        backend: true,
      });
    const setup = { data, trunk, inputs, items, meta };
    const rows: AlignetRow[] = [];
    for (const job of alignetJobs(options.samplings, teachers)) {
      rows.push(await distillAlignetModel(ctx, job, { setup, options }));
    }
    await writeAlignetRegistry(alignedPath(ctx, ALIGNET), rows, {
      seed: ctx.seed,
      student: options.student,
      teacher: options.teacher,
      loss: options.loss,
      lambdaInit: options.lambdaInit,
      transformLambda: transform.lambda,
      transformValAccuracy: transform.fit.valAccuracy,
      meta: await meta("registry"),
    });
    return alignetSummaryLine(rows);
  },
};

/** The stage's one-line result: each model's k and validation KL before → after. */
function alignetSummaryLine(rows: readonly AlignetRow[]): string {
  return rows.map((r) =>
    `${r.model}: k ${r.k}, val KL ${r.valKlStart.toFixed(3)} → ${r.valKlBest.toFixed(3)}`
  ).join("; ");
}
