/** The provenance every stage writes into its tables' metadata. */
import type { TableMetadata } from "../io/arrow.ts";
import { recordedBackendInfo } from "../models/backend_state.ts";
import { keyedOptions, type Stage, type StageContext } from "./stage.ts";

/**
 * Table metadata of a stage run: its name, the pipeline version, seed and profile, the hashes of
 * its input files, its options and `notes`. Hash the inputs once per run and reuse the result
 * for several tables through `options.inputs`; `options.seed` records a model's own seed where
 * it differs from the run's `--seed`. `options.backend` adds the active TF.js backend (name,
 * versions, threads, oneDNN on/off and why) for stages whose results it computed.
 */
export async function stageMetadata<O extends Record<string, unknown>>(
  ctx: StageContext,
  stage: Pick<Stage<O>, "name" | "inputs">,
  options: {
    stageOptions: O;
    notes?: Record<string, unknown>;
    inputs?: Record<string, string>;
    seed?: number;
    backend?: boolean;
  },
): Promise<TableMetadata> {
  const backend = options.backend ? recordedBackendInfo() : undefined;
  return {
    task: stage.name,
    version: ctx.version,
    seed: options.seed ?? ctx.seed,
    profile: ctx.profile.name,
    inputs: options.inputs ??
      await ctx.hasher.hashAll(await stage.inputs(ctx, options.stageOptions)),
    options: keyedOptions(options.stageOptions),
    ...(options.notes ? { notes: options.notes } : {}),
    ...(backend ? { backend: { ...backend } } : {}),
  };
}
