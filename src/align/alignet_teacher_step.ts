/**
 * The teacher steps of `align:alignet` (steps 1–3 of its module documentation): the inputs (the
 * teacher's features, the human triplets and their SPoSE soft targets), the
 * uncertainty-distillation transform of the teacher, and the two teachers (AligNet's transformed
 * one and UnAligNet's untransformed one) with their temperature τ_t and k-means clusters.
 *
 * @module
 */
import { readSposeEmbedding } from "../data/readers/mod.ts";
import { thingsFile } from "../data/things_files.ts";
import type { GlocalTransform } from "../io/npz.ts";
import type { Matrix, Triplets } from "../metrics/types.ts";
import type { StageContext } from "../pipeline/stage.ts";
import type { TrainData } from "../train/dataset.ts";
import {
  calibrateTemperature,
  nearestCenter,
  tripletLogits,
  tripletProbabilities,
} from "./alignet.ts";
import { applyGlocal, type GlocalGridPoint, searchGlocalGrid } from "./glocal.ts";
import { type AlignInputs, readHumanTriplets, readModelEmbeddings, selectRows } from "./inputs.ts";
import { elbowK, kmeans } from "./kmeans.ts";
import { backboneEmbeddings, isBackboneTeacher } from "./teacher.ts";

/** The stage's inputs: the teacher's features, the human triplets and their SPoSE targets. */
export interface AlignetInputs extends AlignInputs {
  /** SPoSE triplet probabilities (n × 3) of the training and validation human triplets. */
  targets: { train: Float64Array; val: Float64Array };
}

/** The image rows (of the teacher's features) the student trains and validates on. */
export interface TeacherItems {
  /** Training images the trunk could read. */
  train: number[];
  /** Validation images the trunk could read. */
  val: number[];
}

/** A teacher: transformed (AligNet) or standardised and scaled (UnAligNet), and its clusters. */
export interface Teacher {
  /** Which transform made it. */
  name: "aligned" | "unaligned";
  /** Its image vectors. */
  images: Matrix;
  /** Its concept prototypes. */
  prototypes: Matrix;
  /** Teacher temperature τ_t. */
  tau: number;
  /** Mean validation KL to SPoSE at τ_t. */
  calibrationKl: number;
  /** Clusters chosen by the elbow. */
  k: number;
  /** The inertia curve over the k grid. */
  inertia: { k: number; inertia: number }[];
  /** Cluster of every training item. */
  trainLabels: Int32Array;
  /** Nearest cluster centre of every validation item. */
  valLabels: Int32Array;
}

/** The two teachers (UnAligNet's only with cluster-border sampling). */
export interface AlignetTeachers {
  /** AligNet's teacher: the fitted transform. */
  aligned: Teacher;
  /** UnAligNet's teacher: the scaled identity. */
  unaligned?: Teacher;
}

/** Triplets with every entry of their arrays mapped through `f`. */
export function remapTriplets(t: Triplets, f: (i: number) => number): Triplets {
  return {
    a: Int32Array.from(t.a, f),
    b: Int32Array.from(t.b, f),
    odd: Int32Array.from(t.odd, f),
    n: t.n,
  };
}

/**
 * The teacher's features (a backbone's, computed from the images, or an embedded model's), the
 * human triplets over its prototype rows, and their SPoSE soft targets.
 */
export async function loadAlignetInputs(
  ctx: StageContext,
  data: TrainData,
  options: { teacher: string; skipBadImages: boolean },
): Promise<AlignetInputs> {
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
  return { ...inputs, targets: sposeTargets(spose, inputs) };
}

/** SPoSE soft targets of the training and validation triplets (prototype rows → concepts). */
function sposeTargets(spose: Matrix, inputs: AlignInputs): AlignetInputs["targets"] {
  const conceptOfRow = new Int32Array(inputs.prototypes.rows);
  inputs.prototypeRow.forEach((r, c) => {
    if (r >= 0) conceptOfRow[r] = c;
  });
  const canonical = (t: Triplets): Triplets =>
    remapTriplets({
      a: t.a.subarray(0, t.n),
      b: t.b.subarray(0, t.n),
      odd: t.odd.subarray(0, t.n),
      n: t.n,
    }, (r) => conceptOfRow[r]);
  const train = tripletProbabilities(tripletLogits(spose, canonical(inputs.train)));
  const val = tripletProbabilities(tripletLogits(spose, canonical(inputs.val)));
  return { train, val };
}

/**
 * Step 1: the uncertainty-distillation transform of the teacher (the gLocal global term with the
 * SPoSE soft targets), λ chosen by validation odd-one-out accuracy.
 */
export async function fitTeacherTransform(
  ctx: StageContext,
  inputs: AlignetInputs,
  options: { lambdas: number[]; transformEpochs: number },
): Promise<GlocalGridPoint> {
  const { best } = await searchGlocalGrid(
    {
      concepts: inputs.prototypes,
      train: inputs.train,
      val: inputs.val,
      targets: inputs.targets.train,
    },
    {
      grid: options.lambdas.map((lambda) => ({ lambda, alpha: 0 })),
      epochs: options.transformEpochs,
      seed: ctx.seed,
      label: "align:alignet teacher transform",
      log: ctx.log,
    },
  );
  return best;
}

/**
 * Steps 2–3: AligNet's teacher (the fitted transform) and, with cluster-border sampling,
 * UnAligNet's (its scaled identity), each with its temperature and clusters.
 */
export function buildTeachers(
  ctx: StageContext,
  { inputs, transform, items }: {
    inputs: AlignetInputs;
    transform: GlocalTransform;
    items: TeacherItems;
  },
  options: { samplings: readonly string[]; kGrid: number[] },
): AlignetTeachers {
  const aligned = buildTeacher(ctx, { name: "aligned", transform, inputs, items }, options);
  if (!options.samplings.includes("cluster-border")) return { aligned };
  const unaligned = buildTeacher(
    ctx,
    { name: "unaligned", transform: scaledIdentity(transform), inputs, items },
    options,
  );
  return { aligned, unaligned };
}

/** ((x − mean)/std)·c: the untransformed teacher on the transform's scale. */
function scaledIdentity(t: GlocalTransform): GlocalTransform {
  let diag = 0;
  for (let i = 0; i < t.dim; i++) diag += t.weights[i * t.dim + i];
  const weights = new Float64Array(t.dim * t.dim);
  for (let i = 0; i < t.dim; i++) weights[i * t.dim + i] = diag / t.dim;
  return { ...t, weights, bias: undefined };
}

/** One teacher: the transformed vectors, τ_t against SPoSE, and the k-means clusters. */
function buildTeacher(
  ctx: StageContext,
  { name, transform, inputs, items }: {
    name: Teacher["name"];
    transform: GlocalTransform;
    inputs: AlignetInputs;
    items: TeacherItems;
  },
  options: { kGrid: number[] },
): Teacher {
  const started = performance.now();
  const images = applyGlocal(transform, inputs.images);
  const prototypes = applyGlocal(transform, inputs.prototypes);
  const cal = calibrateTemperature(inputs.targets.val, tripletLogits(prototypes, inputs.val));
  const clusters = clusterTeacher(ctx, { images, items }, options);
  ctx.log(
    `align:alignet ${name} teacher: τ_t ${cal.tau.toPrecision(3)} (val KL to SPoSE ${
      cal.kl.toFixed(4)
    }), k ${clusters.k} by the elbow of ${clusters.inertia.map((p) => p.k).join("/")} (${
      ((performance.now() - started) / 1000).toFixed(1)
    }s)`,
  );
  return { name, images, prototypes, tau: cal.tau, calibrationKl: cal.kl, ...clusters };
}

/**
 * k-means (seeded) of the training items' teacher vectors over the k grid (k ≤ half the items),
 * k by the elbow of the inertia curve; validation items get their nearest centre.
 */
function clusterTeacher(
  ctx: StageContext,
  { images, items }: { images: Matrix; items: TeacherItems },
  options: { kGrid: number[] },
): Pick<Teacher, "k" | "inertia" | "trainLabels" | "valLabels"> {
  const trainVectors = selectRows(images, items.train);
  const ks = options.kGrid.filter((k) => k >= 2 && k <= items.train.length / 2);
  if (ks.length === 0) {
    throw new RangeError(
      `align:alignet: ${items.train.length} training images are too few for k-means over ` +
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
  return {
    k,
    inertia,
    trainLabels: chosen.labels,
    valLabels: nearestCenter(selectRows(images, items.val), centers),
  };
}
