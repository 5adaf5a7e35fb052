/**
 * What the steps of `deno task setup:tf` share (`setupTf` of `setup.ts`): the resolved options,
 * the chosen wheel, the package and the step log.
 *
 * @module
 */
import { resolve } from "node:path";
import { REPO_ROOT } from "../../pipeline/paths.ts";
import { tfCacheDir } from "./cache_dir.ts";
import { matchesWheel, type WheelIdentity } from "./libs.ts";
import { TFJS_NODE, TFJS_NODE_GPU, type TfjsNodePackage } from "./package.ts";
import { selfTestSubprocess } from "./selftest.ts";
import type { SetupTfOptions } from "./setup.ts";
import type { TensorflowSource } from "./source.ts";
import { type StepLog, stepLog } from "./steps.ts";
import { chooseWheel, type ObtainedWheel, type WheelChoice } from "./wheel.ts";

/** The options of one setup:tf, resolved, with its chosen wheel and its step log. */
export interface SetupTfRun {
  /** The options as given. */
  options: SetupTfOptions;
  /** Progress lines. */
  log: (line: string) => void;
  /** Repository root (absolute). */
  root: string;
  /** Cache of wheels and extracted libraries (absolute). */
  cacheDir: string;
  /** Whether the GPU package is set up. */
  gpu: boolean;
  /** The wheel to install from. */
  choice: WheelChoice;
  /** The npm package set up. */
  packageName: string;
  /** Whether the stock download is tried first. */
  stock: boolean;
  /** `performance.now()` at the start. */
  t0: number;
  /** The steps so far. */
  steps: StepLog;
}

/** A {@link SetupTfRun} once its package is located and a local wheel hashed. */
export interface SetupTfTarget extends SetupTfRun {
  /** The package set up. */
  pkg: TfjsNodePackage;
  /** The local override wheel, hashed up front; undefined for the pin or a pip requirement. */
  localWheel: ObtainedWheel | undefined;
  /** The wheel `deps/` should come from. */
  want: WheelIdentity;
}

/** The result of the addon's check in a fresh Deno process. */
export type SelfTestOutcome = Awaited<ReturnType<typeof selfTestSubprocess>>;

/** Resolve the options and choose the wheel (which throws on a bad override); the clock starts. */
export function startSetupTf(options: SetupTfOptions): SetupTfRun {
  const log = options.log ?? ((line: string) => console.error(line));
  const root = resolve(options.root ?? REPO_ROOT);
  const cacheDir = resolve(options.cacheDir ?? tfCacheDir());
  const gpu = options.gpu ?? false;
  const choice = chooseWheel(options.wheel ?? Deno.env.get("HT_TF_WHEEL"), {
    sha256: options.wheelSha256 ?? Deno.env.get("HT_TF_WHEEL_SHA256"),
    name: options.wheel !== undefined ? "--wheel" : "HT_TF_WHEEL",
    gpu,
  });
  const packageName = gpu ? TFJS_NODE_GPU : TFJS_NODE;
  const stock = options.stock ?? false;
  const t0 = performance.now();
  return { options, log, root, cacheDir, gpu, choice, packageName, stock, t0, steps: stepLog(log) };
}

/** Load the addon in a fresh Deno process and compare it with the cpu backend. */
export function selfTest(run: SetupTfRun): Promise<SelfTestOutcome> {
  return selfTestSubprocess(run.root, { gpu: run.gpu });
}

/** Whether `deps/` records the wanted libraries (the stock ones count with `--stock`). */
export function isWanted(target: SetupTfTarget, src: TensorflowSource | undefined): boolean {
  return src !== undefined &&
    ((target.stock && src.route === "stock") || matchesWheel(src, target.want));
}
