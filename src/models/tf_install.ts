/**
 * `deno task setup:tf`: make `@tensorflow/tfjs-node` (the native TensorFlow backend) importable
 * under Deno.
 *
 * Deno does not run npm install scripts, and the stock script of tfjs-node downloads libtensorflow
 * 2.9.1 from storage.googleapis.com, which not every machine can reach. The steps:
 *
 * 1. locate the package under `node_modules/` (`deno install` when missing);
 * 2. if its addon already loads and computes, stop;
 * 3. libtensorflow into `deps/`: (a) the stock download when its host answers, else (b) the
 *    `tensorflow-cpu` Python wheel from pip, whose `libtensorflow_cc.so.2` exports the TF C API:
 *    its libraries are linked into `deps/lib` under the names the addon links against, its C
 *    headers into `deps/include` (cached, see {@link tfCacheDir});
 * 4. build the addon (`node-pre-gyp install --build-from-source`, i.e. node-gyp, against the
 *    local Node headers);
 * 5. check it in a fresh Deno process: load it and compare a matMul and a conv2d with the cpu
 *    backend.
 *
 * @module
 */
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exists } from "../io/files.ts";
import { extractZip } from "../io/zip.ts";

/** Repository root (two levels above this file). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Name of the npm package this module sets up. */
export const TFJS_NODE = "@tensorflow/tfjs-node";

/** Default pip requirement whose wheel provides libtensorflow. */
export const DEFAULT_WHEEL = "tensorflow-cpu";

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
  /** Short name (`locate`, `check`, `stock`, `wheel`, `libs`, `build`, `verify`). */
  name: string;
  /** Outcome. */
  status: "ok" | "skipped" | "failed";
  /** Milliseconds spent. */
  ms: number;
  /** What happened. */
  detail: string;
}

/** Result of {@link nativeSelfTest}. */
export interface NativeSelfTest {
  /** TensorFlow version reported by the addon. */
  tensorflow: string;
  /** Largest |native − cpu| / max(1, |cpu|) over a matMul. */
  matMulError: number;
  /** Largest |native − cpu| / max(1, |cpu|) over a conv2d. */
  conv2dError: number;
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
  /** Try the stock libtensorflow download first (default true). */
  stock?: boolean;
  /** Seconds allowed for probing the stock download host (default 10). */
  probeTimeoutS?: number;
  /** Seconds allowed for the stock install script (default 900). */
  stockTimeoutS?: number;
  /** pip requirement of the wheel (default `tensorflow-cpu`, or `$HT_TF_WHEEL`). */
  wheel?: string;
  /** Progress lines (default `console.error`). */
  log?: (line: string) => void;
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

/**
 * Load tfjs-node in this process, select it, and compare a matMul and a conv2d with the pure-JS
 * cpu backend. Throws when the addon does not load.
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
  const compute = () =>
    tf.tidy(() => {
      const mm = tf.matMul(tf.tensor2d(inputs.a, [64, 96]), tf.tensor2d(inputs.b, [96, 48]));
      const conv = tf.conv2d(
        tf.tensor4d(inputs.x, [2, 17, 17, 3]),
        tf.tensor4d(inputs.w, [3, 3, 3, 8]),
        2,
        "same",
      );
      return [Float32Array.from(mm.dataSync()), Float32Array.from(conv.dataSync())];
    });
  const [mmNative, convNative] = compute();
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const [mmCpu, convCpu] = compute();
  await tf.setBackend("tensorflow");
  const err = (p: Float32Array, q: Float32Array) => {
    if (p.length !== q.length) return Infinity;
    let worst = 0;
    for (let i = 0; i < p.length; i++) {
      worst = Math.max(worst, Math.abs(p[i] - q[i]) / Math.max(1, Math.abs(q[i])));
    }
    return worst;
  };
  return {
    tensorflow: version,
    matMulError: err(mmNative, mmCpu),
    conv2dError: err(convNative, convCpu),
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
    const result = JSON.parse(line.slice("SELFTEST ".length)) as NativeSelfTest;
    if (result.matMulError <= 1e-5 && result.conv2dError <= 1e-5) return { ok: true, result };
    return {
      ok: false,
      error:
        `results differ from the cpu backend (matMul ${result.matMulError}, conv2d ${result.conv2dError})`,
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

/** Marker of a complete extraction in the cache. */
interface CacheMarker {
  wheel: string;
  version: string;
  files: number;
  bytes: number;
}

/** pip project name and optional `==` version of a requirement like `tensorflow-cpu==2.21.0`. */
function parseRequirement(req: string): { project: string; version?: string } {
  const m = /^\s*([A-Za-z0-9_.-]+)\s*(?:==\s*([A-Za-z0-9_.+-]+))?\s*$/.exec(req);
  if (!m) return { project: req.trim().toLowerCase().replace(/[-_.]+/g, "_") };
  return { project: m[1].toLowerCase().replace(/[-_.]+/g, "_"), version: m[2] };
}

/** A complete cached extraction for the requirement, newest version first. */
async function findCachedLibs(
  cacheDir: string,
  wheelReq: string,
): Promise<{ dir: string; marker: CacheMarker } | undefined> {
  const { project, version } = parseRequirement(wheelReq);
  const found: { dir: string; marker: CacheMarker }[] = [];
  try {
    for await (const entry of Deno.readDir(cacheDir)) {
      if (!entry.isDirectory || !entry.name.toLowerCase().startsWith(`${project}-`)) continue;
      const dir = join(cacheDir, entry.name);
      try {
        const marker = JSON.parse(await Deno.readTextFile(join(dir, "complete.json")));
        if (!version || marker.version === version) found.push({ dir, marker });
      } catch { /* incomplete */ }
    }
  } catch { /* no cache yet */ }
  const key = (v: string) => v.split(".").map((s) => s.padStart(6, "0")).join(".");
  found.sort((a, b) => key(b.marker.version).localeCompare(key(a.marker.version)));
  return found[0];
}

/** Download the wheel with pip into `<cacheDir>/wheels`; returns its path. */
async function pipDownload(
  wheelReq: string,
  { cacheDir, log }: { cacheDir: string; log: (line: string) => void },
): Promise<string> {
  const wheels = join(cacheDir, "wheels");
  await Deno.mkdir(wheels, { recursive: true });
  const args = ["download", "--no-deps", "--only-binary=:all:", "-d", wheels, wheelReq];
  const attempts: [string, string[]][] = [];
  for (const pip of ["pip3", "pip"]) {
    const p = await which(pip);
    if (p) attempts.push([p, args]);
  }
  for (const py of ["python3", "python"]) {
    const p = await which(py);
    if (p) attempts.push([p, ["-m", "pip", ...args]]);
  }
  if (attempts.length === 0) {
    throw new SetupTfError("wheel", "pip not found", "install python3-pip (or put pip on PATH)");
  }
  let last = "";
  for (const [cmd, a] of attempts) {
    log(`  ${basename(cmd)} ${a.join(" ")}`);
    const r = await run(cmd, a, { timeoutS: 1800 });
    if (r.code === 0) {
      const m = /(?:Saved|File was already downloaded)\s+(\S+\.whl)/.exec(r.out);
      if (m) return resolve(m[1]);
      const { project } = parseRequirement(wheelReq);
      for await (const e of Deno.readDir(wheels)) {
        if (e.name.toLowerCase().startsWith(`${project}-`) && e.name.endsWith(".whl")) {
          return join(wheels, e.name);
        }
      }
    }
    last = r.timedOut ? "timed out" : tail(r.out, 8);
    if (!/No module named pip/.test(r.out)) break; // pip ran and failed: another pip won't help
  }
  throw new SetupTfError(
    "wheel",
    `pip could not download ${wheelReq}:\n${last}`,
    "check `pip download --no-deps tensorflow-cpu` works (pip index / network), or set " +
      "HT_TF_WHEEL to another requirement whose wheel has tensorflow/libtensorflow_cc.so.2",
  );
}

/** Extract the libraries and C headers of a TF wheel into a cache folder (atomically). */
async function extractWheelLibs(
  wheel: string,
  { cacheDir, log }: { cacheDir: string; log: (line: string) => void },
): Promise<{ dir: string; marker: CacheMarker }> {
  const stem = basename(wheel).replace(/\.whl$/, "");
  const version = stem.split("-")[1] ?? "unknown";
  const final = join(cacheDir, stem);
  const tmp = join(cacheDir, `${stem}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  let lastPct = -1;
  const result = await extractZip(wheel, tmp, {
    filter: (e) => keepWheelEntry(e.name),
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal) / 25) * 25;
      if (pct !== lastPct) {
        lastPct = pct;
        log(`  extracting ${basename(wheel)}: ${pct}%`);
      }
    },
  });
  for (const lib of WHEEL_LIBS) {
    if (!await exists(join(tmp, "tensorflow", lib))) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw new SetupTfError(
        "wheel",
        `${basename(wheel)} has no tensorflow/${lib}`,
        "use a TensorFlow ≥ 2.x Linux wheel (HT_TF_WHEEL=tensorflow-cpu)",
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
    wheel: basename(wheel),
    version,
    files: result.files,
    bytes: result.bytes,
  };
  await Deno.writeTextFile(join(tmp, "complete.json"), JSON.stringify(marker, null, 2) + "\n");
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
async function installWheelLibs(pkg: TfjsNodePackage, cached: string): Promise<void> {
  const deps = dirname(pkg.depsLib);
  await Deno.remove(deps, { recursive: true }).catch(() => {});
  await Deno.mkdir(pkg.depsLib, { recursive: true });
  for (const lib of WHEEL_LIBS) {
    await linkOrCopy(join(cached, "lib", lib), join(pkg.depsLib, lib));
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
  await linkTree(join(cached, "include"), pkg.depsInclude);
  await Deno.writeTextFile(
    join(deps, "SOURCE.txt"),
    `libtensorflow from ${basename(cached)}.whl (via deno task setup:tf)\n`,
  );
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

/**
 * Make `@tensorflow/tfjs-node` work under Deno (see the module doc for the steps). Idempotent:
 * when the addon already loads and computes, only that check runs.
 */
export async function setupTf(options: SetupTfOptions = {}): Promise<SetupTfReport> {
  const log = options.log ?? ((line: string) => console.error(line));
  const root = resolve(options.root ?? REPO_ROOT);
  const cacheDir = resolve(options.cacheDir ?? tfCacheDir());
  const wheelReq = options.wheel ?? (Deno.env.get("HT_TF_WHEEL") || DEFAULT_WHEEL);
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

  if (!options.force && await exists(pkg.bindingPath)) {
    begin("[check] loading the existing addon in a fresh Deno process");
    const check = await selfTestSubprocess(root);
    if (check.ok) {
      done(
        "check",
        "ok",
        `addon loads; TensorFlow ${check.result.tensorflow}; matches cpu (matMul ${
          check.result.matMulError.toExponential(1)
        }, conv2d ${check.result.conv2dError.toExponential(1)}); nothing to do`,
      );
      return {
        route: "already",
        pkg,
        steps,
        selfTest: check.result,
        ms: performance.now() - t0,
      };
    }
    done("check", "failed", `existing addon unusable, rebuilding: ${check.error.trim()}`);
  } else {
    done("check", "skipped", options.force ? "--force" : `no addon at ${pkg.bindingPath}`);
  }

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
  if (haveLibs && !options.force) {
    done("libs", "skipped", `libtensorflow already in ${pkg.depsLib}`);
  } else {
    let stockOk = false;
    if (options.stock ?? true) {
      begin(`[stock] trying the package's own download (${await stockLibtensorflowUrl(pkg)})`);
      const stock = await stockInstall(pkg, {
        node,
        env,
        probeTimeoutS: options.probeTimeoutS ?? 10,
        timeoutS: options.stockTimeoutS ?? 900,
      });
      stockOk = stock.ok && await libsPresent(pkg);
      done("stock", stockOk ? "ok" : "failed", stock.detail);
    } else {
      done("stock", "skipped", "disabled (--no-stock)");
    }
    if (stockOk) {
      route = "stock";
    } else {
      route = "wheel";
      begin(`[wheel] libtensorflow from the ${wheelReq} wheel (cache ${cacheDir})`);
      let cached = await findCachedLibs(cacheDir, wheelReq);
      if (cached) {
        done("wheel", "ok", `cached ${cached.marker.wheel} in ${cached.dir}`);
      } else {
        await Deno.mkdir(cacheDir, { recursive: true });
        const wheel = await pipDownload(wheelReq, { cacheDir, log });
        cached = await extractWheelLibs(wheel, { cacheDir, log });
        await Deno.remove(wheel).catch(() => {});
        done(
          "wheel",
          "ok",
          `${cached.marker.wheel}: ${cached.marker.files} files (${
            (cached.marker.bytes / 1e6).toFixed(0)
          } MB) extracted to ${cached.dir}; wheel removed`,
        );
      }
      await installWheelLibs(pkg, cached.dir);
      done(
        "libs",
        "ok",
        `deps/lib: libtensorflow_cc.so.2 as libtensorflow.so.${pkg.libtensorflowVersion}, ` +
          `libtensorflow_framework.so.2 as libtensorflow_framework.so.${pkg.libtensorflowVersion}`,
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
      `rerun with --force; if the libraries came from a wheel, try HT_TF_WHEEL=${DEFAULT_WHEEL}` +
        "==<other version>; without the native backend, --backend wasm/cpu still work (slowly)",
    );
  }
  done(
    "verify",
    "ok",
    `TensorFlow ${check.result.tensorflow}; max relative difference to cpu: matMul ${
      check.result.matMulError.toExponential(1)
    }, conv2d ${check.result.conv2dError.toExponential(1)}`,
  );
  return { route, pkg, steps, selfTest: check.result, ms: performance.now() - t0 };
}
