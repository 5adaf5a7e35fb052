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
import { NeedsStageError } from "../io/errors.ts";
import { join } from "node:path";
import { readSposeEmbedding } from "../data/readers/mod.ts";
import { thingsFile } from "../data/stage.ts";
import {
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import type { GlocalTransform } from "../io/npz.ts";
import type { Matrix, Triplets } from "../metrics/types.ts";
import { modelJsonPath } from "../models/backbones.ts";
import { initBackend } from "../models/backend.ts";
import { ALIGNET, BASELINE, IMAGENET, registeredModel, UNALIGNET } from "../models/registry.ts";
import { stageMetadata } from "../pipeline/metadata.ts";
import type { Stage } from "../pipeline/stage.ts";
import { saveCheckpoint } from "../train/checkpoint.ts";
import { loadTrainData } from "../train/dataset.ts";
import { writeModelEmbeddings } from "../train/embed_stage.ts";
import { buildNetwork } from "../train/network.ts";
import { loadTrainedWeights, sharedTrunk } from "../train/stage.ts";
import { networkWeights, topFeatures } from "../train/trainer.ts";
import {
  calibrateTemperature,
  nearestCenter,
  sampleTripletBatches,
  sampleTriplets,
  TRIPLET_SAMPLINGS,
  tripletLogits,
  tripletProbabilities,
  type TripletSampling,
} from "./alignet.ts";
import { type DistillLoss, distillStudent, studentLogits } from "./alignet_student.ts";
import { applyGlocal, searchGlocalGrid } from "./glocal.ts";
import { alignInputFiles, readHumanTriplets, readModelEmbeddings, selectRows } from "./inputs.ts";
import { backboneEmbeddings, isBackboneTeacher } from "./teacher.ts";
import { elbowK, kmeans } from "./kmeans.ts";
import { alignedPath, checkpointDir, embeddingPath, prototypePath } from "../tables/paths.ts";

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
    s === "cluster-border" ? [ALIGNET, UNALIGNET] : [`${ALIGNET}_${s.replace("-", "_")}`]
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

/** The teacher's vectors: transformed (AligNet) or standardised and scaled (UnAligNet). */
interface Teacher {
  name: "aligned" | "unaligned";
  images: Matrix;
  prototypes: Matrix;
  tau: number;
  calibrationKl: number;
  k: number;
  inertia: { k: number; inertia: number }[];
  trainLabels: Int32Array;
  valLabels: Int32Array;
}

/** ((x − mean)/std)·c: the untransformed teacher on the transform's scale. */
function scaledIdentity(t: GlocalTransform): GlocalTransform {
  let diag = 0;
  for (let i = 0; i < t.dim; i++) diag += t.weights[i * t.dim + i];
  const weights = new Float64Array(t.dim * t.dim);
  for (let i = 0; i < t.dim; i++) weights[i * t.dim + i] = diag / t.dim;
  return { ...t, weights, bias: undefined };
}

/** The AligNet stage (see the module documentation). */
export const alignetStage: Stage<AlignetStageOptions> = {
  name: "align:alignet",
  modules: [import.meta.url],
  inputs(ctx, options) {
    return Promise.resolve([
      ...(isBackboneTeacher(options.teacher)
        ? [
          join(ctx.tables, "triplets.arrow"),
          join(ctx.tables, "human_pairs.arrow"),
          join(ctx.tables, "concepts.arrow"),
          modelJsonPath(options.teacher),
        ]
        : alignInputFiles(ctx, options.teacher)),
      join(ctx.tables, "images.arrow"),
      join(ctx.tables, "splits.arrow"),
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
    const embeddings = isBackboneTeacher(options.teacher)
      ? await backboneEmbeddings(ctx, data, {
        backbone: options.teacher,
        skipBadImages: options.skipBadImages,
      })
      : await readModelEmbeddings(ctx, options.teacher);
    const inputs = { ...embeddings, ...await readHumanTriplets(ctx, embeddings.prototypeRow) };
    const spose = await readSposeEmbedding(thingsFile(ctx, "spose"), {
      rows: inputs.conceptIds.length,
    });
    // SPoSE soft targets of the training triplets (prototype rows → canonical concepts)
    const conceptOfRow = new Int32Array(inputs.prototypes.rows);
    inputs.prototypeRow.forEach((r, c) => {
      if (r >= 0) conceptOfRow[r] = c;
    });
    const canonical = (t: Triplets): Triplets => ({
      a: Int32Array.from(t.a.subarray(0, t.n), (r) => conceptOfRow[r]),
      b: Int32Array.from(t.b.subarray(0, t.n), (r) => conceptOfRow[r]),
      odd: Int32Array.from(t.odd.subarray(0, t.n), (r) => conceptOfRow[r]),
      n: t.n,
    });
    const trainTargets = tripletProbabilities(tripletLogits(spose, canonical(inputs.train)));
    const valTargets = tripletProbabilities(tripletLogits(spose, canonical(inputs.val)));
    // 1. uncertainty-distillation transform of the teacher
    const { best } = await searchGlocalGrid(
      {
        concepts: inputs.prototypes,
        train: inputs.train,
        val: inputs.val,
        targets: trainTargets,
      },
      {
        grid: options.lambdas.map((lambda) => ({ lambda, alpha: 0 })),
        epochs: options.transformEpochs,
        seed: ctx.seed,
        label: "align:alignet teacher transform",
        log: ctx.log,
      },
    );
    // student data: trunk rows by image id
    const trunk = await sharedTrunk(ctx, data, options);
    const bad = new Set(trunk.bad.map((b) => b.row));
    const trunkRow = new Map(data.imageIds.map((id, r) => [id, r]));
    const rowsOf = (split: string) =>
      inputs.split.flatMap((s, i) => {
        const r = trunkRow.get(inputs.imageIds[i]);
        if (r === undefined) {
          throw new NeedsStageError(
            `${embeddingPath(ctx, options.teacher, ctx.seed)}: image ${
              inputs.imageIds[i]
            } is not in images.arrow`,
            "deno task embed",
          );
        }
        return s === split && !bad.has(r) ? [i] : [];
      });
    const trainItems = rowsOf("train"), valItems = rowsOf("val");
    const toTrunk = (items: number[], t: Triplets): Triplets => ({
      a: Int32Array.from(t.a, (i) => trunkRow.get(inputs.imageIds[items[i]])!),
      b: Int32Array.from(t.b, (i) => trunkRow.get(inputs.imageIds[items[i]])!),
      odd: Int32Array.from(t.odd, (i) => trunkRow.get(inputs.imageIds[items[i]])!),
      n: t.n,
    });
    // 2–3. the two teachers: temperature and clusters
    const teachers: Teacher[] = [];
    for (const name of ["aligned", "unaligned"] as const) {
      if (name === "unaligned" && !options.samplings.includes("cluster-border")) continue;
      const started = performance.now();
      const transform = name === "aligned"
        ? best.fit.transform
        : scaledIdentity(best.fit.transform);
      const images = applyGlocal(transform, inputs.images);
      const prototypes = applyGlocal(transform, inputs.prototypes);
      const cal = calibrateTemperature(valTargets, tripletLogits(prototypes, inputs.val));
      const trainVectors = selectRows(images, trainItems);
      const ks = options.kGrid.filter((k) => k >= 2 && k <= trainItems.length / 2);
      if (ks.length === 0) {
        throw new RangeError(
          `align:alignet: ${trainItems.length} training images are too few for k-means over ` +
            `k ∈ {${options.kGrid.join(", ")}}`,
        );
      }
      const runs = ks.map((k) => ({
        k,
        run: kmeans(trainVectors, { k, seed: ctx.seed, maxIter: 100 }),
      }));
      const inertia = runs.map((r) => ({ k: r.k, inertia: r.run.inertia }));
      const k = ks.length >= 3 ? elbowK(inertia) : ks[0];
      const chosen = runs.find((r) => r.k === k)!.run;
      const centers: Matrix = { data: chosen.centers, rows: k, cols: images.cols };
      teachers.push({
        name,
        images,
        prototypes,
        tau: cal.tau,
        calibrationKl: cal.kl,
        k,
        inertia,
        trainLabels: chosen.labels,
        valLabels: nearestCenter(selectRows(images, valItems), centers),
      });
      ctx.log(
        `align:alignet ${name} teacher: τ_t ${cal.tau.toPrecision(3)} (val KL to SPoSE ${
          cal.kl.toFixed(4)
        }), k ${k} by the elbow of ${inertia.map((p) => p.k).join("/")} (${
          ((performance.now() - started) / 1000).toFixed(1)
        }s)`,
      );
    }
    // 4–5. triplets and students
    const rows: Record<string, unknown>[] = [];
    const inputHashes = await ctx.hasher.hashAll(await this.inputs(ctx, options));
    const meta = (model: string): Promise<TableMetadata> =>
      stageMetadata(ctx, this, {
        stageOptions: options,
        inputs: inputHashes,
        notes: { model, teacher: options.teacher, student: options.student },
        backend: true,
      });
    interface Job {
      model: string;
      sampling: TripletSampling;
      teacher: Teacher;
      controlOf: string | null;
    }
    const jobs = options.samplings.flatMap((sampling): Job[] =>
      sampling === "cluster-border"
        ? [
          { model: ALIGNET, sampling, teacher: teachers[0], controlOf: null },
          {
            model: UNALIGNET,
            sampling,
            teacher: teachers[1],
            controlOf: registeredModel(UNALIGNET)!.controlOf!,
          },
        ]
        : [{
          model: `${ALIGNET}_${sampling.replace("-", "_")}`,
          sampling,
          teacher: teachers[0],
          controlOf: null,
        }]
    );
    const conceptOfItem = (items: number[]) =>
      Int32Array.from(items, (i) => inputs.imageConcept[i]);
    for (const job of jobs) {
      const start = performance.now();
      const { teacher, sampling } = job;
      const groups = (items: number[], labels: Int32Array) =>
        sampling === "random" ? null : sampling === "class-border" ? conceptOfItem(items) : labels;
      const label = `alignet-${sampling}`;
      // one epoch = every training image about once as a pair member
      const trainT = sampleTripletBatches(
        trainItems.length,
        groups(trainItems, teacher.trainLabels),
        {
          batches: Math.max(1, Math.round(trainItems.length / (2 * options.pairsPerBatch))),
          pairsPerBatch: options.pairsPerBatch,
          oddsPerPair: options.oddsPerPair,
          seed: ctx.seed,
          label,
        },
      );
      const valT = sampleTriplets(valItems.length, groups(valItems, teacher.valLabels), {
        n: Math.round(options.valTripletsPerImage * valItems.length),
        seed: ctx.seed,
        label: `${label}-val`,
      });
      const teacherProbs = (items: number[], t: Triplets) =>
        tripletProbabilities(
          tripletLogits(teacher.images, {
            a: Int32Array.from(t.a, (i) => items[i]),
            b: Int32Array.from(t.b, (i) => items[i]),
            odd: Int32Array.from(t.odd, (i) => items[i]),
            n: t.n,
          }),
          teacher.tau,
        );
      const train = {
        triplets: toTrunk(trainItems, trainT),
        probabilities: teacherProbs(trainItems, trainT),
        batchStarts: trainT.batchStarts,
      };
      const val = {
        triplets: toTrunk(valItems, valT),
        probabilities: teacherProbs(valItems, valT),
      };
      const net = await buildNetwork(options.backbone, {
        nClasses: data.classConcept.length,
        seed: ctx.seed,
      });
      await loadTrainedWeights(ctx, net, { model: options.student, seed: ctx.seed });
      const tauS = calibrateTemperature(
        val.probabilities,
        await studentLogits(net, trunk, val.triplets),
      );
      const result = await distillStudent(net, { trunk, train, val }, {
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
      const all = Int32Array.from({ length: data.imageIds.length }, (_, r) => r);
      const features = await topFeatures(net, trunk, all);
      const dim = features.length / all.length;
      const m = await meta(job.model);
      const dir = checkpointDir(ctx, job.model, ctx.seed);
      await Deno.mkdir(dir, { recursive: true });
      await saveCheckpoint(join(dir, "final.ckpt"), {
        state: { model: job.model, options, sampling },
        tensors: await networkWeights(net),
      });
      await writeModelEmbeddings(ctx, {
        model: job.model,
        seed: ctx.seed,
        data,
        features,
        dim,
        meta: m,
      });
      net.top.dispose();
      net.head.dispose();
      const bestRow = result.epochs.find((e) => e.epoch === result.bestEpoch);
      rows.push({
        model: job.model,
        control_of: job.controlOf,
        sampling,
        teacher_transform: teacher.name,
        k: teacher.k,
        tau_teacher: teacher.tau,
        tau_student: tauS.tau,
        val_kl_start: result.initialValKl,
        val_kl_best: bestRow?.valKl ?? result.initialValKl,
        best_epoch: result.bestEpoch,
        n_train_triplets: train.triplets.n,
        n_val_triplets: val.triplets.n,
        // no wall-clock seconds here: the registry must be identical for the same seed
        log: JSON.stringify({
          epochs: result.epochs.map(({ seconds: _s, ...e }) => e),
          inertia: teacher.inertia,
        }),
      });
      ctx.log(
        `align:alignet ${job.model}: τ_s ${tauS.tau.toPrecision(3)}, val KL ${
          result.initialValKl.toFixed(4)
        } → ${(bestRow?.valKl ?? result.initialValKl).toFixed(4)} (epoch ${result.bestEpoch}), ${
          ((performance.now() - start) / 1000).toFixed(1)
        }s`,
      );
    }
    const col = <T>(key: string) => rows.map((r) => r[key] as T);
    await writeTable(
      alignedPath(ctx, ALIGNET),
      makeTable({
        model: stringColumn(col<string>("model")),
        seed: int32Column(rows.map(() => ctx.seed)),
        control_of: stringColumn(col<string | null>("control_of")),
        method: stringColumn(rows.map((r) => (r.model === UNALIGNET ? "UnAligNet" : "AligNet"))),
        source: stringColumn(rows.map(() => options.student)),
        teacher: stringColumn(rows.map(() => options.teacher)),
        teacher_transform: stringColumn(col<string>("teacher_transform")),
        sampling: stringColumn(col<string>("sampling")),
        loss: stringColumn(rows.map(() => options.loss)),
        transform_lambda: float64Column(rows.map(() => best.lambda)),
        transform_val_accuracy: float64Column(rows.map(() => best.fit.valAccuracy)),
        k: int32Column(col<number>("k")),
        tau_teacher: float64Column(col<number>("tau_teacher")),
        tau_student: float64Column(col<number>("tau_student")),
        lambda_init: float64Column(rows.map(() => options.lambdaInit)),
        val_kl_start: float64Column(col<number>("val_kl_start")),
        val_kl_best: float64Column(col<number>("val_kl_best")),
        best_epoch: int32Column(col<number>("best_epoch")),
        n_train_triplets: int32Column(col<number>("n_train_triplets")),
        n_val_triplets: int32Column(col<number>("n_val_triplets")),
        log: stringColumn(col<string>("log")),
      }),
      await meta("registry"),
    );
    return rows.map((r) =>
      `${r.model}: k ${r.k}, val KL ${(r.val_kl_start as number).toFixed(3)} → ${
        (r.val_kl_best as number).toFixed(3)
      }`
    ).join("; ");
  },
};
