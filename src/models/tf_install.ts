/**
 * `deno task setup:tf`: make `@tensorflow/tfjs-node` (the native TensorFlow backend) importable
 * under Deno.
 *
 * Deno does not run npm install scripts, and the stock script of tfjs-node downloads an unpinned
 * libtensorflow 2.9.1 from storage.googleapis.com, which not every machine can reach. The steps:
 *
 * 1. locate the package under `node_modules/` (`deno install` when missing);
 * 2. if its addon already loads and computes, stop;
 * 3. libtensorflow into `deps/` from the pinned `tensorflow-cpu` Python wheel
 *    ({@link PINNED_TF_WHEEL}, fetched with `pip download` and checked against its sha256 before
 *    anything is extracted), whose `libtensorflow_cc.so.2` exports the TF C API: its libraries
 *    are linked into `deps/lib` under the names the addon links against, its C headers into
 *    `deps/include` (cached, see {@link tfCacheDir}). `HT_TF_WHEEL` overrides the wheel (a pip
 *    requirement or a local `.whl`, see {@link chooseWheel}); the package's own stock download is
 *    an explicit opt-in ({@link SetupTfOptions.stock});
 * 4. build the addon (`node-pre-gyp install --build-from-source`, i.e. node-gyp, against the
 *    local Node headers);
 * 5. check it in a fresh Deno process: load it and compare a matMul and a conv2d with the cpu
 *    backend, within the float32 error model ({@link float32ComparisonRatio});
 * 6. report whether TensorFlow's oneDNN kernels are on, and why (`decideOneDnn` of
 *    `onednn.ts`: the verdict of a probe in a child process, cached per CPU and TensorFlow
 *    build). Also done when step 2 finds nothing to do; a failure here does not fail setup:tf.
 *
 * Steps 3 to 5 run under an exclusive lock file in the package folder
 * ({@link acquireSetupTfLock}): a second `setup:tf` on the same checkout (e.g. `deno task all`
 * building the addon while another task does the same) waits for the first, then checks the
 * addon again and, when it works, has nothing to do.
 *
 * @module
 */
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tensor } from "@tensorflow/tfjs";
import type { OneDnnDecision } from "./onednn.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { exists } from "../io/files.ts";
import { sha256File } from "../io/hash.ts";
import { extractZip } from "../io/zip.ts";

/** Repository root (two levels above this file). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Name of the npm package this module sets up. */
export const TFJS_NODE = "@tensorflow/tfjs-node";

/** The TensorFlow wheel whose libraries this project is tested with (see {@link PINNED_TF_WHEEL}). */
export interface PinnedWheel {
  /** pip project name. */
  project: string;
  /** Exact version. */
  version: string;
  /** The one wheel file (its libraries do not depend on the Python version). */
  file: string;
  /** Hex sha256 of that file. */
  sha256: string;
  /** `pip download --python-version`, so the result does not depend on the local Python. */
  pythonVersion: string;
  /** `pip download --implementation`. */
  implementation: string;
  /** `pip download --abi`. */
  abi: string;
  /** `pip download --platform`. */
  platform: string;
}

/**
 * The pinned wheel `deno task setup:tf` takes libtensorflow from on every machine (Linux x86_64),
 * unless `HT_TF_WHEEL` overrides it. Update version, file and sha256 together, and only to a
 * wheel the test suite passed with.
 */
export const PINNED_TF_WHEEL: Readonly<PinnedWheel> = Object.freeze({
  project: "tensorflow-cpu",
  version: "2.21.0",
  file: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  pythonVersion: "3.11",
  implementation: "cp",
  abi: "cp311",
  platform: "manylinux_2_27_x86_64",
});

/** pip requirement of the pinned wheel (`tensorflow-cpu==2.21.0`). */
export const DEFAULT_WHEEL = `${PINNED_TF_WHEEL.project}==${PINNED_TF_WHEEL.version}`;

/** The located tfjs-node package and the paths its addon needs. */
export interface TfjsNodePackage {
  /** Real path of the package folder. */
  dir: string;
  /** Package version (from its package.json). */
  version: string;
  /** libtensorflow version the package expects (`scripts/deps-constants.js`, e.g. 2.9.1). */
  libtensorflowVersion: string;
  /** `deps/lib`: libtensorflow and the names the addon links against. */
  depsLib: string;
  /** `deps/include`: the TF C API headers for the build. */
  depsInclude: string;
  /** Where tfjs-node loads its addon from (`lib/napi-v8/tfjs_binding.node`). */
  bindingPath: string;
}

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

/** One operation of {@link nativeSelfTest}: native vs cpu, against the float32 error model. */
export interface SelfTestComparison {
  /**
   * Worst |native − cpu| / bound over the output elements ({@link float32ComparisonRatio}):
   * ≤ 1 passes. Infinity when a value is NaN or the shapes differ.
   */
  ratio: number;
  /** Largest |native − cpu| (absolute), for context. */
  maxDiff: number;
  /** n: the number of summed products behind each output element. */
  terms: number;
}

/** Result of {@link nativeSelfTest}. */
export interface NativeSelfTest {
  /** TensorFlow version reported by the addon. */
  tensorflow: string;
  /** A [64×96]·[96×48] matMul (n = 96). */
  matMul: SelfTestComparison;
  /** A 3×3×3→8 conv2d, stride 2, `same` padding (n = 27). */
  conv2d: SelfTestComparison;
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
}

/** A failed step, with how to fix it. */
export class SetupTfError extends Error {
  /** The step that failed. */
  readonly step: string;
  /** What to do about it. */
  readonly hint: string;

  /** Build from the failed step, what failed, and the fix. */
  constructor(step: string, message: string, hint: string) {
    super(`${step}: ${message}`);
    this.name = "SetupTfError";
    this.step = step;
    this.hint = hint;
  }
}

/**
 * Cache folder of the wheel route (outside the repository, shared by checkouts):
 * `$HT_TF_CACHE`, else `$XDG_CACHE_HOME/human-things/tfjs-node`, else
 * `~/.cache/human-things/tfjs-node`.
 */
export function tfCacheDir(): string {
  const env = (k: string) => Deno.env.get(k) || undefined;
  const explicit = env("HT_TF_CACHE");
  if (explicit) return resolve(explicit);
  const base = env("XDG_CACHE_HOME") ?? join(env("HOME") ?? Deno.cwd(), ".cache");
  return join(base, "human-things", "tfjs-node");
}

/** Output of a subprocess. */
interface RunResult {
  code: number;
  out: string;
  timedOut: boolean;
}

/** Run a command, capturing stdout+stderr together, killing it after `timeoutS`. */
async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutS?: number } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = options.timeoutS
    ? setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, options.timeoutS * 1000)
    : undefined;
  const dec = new TextDecoder();
  let out = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += dec.decode(chunk, { stream: true });
  };
  const [status] = await Promise.all([child.status, drain(child.stdout), drain(child.stderr)]);
  clearTimeout(timer);
  return { code: status.code, out, timedOut };
}

/** Last `n` non-empty lines of a text, indented, for error messages. */
function tail(text: string, n = 25): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-n).map((l) => `    ${l}`).join("\n");
}

/** Where `cmd` is on PATH, or undefined. */
async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const p = join(dir, cmd);
    try {
      const info = await Deno.stat(p);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

/**
 * Locate tfjs-node under `root/node_modules` (running `deno install` there when it is missing)
 * and derive the paths its addon needs.
 */
export async function locateTfjsNode(
  root: string,
  options: { install?: boolean; log?: (line: string) => void } = {},
): Promise<TfjsNodePackage> {
  const link = join(root, "node_modules", ...TFJS_NODE.split("/"));
  let dir: string | undefined;
  try {
    dir = await Deno.realPath(link);
  } catch {
    if (options.install ?? true) {
      options.log?.(`  ${TFJS_NODE} is not in node_modules: running deno install`);
      const r = await run(Deno.execPath(), ["install"], { cwd: root, timeoutS: 900 });
      if (r.code !== 0) {
        throw new SetupTfError(
          "locate",
          `deno install failed:\n${tail(r.out)}`,
          "fix the error above",
        );
      }
      dir = await Deno.realPath(link).catch(() => undefined);
    }
  }
  if (!dir) {
    throw new SetupTfError(
      "locate",
      `${TFJS_NODE} not found at ${link}`,
      `add it to deno.json imports (npm:${TFJS_NODE}@4.22.0) and run deno install`,
    );
  }
  const pkgJson = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
  let libtensorflowVersion = "2.9.1";
  try {
    const constants = await Deno.readTextFile(join(dir, "scripts", "deps-constants.js"));
    libtensorflowVersion = /LIBTENSORFLOW_VERSION\s*=\s*'([^']+)'/.exec(constants)?.[1] ??
      libtensorflowVersion;
  } catch { /* keep the 4.x default */ }
  // The very function tfjs-node calls at import time, so the path matches Deno's N-API version.
  let bindingPath = join(dir, "lib", "napi-v8", "tfjs_binding.node");
  try {
    const require = createRequire(join(dir, "package.json"));
    const preGyp = require("@mapbox/node-pre-gyp") as { find(p: string): string };
    bindingPath = preGyp.find(join(dir, "package.json"));
  } catch { /* keep the napi-v8 default */ }
  return {
    dir,
    version: String(pkgJson.version),
    libtensorflowVersion,
    depsLib: join(dir, "deps", "lib"),
    depsInclude: join(dir, "deps", "include"),
    bindingPath,
  };
}

/** Whether deps/ holds a loadable-looking libtensorflow and the C API headers. */
async function libsPresent(pkg: TfjsNodePackage): Promise<boolean> {
  return await exists(join(pkg.depsLib, `libtensorflow.so.${pkg.libtensorflowVersion}`)) &&
    await exists(join(pkg.depsLib, `libtensorflow_framework.so.${pkg.libtensorflowVersion}`)) &&
    await exists(join(pkg.depsInclude, "tensorflow", "c", "c_api.h"));
}

/** Unit roundoff of float32 (round to nearest): 2⁻²⁴. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** γ(n) = n·u / (1 − n·u): the relative error bound of an n-term float32 sum (n·u < 1). */
export function float32Gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  if (!(nu >= 0 && nu < 1)) throw new RangeError(`float32Gamma: n·u = ${nu} must lie in [0, 1)`);
  return nu / (1 - nu);
}

/**
 * Compare two float32 evaluations of the same sums of products (e.g. native vs cpu backend)
 * against the float32 error model (Higham, _Accuracy and Stability of Numerical Algorithms_,
 * §3.1): an n-term sum evaluated in float32 in any order, with or without fused multiply-adds,
 * is within γ(n)·Σ|terms| of the exact one, so two evaluations are within
 *
 *   bound = 2·γ(n)·Σ|terms| + 2·n·2⁻¹²⁶
 *
 * of each other, the last term allowing for flush-to-zero of tiny products. `scale[i]` is
 * Σ|terms| of element i (for a matMul |A|·|B|, for a conv2d the conv2d of |x| and |w|); when it is
 * itself computed in float32 (its terms are non-negative) it may be up to a factor 1 − γ(n) low,
 * so the bound is divided by that. Returns the worst |actual − expected| / bound (≤ 1: within
 * the model) and the largest |actual − expected|; a NaN, or arrays of different lengths, give
 * Infinity.
 */
export function float32ComparisonRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: ArrayLike<number>,
  terms: number,
): { ratio: number; maxDiff: number } {
  if (actual.length !== expected.length || scale.length !== expected.length) {
    return { ratio: Infinity, maxDiff: Infinity };
  }
  const g = float32Gamma(terms);
  const rel = (2 * g) / (1 - g);
  const floor = 2 * terms * 2 ** -126;
  let ratio = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    const bound = rel * Math.abs(scale[i]) + floor;
    const r = diff / bound;
    if (!(r <= ratio)) ratio = Number.isNaN(r) ? Infinity : r;
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
  }
  return { ratio, maxDiff };
}

/** Whether a {@link SelfTestComparison} (possibly read back from JSON) is within the model. */
function withinModel(c: SelfTestComparison | undefined): boolean {
  return typeof c?.ratio === "number" && c.ratio <= 1;
}

/** `matMul 0.012, conv2d 0.0031 of the float32 bound`: the self-test in a log line. */
export function describeSelfTest(t: NativeSelfTest): string {
  const one = (c: SelfTestComparison) =>
    `${c.ratio.toPrecision(2)} (n = ${c.terms}, max |diff| ${c.maxDiff.toExponential(1)})`;
  return `worst |native − cpu| / float32 error bound (≤ 1 passes): matMul ${
    one(t.matMul)
  }, conv2d ${one(t.conv2d)}`;
}

/**
 * Load tfjs-node in this process, select it, and compare a matMul and a conv2d with the pure-JS
 * cpu backend, element by element against the float32 error model
 * ({@link float32ComparisonRatio}; Σ|terms| from the same operation on |inputs|, on the cpu
 * backend). Throws when the addon does not load.
 */
export async function nativeSelfTest(): Promise<NativeSelfTest> {
  const tf = await import("@tensorflow/tfjs");
  const { initBackend } = await import("./backend.ts");
  await initBackend({ backend: "tensorflow", log: false });
  const version = (tf.backend() as unknown as { binding: { TF_Version: string } }).binding
    .TF_Version;
  let seed = 12345;
  const rand = (n: number) =>
    Float32Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 1073741824 - 1;
    });
  const inputs = {
    a: rand(64 * 96),
    b: rand(96 * 48),
    x: rand(2 * 17 * 17 * 3),
    w: rand(3 * 3 * 3 * 8),
  };
  /** Summed products behind each element: the shared dimension; kernel height·width·channels. */
  const terms = { matMul: 96, conv2d: 3 * 3 * 3 };
  const compute = (abs: boolean) =>
    tf.tidy(() => {
      const t = <T extends Tensor>(x: T): T => abs ? tf.abs(x) : x;
      const mm = tf.matMul(t(tf.tensor2d(inputs.a, [64, 96])), t(tf.tensor2d(inputs.b, [96, 48])));
      const conv = tf.conv2d(
        t(tf.tensor4d(inputs.x, [2, 17, 17, 3])),
        t(tf.tensor4d(inputs.w, [3, 3, 3, 8])),
        2,
        "same",
      );
      return [Float32Array.from(mm.dataSync()), Float32Array.from(conv.dataSync())];
    });
  const [mmNative, convNative] = compute(false);
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const [mmCpu, convCpu] = compute(false);
  const [mmScale, convScale] = compute(true);
  await tf.setBackend("tensorflow");
  return {
    tensorflow: version,
    matMul: {
      ...float32ComparisonRatio(mmNative, mmCpu, mmScale, terms.matMul),
      terms: terms.matMul,
    },
    conv2d: {
      ...float32ComparisonRatio(convNative, convCpu, convScale, terms.conv2d),
      terms: terms.conv2d,
    },
  };
}

/** Run {@link nativeSelfTest} in a fresh Deno process (a broken addon cannot crash this one). */
async function selfTestSubprocess(
  root: string,
): Promise<{ ok: true; result: NativeSelfTest } | { ok: false; error: string }> {
  const url = new URL("./tf_install.ts", import.meta.url).href;
  const code = `import { nativeSelfTest } from ${JSON.stringify(url)};\n` +
    `console.log("SELFTEST " + JSON.stringify(await nativeSelfTest()));`;
  const r = await run(Deno.execPath(), ["eval", "--ext=ts", code], {
    cwd: root,
    env: { NO_COLOR: "1" },
    timeoutS: 300,
  });
  const line = r.out.split("\n").find((l) => l.startsWith("SELFTEST "));
  if (r.code === 0 && line) {
    // JSON has no Infinity or NaN: they come back as null, which withinModel refuses.
    const result = JSON.parse(line.slice("SELFTEST ".length)) as NativeSelfTest;
    const fix = (c: SelfTestComparison) => ({
      ratio: typeof c?.ratio === "number" ? c.ratio : Infinity,
      maxDiff: typeof c?.maxDiff === "number" ? c.maxDiff : Infinity,
      terms: c?.terms ?? 0,
    });
    const ok = withinModel(result.matMul) && withinModel(result.conv2d);
    const clean = { ...result, matMul: fix(result.matMul), conv2d: fix(result.conv2d) };
    if (ok) return { ok: true, result: clean };
    return {
      ok: false,
      error: `results differ from the cpu backend beyond the float32 error model: ${
        describeSelfTest(clean)
      }`,
    };
  }
  return { ok: false, error: r.timedOut ? "timed out" : `exit ${r.code}:\n${tail(r.out, 12)}` };
}

/** Find node-gyp: `$npm_config_node_gyp`, npm's bundled copy, or a cached `npm install`. */
async function findNodeGyp(
  node: string,
  { cacheDir, log }: { cacheDir: string; log: (line: string) => void },
): Promise<string> {
  const fromEnv = Deno.env.get("npm_config_node_gyp");
  if (fromEnv && await exists(fromEnv)) return fromEnv;
  const prefix = dirname(dirname(await Deno.realPath(node)));
  const candidates = [
    join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(prefix, "lib", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(cacheDir, "node-gyp", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  const npm = await which("npm");
  if (npm) {
    const r = await run(npm, ["root", "-g"], { timeoutS: 60 });
    const globalRoot = r.out.trim().split("\n").pop();
    if (r.code === 0 && globalRoot) {
      candidates.push(join(globalRoot, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
      candidates.push(join(globalRoot, "node-gyp", "bin", "node-gyp.js"));
    }
  }
  for (const c of candidates) if (await exists(c)) return c;
  if (!npm) {
    throw new SetupTfError("build", "node-gyp not found and npm is missing", "install npm");
  }
  log("  node-gyp not found: npm install node-gyp@11 into the cache");
  const r = await run(npm, [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefix",
    join(cacheDir, "node-gyp"),
    "node-gyp@11",
  ], { timeoutS: 600 });
  const installed = candidates[2];
  if (r.code !== 0 || !await exists(installed)) {
    throw new SetupTfError(
      "build",
      `npm install node-gyp failed:\n${tail(r.out)}`,
      "install node-gyp (npm i -g node-gyp)",
    );
  }
  return installed;
}

/**
 * Headers of Node for node-gyp: `$npm_config_nodedir`, else the prefix of `node` when it has
 * `include/node/node_api.h` (Debian/NodeSource packages), else none (node-gyp downloads them).
 */
async function findNodeDir(node: string): Promise<string | undefined> {
  const fromEnv = Deno.env.get("npm_config_nodedir");
  if (fromEnv) return fromEnv;
  const prefix = dirname(dirname(await Deno.realPath(node)));
  for (const p of [prefix, "/usr", "/usr/local"]) {
    if (await exists(join(p, "include", "node", "node_api.h"))) return p;
  }
  return undefined;
}

/** Environment for node-gyp / node-pre-gyp / the stock install script. */
async function buildEnv(
  node: string,
  options: { cacheDir: string; log: (line: string) => void },
): Promise<{ env: Record<string, string>; nodedir?: string }> {
  const env: Record<string, string> = {
    npm_config_node_gyp: await findNodeGyp(node, options),
    npm_config_jobs: String(navigator.hardwareConcurrency || 2),
    JOBS: String(navigator.hardwareConcurrency || 2),
  };
  const nodedir = await findNodeDir(node);
  if (nodedir) env.npm_config_nodedir = nodedir;
  return { env, nodedir };
}

/**
 * The URL the stock install script downloads libtensorflow from, honouring
 * `TFJS_NODE_BASE_URI`, `TFJS_NODE_CDN_STORAGE` and `scripts/custom-binary.json` as it does.
 */
export async function stockLibtensorflowUrl(pkg: TfjsNodePackage): Promise<string> {
  try {
    const custom = JSON.parse(
      await Deno.readTextFile(join(pkg.dir, "scripts", "custom-binary.json")),
    );
    if (typeof custom["tf-lib"] === "string") return custom["tf-lib"];
  } catch { /* no custom binary */ }
  const env = (k: string) => Deno.env.get(k) || undefined;
  const host = env("TFJS_NODE_CDN_STORAGE") ?? env("npm_config_TFJS_NODE_CDN_STORAGE") ??
    env("CDN_STORAGE") ?? "https://storage.googleapis.com/";
  const base = env("TFJS_NODE_BASE_URI") ?? env("npm_config_TFJS_NODE_BASE_URI") ??
    `${host}tensorflow/libtensorflow/libtensorflow-`;
  const arch = { x86_64: "x86_64", aarch64: "arm64" }[Deno.build.arch];
  return `${base}cpu-${Deno.build.os}-${arch}-${pkg.libtensorflowVersion}.tar.gz`;
}

/** Replace a (possibly hard-linked) file by a private copy, so in-place writes stay local. */
async function unshare(path: string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.copyFile(path, tmp);
  await Deno.rename(tmp, path);
}

/**
 * Step 3a: the package's own `scripts/install.js` (download libtensorflow, build the addon).
 * Returns a reason when it is skipped or fails.
 */
async function stockInstall(
  pkg: TfjsNodePackage,
  options: { node: string; env: Record<string, string>; probeTimeoutS: number; timeoutS: number },
): Promise<{ ok: boolean; detail: string }> {
  const url = await stockLibtensorflowUrl(pkg);
  try {
    const response = await fetch(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(options.probeTimeoutS * 1000),
    });
    await response.body?.cancel();
    if (!response.ok) return { ok: false, detail: `${url}: HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      detail: `${new URL(url).host} unreachable (${cause instanceof Error ? cause.message : why})`
        .replace(/\s+/g, " "),
    };
  }
  // install.js rewrites package.json in place; Deno hard-links node_modules files to its cache.
  await unshare(join(pkg.dir, "package.json"));
  const r = await run(options.node, ["scripts/install.js"], {
    cwd: pkg.dir,
    env: options.env,
    timeoutS: options.timeoutS,
  });
  if (r.code !== 0 || r.timedOut) {
    return {
      ok: false,
      detail: `scripts/install.js ${r.timedOut ? "timed out" : `failed (exit ${r.code})`}:\n${
        tail(r.out, 12)
      }`,
    };
  }
  return { ok: true, detail: `libtensorflow ${pkg.libtensorflowVersion} from ${url}` };
}

/** Which entries of the wheel to keep: the two libraries and the headers of the TF C API. */
const WHEEL_LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"];
const HEADER_PREFIXES = [
  "tensorflow/c/",
  "tensorflow/core/platform/",
  "tsl/platform/",
  "tsl/c/",
  "xla/tsl/c/",
];

/** Whether a wheel entry is one {@link extractWheelLibs} keeps. */
function keepWheelEntry(name: string): boolean {
  if (WHEEL_LIBS.some((lib) => name === `tensorflow/${lib}`)) return true;
  const prefix = "tensorflow/include/";
  if (!name.startsWith(prefix) || name.endsWith("/")) return false;
  const rel = name.slice(prefix.length);
  return HEADER_PREFIXES.some((p) => rel.startsWith(p)) && /\.(h|inc|def)$/.test(rel);
}

/** Marker of a complete extraction in the cache (`<cache>/<wheel stem>/complete.json`). */
export interface CacheMarker {
  /** File name of the wheel the libraries came from. */
  wheel: string;
  /** Version from the wheel's file name. */
  version: string;
  /** Hex sha256 of that wheel file (absent in markers written before the pin). */
  sha256?: string;
  /** The pip requirement of an `HT_TF_WHEEL` override, if it was one. */
  requirement?: string;
  /** How the wheel was chosen ({@link WheelChoice.label}). */
  source?: string;
  /** Files extracted. */
  files: number;
  /** Bytes extracted. */
  bytes: number;
}

/** Which wheel `setup:tf` uses: the pin, or an `HT_TF_WHEEL` override. */
export interface WheelChoice {
  /** `pinned`: {@link PINNED_TF_WHEEL}; `requirement` / `file`: an override. */
  kind: "pinned" | "requirement" | "file";
  /** pip requirement (`pinned`, `requirement`). */
  requirement?: string;
  /** Absolute path of the local wheel (`file`). */
  path?: string;
  /** sha256 the wheel must have: the pin's, or `HT_TF_WHEEL_SHA256`; absent: not checked. */
  sha256?: string;
  /** One line for the log and `deps/SOURCE.txt`: which wheel, and whether it is the pin. */
  label: string;
}

/** Options of {@link chooseWheel}. */
export interface ChooseWheelOptions {
  /** Expected sha256 of an override (`HT_TF_WHEEL_SHA256`). */
  sha256?: string;
  /** Name of the setting shown in messages (default `HT_TF_WHEEL`). */
  name?: string;
  /** Folder a relative `.whl` path is relative to (default `$INIT_CWD`, else the cwd). */
  cwd?: string;
}

/** `2b847d21…`: the first 8 hex digits of a sha256, for log lines. */
export function shortSha(sha256: string): string {
  return `${sha256.slice(0, 8)}…`;
}

/**
 * Decide which wheel to use from an override (`HT_TF_WHEEL`, empty or undefined: the pin):
 * a value ending in `.whl` or holding a `/` (but no `://`) is a local wheel file, anything else
 * (`tensorflow-cpu==2.20.0`, a URL) a pip requirement. With an override the pinned sha256 does not
 * apply; `options.sha256` (`HT_TF_WHEEL_SHA256`) checks it instead. Throws {@link SetupTfError}
 * on a malformed sha256, or on a sha256 other than the pin's without an override.
 */
export function chooseWheel(
  override: string | undefined,
  options: ChooseWheelOptions = {},
): WheelChoice {
  const name = options.name ?? "HT_TF_WHEEL";
  const sha = options.sha256?.trim().toLowerCase() || undefined;
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) {
    throw new SetupTfError(
      "wheel",
      `HT_TF_WHEEL_SHA256=${options.sha256} is not a sha256 (64 hex digits)`,
      "set it to the output of `sha256sum <wheel>`, or unset it",
    );
  }
  const value = override?.trim() ?? "";
  const pin = PINNED_TF_WHEEL;
  if (value === "") {
    if (sha !== undefined && sha !== pin.sha256) {
      throw new SetupTfError(
        "wheel",
        `HT_TF_WHEEL_SHA256 is set (${shortSha(sha)}) but ${name} is not: the pinned ` +
          `${pin.file} is always checked against its own sha256 ${shortSha(pin.sha256)}`,
        "unset HT_TF_WHEEL_SHA256, or also set HT_TF_WHEEL to the wheel it belongs to",
      );
    }
    return {
      kind: "pinned",
      requirement: DEFAULT_WHEEL,
      sha256: pin.sha256,
      label: `pinned ${pin.project} ${pin.version} (${pin.file}, sha256 ${shortSha(pin.sha256)})`,
    };
  }
  const check = sha === undefined
    ? "sha256 not checked"
    : `sha256 must be ${shortSha(sha)} (HT_TF_WHEEL_SHA256)`;
  const label = `${name}=${value} (not the tested pin; ${check})`;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (!isUrl && (/\.whl$/i.test(value) || value.includes("/"))) {
    const cwd = options.cwd ?? (Deno.env.get("INIT_CWD") || Deno.cwd());
    return { kind: "file", path: resolve(cwd, value), sha256: sha, label };
  }
  return { kind: "requirement", requirement: value, sha256: sha, label };
}

/** `pip download` arguments for a wheel choice; `dest` is the download folder. */
export function pipDownloadArgs(choice: WheelChoice, dest: string): string[] {
  const base = ["download", "--no-deps", "--only-binary=:all:"];
  if (choice.kind === "pinned") {
    const pin = PINNED_TF_WHEEL;
    // One exact file whatever the local Python: the libraries do not depend on it.
    base.push(
      "--python-version",
      pin.pythonVersion,
      "--implementation",
      pin.implementation,
      "--abi",
      pin.abi,
      "--platform",
      pin.platform,
    );
  } else if (choice.kind !== "requirement" || !choice.requirement) {
    throw new Error(`pipDownloadArgs: no pip requirement in a ${choice.kind} choice`);
  }
  return [...base, "-d", dest, choice.requirement ?? DEFAULT_WHEEL];
}

/** Options of {@link verifyWheelSha256}. */
export interface VerifyWheelOptions {
  /** Delete the file on a mismatch (a download of ours: a retry downloads it again). */
  remove?: boolean;
  /** What the expected hash belongs to, for the message (default `the pinned wheel`). */
  what?: string;
  /**
   * Whether the file should be the pinned wheel, which decides the advice (default: `expected`
   * is the pin's sha256). An override is never the pin, whatever HT_TF_WHEEL_SHA256 says.
   */
  pinned?: boolean;
}

/**
 * Hash a wheel (streaming; wheels are hundreds of MB) and compare it with `expected`. Returns
 * the actual sha256; on a mismatch throws a {@link SetupTfError} naming the file and both hashes
 * and saying what to do, after deleting the file when `options.remove`.
 */
export async function verifyWheelSha256(
  path: string,
  expected: string,
  options: VerifyWheelOptions = {},
): Promise<string> {
  const actual = await sha256File(path);
  if (actual === expected.toLowerCase()) return actual;
  let fate = "left in place (not a download of setup:tf)";
  if (options.remove) {
    fate = await Deno.remove(path).then(
      () => "deleted, so a retry downloads it again",
      (e) => `could not be deleted (${(e as Error).message}): delete it by hand`,
    );
  }
  const pinned = options.pinned ?? expected.toLowerCase() === PINNED_TF_WHEEL.sha256;
  throw new SetupTfError(
    "wheel",
    `sha256 mismatch for ${path}\n` +
      `    expected ${expected} (${options.what ?? "the pinned wheel"})\n` +
      `    actual   ${actual}\n` +
      `  the file was ${fate}`,
    pinned
      ? "rerun `deno task setup:tf` (add --force when an addon is already built) to download it " +
        "again; if the mismatch repeats, your pip index, mirror or cache serves another file " +
        "(`pip config list`, `pip cache purge`). To use another wheel on purpose, set " +
        "HT_TF_WHEEL=<pip requirement or path to a .whl> (and HT_TF_WHEEL_SHA256=<its sha256> to " +
        "check it)"
      : "check that HT_TF_WHEEL and HT_TF_WHEEL_SHA256 name the same wheel (sha256sum <wheel>), " +
        "or unset both to use the pinned wheel",
  );
}

/** What a cached extraction or `deps/SOURCE.txt` must record to count as a given wheel. */
export interface WheelIdentity {
  /** Wheel file name. */
  wheel?: string;
  /** Hex sha256 of the wheel. */
  sha256?: string;
  /** pip requirement of an override without a sha256. */
  requirement?: string;
}

/**
 * The identity to look for: the pin by file name and sha256; an override by its sha256 when
 * known (`HT_TF_WHEEL_SHA256`, or `sha256` of a local file), else by its requirement.
 */
export function wheelIdentity(choice: WheelChoice, sha256?: string): WheelIdentity {
  if (choice.kind === "pinned") {
    return { wheel: PINNED_TF_WHEEL.file, sha256: PINNED_TF_WHEEL.sha256 };
  }
  if (choice.kind === "file") {
    return { wheel: basename(choice.path ?? ""), sha256: sha256 ?? choice.sha256 };
  }
  const sha = sha256 ?? choice.sha256;
  return sha ? { sha256: sha } : { requirement: choice.requirement };
}

/**
 * Whether a record (a parsed `complete.json`, or {@link installedTensorflowSource}) has every
 * field the identity sets. A record without a sha256 (written before the pin) never matches an
 * identity with one; an empty identity matches nothing.
 */
export function matchesWheel(record: unknown, want: WheelIdentity): boolean {
  if (typeof record !== "object" || record === null) return false;
  const r = record as Record<string, unknown>;
  const keys = (["wheel", "sha256", "requirement"] as const).filter((k) => want[k] !== undefined);
  return keys.length > 0 && keys.every((k) => r[k] === want[k]);
}

/**
 * A complete cached extraction (`<cacheDir>/<stem>/complete.json`) of the wheel `want`
 * identifies ({@link matchesWheel}), or undefined.
 */
export async function findCachedLibs(
  cacheDir: string,
  want: WheelIdentity,
): Promise<{ dir: string; marker: CacheMarker } | undefined> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(cacheDir)) {
      if (entry.isDirectory && !entry.name.includes(".tmp-")) names.push(entry.name);
    }
  } catch { /* no cache yet */ }
  for (const name of names.sort()) {
    const dir = join(cacheDir, name);
    try {
      const marker = JSON.parse(await Deno.readTextFile(join(dir, "complete.json")));
      if (matchesWheel(marker, want)) return { dir, marker };
    } catch { /* incomplete, or not an extraction */ }
  }
  return undefined;
}

/** Download a wheel with pip into `<cacheDir>/wheels`; returns its path. */
async function pipDownload(
  choice: WheelChoice,
  { cacheDir, log, pip }: { cacheDir: string; log: (line: string) => void; pip?: string },
): Promise<string> {
  const wheels = join(cacheDir, "wheels");
  await Deno.mkdir(wheels, { recursive: true });
  const args = pipDownloadArgs(choice, wheels);
  const attempts: [string, string[]][] = [];
  if (pip) attempts.push([pip, args]);
  for (const cmd of pip ? [] : ["pip3", "pip"]) {
    const p = await which(cmd);
    if (p) attempts.push([p, args]);
  }
  for (const py of pip ? [] : ["python3", "python"]) {
    const p = await which(py);
    if (p) attempts.push([p, ["-m", "pip", ...args]]);
  }
  if (attempts.length === 0) {
    throw new SetupTfError("wheel", "pip not found", "install python3-pip (or put pip on PATH)");
  }
  const project = (choice.requirement ?? "").split(/[=<>!~ @;[]/)[0].toLowerCase()
    .replace(/[-_.]+/g, "_");
  let last = "";
  for (const [cmd, a] of attempts) {
    log(`  ${basename(cmd)} ${a.join(" ")}`);
    const r = await run(cmd, a, { timeoutS: 1800 });
    if (r.code === 0) {
      const m = /(?:Saved|File was already downloaded)\s+(\S+\.whl)/.exec(r.out);
      if (m) return resolve(m[1]);
      const pinned = choice.kind === "pinned" ? join(wheels, PINNED_TF_WHEEL.file) : undefined;
      if (pinned && await exists(pinned)) return pinned;
      for await (const e of Deno.readDir(wheels)) {
        if (project && e.name.toLowerCase().startsWith(`${project}-`) && e.name.endsWith(".whl")) {
          return join(wheels, e.name);
        }
      }
    }
    last = r.timedOut ? "timed out" : tail(r.out, 8);
    if (!/No module named pip/.test(r.out)) break; // pip ran and failed: another pip won't help
  }
  throw new SetupTfError(
    "wheel",
    `pip could not download ${choice.label}:\n${last}`,
    `check that \`pip ${args.join(" ")}\` works (pip index / network)` +
      (choice.kind === "pinned"
        ? ", or set HT_TF_WHEEL to another requirement or a local .whl whose wheel has " +
          "tensorflow/libtensorflow_cc.so.2"
        : ", or unset HT_TF_WHEEL to use the pinned wheel"),
  );
}

/** A wheel on disk, checked where a sha256 was expected. */
export interface ObtainedWheel {
  /** Path of the wheel file. */
  path: string;
  /** Its hex sha256. */
  sha256: string;
  /** Whether setup:tf downloaded it (and may delete it after extraction). */
  downloaded: boolean;
}

/** Options of {@link obtainWheel}. */
export interface ObtainWheelOptions {
  /** Cache folder; downloads go to its `wheels/` (default {@link tfCacheDir}). */
  cacheDir?: string;
  /** Progress lines (default none). */
  log?: (line: string) => void;
  /** pip executable to run (default: pip3, pip, python3 -m pip, python -m pip on PATH). */
  pip?: string;
}

/**
 * Get the chosen wheel onto disk and hash it (streaming) before anything is extracted: a local
 * override as it is, otherwise `pip download` ({@link pipDownloadArgs}). A wheel whose sha256
 * differs from the expected one ({@link WheelChoice.sha256}) is refused by
 * {@link verifyWheelSha256}; a download of ours is deleted first, a local file is left alone.
 */
export async function obtainWheel(
  choice: WheelChoice,
  options: ObtainWheelOptions = {},
): Promise<ObtainedWheel> {
  const log = options.log ?? (() => {});
  const pinned = choice.kind === "pinned";
  const what = pinned ? `the pinned ${DEFAULT_WHEEL}` : "HT_TF_WHEEL_SHA256";
  if (choice.kind === "file") {
    const path = choice.path ?? "";
    const info = await Deno.stat(path).catch(() => undefined);
    if (!info?.isFile) {
      throw new SetupTfError(
        "wheel",
        `HT_TF_WHEEL=${path}: no such file`,
        "point HT_TF_WHEEL at an existing .whl file or a pip requirement, or unset it to use " +
          "the pinned wheel",
      );
    }
    const sha256 = choice.sha256
      ? await verifyWheelSha256(path, choice.sha256, { remove: false, what, pinned })
      : await sha256File(path);
    return { path, sha256, downloaded: false };
  }
  const cacheDir = options.cacheDir ?? tfCacheDir();
  await Deno.mkdir(cacheDir, { recursive: true });
  const path = await pipDownload(choice, { cacheDir, log, pip: options.pip });
  const sha256 = choice.sha256
    ? await verifyWheelSha256(path, choice.sha256, { remove: true, what, pinned })
    : await sha256File(path);
  return { path, sha256, downloaded: true };
}

/** Extract the libraries and C headers of a TF wheel into a cache folder (atomically). */
async function extractWheelLibs(
  wheel: ObtainedWheel,
  { cacheDir, log, choice }: { cacheDir: string; log: (line: string) => void; choice: WheelChoice },
): Promise<{ dir: string; marker: CacheMarker }> {
  const name = basename(wheel.path);
  const stem = name.replace(/\.whl$/i, "");
  const version = stem.split("-")[1] ?? "unknown";
  const final = join(cacheDir, stem);
  const tmp = join(cacheDir, `${stem}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  let lastPct = -1;
  const result = await extractZip(wheel.path, tmp, {
    filter: (e) => keepWheelEntry(e.name),
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal) / 25) * 25;
      if (pct !== lastPct) {
        lastPct = pct;
        log(`  extracting ${name}: ${pct}%`);
      }
    },
  });
  for (const lib of WHEEL_LIBS) {
    if (!await exists(join(tmp, "tensorflow", lib))) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw new SetupTfError(
        "wheel",
        `${name} has no tensorflow/${lib}`,
        `use a TensorFlow ≥ 2.x Linux wheel, or unset HT_TF_WHEEL for the pinned ${DEFAULT_WHEEL}`,
      );
    }
  }
  await Deno.mkdir(join(tmp, "lib"));
  for (const lib of WHEEL_LIBS) {
    await Deno.rename(join(tmp, "tensorflow", lib), join(tmp, "lib", lib));
  }
  await Deno.rename(join(tmp, "tensorflow", "include"), join(tmp, "include"));
  await Deno.remove(join(tmp, "tensorflow"), { recursive: true });
  const marker: CacheMarker = {
    wheel: name,
    version,
    sha256: wheel.sha256,
    ...(choice.kind === "requirement" ? { requirement: choice.requirement } : {}),
    source: choice.label,
    files: result.files,
    bytes: result.bytes,
  };
  await Deno.writeTextFile(join(tmp, "complete.json"), JSON.stringify(marker, null, 2) + "\n");
  if (await exists(final)) {
    log(`  replacing ${final} (its complete.json does not record this wheel and sha256)`);
  }
  await Deno.remove(final, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, final);
  return { dir: final, marker };
}

/** Hard-link `src` to `dst` (same file system), else copy it. */
async function linkOrCopy(src: string, dst: string): Promise<void> {
  try {
    await Deno.link(src, dst);
  } catch {
    await Deno.copyFile(src, dst);
  }
}

/** Recursively hard-link (or copy) a folder tree. */
async function linkTree(src: string, dst: string): Promise<number> {
  await Deno.mkdir(dst, { recursive: true });
  let n = 0;
  for await (const e of Deno.readDir(src)) {
    if (e.isDirectory) n += await linkTree(join(src, e.name), join(dst, e.name));
    else if (e.isFile) {
      await linkOrCopy(join(src, e.name), join(dst, e.name));
      n++;
    }
  }
  return n;
}

/**
 * Populate `deps/` from a cached wheel extraction: the two libraries under their own sonames
 * (what the built addon records as NEEDED), plus the names binding.gyp links against
 * (`-ltensorflow -ltensorflow_framework`) and the stock script checks for
 * (`libtensorflow.so.2.9.1`).
 */
async function installWheelLibs(
  pkg: TfjsNodePackage,
  cached: { dir: string; marker: CacheMarker },
): Promise<void> {
  const deps = dirname(pkg.depsLib);
  await Deno.remove(deps, { recursive: true }).catch(() => {});
  await Deno.mkdir(pkg.depsLib, { recursive: true });
  for (const lib of WHEEL_LIBS) {
    await linkOrCopy(join(cached.dir, "lib", lib), join(pkg.depsLib, lib));
  }
  const v = pkg.libtensorflowVersion;
  const links: [string, string][] = [
    [`libtensorflow.so.${v}`, "libtensorflow_cc.so.2"],
    ["libtensorflow.so.2", `libtensorflow.so.${v}`],
    ["libtensorflow.so", "libtensorflow.so.2"],
    [`libtensorflow_framework.so.${v}`, "libtensorflow_framework.so.2"],
    ["libtensorflow_framework.so", "libtensorflow_framework.so.2"],
  ];
  for (const [name, target] of links) await Deno.symlink(target, join(pkg.depsLib, name));
  await linkTree(join(cached.dir, "include"), pkg.depsInclude);
  const m = cached.marker;
  await writeFileAtomic(
    join(deps, "SOURCE.txt"),
    formatTensorflowSource({
      route: "wheel",
      wheel: m.wheel,
      sha256: m.sha256,
      requirement: m.requirement,
      source: m.source ?? m.wheel,
    }),
  );
}

/** Where the libtensorflow in a package's `deps/` came from (`deps/SOURCE.txt`). */
export interface TensorflowSource {
  /** `wheel`: a TensorFlow wheel; `stock`: the package's own download; `unknown`: unrecorded. */
  route: "wheel" | "stock" | "unknown";
  /** Wheel file name. */
  wheel?: string;
  /** Hex sha256 of the wheel. */
  sha256?: string;
  /** pip requirement of an `HT_TF_WHEEL` override. */
  requirement?: string;
  /** How it was chosen (a {@link WheelChoice.label}, or the stock URL). */
  source: string;
  /** Whether it is {@link PINNED_TF_WHEEL} (judged by the recorded sha256). */
  pinned: boolean;
}

/** Text of `deps/SOURCE.txt`: a sentence, then `key: value` lines. */
function formatTensorflowSource(src: Omit<TensorflowSource, "pinned">): string {
  const head = src.route === "stock"
    ? `libtensorflow from the stock download ${src.source} (via deno task setup:tf --stock)`
    : `libtensorflow from ${src.wheel} (via deno task setup:tf)`;
  const pinned = src.sha256 === PINNED_TF_WHEEL.sha256 ? "yes" : "no";
  const lines = [head, `route: ${src.route}`];
  if (src.wheel) lines.push(`wheel: ${src.wheel}`);
  if (src.sha256) lines.push(`sha256: ${src.sha256}`);
  if (src.requirement) lines.push(`requirement: ${src.requirement}`);
  lines.push(`pinned: ${pinned}`, `source: ${src.source}`);
  return lines.join("\n") + "\n";
}

/**
 * Read `deps/SOURCE.txt` of a package: which wheel (name, sha256) or stock download its
 * libtensorflow came from; undefined when there is none. Files written before the pin have only
 * the first line, so no sha256, and never count as pinned.
 */
export async function installedTensorflowSource(
  pkg: Pick<TfjsNodePackage, "depsLib">,
): Promise<TensorflowSource | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dirname(pkg.depsLib), "SOURCE.txt"));
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const line of text.split("\n").slice(1)) {
    const m = /^([a-z0-9]+):\s*(.*)$/.exec(line.trim());
    if (m) fields[m[1]] = m[2];
  }
  const first = text.split("\n")[0].trim();
  const legacyWheel = /^libtensorflow from (\S+\.whl)\b/.exec(first)?.[1];
  const route = fields.route === "wheel" || fields.route === "stock"
    ? fields.route
    : legacyWheel
    ? "wheel"
    : "unknown";
  const sha256 = /^[0-9a-f]{64}$/.test(fields.sha256 ?? "") ? fields.sha256 : undefined;
  return {
    route,
    ...(fields.wheel ?? legacyWheel ? { wheel: fields.wheel ?? legacyWheel } : {}),
    ...(sha256 ? { sha256 } : {}),
    ...(fields.requirement ? { requirement: fields.requirement } : {}),
    source: fields.source ?? first,
    pinned: sha256 === PINNED_TF_WHEEL.sha256,
  };
}

/** Step 4: build the addon with node-pre-gyp (node-gyp) against deps/. */
async function buildAddon(
  pkg: TfjsNodePackage,
  { node, env }: { node: string; env: Record<string, string> },
): Promise<void> {
  const require = createRequire(join(pkg.dir, "package.json"));
  const preGyp = join(
    dirname(require.resolve("@mapbox/node-pre-gyp/package.json")),
    "bin",
    "node-pre-gyp",
  );
  for await (const e of Deno.readDir(pkg.dir)) {
    // node-pre-gyp parks the build folder as build-tmp-napi-vN between builds.
    if (e.isDirectory && (e.name === "build" || e.name.startsWith("build-tmp-napi-v"))) {
      await Deno.remove(join(pkg.dir, e.name), { recursive: true });
    }
  }
  await Deno.remove(pkg.bindingPath).catch(() => {});
  const r = await run(node, [preGyp, "install", "--build-from-source"], {
    cwd: pkg.dir,
    env,
    timeoutS: 1800,
  });
  if (r.code !== 0 || !await exists(pkg.bindingPath)) {
    throw new SetupTfError(
      "build",
      `node-pre-gyp install --build-from-source ${
        r.timedOut ? "timed out" : `failed (exit ${r.code})`
      }:\n${tail(r.out)}`,
      "needs g++, make and python3 (apt-get install build-essential python3) and Node headers " +
        "(set npm_config_nodedir to a Node install with include/node/node_api.h)",
    );
  }
}

/** One phrase for where `deps/` came from, for log lines. */
export function describeTensorflowSource(src: TensorflowSource | undefined): string {
  if (!src) return "origin not recorded (no deps/SOURCE.txt)";
  if (src.route === "stock") return `the stock download ${src.source}, not the pinned wheel`;
  if (src.route === "unknown") return `${src.source} (not the pinned wheel)`;
  if (!src.sha256) {
    return `${src.wheel ?? src.source} (no sha256 recorded: not known to be the pinned wheel)`;
  }
  const sha = `sha256 ${shortSha(src.sha256)}`;
  return src.pinned
    ? `pinned ${src.wheel} (${sha})`
    : `${src.wheel ?? src.source} (${sha}), not the pinned wheel`;
}

/** What a lock file of {@link acquireSetupTfLock} holds (JSON). */
export interface SetupTfLockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder (its pid means nothing elsewhere). */
  host: string;
  /** ISO time the lock was taken. */
  started: string;
  /** Random id of this acquisition (two acquirers in one process share the pid). */
  id: string;
}

/** Options of {@link acquireSetupTfLock}. */
export interface SetupTfLockOptions {
  /** Milliseconds between two looks at a held lock (default 2000). */
  pollMs?: number;
  /**
   * A lock whose file was not refreshed for this long is stale whoever holds it (default one
   * hour; the holder refreshes it every {@link heartbeatMs}). Catches a holder on another host,
   * or a pid reused by another process.
   */
  staleMs?: number;
  /** Milliseconds between two refreshes of the lock file's mtime by its holder (default 60 s). */
  heartbeatMs?: number;
  /** Give up (a {@link SetupTfError} at step `lock`) after waiting this long (default 3 h). */
  maxWaitMs?: number;
  /** Progress lines (default none): the wait (once per holder) and a takeover. */
  log?: (line: string) => void;
  /** Whether a pid of this host is alive (default: `/proc/<pid>` exists; tests replace it). */
  isAlive?: (pid: number) => Promise<boolean>;
}

/** A lock held by {@link acquireSetupTfLock}. */
export interface SetupTfLock {
  /** The lock file. */
  path: string;
  /** What it holds. */
  info: SetupTfLockInfo;
  /** Milliseconds spent waiting for another holder (0: the lock was free or stale). */
  waitedMs: number;
  /** The holder waited for (the first one, when several came and went). */
  waitedFor?: SetupTfLockInfo;
  /** Why a stale lock was taken over, if one was. */
  tookOver?: string;
  /** Delete the lock file if it is still this one; idempotent. */
  release(): Promise<void>;
}

/** The lock file of setup:tf for a package: `<package dir>/.setup-tf.lock`. */
export function setupTfLockPath(pkg: Pick<TfjsNodePackage, "dir">): string {
  return join(pkg.dir, ".setup-tf.lock");
}

/** This machine's host name (`unknown` without --allow-sys). */
function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Whether a pid of this host is alive: `/proc/<pid>` exists. Where there is no `/proc`, every
 * pid counts as alive (the lock then goes stale by age only).
 */
async function pidAlive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!await exists("/proc/self")) return true;
  return await exists(`/proc/${pid}`);
}

/** A lock file as read: its text, parsed content (when valid) and mtime. */
interface HeldLock {
  text: string;
  info?: SetupTfLockInfo;
  mtimeMs: number;
}

/** Read a lock file; undefined when there is none. */
async function readLock(path: string): Promise<HeldLock | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([
      Deno.readTextFile(path),
      Deno.stat(path).then((st) => st.mtime?.getTime() ?? Date.now()),
    ]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let info: SetupTfLockInfo | undefined;
  try {
    const v = JSON.parse(text);
    if (typeof v?.pid === "number" && typeof v?.host === "string") info = v as SetupTfLockInfo;
  } catch { /* being written, or garbage */ }
  return { text, info, mtimeMs };
}

/** A held lock's holder, for messages: `pid 123 on host h since 12:00:00`. */
function describeHolder(info: SetupTfLockInfo | undefined): string {
  if (!info) return "unknown holder";
  const since = /T(\d\d:\d\d:\d\d)/.exec(info.started ?? "")?.[1];
  return `pid ${info.pid} on ${info.host}${since ? ` since ${since} UTC` : ""}`;
}

/** Seconds a lock file that is not (yet) valid JSON is given before it counts as stale. */
const UNREADABLE_LOCK_GRACE_MS = 30_000;

/** Why a held lock is stale, or undefined when its holder may still be at work. */
async function staleReason(
  held: HeldLock,
  options: { staleMs: number; isAlive: (pid: number) => Promise<boolean> },
): Promise<string | undefined> {
  const age = Date.now() - held.mtimeMs;
  const ageText = age >= 120_000
    ? `${Math.round(age / 60_000)} min`
    : `${Math.round(age / 1000)} s`;
  if (!held.info) {
    return age > UNREADABLE_LOCK_GRACE_MS ? `unreadable, last written ${ageText} ago` : undefined;
  }
  if (held.info.host === hostName() && !await options.isAlive(held.info.pid)) {
    return `${describeHolder(held.info)}: that process no longer exists`;
  }
  if (age > options.staleMs) return `${describeHolder(held.info)}: not refreshed for ${ageText}`;
  return undefined;
}

/**
 * Take the exclusive lock file `path` (created with `createNew`, holding pid, host, start time
 * and a random id), waiting while another process (or another caller in this one) holds it:
 * logs `waiting for another setup:tf (pid N) to finish…` once per holder and polls every
 * {@link SetupTfLockOptions.pollMs}. A stale lock (its pid gone on this host, or not refreshed
 * for {@link SetupTfLockOptions.staleMs}) is taken over, with a message. While held, the file's
 * mtime is refreshed every {@link SetupTfLockOptions.heartbeatMs}. Always
 * {@link SetupTfLock.release} it (in a `finally`).
 */
export async function acquireSetupTfLock(
  path: string,
  options: SetupTfLockOptions = {},
): Promise<SetupTfLock> {
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? 2000;
  const staleMs = options.staleMs ?? 3_600_000;
  const heartbeatMs = options.heartbeatMs ?? 60_000;
  const maxWaitMs = options.maxWaitMs ?? 3 * 3_600_000;
  const isAlive = options.isAlive ?? pidAlive;
  const t0 = Date.now();
  const announced = new Set<string>();
  let waitedFor: SetupTfLockInfo | undefined;
  let tookOver: string | undefined;
  for (;;) {
    const info: SetupTfLockInfo = {
      pid: Deno.pid,
      host: hostName(),
      started: new Date().toISOString(),
      id: crypto.randomUUID(),
    };
    let file: Deno.FsFile | undefined;
    try {
      file = await Deno.open(path, { write: true, createNew: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    if (file) {
      try {
        await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
      } finally {
        file.close();
      }
      return heldLock(path, info, {
        heartbeatMs,
        waitedMs: waitedFor ? Date.now() - t0 : 0,
        waitedFor,
        tookOver,
      });
    }
    const held = await readLock(path);
    if (!held) continue; // released in between: try again at once
    const stale = await staleReason(held, { staleMs, isAlive });
    if (stale) {
      // Remove it only if it is still the same file (another waiter may have taken it over).
      const again = await readLock(path);
      if (again?.text === held.text && again.mtimeMs === held.mtimeMs) {
        await Deno.remove(path).catch((e) => {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        });
        log(`stale setup:tf lock ${path} (${stale}): taking it over`);
        tookOver = stale;
      }
      continue;
    }
    if (Date.now() - t0 > maxWaitMs) {
      throw new SetupTfError(
        "lock",
        `another setup:tf (${describeHolder(held.info)}) still holds ${path} after ` +
          `${Math.round((Date.now() - t0) / 60_000)} min`,
        `wait for it to finish; if no setup:tf is running, delete ${path}`,
      );
    }
    if (!held.info) {
      // Just created, not written yet (or garbage, which goes stale after a grace period).
      await new Promise((r) => setTimeout(r, Math.min(pollMs, 100)));
      continue;
    }
    waitedFor ??= held.info;
    if (!announced.has(held.info.id)) {
      announced.add(held.info.id);
      log(
        `waiting for another setup:tf (pid ${held.info.pid}) to finish… ` +
          `(${describeHolder(held.info)}; lock ${path})`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The {@link SetupTfLock} for a lock file just created, with its heartbeat running. */
function heldLock(
  path: string,
  info: SetupTfLockInfo,
  extra: {
    heartbeatMs: number;
    waitedMs: number;
    waitedFor?: SetupTfLockInfo;
    tookOver?: string;
  },
): SetupTfLock {
  let beat: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const now = new Date();
    beat = Deno.utime(path, now, now).catch(() => {});
  }, extra.heartbeatMs);
  Deno.unrefTimer(timer);
  let released = false;
  return {
    path,
    info,
    waitedMs: extra.waitedMs,
    ...(extra.waitedFor ? { waitedFor: extra.waitedFor } : {}),
    ...(extra.tookOver ? { tookOver: extra.tookOver } : {}),
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await beat;
      const held = await readLock(path).catch(() => undefined);
      // Not ours any more (taken over as stale): leave the new holder's file alone.
      if (held?.info?.id !== info.id) return;
      await Deno.remove(path).catch(() => {});
    },
  };
}

/**
 * Make `@tensorflow/tfjs-node` work under Deno (see the module doc for the steps). Idempotent:
 * when the addon already loads and computes, only that check runs.
 */
export async function setupTf(options: SetupTfOptions = {}): Promise<SetupTfReport> {
  const log = options.log ?? ((line: string) => console.error(line));
  const root = resolve(options.root ?? REPO_ROOT);
  const cacheDir = resolve(options.cacheDir ?? tfCacheDir());
  const choice = chooseWheel(options.wheel ?? Deno.env.get("HT_TF_WHEEL"), {
    sha256: options.wheelSha256 ?? Deno.env.get("HT_TF_WHEEL_SHA256"),
    name: options.wheel !== undefined ? "--wheel" : "HT_TF_WHEEL",
  });
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

  begin(`[locate] ${TFJS_NODE} under ${join(root, "node_modules")}`);
  const pkg = await locateTfjsNode(root, { log });
  done("locate", "ok", `${TFJS_NODE}@${pkg.version} at ${pkg.dir}`);

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

    begin("[verify] loading tfjs-node in a fresh Deno process; matMul + conv2d vs the cpu backend");
    const check = await selfTestSubprocess(root);
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
    const check = await selfTestSubprocess(root);
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
          const check = await selfTestSubprocess(root);
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

  begin("[onednn] TensorFlow's oneDNN kernels on this CPU (cached verdict, else a probe)");
  try {
    const { decideOneDnn, describeOneDnn } = await import("./onednn.ts");
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
