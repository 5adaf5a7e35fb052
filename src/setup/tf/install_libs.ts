/**
 * Step 3 of `deno task setup:tf` (`setupTf` of `setup.ts`): libtensorflow into `deps/`, kept when
 * it is already the wanted one, else from the stock download (`--stock`) or the wheel.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.ts";
import { isWanted, type SetupTfTarget } from "./context.ts";
import { SetupTfError } from "./error.ts";
import {
  type CacheMarker,
  extractWheelLibs,
  findCachedLibs,
  installWheelLibs,
  libsPresent,
} from "./libs.ts";
import type { SetupTfReport } from "./setup.ts";
import {
  describeTensorflowSource,
  formatTensorflowSource,
  type TensorflowSource,
} from "./source.ts";
import { stockInstall, stockLibtensorflowUrl } from "./stock.ts";
import { DEFAULT_WHEEL, obtainWheel, PINNED_TF_WHEEL, shortSha } from "./wheel.ts";

/** Node and the environment node-gyp (and the stock install script) run with. */
export interface BuildTools {
  /** Path of `node`. */
  node: string;
  /** Environment of the build. */
  env: Record<string, string>;
}

/** A wheel's libraries extracted into the cache. */
interface CachedLibs {
  /** The cache folder. */
  dir: string;
  /** Its `complete.json`. */
  marker: CacheMarker;
}

/**
 * Put libtensorflow into `deps/` unless it already holds the wanted one (`installed`, read under
 * the lock): the route it took.
 */
export async function installLibs(
  target: SetupTfTarget,
  tools: BuildTools,
  installed: TensorflowSource | undefined,
): Promise<SetupTfReport["route"]> {
  const { options, pkg, steps } = target;
  const installedIsWanted = isWanted(target, installed);
  const haveLibs = await libsPresent(pkg);
  if (haveLibs && !options.force && installedIsWanted) {
    steps.done(
      "libs",
      "skipped",
      `libtensorflow already in ${pkg.depsLib}: ${describeTensorflowSource(installed)}`,
    );
    return "existing-libs";
  }
  if (haveLibs && !options.force) {
    target.log(`  deps/ holds ${describeTensorflowSource(installed)}: replacing it`);
  }
  if (await tryStock(target, tools, installed)) return "stock";
  await installFromWheel(target);
  return "wheel";
}

/** The package's own download, when opted in (`--stock`): whether it installed libtensorflow. */
async function tryStock(
  target: SetupTfTarget,
  tools: BuildTools,
  installed: TensorflowSource | undefined,
): Promise<boolean> {
  const { options, pkg, steps } = target;
  if (!target.stock) {
    steps.done(
      "stock",
      "skipped",
      `the package's own libtensorflow ${pkg.libtensorflowVersion} download is opt-in (--stock)`,
    );
    return false;
  }
  const url = await stockLibtensorflowUrl(pkg);
  steps.begin(`[stock] trying the package's own download (--stock; not pinned): ${url}`);
  // install.js keeps whatever libtensorflow deps/ holds; start clean so deps/ is the stock one.
  if (installed?.route !== "stock") {
    await Deno.remove(dirname(pkg.depsLib), { recursive: true }).catch(() => {});
  }
  const result = await stockInstall(pkg, {
    node: tools.node,
    env: tools.env,
    probeTimeoutS: options.probeTimeoutS ?? 10,
    timeoutS: options.stockTimeoutS ?? 900,
  });
  const stockOk = result.ok && await libsPresent(pkg);
  if (stockOk) {
    await writeFileAtomic(
      join(dirname(pkg.depsLib), "SOURCE.txt"),
      formatTensorflowSource({ route: "stock", source: url }),
    );
  }
  steps.done("stock", stockOk ? "ok" : "failed", result.detail);
  return stockOk;
}

/** The wheel's libraries (cached, else extracted from the wheel) linked into `deps/`. */
async function installFromWheel(target: SetupTfTarget): Promise<void> {
  const { pkg, steps } = target;
  steps.begin(`[wheel] ${target.choice.label}; cache ${target.cacheDir}`);
  let cached = await findCachedLibs(target.cacheDir, target.want);
  if (cached) {
    const sha = cached.marker.sha256 ? shortSha(cached.marker.sha256) : "?";
    steps.done("wheel", "ok", `cached ${cached.marker.wheel} (sha256 ${sha}) in ${cached.dir}`);
  } else {
    cached = await extractWheel(target);
  }
  await installWheelLibs(pkg, cached);
  steps.done(
    "libs",
    "ok",
    `deps/lib: libtensorflow_cc.so.2 as libtensorflow.so.${pkg.libtensorflowVersion}, ` +
      `libtensorflow_framework.so.2 as libtensorflow_framework.so.${pkg.libtensorflowVersion}` +
      `; deps/SOURCE.txt records ${cached.marker.wheel}`,
  );
}

/** Obtain the wheel (the pin only on Linux x86_64), extract its libraries into the cache. */
async function extractWheel(target: SetupTfTarget): Promise<CachedLibs> {
  const { choice, cacheDir, log } = target;
  if (choice.kind === "pinned" && (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64")) {
    throw new SetupTfError(
      "wheel",
      `the pinned ${PINNED_TF_WHEEL.file} is for Linux x86_64; this is ` +
        `${Deno.build.os}/${Deno.build.arch}`,
      "set HT_TF_WHEEL to a TensorFlow wheel for this platform (e.g. " +
        `HT_TF_WHEEL=${DEFAULT_WHEEL}: not the tested pin), or try --stock`,
    );
  }
  const wheel = target.localWheel ?? await obtainWheel(choice, { cacheDir, log });
  const checked = choice.sha256 ? "verified" : "not checked";
  log(`  sha256 ${wheel.sha256} ${checked}: ${wheel.path}`);
  const cached = await extractWheelLibs(wheel, { cacheDir, log, choice });
  if (wheel.downloaded) await Deno.remove(wheel.path).catch(() => {});
  target.steps.done(
    "wheel",
    "ok",
    `${cached.marker.wheel} (sha256 ${
      shortSha(wheel.sha256)
    } ${checked}): ${cached.marker.files} files (${
      (cached.marker.bytes / 1e6).toFixed(0)
    } MB) extracted to ${cached.dir}${wheel.downloaded ? "; wheel removed" : ""}`,
  );
  return cached;
}
