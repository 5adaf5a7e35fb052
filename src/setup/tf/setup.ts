/**
 * The orchestration of `deno task setup:tf` ({@link setupTf}; the steps are listed in `mod.ts`):
 * its options, its report and the log line of each step.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { OneDnnDecision } from "../../models/onednn.ts";
import { writeFileAtomic } from "../../io/atomic.ts";
import { exists } from "../../io/files.ts";
import { REPO_ROOT } from "../../pipeline/paths.ts";
import { buildAddon, buildEnv } from "./build.ts";
import { tfCacheDir } from "./cache_dir.ts";
import { SetupTfError } from "./error.ts";
import {
  extractWheelLibs,
  findCachedLibs,
  installWheelLibs,
  libsPresent,
  matchesWheel,
  wheelIdentity,
} from "./libs.ts";
import { acquireSetupTfLock, type SetupTfLockOptions, setupTfLockPath } from "./lock.ts";
import { locateTfjsNode, TFJS_NODE, TFJS_NODE_GPU, type TfjsNodePackage } from "./package.ts";
import { which } from "./run.ts";
import { describeSelfTest, type NativeSelfTest, selfTestSubprocess } from "./selftest.ts";
import {
  describeTensorflowSource,
  formatTensorflowSource,
  installedTensorflowSource,
  type TensorflowSource,
} from "./source.ts";
import { stockInstall, stockLibtensorflowUrl } from "./stock.ts";
import {
  chooseWheel,
  DEFAULT_WHEEL,
  type ObtainedWheel,
  obtainWheel,
  PINNED_TF_WHEEL,
  shortSha,
} from "./wheel.ts";

/** One step of {@link setupTf}. */
export interface SetupTfStep {
  /**
   * Short name (`locate`, `hash`, `check`, `lock`, `tools`, `stock`, `wheel`, `libs`, `build`,
   * `verify`, `onednn`).
   */
  name: string;
  /** Outcome. */
  status: "ok" | "skipped" | "failed";
  /** Milliseconds spent. */
  ms: number;
  /** What happened. */
  detail: string;
}

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
  /** Cache of wheels and extracted libraries (default {@link tfCacheDir}). */
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
   * `$HT_TF_WHEEL`; unset or empty: {@link PINNED_TF_WHEEL}). See {@link chooseWheel}.
   */
  wheel?: string;
  /** sha256 an override must have (default `$HT_TF_WHEEL_SHA256`; unset: not checked). */
  wheelSha256?: string;
  /** Progress lines (default `console.error`). */
  log?: (line: string) => void;
  /** Settings of the lock against two builds at once ({@link acquireSetupTfLock}). */
  lock?: Omit<SetupTfLockOptions, "log">;
  /**
   * Set up the CUDA flavour `@tensorflow/tfjs-node-gpu` instead ({@link TFJS_NODE_GPU}), by
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
  const selfTest = () => selfTestSubprocess(root, { gpu });
  const stock = options.stock ?? false;
  const t0 = performance.now();
  const steps: SetupTfStep[] = [];
  let stepT = performance.now();
  const done = (name: string, status: SetupTfStep["status"], detail: string) => {
    const ms = performance.now() - stepT;
    steps.push({ name, status, ms, detail });
    log(`[${name}] ${status}${status === "ok" ? ` (${(ms / 1000).toFixed(1)} s)` : ""}: ${detail}`);
    stepT = performance.now();
  };
  const begin = (line: string) => {
    log(line);
    stepT = performance.now();
  };

  begin(`[locate] ${packageName} under ${join(root, "node_modules")}`);
  const pkg = await locateTfjsNode(root, { log, name: packageName });
  done("locate", "ok", `${packageName}@${pkg.version} at ${pkg.dir}`);

  // A local override is hashed (and checked) up front: a second or two, and a wrong file fails
  // before anything is touched.
  let localWheel: ObtainedWheel | undefined;
  if (choice.kind === "file") {
    begin(`[hash] ${choice.label}`);
    localWheel = await obtainWheel(choice, { log });
    done(
      "hash",
      "ok",
      `sha256 ${localWheel.sha256}${choice.sha256 ? " (matches HT_TF_WHEEL_SHA256)" : ""}${
        localWheel.sha256 === PINNED_TF_WHEEL.sha256 ? "; this file is the pinned wheel" : ""
      }`,
    );
  }
  const want = wheelIdentity(choice, localWheel?.sha256);
  const isWanted = (src: TensorflowSource | undefined) =>
    src !== undefined && ((stock && src.route === "stock") || matchesWheel(src, want));
  const nothingToDo = async (check: NativeSelfTest, what: string): Promise<SetupTfReport> => {
    const installed = await installedTensorflowSource(pkg);
    done(
      "check",
      "ok",
      `${what}; TensorFlow ${check.tensorflow}; matches cpu (${describeSelfTest(check)}); ` +
        `libtensorflow: ${describeTensorflowSource(installed)}; nothing to do`,
    );
    if (!isWanted(installed)) {
      log(`  note: deps/ is not recorded as ${choice.label}; --force switches to it`);
    }
    return {
      route: "already",
      pkg,
      steps,
      selfTest: check,
      ...(installed ? { source: installed } : {}),
      ms: performance.now() - t0,
    };
  };

  /** Steps 3 to 5 (tools, libs, build, verify), under the lock. */
  async function buildLocked(): Promise<SetupTfReport> {
    // Read under the lock: another setup:tf may just have replaced deps/.
    const installed = await installedTensorflowSource(pkg);
    const installedIsWanted = isWanted(installed);
    const node = await which("node");
    if (!node) {
      throw new SetupTfError(
        "build",
        "node is not on PATH (node-gyp runs on Node.js)",
        "install Node.js ≥ 18 with its headers (apt-get install nodejs npm)",
      );
    }
    begin("[tools] node-gyp and Node headers");
    const { env, nodedir } = await buildEnv(node, { cacheDir, log });
    done(
      "tools",
      "ok",
      `node-gyp ${env.npm_config_node_gyp}; headers ${
        nodedir ? `${nodedir}/include/node` : "(downloaded by node-gyp)"
      }`,
    );

    let route: SetupTfReport["route"] = "existing-libs";
    const haveLibs = await libsPresent(pkg);
    if (haveLibs && !options.force && installedIsWanted) {
      done(
        "libs",
        "skipped",
        `libtensorflow already in ${pkg.depsLib}: ${describeTensorflowSource(installed)}`,
      );
    } else {
      if (haveLibs && !options.force) {
        log(`  deps/ holds ${describeTensorflowSource(installed)}: replacing it`);
      }
      let stockOk = false;
      if (stock) {
        const url = await stockLibtensorflowUrl(pkg);
        begin(`[stock] trying the package's own download (--stock; not pinned): ${url}`);
        // install.js keeps whatever libtensorflow deps/ holds; start clean so deps/ is the stock one.
        if (installed?.route !== "stock") {
          await Deno.remove(dirname(pkg.depsLib), { recursive: true }).catch(() => {});
        }
        const result = await stockInstall(pkg, {
          node,
          env,
          probeTimeoutS: options.probeTimeoutS ?? 10,
          timeoutS: options.stockTimeoutS ?? 900,
        });
        stockOk = result.ok && await libsPresent(pkg);
        if (stockOk) {
          await writeFileAtomic(
            join(dirname(pkg.depsLib), "SOURCE.txt"),
            formatTensorflowSource({ route: "stock", source: url }),
          );
        }
        done("stock", stockOk ? "ok" : "failed", result.detail);
      } else {
        done(
          "stock",
          "skipped",
          `the package's own libtensorflow ${pkg.libtensorflowVersion} download is opt-in (--stock)`,
        );
      }
      if (stockOk) {
        route = "stock";
      } else {
        route = "wheel";
        begin(`[wheel] ${choice.label}; cache ${cacheDir}`);
        let cached = await findCachedLibs(cacheDir, want);
        if (cached) {
          const sha = cached.marker.sha256 ? shortSha(cached.marker.sha256) : "?";
          done("wheel", "ok", `cached ${cached.marker.wheel} (sha256 ${sha}) in ${cached.dir}`);
        } else {
          if (
            choice.kind === "pinned" && (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64")
          ) {
            throw new SetupTfError(
              "wheel",
              `the pinned ${PINNED_TF_WHEEL.file} is for Linux x86_64; this is ` +
                `${Deno.build.os}/${Deno.build.arch}`,
              "set HT_TF_WHEEL to a TensorFlow wheel for this platform (e.g. " +
                `HT_TF_WHEEL=${DEFAULT_WHEEL}: not the tested pin), or try --stock`,
            );
          }
          const wheel = localWheel ?? await obtainWheel(choice, { cacheDir, log });
          const checked = choice.sha256 ? "verified" : "not checked";
          log(`  sha256 ${wheel.sha256} ${checked}: ${wheel.path}`);
          cached = await extractWheelLibs(wheel, { cacheDir, log, choice });
          if (wheel.downloaded) await Deno.remove(wheel.path).catch(() => {});
          done(
            "wheel",
            "ok",
            `${cached.marker.wheel} (sha256 ${
              shortSha(wheel.sha256)
            } ${checked}): ${cached.marker.files} files (${
              (cached.marker.bytes / 1e6).toFixed(0)
            } MB) extracted to ${cached.dir}${wheel.downloaded ? "; wheel removed" : ""}`,
          );
        }
        await installWheelLibs(pkg, cached);
        done(
          "libs",
          "ok",
          `deps/lib: libtensorflow_cc.so.2 as libtensorflow.so.${pkg.libtensorflowVersion}, ` +
            `libtensorflow_framework.so.2 as libtensorflow_framework.so.${pkg.libtensorflowVersion}` +
            `; deps/SOURCE.txt records ${cached.marker.wheel}`,
        );
      }
    }

    if (route !== "stock" || !await exists(pkg.bindingPath)) {
      begin(`[build] node-pre-gyp install --build-from-source in ${pkg.dir}`);
      await buildAddon(pkg, { node, env });
      done("build", "ok", `built ${pkg.bindingPath}`);
    }

    begin(
      `[verify] loading ${packageName} in a fresh Deno process; matMul + conv2d vs the cpu backend`,
    );
    const check = await selfTest();
    if (!check.ok) {
      throw new SetupTfError(
        "verify",
        `the addon was built but does not work: ${check.error.trim()}`,
        `rerun with --force; if the libraries came from an HT_TF_WHEEL override, unset it for the ` +
          `pinned ${DEFAULT_WHEEL}; without the native backend, --backend wasm/cpu still work ` +
          "(slowly)",
      );
    }
    const source = await installedTensorflowSource(pkg);
    done(
      "verify",
      "ok",
      `TensorFlow ${check.result.tensorflow}; ${describeSelfTest(check.result)}; ` +
        `libtensorflow: ${describeTensorflowSource(source)}`,
    );
    return {
      route,
      pkg,
      steps,
      selfTest: check.result,
      ...(source ? { source } : {}),
      ms: performance.now() - t0,
    };
  }

  let report: SetupTfReport | undefined;
  if (!options.force && await exists(pkg.bindingPath)) {
    begin("[check] loading the existing addon in a fresh Deno process");
    const check = await selfTest();
    if (check.ok) report = await nothingToDo(check.result, "addon loads");
    else done("check", "failed", `existing addon unusable, rebuilding: ${check.error.trim()}`);
  } else {
    done("check", "skipped", options.force ? "--force" : `no addon at ${pkg.bindingPath}`);
  }

  if (!report) {
    // Everything that writes to the package (deps/, build/, the addon) runs under the lock.
    const lockPath = setupTfLockPath(pkg);
    stepT = performance.now();
    const lock = await acquireSetupTfLock(lockPath, {
      ...options.lock,
      log: (line) => log(`[lock] ${line}`),
    });
    try {
      if (lock.waitedFor || lock.tookOver) {
        done(
          "lock",
          "ok",
          lock.waitedFor
            ? `waited ${(lock.waitedMs / 1000).toFixed(1)} s for pid ${lock.waitedFor.pid}`
            : "took over the stale lock",
        );
      }
      if (lock.waitedFor && !options.force) {
        // The other setup:tf may have built a working addon meanwhile.
        if (await exists(pkg.bindingPath)) {
          begin("[check] another setup:tf finished: loading its addon in a fresh Deno process");
          const check = await selfTest();
          if (check.ok) {
            report = await nothingToDo(check.result, "addon built by the other setup:tf loads");
          } else {
            done("check", "failed", `its addon is unusable, rebuilding: ${check.error.trim()}`);
          }
        } else {
          done("check", "skipped", `the other setup:tf left no addon at ${pkg.bindingPath}`);
        }
      } else if (lock.waitedFor) {
        log("  --force: rebuilding anyway");
      }
      report ??= await buildLocked();
    } finally {
      await lock.release();
    }
  }

  if (gpu) {
    done(
      "onednn",
      "skipped",
      "the GPU package runs TensorFlow's CPU kernels with oneDNN off (src/models/backend.ts)",
    );
    report.ms = performance.now() - t0;
    return report;
  }
  begin("[onednn] TensorFlow's oneDNN kernels on this CPU (cached verdict, else a probe)");
  try {
    const { decideOneDnn, describeOneDnn } = await import("../../models/onednn.ts");
    const libraries: string[] = [];
    for (const name of ["libtensorflow.so.2", "libtensorflow_framework.so.2"]) {
      const real = await Deno.realPath(join(pkg.depsLib, name)).catch(() => undefined);
      if (real) libraries.push(real);
    }
    const decision = await decideOneDnn({ libraries, log: (line) => log(`  ${line}`) });
    const how = { cache: "cached verdict", probe: "probed now", user: "", "probe-failed": "" }[
      decision.source
    ];
    const where = [how, decision.verdictFile].filter((x) => x).join(" ");
    // A probe that failed without crashing (no libraries, a timeout) decides nothing lasting.
    done(
      "onednn",
      decision.source === "probe-failed" ? "failed" : "ok",
      `${describeOneDnn(decision)}${where ? ` (${where})` : ""}`,
    );
    if (decision.warning) log(`  WARNING: ${decision.warning}`);
    report.oneDnn = decision;
  } catch (error) {
    done(
      "onednn",
      "failed",
      `could not decide (${
        (error as Error).message ?? String(error)
      }); setup:tf is not affected, the backend decides again when it loads`,
    );
  }
  report.ms = performance.now() - t0;
  return report;
}
