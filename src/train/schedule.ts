/**
 * The schedule a run actually trains with: a model's configuration, its profile section (e.g.
 * the THINGS profile caps batch-prototype training at 1,200 batches, as the seed did), then the
 * command line's overrides (`--head-epochs`, `--layer4-epochs`, `--max-train-batches`).
 */
import type { TrainConfig } from "./config.ts";

/** Command-line overrides of a training schedule (seed 000's flags of scripts 03 and 11). */
export interface ScheduleOverrides {
  /** Epochs of every head-only stage (`--head-epochs`). */
  headEpochs?: number;
  /** Epochs of every stage that trains the backbone's last stage (`--layer4-epochs`). */
  topEpochs?: number;
  /** At most this many batches per epoch; also the cap of capped samplers (`--max-train-batches`). */
  maxTrainBatches?: number;
  /** Triplets per batch of the batch-prototype sampler (`--triplets-per-batch`). */
  tripletsPerBatch?: number;
  /** Images per concept of the concept samplers (`--images-per-concept`). */
  imagesPerConcept?: number;
}

/** A configuration's overrides for one data profile (`profiles.<name>` in its JSON file). */
export type ProfileSection = {
  sampler?: Partial<Record<string, number>>;
};

/**
 * Apply a profile section and then the overrides to a configuration; returns a new object (the
 * input is unchanged). The result is what the run records and what its cache key covers.
 */
export function effectiveConfig(
  config: TrainConfig,
  profile: string,
  overrides: ScheduleOverrides = {},
): TrainConfig {
  const section = config.profiles?.[profile];
  const out: TrainConfig = {
    ...config,
    sampler: { ...config.sampler, ...(section?.sampler ?? {}) } as TrainConfig["sampler"],
    stages: config.stages.map((stage) => {
      const epochs = stage.trainable === "head" ? overrides.headEpochs : overrides.topEpochs;
      return epochs === undefined ? { ...stage } : { ...stage, epochs };
    }),
  };
  delete out.profiles;
  const sampler = out.sampler as unknown as Record<string, unknown>;
  for (const key of ["tripletsPerBatch", "imagesPerConcept"] as const) {
    const value = overrides[key];
    if (value !== undefined && key in sampler) {
      out.sampler = { ...out.sampler, [key]: value } as TrainConfig["sampler"];
    }
  }
  if (overrides.maxTrainBatches !== undefined) {
    out.maxBatchesPerEpoch = overrides.maxTrainBatches;
    if (out.sampler.kind === "triplet-concepts") {
      out.sampler = { ...out.sampler, maxBatches: overrides.maxTrainBatches };
    }
  }
  return out;
}

/** Check overrides (positive integers); returns a message for the first bad value. */
export function scheduleProblem(overrides: ScheduleOverrides): string | undefined {
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      return `${key} must be an integer ≥ 1, got ${value}`;
    }
  }
  return undefined;
}
