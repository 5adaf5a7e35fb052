/**
 * Training configurations: one JSON file per model in `src/train/configs/`, validated here and
 * recorded in every output of the model.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeValue, InputError } from "../io/errors.ts";
import { BASELINE, IMAGENET } from "../models/registry.ts";
import type { ProfileSection } from "./schedule.ts";

/** Which weights a stage trains. */
export type Trainable = "head" | "top+head";

/** One training stage (a schedule step). */
export interface StageConfig {
  /** Stage name (logged). */
  name: string;
  /** `head`: only the classifier; `top+head`: the backbone's last stage and the classifier. */
  trainable: Trainable;
  /** Epochs (upper bound; early stopping may end the stage sooner). */
  epochs: number;
  /** Adam learning rate. */
  learningRate: number;
}

/** How batches are drawn from the training images. */
export type SamplerConfig =
  | { kind: "shuffle"; batchSize: number }
  | { kind: "concepts"; conceptsPerBatch: number; imagesPerConcept: number }
  | {
    kind: "triplet-concepts";
    tripletsPerBatch: number;
    imagesPerConcept: number;
    maxBatches: number;
  };

/** A model's training configuration. */
export interface TrainConfig {
  /** Model name (seed 000's variant names). */
  name: string;
  /** What the variant does. */
  description: string;
  /** Start from the ImageNet backbone or from the trained baseline. */
  init: typeof IMAGENET | typeof BASELINE;
  /** Batch sampler. */
  sampler: SamplerConfig;
  /** Schedule. */
  stages: StageConfig[];
  /** Loss weights. */
  loss: { ce: number; triplet: number; matrix: number };
  /** Triplet term (required when `loss.triplet > 0`). */
  triplets?: {
    table: "triplets" | "triplets_shuffled";
    margin: number;
    distance: "cosine" | "sqeuclidean";
    prototypes: "fixed" | "batch";
  };
  /** Matrix term (required when `loss.matrix > 0`). */
  matrix?: { table: "human_similarity" | "human_similarity_shuffled"; kind: "pearson" | "mse" };
  /** Early stopping on validation top-1 (patience in epochs). */
  earlyStopping: { patience: number };
  /** For a control: the variant it is matched to. */
  controlOf?: string;
  /** Per data profile: sampler values that replace the defaults (see `schedule.ts`). */
  profiles?: Record<string, ProfileSection>;
  /** At most this many batches per epoch (set by `--max-train-batches`). */
  maxBatchesPerEpoch?: number;
}

export { MODEL_NAMES, seedSuffix } from "./model_names.ts";

/** Folder of the shipped configuration files. */
export const CONFIG_DIR: string = fileURLToPath(new URL("./configs/", import.meta.url));

/** Read and validate the configuration of a model (from `dir`, default the shipped configs). */
export async function loadTrainConfig(
  name: string,
  options: { dir?: string } = {},
): Promise<TrainConfig> {
  const file = join(options.dir ?? CONFIG_DIR, `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError({ file, expected: `a training config for "${name}"`, found: "no file" });
    }
    throw new InputError({ file, expected: "valid JSON", found: (error as Error).message });
  }
  return validateTrainConfig(raw, { file });
}

/** Validate a parsed configuration; errors name the file and the offending field. */
export function validateTrainConfig(raw: unknown, options: { file: string }): TrainConfig {
  const { file } = options;
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new InputError({ file, entry: field, expected, found: describeValue(found) });
  };
  const c = raw as TrainConfig;
  if (!c || typeof c !== "object") fail("(root)", "an object", raw);
  if (typeof c.name !== "string" || !c.name) fail("name", "a model name", c.name);
  if (c.init !== IMAGENET && c.init !== BASELINE) {
    fail("init", `"${IMAGENET}" or "${BASELINE}"`, c.init);
  }
  if (!Array.isArray(c.stages) || c.stages.length === 0) {
    fail("stages", "a non-empty list", c.stages);
  }
  c.stages.forEach((s, i) => {
    if (s.trainable !== "head" && s.trainable !== "top+head") {
      fail(`stages[${i}].trainable`, '"head" or "top+head"', s.trainable);
    }
    if (!Number.isInteger(s.epochs) || s.epochs < 1) {
      fail(`stages[${i}].epochs`, "an integer ≥ 1", s.epochs);
    }
    if (!(s.learningRate > 0)) {
      fail(`stages[${i}].learningRate`, "a positive number", s.learningRate);
    }
  });
  const sampler = c.sampler;
  if (!sampler || !["shuffle", "concepts", "triplet-concepts"].includes(sampler.kind)) {
    fail("sampler.kind", '"shuffle", "concepts" or "triplet-concepts"', sampler?.kind);
  }
  for (const w of ["ce", "triplet", "matrix"] as const) {
    if (!(c.loss?.[w] >= 0)) fail(`loss.${w}`, "a weight ≥ 0", c.loss?.[w]);
  }
  if (c.loss.triplet > 0 && !c.triplets) {
    fail("triplets", "a triplets section (loss.triplet > 0)", c.triplets);
  }
  if (c.loss.matrix > 0 && !c.matrix) {
    fail("matrix", "a matrix section (loss.matrix > 0)", c.matrix);
  }
  if (c.triplets?.prototypes === "batch" && sampler.kind !== "triplet-concepts") {
    fail("sampler.kind", '"triplet-concepts" for batch prototypes', sampler.kind);
  }
  if (c.loss.matrix > 0 && sampler.kind === "shuffle") {
    fail(
      "sampler.kind",
      '"concepts" (the matrix loss needs several concepts per batch)',
      sampler.kind,
    );
  }
  for (const [profile, section] of Object.entries(c.profiles ?? {})) {
    for (const [key, value] of Object.entries(section?.sampler ?? {})) {
      if (!(key in sampler)) {
        fail(`profiles.${profile}.sampler.${key}`, `a field of the ${sampler.kind} sampler`, key);
      }
      if (!Number.isInteger(value) || (value as number) < 1) {
        fail(`profiles.${profile}.sampler.${key}`, "an integer ≥ 1", value);
      }
    }
  }
  if (!(c.earlyStopping?.patience >= 1)) {
    fail("earlyStopping.patience", "an integer ≥ 1", c.earlyStopping?.patience);
  }
  return c;
}
