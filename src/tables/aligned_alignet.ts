/**
 * The Arrow table `align:alignet` writes itself: the registry `aligned/alignet.arrow`, one row per
 * distilled model (the embeddings and prototypes go through the embed stage's writer).
 *
 * @module
 */
import {
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import { UNALIGNET } from "../models/registry.ts";
import type { TripletSampling } from "../align/alignet.ts";
import type { DistillLoss } from "../align/alignet_student.ts";

/** One distilled model: its row of the registry (besides the stage-wide columns). */
export interface AlignetRow {
  /** Model key. */
  model: string;
  /** The model this one is the matched control of (UnAligNet → AligNet), else null. */
  controlOf: string | null;
  /** Triplet sampling of its training triplets. */
  sampling: TripletSampling;
  /** Its teacher (`aligned`: the fitted transform; `unaligned`: the scaled identity). */
  teacherTransform: "aligned" | "unaligned";
  /** Clusters of its teacher. */
  k: number;
  /** Teacher temperature τ_t. */
  tauTeacher: number;
  /** Student temperature τ_s. */
  tauStudent: number;
  /** Validation KL before distillation. */
  valKlStart: number;
  /** Validation KL of the kept epoch. */
  valKlBest: number;
  /** The kept epoch (0 = none improved on the start). */
  bestEpoch: number;
  /** Training triplets. */
  nTrainTriplets: number;
  /** Validation triplets. */
  nValTriplets: number;
  /** JSON of the epochs (without wall-clock seconds) and the teacher's inertia curve. */
  log: string;
}

/** The registry columns every row shares: the stage's choices and the teacher transform. */
export interface AlignetRegistryShared {
  /** Pipeline seed. */
  seed: number;
  /** Model the students start from. */
  student: string;
  /** The teacher's features. */
  teacher: string;
  /** Distillation divergence. */
  loss: DistillLoss;
  /** Decay-to-init strength. */
  lambdaInit: number;
  /** λ of the chosen teacher transform. */
  transformLambda: number;
  /** Its validation odd-one-out accuracy. */
  transformValAccuracy: number;
  /** Table metadata. */
  meta: TableMetadata;
}

/** Write `aligned/alignet.arrow`: one row per distilled model. */
export async function writeAlignetRegistry(
  path: string,
  rows: readonly AlignetRow[],
  shared: AlignetRegistryShared,
): Promise<void> {
  const each = <T>(value: T) => rows.map(() => value);
  await writeTable(
    path,
    makeTable({
      model: stringColumn(rows.map((r) => r.model)),
      seed: int32Column(each(shared.seed)),
      control_of: stringColumn(rows.map((r) => r.controlOf)),
      method: stringColumn(rows.map((r) => (r.model === UNALIGNET ? "UnAligNet" : "AligNet"))),
      source: stringColumn(each(shared.student)),
      teacher: stringColumn(each(shared.teacher)),
      teacher_transform: stringColumn(rows.map((r) => r.teacherTransform)),
      sampling: stringColumn(rows.map((r) => r.sampling)),
      loss: stringColumn(each(shared.loss)),
      transform_lambda: float64Column(each(shared.transformLambda)),
      transform_val_accuracy: float64Column(each(shared.transformValAccuracy)),
      k: int32Column(rows.map((r) => r.k)),
      tau_teacher: float64Column(rows.map((r) => r.tauTeacher)),
      tau_student: float64Column(rows.map((r) => r.tauStudent)),
      lambda_init: float64Column(each(shared.lambdaInit)),
      val_kl_start: float64Column(rows.map((r) => r.valKlStart)),
      val_kl_best: float64Column(rows.map((r) => r.valKlBest)),
      best_epoch: int32Column(rows.map((r) => r.bestEpoch)),
      n_train_triplets: int32Column(rows.map((r) => r.nTrainTriplets)),
      n_val_triplets: int32Column(rows.map((r) => r.nValTriplets)),
      log: stringColumn(rows.map((r) => r.log)),
    }),
    shared.meta,
  );
}
