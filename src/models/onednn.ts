/**
 * Whether TensorFlow's oneDNN kernels are safe on this machine: the decision behind
 * `TF_ENABLE_ONEDNN_OPTS`, made before the native backend is loaded.
 *
 * oneDNN makes the native backend faster, and stock TensorFlow switches it on by itself on
 * AVX-512 CPUs; but on some CPUs its kernels crash the process (an AMD EPYC Zen 5 whose cache
 * topology reads as zero dies with SIGFPE in ResNet-50's 1×1 convolutions). A crash cannot be
 * caught inside the process, so the decision is made by a probe: a child process runs the
 * workload of `onednn_probe.ts` with oneDNN on, and
 *
 * - exits with the success line → oneDNN on;
 * - dies by a signal (SIGFPE, SIGSEGV, …) → oneDNN off, "probe crashed with SIGFPE on this CPU".
 *
 * The verdict is cached per machine and TensorFlow build: the key covers the CPU (model, flags,
 * cache topology) and the sha256 of the TensorFlow libraries the addon loads (hashed once per
 * file version and remembered by path, size, inode and mtime), in `<tf cache>/onednn/`
 * ({@link oneDnnCacheDir}). A failure that is not a crash (the addon does not load, a timeout)
 * turns oneDNN off for this process only and is not cached. `TF_ENABLE_ONEDNN_OPTS` set by the
 * user always wins; when it forces oneDNN on where the probe crashed, the decision carries a
 * warning.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../io/atomic.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { sha256File, sha256Hex } from "../io/hash.ts";
import { tfCacheDir } from "../setup/tf/cache_dir.ts";

/** The environment variable TensorFlow reads. */
export const ONEDNN_ENV = "TF_ENABLE_ONEDNN_OPTS";

/** Line the child prints after a successful workload. */
export const PROBE_OK = "ONEDNN-PROBE-OK";

/** Environment variable that simulates a probe failure (tests). */
export const PROBE_FAULT_ENV = "HT_ONEDNN_PROBE_FAULT";

/** Accepted values of {@link PROBE_FAULT_ENV}. */
export const PROBE_FAULTS = ["sigfpe", "sigsegv", "error"] as const;

/** Set in the probe's child process, which must not probe again. */
export const PROBE_CHILD_ENV = "HT_ONEDNN_PROBE_CHILD";

/** How the decision was reached. */
export type OneDnnSource = "user" | "probe" | "cache" | "probe-failed";

/** Outcome of one probe run ({@link runOneDnnProbe}). */
export interface OneDnnProbeResult {
  /** `ok`: the workload ran; `crashed`: the child died by a signal; `failed`: anything else. */
  outcome: "ok" | "crashed" | "failed";
  /** The signal that killed the child (`SIGFPE`, …) when `outcome` is `crashed`. */
  signal?: string;
  /** One line: what happened (exit status, last output lines, timing). */
  detail: string;
  /** Wall milliseconds of the child process. */
  ms: number;
}

/** A cached verdict (one JSON file per key). */
export interface OneDnnVerdict {
  /** Whether oneDNN ran the probe workload without crashing. */
  safe: boolean;
  /** The probe's result. */
  probe: OneDnnProbeResult;
  /** The CPU it was measured on. */
  cpu: CpuIdentity;
  /** The TensorFlow libraries it was measured with (path and sha256). */
  libraries: LibraryHash[];
  /** The simulated fault, if the probe ran under `HT_ONEDNN_PROBE_FAULT`. */
  fault?: string;
  /** ISO time of the probe. */
  probedAt: string;
}

/** The decision of {@link decideOneDnn}. */
export interface OneDnnDecision {
  /** Whether TensorFlow's oneDNN kernels are (to be) on. */
  enabled: boolean;
  /** How the decision was reached. */
  source: OneDnnSource;
  /** Why, in words, e.g. `probe crashed with SIGFPE on this CPU`. */
  reason: string;
  /** Set when the user forced oneDNN on although the probe crashed on this machine. */
  warning?: string;
  /** The verdict file consulted or written, if any. */
  verdictFile?: string;
}

/** The identity of a CPU, as far as oneDNN's kernel choice can depend on it. */
export interface CpuIdentity {
  /** Model name (`/proc/cpuinfo`), or os/arch where unavailable. */
  model: string;
  /** sha256 (first 16 hex digits) of the CPU feature flags. */
  flags: string;
  /** Widest x86 vector extension in the flags (`AVX-512`, `AVX2`, `AVX`, `SSE4.2`), or the arch. */
  isa: string;
  /** Cache topology as sysfs reports it (`L1d 48K, L2 1024K, …`), or `none`. */
  cache: string;
}

/** sha256 of one TensorFlow library file. */
export interface LibraryHash {
  /** Real path. */
  path: string;
  /** Hex sha256 of its content. */
  sha256: string;
}

/** Options of {@link decideOneDnn}. */
export interface DecideOneDnnOptions {
  /** Environment to read (default: the process environment). */
  env?: (name: string) => string | undefined;
  /** Folder of the cached verdicts (default {@link oneDnnCacheDir}). */
  cacheDir?: string;
  /** The TensorFlow library files the addon loads (default {@link nativeLibraryFiles}). */
  libraries?: string[];
  /** Run the probe (default {@link runOneDnnProbe}); tests replace it. */
  probe?: () => Promise<OneDnnProbeResult>;
  /** Progress lines (the probe takes a few seconds once per machine); default silent. */
  log?: (line: string) => void;
}

/** Folder of the cached verdicts: `<tf cache>/onednn` (see `tfCacheDir`). */
export function oneDnnCacheDir(): string {
  return join(tfCacheDir(), "onednn");
}

/** Read an environment variable without requiring --allow-env. */
function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Parse a `TF_ENABLE_ONEDNN_OPTS` value: `1/true/yes/on` → true, `0/false/no/off` → false,
 * unset or empty → undefined. Throws on anything else (TensorFlow would ignore it silently).
 */
export function parseOneDnnEnv(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new Error(`${ONEDNN_ENV} must be 0 or 1 (or true/false), got "${value}"`);
}

/** Read a text file, or undefined. */
async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

/**
 * The CPU's identity from `/proc/cpuinfo` (model name, flags) and
 * `/sys/devices/system/cpu/cpu0/cache` (level, type and size of each cache; `none` where sysfs
 * has no cache topology, the case where oneDNN crashed). Falls back to os/arch elsewhere.
 */
export async function cpuIdentity(): Promise<CpuIdentity> {
  const info = await readText("/proc/cpuinfo") ?? "";
  const field = (name: string) =>
    new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(info)?.[1]?.trim() ?? "";
  const model = field("model name") || field("Model") || field("CPU part") ||
    `${Deno.build.os}-${Deno.build.arch}`;
  const flags = (field("flags") || field("Features")).split(/\s+/).sort().join(" ");
  const levels: string[] = [];
  const base = "/sys/devices/system/cpu/cpu0/cache";
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(base)) if (e.name.startsWith("index")) names.push(e.name);
    for (const name of names.sort()) {
      const read = async (f: string) => (await readText(join(base, name, f)))?.trim() ?? "?";
      const type = await read("type");
      levels.push(
        `L${await read("level")}${
          type === "Data" ? "d" : type === "Instruction" ? "i" : ""
        } ${await read("size")}`,
      );
    }
  } catch { /* no cache topology */ }
  const has = (f: string) => ` ${flags} `.includes(` ${f} `);
  const isa = has("avx512f")
    ? "AVX-512"
    : has("avx2")
    ? "AVX2"
    : has("avx")
    ? "AVX"
    : has("sse4_2")
    ? "SSE4.2"
    : Deno.build.arch;
  return {
    model,
    flags: sha256Hex(flags).slice(0, 16),
    isa,
    cache: levels.length > 0 ? levels.join(", ") : "none",
  };
}

/** The TensorFlow libraries tfjs-node loads: `deps/lib/libtensorflow{,_framework}.so.2`. */
export async function nativeLibraryFiles(): Promise<string[]> {
  let pkgDir: string;
  try {
    pkgDir = dirname(dirname(fileURLToPath(import.meta.resolve("@tensorflow/tfjs-node"))));
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of ["libtensorflow.so.2", "libtensorflow_framework.so.2"]) {
    try {
      files.push(await Deno.realPath(join(pkgDir, "deps", "lib", name)));
    } catch { /* not installed (yet) */ }
  }
  return files;
}

/**
 * sha256 of each library, remembered in `cacheDir` by path, size, inode and mtime so that a
 * 0.8 GB library is hashed once per file version, not once per process.
 */
export async function hashLibraries(
  files: string[],
  options: { cacheDir: string },
): Promise<LibraryHash[]> {
  const out: LibraryHash[] = [];
  for (const path of files) {
    const st = await Deno.stat(path);
    const statKey = `${path}|${st.size}|${st.ino ?? 0}|${st.mtime?.getTime() ?? 0}`;
    const memo = join(options.cacheDir, `lib-${sha256Hex(statKey).slice(0, 24)}.json`);
    let sha256: string | undefined;
    try {
      const saved = JSON.parse(await Deno.readTextFile(memo));
      if (saved.statKey === statKey && /^[0-9a-f]{64}$/.test(saved.sha256)) sha256 = saved.sha256;
    } catch { /* not hashed yet */ }
    if (!sha256) {
      sha256 = await sha256File(path);
      await writeFileAtomic(memo, JSON.stringify({ statKey, sha256 }, null, 2) + "\n");
    }
    out.push({ path, sha256 });
  }
  return out;
}

/** Last non-empty lines of a child's output, joined for one message line. */
function lastLines(text: string, n = 3): string {
  return text.split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !/^(WARNING: All log messages|I0000 )/.test(l))
    .slice(-n).join(" | ");
}

/** Options of {@link runOneDnnProbe}. */
export interface RunProbeOptions {
  /** Seconds before the child is killed (default 180). */
  timeoutS?: number;
  /** Extra environment of the child (e.g. `HT_ONEDNN_PROBE_FAULT`). */
  env?: Record<string, string>;
}

/**
 * Run the probe workload (`onednn_probe.ts`) in a child Deno process with oneDNN on and report
 * how it ended. Never throws for a crash of the child.
 */
export async function runOneDnnProbe(options: RunProbeOptions = {}): Promise<OneDnnProbeResult> {
  const module = fileURLToPath(new URL("./onednn_probe.ts", import.meta.url));
  // REPO_ROOT, not a literal URL of the root: the stage code hash follows literal URLs.
  const root = REPO_ROOT;
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", join(root, "deno.json"), module],
    cwd: root,
    env: {
      ...options.env,
      [ONEDNN_ENV]: "1",
      [PROBE_CHILD_ENV]: "1",
      TF_CPP_MIN_LOG_LEVEL: "2",
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timeoutS = options.timeoutS ?? 180;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutS * 1000);
  const [status, out, err] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearTimeout(timer);
  const ms = Math.round(performance.now() - t0);
  const okLine = out.split("\n").find((l) => l.startsWith(PROBE_OK));
  if (status.success && okLine) {
    let workMs = "";
    try {
      workMs = `, workload ${JSON.parse(okLine.slice(PROBE_OK.length)).ms} ms`;
    } catch { /* keep it short */ }
    return { outcome: "ok", detail: `probe passed (${(ms / 1000).toFixed(1)} s${workMs})`, ms };
  }
  if (timedOut) {
    return { outcome: "failed", detail: `probe timed out after ${timeoutS} s`, ms };
  }
  if (status.signal) {
    return {
      outcome: "crashed",
      signal: status.signal,
      detail: `probe crashed with ${status.signal}`,
      ms,
    };
  }
  const tail = lastLines(`${out}\n${err}`);
  return {
    outcome: "failed",
    detail: `probe exited with code ${status.code}${tail ? `: ${tail}` : ""}`,
    ms,
  };
}

/** Why a cached or fresh verdict says what it says, as the backend line shows it. */
function verdictReason(verdict: OneDnnVerdict): string {
  const simulated = verdict.fault ? ` (simulated by ${PROBE_FAULT_ENV}=${verdict.fault})` : "";
  return verdict.safe
    ? "probe passed on this CPU"
    : `probe crashed with ${verdict.probe.signal ?? "a signal"} on this CPU${simulated}`;
}

/**
 * The cached verdict for this CPU and TensorFlow build, probing once when there is none.
 * Returns undefined (after logging why) when the probe failed without crashing; that result is
 * not cached.
 */
async function verdictFor(
  options: Required<Pick<DecideOneDnnOptions, "env" | "cacheDir">> & DecideOneDnnOptions,
): Promise<{ verdict?: OneDnnVerdict; file: string; cached: boolean; failure?: string }> {
  const fault = options.env(PROBE_FAULT_ENV) || undefined;
  if (fault && !(PROBE_FAULTS as readonly string[]).includes(fault)) {
    throw new Error(`${PROBE_FAULT_ENV} must be one of ${PROBE_FAULTS.join(", ")}, got "${fault}"`);
  }
  const files = options.libraries ?? await nativeLibraryFiles();
  if (files.length === 0) {
    return {
      file: "",
      cached: false,
      failure: "not probed: no TensorFlow libraries in tfjs-node's deps/lib (deno task setup:tf)",
    };
  }
  const cpu = await cpuIdentity();
  const libraries = await hashLibraries(files, { cacheDir: options.cacheDir });
  const key = sha256Hex(JSON.stringify({
    cpu,
    libraries: libraries.map((l) => l.sha256),
    fault: fault ?? null,
  })).slice(0, 24);
  const file = join(options.cacheDir, `verdict-${key}.json`);
  try {
    const saved = JSON.parse(await Deno.readTextFile(file)) as OneDnnVerdict;
    if (typeof saved.safe === "boolean" && saved.probe) {
      return { verdict: saved, file, cached: true };
    }
  } catch { /* not probed yet */ }
  options.log?.(
    `oneDNN: probing this CPU once (${cpu.model}, ${cpu.isa}, cache topology: ${cpu.cache}) ` +
      "in a child process",
  );
  const probe = await (options.probe ??
    (() => runOneDnnProbe({ env: fault ? { [PROBE_FAULT_ENV]: fault } : {} })))();
  if (probe.outcome === "failed") return { file, cached: false, failure: probe.detail };
  const verdict: OneDnnVerdict = {
    safe: probe.outcome === "ok",
    probe,
    cpu,
    libraries,
    ...(fault ? { fault } : {}),
    probedAt: new Date().toISOString(),
  };
  await writeFileAtomic(file, JSON.stringify(verdict, null, 2) + "\n");
  return { verdict, file, cached: false };
}

/**
 * Decide whether TensorFlow's oneDNN kernels are to be on in this process (see the module doc).
 * Call it before the native backend is loaded, then set `TF_ENABLE_ONEDNN_OPTS` to the result
 * ({@link applyOneDnnDecision}).
 */
export async function decideOneDnn(options: DecideOneDnnOptions = {}): Promise<OneDnnDecision> {
  const env = options.env ?? processEnv;
  const cacheDir = options.cacheDir ?? oneDnnCacheDir();
  const user = parseOneDnnEnv(env(ONEDNN_ENV));
  if (env(PROBE_CHILD_ENV) === "1") {
    return { enabled: user ?? true, source: "user", reason: "probe child" };
  }
  if (user === false) {
    return { enabled: false, source: "user", reason: `${ONEDNN_ENV}=0 set by the user` };
  }
  const found = await verdictFor({ ...options, env, cacheDir });
  const { verdict, file } = found;
  if (user === true) {
    const decision: OneDnnDecision = {
      enabled: true,
      source: "user",
      reason: `${ONEDNN_ENV}=1 set by the user`,
      ...(file ? { verdictFile: file } : {}),
    };
    if (verdict && !verdict.safe) {
      decision.warning = `the oneDNN ${verdictReason(verdict)}; native TensorFlow may crash ` +
        `(unset ${ONEDNN_ENV} to let the probe switch oneDNN off)`;
    }
    return decision;
  }
  if (!verdict) {
    return {
      enabled: false,
      source: "probe-failed",
      reason: `${found.failure ?? "probe failed"} (not cached; probing again next time)`,
      ...(file ? { verdictFile: file } : {}),
    };
  }
  return {
    enabled: verdict.safe,
    source: found.cached ? "cache" : "probe",
    reason: verdictReason(verdict),
    verdictFile: file,
  };
}

/** One phrase for the backend line: `oneDNN off: probe crashed with SIGFPE on this CPU`. */
export function describeOneDnn(decision: OneDnnDecision): string {
  return `oneDNN ${decision.enabled ? "on" : "off"}: ${decision.reason}` +
    (decision.warning ? "; see the WARNING" : "");
}

/** Set `TF_ENABLE_ONEDNN_OPTS` to the decision (before TensorFlow is loaded). */
export function applyOneDnnDecision(decision: OneDnnDecision): void {
  try {
    Deno.env.set(ONEDNN_ENV, decision.enabled ? "1" : "0");
  } catch { /* no --allow-env: TensorFlow keeps its own default */ }
}
