/** Shared command-line pieces of the train, embed and all tasks. */
import {
  BACKEND_REQUESTS,
  type BackendRequest,
  detectCuda,
  GPU_PACKAGE,
  initBackend,
  probeWebgpu,
  switchBackend,
  WEBGPU_IN_AUTO,
} from "../models/backend.ts";
import { locateTfjsNode, setupTf } from "../setup/tf/mod.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { type FlagSpec, intFlag, type ParsedArgs, UsageError } from "../pipeline/cli.ts";
import type { ScheduleOverrides } from "./schedule.ts";

/** Flags for training and embedding. */
export const MODEL_FLAGS: Record<string, FlagSpec> = {
  backend: {
    type: "string",
    default: "auto",
    choices: [...BACKEND_REQUESTS],
    description: "TF.js backend: auto picks tfjs-node-gpu with CUDA, else tfjs-node, else " +
      "wasm/cpu; webgpu (explicit) trains on any WebGPU adapter, a software one included",
  },
  backbone: {
    type: "string",
    description: "backbone (default: mobilenet_v2_035 on the embedded profile, resnet50 on THINGS)",
  },
  seeds: {
    type: "string",
    description: "training seeds, comma-separated (default: the --seed value); ≥3 for statistics",
  },
  resume: {
    type: "boolean",
    default: false,
    description: "continue interrupted training from each model's last checkpoint",
  },
  "num-workers": {
    type: "string",
    description: "images decoded at once for the trunk cache (seed 000's --num-workers; 0 = one " +
      "at a time; default 8); changes speed, not results",
  },
};

/** `{ decodeWorkers }` from `--num-workers` (0 → 1), or nothing when the flag is absent. */
export function decodeWorkersFlag(parsed: ParsedArgs): { decodeWorkers?: number } {
  const n = intFlag(parsed, "num-workers");
  if (n === undefined) return {};
  if (n < 0) throw new UsageError(`--num-workers must be ≥ 0, got ${n}`);
  return { decodeWorkers: Math.max(1, n) };
}

/** Sampler flags of seed 000's script 11 (batch-prototype triplets). */
const SAMPLER_FLAGS: Record<string, FlagSpec> = {
  "triplets-per-batch": {
    type: "string",
    description: "triplets per batch of batch-prototype training (default: its config, 8)",
  },
  "images-per-concept": {
    type: "string",
    description: "images per concept in the concept-sampled batches (batch prototypes, matrix " +
      "alignment; default: each config)",
  },
};

/**
 * Schedule flags of seed 000's training scripts (03 and 11), for every model this run trains:
 * head-only stages, stages that train the backbone's last stage (ResNet-50: layer4), and a cap
 * on batches per epoch.
 */
export const SCHEDULE_FLAGS: Record<string, FlagSpec> = {
  "head-epochs": {
    type: "string",
    description: "epochs of every head-only stage (default: each model's config)",
  },
  "layer4-epochs": {
    type: "string",
    description: "epochs of every stage that trains the backbone's last stage (ResNet-50 " +
      "layer4) with the head (default: each model's config)",
  },
  "top-epochs": { type: "string", description: "the same as --layer4-epochs" },
  "max-train-batches": {
    type: "string",
    description: "at most N batches per epoch, and the batch cap of batch-prototype training " +
      "(default: each model's config; 1,200 batch-prototype batches on --profile things)",
  },
  ...SAMPLER_FLAGS,
};

/** Read the schedule flags (see {@link SCHEDULE_FLAGS}); only the flags given are set. */
export function scheduleFlags(parsed: ParsedArgs): ScheduleOverrides {
  const layer4 = intFlag(parsed, "layer4-epochs");
  const top = intFlag(parsed, "top-epochs");
  if (layer4 !== undefined && top !== undefined && layer4 !== top) {
    throw new UsageError("--layer4-epochs and --top-epochs are the same flag; give one");
  }
  const out: ScheduleOverrides = {};
  const head = intFlag(parsed, "head-epochs");
  const batches = intFlag(parsed, "max-train-batches");
  if (head !== undefined) out.headEpochs = head;
  if ((layer4 ?? top) !== undefined) out.topEpochs = layer4 ?? top;
  if (batches !== undefined) out.maxTrainBatches = batches;
  const triplets = intFlag(parsed, "triplets-per-batch");
  const images = intFlag(parsed, "images-per-concept");
  if (triplets !== undefined) out.tripletsPerBatch = triplets;
  if (images !== undefined) out.imagesPerConcept = images;
  for (const [flag, value] of Object.entries(out)) {
    if (value < 1) throw new UsageError(`${flagName(flag)} must be ≥ 1, got ${value}`);
  }
  return out;
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`.replace(
    "--top-epochs",
    "--layer4-epochs",
  );
}

/** Parse `--seeds 7,8,9` (default: the pipeline seed). */
export function seedsFlag(parsed: ParsedArgs, fallback: number): number[] {
  const raw = parsed.values.seeds;
  if (typeof raw !== "string" || raw === "") return [fallback];
  const seeds = raw.split(",").map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new UsageError(`--seeds must be integers like 7,8,9, got "${raw}"`);
  }
  if (new Set(seeds).size !== seeds.length) {
    throw new UsageError(`--seeds has a repeated seed: "${raw}"`);
  }
  return seeds;
}

/** Initialise the backend for training; returns the backend name in use. */
export async function trainingBackend(parsed: ParsedArgs): Promise<string> {
  const request = String(parsed.values.backend ?? "auto") as BackendRequest;
  const selection = await initBackend({ backend: request });
  if (!selection.canTrain) {
    await switchBackend(selection.trainBackend);
    console.error(
      `backend: ${selection.name} cannot train convolutions; training on ${selection.trainBackend}`,
    );
    return selection.trainBackend;
  }
  return selection.name;
}

/**
 * The backend a run would train on, without loading one (dry runs): the explicit request, or for
 * `auto` what {@link initBackend} would pick, judged without loading TensorFlow: the GPU package
 * when a CUDA driver is present and its addon is built (`deno task setup:tf --gpu`), else WebGPU
 * when its adapter is a real GPU, else the native TensorFlow backend (which `ensureNativeBackend`
 * builds when missing).
 */
export async function plannedBackend(parsed: ParsedArgs): Promise<string> {
  const request = String(parsed.values.backend ?? "auto");
  if (request === "tensorflow") return "tensorflow";
  if (request !== "auto") return await trainingBackend(parsed);
  if ((await detectCuda()).usable && await gpuAddonBuilt()) return "tensorflow-gpu";
  if (WEBGPU_IN_AUTO) {
    const webgpu = await probeWebgpu();
    if (webgpu.usable && !webgpu.software) return "webgpu";
  }
  return "tensorflow";
}

/** Whether `deno task setup:tf --gpu` has built the GPU package's addon. */
async function gpuAddonBuilt(): Promise<boolean> {
  try {
    const pkg = await locateTfjsNode(REPO_ROOT, { name: GPU_PACKAGE, install: false });
    return await Deno.stat(pkg.bindingPath).then(() => true, () => false);
  } catch {
    return false;
  }
}

/**
 * Build the native TensorFlow backend once when it is missing (what `deno task setup:tf` does),
 * so a fresh clone's `deno task all` trains on TensorFlow rather than the ~100× slower pure-JS
 * backend. Skipped for explicit non-native backends; a failure is reported and the run goes on
 * with the fallback backend.
 */
export async function ensureNativeBackend(
  parsed: ParsedArgs,
  log: (line: string) => void,
): Promise<void> {
  const request = String(parsed.values.backend ?? "auto");
  if (request !== "auto" && request !== "tensorflow") return;
  try {
    const pkg = await locateTfjsNode(REPO_ROOT, { log: () => {} });
    if (await Deno.stat(pkg.bindingPath).then(() => true, () => false)) return;
    log(
      "backend: the native TensorFlow addon is not built yet; building it once (deno task setup:tf)",
    );
    await setupTf({ log: (line) => log(`  ${line}`) });
  } catch (error) {
    log(
      `backend: could not build the native TensorFlow backend (${(error as Error).message}); ` +
        "continuing with the fallback backend — run `deno task setup:tf` to see why",
    );
  }
}
