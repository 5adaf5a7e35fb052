/** Shared command-line pieces of the train, embed and all tasks. */
import { type BackendRequest, initBackend, switchBackend } from "../models/backend.ts";
import { locateTfjsNode, setupTf } from "../setup/tf/mod.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "../pipeline/cli.ts";

/** Flags for training and embedding. */
export const MODEL_FLAGS: Record<string, FlagSpec> = {
  backend: {
    type: "string",
    default: "auto",
    choices: ["auto", "tensorflow", "gpu", "wasm", "cpu"],
    description: "TF.js backend: auto picks tfjs-node-gpu with CUDA, else tfjs-node, else wasm/cpu",
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
};

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
  const selection = await initBackend({
    backend: String(parsed.values.backend ?? "auto") as BackendRequest,
  });
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
