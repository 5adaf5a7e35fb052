/**
 * The orchestration of `deno task setup:tf` ({@link setupTf}; the steps are listed in `mod.ts`):
 * its options, its report and its plan. The steps: the package and the wheel (here), the check of
 * an existing addon (`check.ts`), the build under the lock (`under_lock.ts`, `install.ts`,
 * `install_libs.ts`) and the oneDNN decision (`onednn_step.ts`); the log line of each step is
 * written by `steps.ts`.
 *
 * @module
 */
import { join } from "node:path";
import type { OneDnnDecision } from "../../models/onednn.ts";
import { checkExistingAddon } from "./check.ts";
import { type SetupTfRun, type SetupTfTarget, startSetupTf } from "./context.ts";
import { wheelIdentity } from "./libs.ts";
import type { SetupTfLockOptions } from "./lock.ts";
import { oneDnnStep } from "./onednn_step.ts";
import { locateTfjsNode, type TfjsNodePackage } from "./package.ts";
import type { NativeSelfTest } from "./selftest.ts";
import type { TensorflowSource } from "./source.ts";
import type { SetupTfStep } from "./steps.ts";
import { installUnderLock } from "./under_lock.ts";
import { type ObtainedWheel, obtainWheel, PINNED_TF_WHEEL } from "./wheel.ts";

export type { SetupTfStep } from "./steps.ts";

/** Result of {@link setupTf}. */
export interface SetupTfReport {
  /**
   * How libtensorflow got there: the addon already worked, the stock download, the pip wheel, or
   * libraries already in `deps/` (only the addon was rebuilt).
   */
  route: "already" | "stock" | "wheel" | "existing-libs";
  /** The package set up. */
  pkg: TfjsNodePackage;
  /** Steps in order. */
  steps: SetupTfStep[];
  /** The final check. */
  selfTest: NativeSelfTest;
  /** Where the libraries in `deps/` came from (`deps/SOURCE.txt`), when recorded. */
  source?: TensorflowSource;
  /** Whether TensorFlow's oneDNN kernels are on, and why; absent when that step failed. */
  oneDnn?: OneDnnDecision;
  /** Total milliseconds. */
  ms: number;
}

/** Options of {@link setupTf}. */
export interface SetupTfOptions {
  /** Repository root holding deno.json and node_modules (default: this checkout). */
  root?: string;
  /** Cache of wheels and extracted libraries (default `tfCacheDir`, cache_dir.ts). */
  cacheDir?: string;
  /** Rebuild even when the addon already works (libraries are re-linked from the cache). */
  force?: boolean;
  /**
   * Opt in to the package's own libtensorflow 2.9.1 download (not pinned) before the wheel
   * (default false: the pinned wheel only).
   */
  stock?: boolean;
  /** Seconds allowed for probing the stock download host (default 10). */
  probeTimeoutS?: number;
  /** Seconds allowed for the stock install script (default 900). */
  stockTimeoutS?: number;
  /**
   * Override of the pinned wheel: a pip requirement or a local `.whl` path (default
   * `$HT_TF_WHEEL`; unset or empty: {@link PINNED_TF_WHEEL}). See `chooseWheel` (wheel.ts).
   */
  wheel?: string;
  /** sha256 an override must have (default `$HT_TF_WHEEL_SHA256`; unset: not checked). */
  wheelSha256?: string;
  /** Progress lines (default `console.error`). */
  log?: (line: string) => void;
  /** Settings of the lock against two builds at once (`acquireSetupTfLock`, lock.ts). */
  lock?: Omit<SetupTfLockOptions, "log">;
  /**
   * Set up the CUDA flavour `@tensorflow/tfjs-node-gpu` instead (`TFJS_NODE_GPU`, package.ts), by
   * default from `GPU_WHEEL` (`wheel.ts`) (`wheel: "pinned"` builds it against the CPU pin, which is how
   * CI tests the GPU package on machines without a GPU).
   */
  gpu?: boolean;
}

/**
 * Make `@tensorflow/tfjs-node` work under Deno (see `mod.ts` for the steps). Idempotent:
 * when the addon already loads and computes, only that check runs.
 */
export async function setupTf(options: SetupTfOptions = {}): Promise<SetupTfReport> {
  const run = startSetupTf(options);
  const pkg = await locatePackage(run);
  const localWheel = await hashLocalWheel(run);
  const want = wheelIdentity(run.choice, localWheel?.sha256);
  const target: SetupTfTarget = { ...run, pkg, localWheel, want };
  const report = await checkExistingAddon(target) ?? await installUnderLock(target);
  return await oneDnnStep(target, report);
}

/** Step 1: the package under `node_modules/` (`deno install` when missing). */
async function locatePackage(run: SetupTfRun): Promise<TfjsNodePackage> {
  const { packageName, root, steps } = run;
  steps.begin(`[locate] ${packageName} under ${join(root, "node_modules")}`);
  const pkg = await locateTfjsNode(root, { log: run.log, name: packageName });
  steps.done("locate", "ok", `${packageName}@${pkg.version} at ${pkg.dir}`);
  return pkg;
}

/**
 * A local override is hashed (and checked) up front: a second or two, and a wrong file fails
 * before anything is touched. Undefined for the pin or a pip requirement.
 */
async function hashLocalWheel(run: SetupTfRun): Promise<ObtainedWheel | undefined> {
  const { choice, steps } = run;
  if (choice.kind !== "file") return undefined;
  steps.begin(`[hash] ${choice.label}`);
  const localWheel = await obtainWheel(choice, { log: run.log });
  steps.done(
    "hash",
    "ok",
    `sha256 ${localWheel.sha256}${choice.sha256 ? " (matches HT_TF_WHEEL_SHA256)" : ""}${
      localWheel.sha256 === PINNED_TF_WHEEL.sha256 ? "; this file is the pinned wheel" : ""
    }`,
  );
  return localWheel;
}
