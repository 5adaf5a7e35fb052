/**
 * Choosing and activating the TF.js backend.
 *
 * Everything else imports its ops from `@tensorflow/tfjs` (one tfjs-core instance); this module
 * only loads backend packages, which register themselves in that instance, and selects one:
 *
 * - `tensorflow-gpu`: `@tensorflow/tfjs-node-gpu`, the same addon built by `deno task setup:tf
 *   --gpu` against TensorFlow's CUDA build (Linux x64, an NVIDIA driver, the CUDA runtime and
 *   cuDNN that build needs; `src/models/cuda.ts` says what is missing). Imported by a computed
 *   specifier so that `deno check` does not load it.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu` on Deno's built-in WebGPU (Vulkan on Linux, Metal
 *   on macOS, D3D12 on Windows). `auto` takes it only when the adapter is a real GPU; a software
 *   adapter (Mesa's lavapipe/llvmpipe, SwiftShader) is used only when asked for, e.g. in CI.
 * - `tensorflow`: `@tensorflow/tfjs-node`, the native TensorFlow C library on the CPU (needs
 *   `deno task setup:tf` once).
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD, one thread under Deno); fast inference but it
 *   cannot train convolutions, so training falls back to `cpu`.
 * - `cpu`: the pure-JS backend; trains everything, very slowly.
 *
 * @module
 */
import { allocatorTuned } from "./allocator.ts";
import { installFastConvGradients } from "./conv_grads.ts";
import * as tf from "@tensorflow/tfjs";
import util from "node:util";
import { UserError } from "../io/errors.ts";
import { type BackendInfo, recordBackendInfo } from "./backend_state.ts";
import { cpuOnlyLibtensorflow, type CudaStatus, detectCuda, packageDirOf } from "./cuda.ts";
import { describeAdapter } from "./webgpu_adapter.ts";
import {
  applyOneDnnDecision,
  decideOneDnn,
  describeOneDnn,
  ONEDNN_ENV,
  type OneDnnDecision,
  parseOneDnnEnv,
} from "./onednn.ts";

/** What a caller asks for (`--backend`). */
export type BackendRequest = "auto" | "tensorflow" | "gpu" | "webgpu" | "wasm" | "cpu";

/** The backend that was activated. */
export type BackendName = "tensorflow" | "tensorflow-gpu" | "webgpu" | "wasm" | "cpu";

/** Every accepted {@link BackendRequest}, for command-line choices. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = [
  "auto",
  "tensorflow",
  "gpu",
  "webgpu",
  "wasm",
  "cpu",
];

/** Package of the native CPU backend (in deno.json). */
export const NATIVE_PACKAGE = "@tensorflow/tfjs-node";
/** Package of the native CUDA backend (not in deno.json; install it yourself). */
export const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";
/** Package of the WebAssembly backend (in deno.json). */
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";
/** Package of the WebGPU backend (in deno.json). */
export const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";

/** Result of {@link initBackend}. */
export interface BackendSelection {
  /** The active backend. */
  name: BackendName;
  /** Why it was chosen (and why better ones were not), in one line. */
  reason: string;
  /** Whether the active backend can train the models (conv gradients included). */
  canTrain: boolean;
  /** Backend to switch to for training ({@link switchBackend}): `cpu` when `name` is `wasm`. */
  trainBackend: BackendName;
}

/** The WebGPU adapter, as {@link detectWebgpu} found it. */
export interface WebgpuStatus {
  /** An adapter was found. */
  usable: boolean;
  /** Whether it is a software rasteriser (lavapipe, llvmpipe, SwiftShader, a fallback adapter). */
  software: boolean;
  /** Vendor, architecture, device and description, or why there is none. */
  detail: string;
}

/**
 * How backends are detected and loaded. {@link initBackend} uses {@link DEFAULT_PROBES}; tests
 * replace some of them. Each `load*` resolves once the backend is registered in tfjs-core and
 * throws an `Error` whose message says why it is unavailable.
 */
export interface BackendProbes {
  /** Detect a CUDA driver. */
  detectCuda(): Promise<CudaStatus>;
  /** Load `@tensorflow/tfjs-node-gpu`. */
  loadGpu(): Promise<void>;
  /** Load `@tensorflow/tfjs-node`. */
  loadNative(): Promise<void>;
  /** Load `@tensorflow/tfjs-backend-wasm`. */
  loadWasm(): Promise<void>;
  /** Find a WebGPU adapter in this process. */
  detectWebgpu(): Promise<WebgpuStatus>;
  /** Find a WebGPU adapter without loading a driver here (`auto`). */
  probeWebgpu(): Promise<WebgpuStatus>;
  /** Load `@tensorflow/tfjs-backend-webgpu`. */
  loadWebgpu(): Promise<void>;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; `auto` (default) takes the fastest one that works here. */
  backend?: BackendRequest;
  /** Where the one-line choice is printed (default `console.error`); `false` for silence. */
  log?: ((line: string) => void) | false;
  /** Replace detection or loading steps (tests). */
  probes?: Partial<BackendProbes>;
}

/** Thrown when an explicitly requested backend cannot be used; the message says how to fix it. */
export class BackendUnavailableError extends UserError {
  /** The request that failed. */
  readonly request: BackendRequest;

  /** Build from the request and a message. */
  constructor(request: BackendRequest, message: string) {
    super(message);
    this.name = "BackendUnavailableError";
    this.request = request;
  }
}

/** Whether TensorFlow reads `TF_ENABLE_ONEDNN_OPTS` as on (as set before the native import). */
function oneDnnEnabled(): boolean {
  try {
    return parseOneDnnEnv(Deno.env.get(ONEDNN_ENV)) === true;
  } catch {
    return false; // no --allow-env, or a value TensorFlow does not read as on
  }
}

/** Metadata of the active backend, for result tables ({@link backendInfo}). */
export type { BackendInfo };
export { type CudaStatus, detectCuda };

const FIX_NATIVE = "run `deno task setup:tf` (builds the tfjs-node addon against libtensorflow)";
const FIX_GPU = "run `deno task setup:tf --gpu` (builds the tfjs-node-gpu addon against " +
  "TensorFlow's CUDA build; README, Backends and GPU)";

/**
 * `HT_GPU_ALLOW_CPU=1`: `--backend gpu` loads the GPU package even without a CUDA driver, and
 * TensorFlow runs its CPU kernels. For testing the GPU build on machines without a GPU (CI).
 */
export const GPU_ALLOW_CPU_ENV = "HT_GPU_ALLOW_CPU";

/** Whether {@link GPU_ALLOW_CPU_ENV} is set to 1. */
function gpuAllowCpu(): boolean {
  try {
    return Deno.env.get(GPU_ALLOW_CPU_ENV) === "1";
  } catch {
    return false;
  }
}

let active: BackendName | undefined;
let wasmModule: { getThreadsCount?: () => number } | undefined;
let nativeFrom: "tensorflow" | "tensorflow-gpu" | undefined;
let oneDnn: OneDnnDecision | undefined;
const loading = new Map<string, Promise<void>>();

/** First line of an error's message, trimmed to `max` characters. */
function firstLine(error: unknown, max = 240): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").map((s) => s.trim()).find((s) => s !== "") ?? text;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Run `load` once per key; a failed load is retried on the next call. */
function once(key: string, load: () => Promise<void>): Promise<void> {
  let p = loading.get(key);
  if (!p) {
    p = load().catch((error) => {
      loading.delete(key);
      throw error;
    });
    loading.set(key, p);
  }
  return p;
}

/**
 * Prepare the process for a tfjs-node import: Deno's `node:util` lacks the long-deprecated
 * `isNullOrUndefined` that tfjs-node calls, and libtensorflow's INFO lines (oneDNN, CPU features)
 * are silenced unless `TF_CPP_MIN_LOG_LEVEL` is set. For the CPU package, TensorFlow's oneDNN
 * kernels are switched on or off by {@link decideOneDnn} (a probe in a child process, cached per
 * CPU and TensorFlow build; `TF_ENABLE_ONEDNN_OPTS` set by the user wins): they make the folded
 * ResNet-50 about 1.3× faster on an AVX2 EPYC (bench/models.ts), and stock TensorFlow would turn
 * them on by itself on AVX-512 CPUs, including those where they crash.
 */
async function prepareNativeImport(as: "tensorflow" | "tensorflow-gpu"): Promise<void> {
  const u = util as unknown as { isNullOrUndefined?: (v: unknown) => boolean };
  u.isNullOrUndefined ??= (v: unknown) => v == null;
  try {
    if (Deno.env.get("TF_CPP_MIN_LOG_LEVEL") === undefined) {
      Deno.env.set("TF_CPP_MIN_LOG_LEVEL", "1");
    }
  } catch { /* no --allow-env: keep TF's logging */ }
  if (as === "tensorflow") {
    oneDnn = await decideOneDnn({ log: (line) => console.error(line) });
    applyOneDnnDecision(oneDnn);
    // Printed whatever the caller's log option: the process may not live to print more.
    if (oneDnn.warning) console.error(`backend: WARNING: ${oneDnn.warning}`);
  } else {
    // The GPU build's CPU kernels matter little on a GPU, and stock TensorFlow turns oneDNN on
    // by itself on AVX-512 CPUs, including those where it crashes (src/models/onednn.ts).
    try {
      if (Deno.env.get(ONEDNN_ENV) === undefined) Deno.env.set(ONEDNN_ENV, "0");
    } catch { /* no --allow-env */ }
  }
  if (Deno.build.os === "linux" && !allocatorTuned()) {
    console.error(
      "backend: note: malloc is not tuned for TensorFlow in this process (MALLOC_MMAP_MAX_ and " +
        "MALLOC_TRIM_THRESHOLD_ unset), so convolutions can run several times slower; " +
        "`deno task …` sets them (src/models/allocator.ts)",
    );
  }
}

/** Import a package by a computed specifier (kept out of `deno check`'s module graph). */
async function importComputed(specifier: string): Promise<unknown> {
  return await import(specifier);
}

/** Whether the `tensorflow` backend is registered in our tfjs-core instance. */
function hasTensorflowFactory(): boolean {
  return tf.findBackendFactory("tensorflow") != null;
}

/** Import a tfjs-node flavour and check that it registered in this tfjs-core. */
async function loadNodePackage(pkg: string, as: "tensorflow" | "tensorflow-gpu"): Promise<void> {
  import.meta.resolve(pkg); // throws "not a dependency" when the package is not installed
  if (nativeFrom && nativeFrom !== as) {
    throw new Error(
      `${pkg} cannot be loaded: the ${nativeFrom} backend is already loaded in this process ` +
        "(both register as 'tensorflow')",
    );
  }
  if (nativeFrom === as) return;
  if (webgpuTouched) {
    throw new Error(
      `${pkg} cannot be loaded after WebGPU in the same process (libtensorflow after a Vulkan ` +
        "driver crashes it: both carry LLVM); run the native backend in its own process",
    );
  }
  await prepareNativeImport(as);
  await importComputed(pkg);
  if (!hasTensorflowFactory()) {
    throw new Error(
      `${pkg} loaded but registered its backend in another copy of @tensorflow/tfjs-core ` +
        "(its @tensorflow/tfjs must resolve to the project's 4.22.0)",
    );
  }
  nativeFrom = as;
}

/**
 * Whether `auto` tries WebGPU (on a real GPU adapter only, after the CUDA route). Every stage
 * that runs TF.js reads tensors asynchronously (`await data()`; WebGPU under Deno cannot read
 * synchronously), and the WebGPU model and training tests pass on lavapipe; no real GPU has run
 * the route yet (README, Backends and GPU).
 */
export const WEBGPU_IN_AUTO = true;

let webgpuAdapter: string | undefined;
/** Whether this process asked WebGPU for an adapter (which loads the Vulkan driver). */
let webgpuTouched = false;

/**
 * {@link detectWebgpu} in a child process, so that this process does not load a Vulkan driver:
 * libtensorflow loaded after Mesa's lavapipe crashes the process (both carry LLVM), so `auto`
 * looks before it leaps. On Linux, without a GPU device node (`/dev/dri/renderD*`,
 * `/dev/nvidia0`) there is no real GPU to find and no child is started.
 */
export async function probeWebgpu(): Promise<WebgpuStatus> {
  if (Deno.build.os === "linux") {
    let nodes = false;
    try {
      Deno.statSync("/dev/nvidia0");
      nodes = true;
    } catch {
      try {
        for (const entry of Deno.readDirSync("/dev/dri")) {
          if (entry.name.startsWith("renderD")) nodes = true;
        }
      } catch { /* no /dev/dri */ }
    }
    if (!nodes) {
      return {
        usable: false,
        software: false,
        detail: "no GPU device node (/dev/dri/renderD*, /dev/nvidia0)",
      };
    }
  }
  const code = `import { detectWebgpu } from ${JSON.stringify(import.meta.url)};` +
    "console.log(JSON.stringify(await detectWebgpu()));";
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      stdout: "piped",
      stderr: "null",
    }).output();
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (out.success && line.startsWith("{")) return JSON.parse(line) as WebgpuStatus;
    return { usable: false, software: false, detail: `WebGPU probe failed (exit ${out.code})` };
  } catch (error) {
    return { usable: false, software: false, detail: `WebGPU probe failed: ${firstLine(error)}` };
  }
}

/**
 * Find a WebGPU adapter (`navigator.gpu.requestAdapter()`, high-performance preference) and
 * describe it: vendor, architecture, device, description. A software adapter (Mesa's lavapipe,
 * SwiftShader, Microsoft's WARP, or one WebGPU marks as a fallback adapter) is usable but not a
 * GPU. Sets `XDG_RUNTIME_DIR` to a private temp folder when unset, which keeps Mesa's Vulkan
 * loader from printing an error on headless machines.
 */
export async function detectWebgpu(): Promise<WebgpuStatus> {
  const gpu = (navigator as unknown as { gpu?: GPU }).gpu;
  if (!gpu) return { usable: false, software: false, detail: "no navigator.gpu in this runtime" };
  try {
    if (Deno.build.os === "linux" && !Deno.env.get("XDG_RUNTIME_DIR")) {
      Deno.env.set("XDG_RUNTIME_DIR", await Deno.makeTempDir({ prefix: "ht-xdg-" }));
    }
  } catch { /* no --allow-env / --allow-write: Mesa may print a harmless warning */ }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (error) {
    return { usable: false, software: false, detail: `requestAdapter failed: ${firstLine(error)}` };
  }
  if (!adapter) {
    return {
      usable: false,
      software: false,
      detail: "no WebGPU adapter (no Vulkan/Metal/D3D12 driver; on Linux install the GPU's " +
        "Vulkan driver, or mesa-vulkan-drivers for the software lavapipe device)",
    };
  }
  webgpuTouched = true;
  return { usable: true, ...describeAdapter(adapter) };
}

/** The default detection and loading steps (see {@link BackendProbes}). */
export const DEFAULT_PROBES: BackendProbes = {
  detectCuda,
  loadGpu: () => once("gpu", () => loadNodePackage(GPU_PACKAGE, "tensorflow-gpu")),
  loadNative: () => once("native", () => loadNodePackage(NATIVE_PACKAGE, "tensorflow")),
  loadWasm: () =>
    once("wasm", async () => {
      wasmModule = await importComputed(WASM_PACKAGE) as typeof wasmModule;
      if (tf.findBackendFactory("wasm") == null) {
        throw new Error(`${WASM_PACKAGE} did not register in this @tensorflow/tfjs-core`);
      }
    }),
  detectWebgpu,
  probeWebgpu,
  loadWebgpu: () =>
    once("webgpu", async () => {
      await importComputed(WEBGPU_PACKAGE);
      if (tf.findBackendFactory("webgpu") == null) {
        throw new Error(`${WEBGPU_PACKAGE} did not register in this @tensorflow/tfjs-core`);
      }
    }),
};

/** The tfjs-core backend name of a {@link BackendName}. */
function tfName(name: BackendName): string {
  return name === "tensorflow-gpu" ? "tensorflow" : name;
}

/** Whether a backend can train this project's models. */
function trains(name: BackendName): boolean {
  return name !== "wasm";
}

/** Turn a loaded backend into a selection. */
function selection(name: BackendName, reason: string): BackendSelection {
  return { name, reason, canTrain: trains(name), trainBackend: trains(name) ? name : "cpu" };
}

/** `tf.setBackend` + `tf.ready`; throws when the backend does not initialise. */
async function activate(name: BackendName): Promise<void> {
  let ok = false;
  let cause = "";
  try {
    ok = await tf.setBackend(tfName(name));
    if (ok) await tf.ready();
  } catch (error) {
    ok = false;
    cause = `: ${firstLine(error)}`;
  }
  if (!ok) throw new Error(`backend '${tfName(name)}' failed to initialise${cause}`);
  if (name === "cpu") {
    // The cpu backend's first write prints "install our node backend" under Node-like runtimes;
    // the choice was deliberate and explained on the log line.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  active = name;
  recordBackendInfo(backendInfo());
}

/** Whether the active native backend placed its ops on a GPU (tfjs-node's `isUsingGpuDevice`). */
function usingGpuDevice(): boolean {
  try {
    return (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  } catch {
    return false;
  }
}

/** TF version of the active native backend, if any. */
function tensorflowVersion(): string | undefined {
  try {
    const b = tf.backend() as unknown as { binding?: { TF_Version?: string } };
    return b.binding?.TF_Version;
  } catch {
    return undefined;
  }
}

/** The GPU package's folder under node_modules, when it resolves. */
function gpuPackageDir(): string | undefined {
  try {
    const url = import.meta.resolve(GPU_PACKAGE);
    return url.startsWith("file:") ? packageDirOf(new URL(url).pathname) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Try the GPU backend; returns the selection or the reason it was skipped. `allowCpu`
 * ({@link GPU_ALLOW_CPU_ENV}) loads it without a CUDA driver; `requireDevice` (an explicit
 * `--backend gpu`) refuses a TensorFlow that found no GPU device (`auto` keeps it, on the CPU,
 * and says so: once loaded it is the process's `tensorflow` backend).
 */
async function tryGpu(
  probes: BackendProbes,
  options: { allowCpu?: boolean; requireDevice?: boolean } = {},
): Promise<BackendSelection | string> {
  const cuda = await probes.detectCuda();
  if (!cuda.usable && !options.allowCpu) return cuda.detail;
  try {
    await probes.loadGpu();
    await activate("tensorflow-gpu");
  } catch (error) {
    const why = /not a dependency|not in import map|Cannot find (module|package)|MODULE_NOT_FOUND/i
        .test(String(error))
      ? "not installed"
      : /tfjs_binding\.node|libtensorflow/i.test(String(error))
      ? `its addon is not built (${firstLine(error)})`
      : firstLine(error);
    return `${cuda.detail}, but ${GPU_PACKAGE} is unavailable (${why}): ${FIX_GPU}`;
  }
  const v = tensorflowVersion();
  const dir = gpuPackageDir();
  const cpuBuild = dir ? await cpuOnlyLibtensorflow(dir) : undefined;
  const onGpu = usingGpuDevice();
  if (cuda.usable && !onGpu && !cpuBuild && options.requireDevice) {
    // TensorFlow's own warnings above name the CUDA libraries it could not open
    return `${cuda.detail}; ${GPU_PACKAGE}${v ? ` (TensorFlow ${v})` : ""} loaded but ` +
      "TensorFlow found no usable GPU: the CUDA runtime or cuDNN libraries its CUDA build needs " +
      "did not load (TensorFlow's warnings above name them), or the driver is too old for them. " +
      `Install them (pip install 'tensorflow[and-cuda]==${v ?? "<version>"}', then put the ` +
      "nvidia/*/lib folders on LD_LIBRARY_PATH) or update the driver";
  }
  const notes = [
    cuda.usable ? `CUDA found (${cuda.detail})` : `${cuda.detail}: TensorFlow runs on the CPU ` +
      `(${GPU_ALLOW_CPU_ENV}=1)`,
    `${GPU_PACKAGE}${v ? ` with TensorFlow ${v}` : ""}`,
    `TensorFlow ${onGpu ? "placed its ops on the GPU" : "runs on the CPU (no GPU device)"}`,
    ...(cpuBuild
      ? [`its libtensorflow is the CPU-only build (${cpuBuild}), so no GPU is used: ${FIX_GPU}`]
      : []),
  ];
  return selection("tensorflow-gpu", notes.join("; "));
}

/** Try the native CPU backend. */
async function tryNative(probes: BackendProbes): Promise<BackendSelection | string> {
  try {
    await probes.loadNative();
    await activate("tensorflow");
  } catch (error) {
    return `${NATIVE_PACKAGE} unavailable (${firstLine(error)}): ${FIX_NATIVE}`;
  }
  // TensorFlow's CPU input gradient of convolutions is slow; matrix-product paths (conv_grads.ts)
  installFastConvGradients("tensorflow");
  const v = tensorflowVersion();
  return selection(
    "tensorflow",
    `native TensorFlow${v ? ` ${v}` : ""} via ${NATIVE_PACKAGE}, ${
      oneDnn ? describeOneDnn(oneDnn) : `oneDNN ${oneDnnEnabled() ? "on" : "off"}`
    }`,
  );
}

/** Try the WebGPU backend; with `gpuOnly`, a software adapter is skipped (`auto`). */
async function tryWebgpu(
  probes: BackendProbes,
  options: { gpuOnly: boolean },
): Promise<BackendSelection | string> {
  if (options.gpuOnly) {
    const probed = await probes.probeWebgpu();
    if (!probed.usable) return probed.detail;
    if (probed.software) {
      return `${probed.detail} is a software adapter, not a GPU (--backend webgpu uses it anyway)`;
    }
  }
  const adapter = await probes.detectWebgpu();
  if (!adapter.usable) return adapter.detail;
  try {
    await probes.loadWebgpu();
    await activate("webgpu");
  } catch (error) {
    return `${adapter.detail}, but ${WEBGPU_PACKAGE} is unavailable (${firstLine(error)})`;
  }
  webgpuAdapter = adapter.detail;
  recordBackendInfo(backendInfo());
  return selection(
    "webgpu",
    `WebGPU on ${adapter.detail}${adapter.software ? " (software, not a GPU)" : ""}`,
  );
}

/** Try the wasm backend. */
async function tryWasm(probes: BackendProbes): Promise<BackendSelection | string> {
  try {
    await probes.loadWasm();
    await activate("wasm");
  } catch (error) {
    return `${WASM_PACKAGE} unavailable (${firstLine(error)})`;
  }
  return selection(
    "wasm",
    "WebAssembly (SIMD) for inference; training uses the pure-JS cpu backend",
  );
}

/** Activate the pure-JS cpu backend (always registered by `@tensorflow/tfjs`). */
async function tryCpu(): Promise<BackendSelection | string> {
  try {
    await activate("cpu");
  } catch (error) {
    return firstLine(error);
  }
  return selection("cpu", "pure-JS cpu backend (slow; trains everything)");
}

/** `auto`: CUDA GPU, then WebGPU on a real GPU, then native, then wasm (+cpu for training), then cpu. */
async function chooseAuto(probes: BackendProbes): Promise<BackendSelection> {
  const skipped: string[] = [];
  const attempts: [string, (p: BackendProbes) => Promise<BackendSelection | string>][] = [
    ["GPU: ", tryGpu],
    ...(WEBGPU_IN_AUTO
      ? [["WebGPU: ", (p: BackendProbes) => tryWebgpu(p, { gpuOnly: true })]] as [
        string,
        (p: BackendProbes) => Promise<BackendSelection | string>,
      ][]
      : []),
    ["", tryNative],
    ["", tryWasm],
  ];
  for (const [label, attempt] of attempts) {
    const result = await attempt(probes);
    if (typeof result !== "string") {
      return skipped.length === 0
        ? result
        : { ...result, reason: `${result.reason}; skipped: ${skipped.join("; ")}` };
    }
    skipped.push(`${label}${result}`);
  }
  const cpu = await tryCpu();
  if (typeof cpu === "string") {
    throw new BackendUnavailableError(
      "auto",
      `no TF.js backend works: ${[...skipped, cpu].join("; ")}`,
    );
  }
  return { ...cpu, reason: `${cpu.reason}; skipped: ${skipped.join("; ")}` };
}

/** An explicit request: that backend or a {@link BackendUnavailableError}. */
async function chooseExplicit(
  request: Exclude<BackendRequest, "auto">,
  probes: BackendProbes,
): Promise<BackendSelection> {
  const allowCpu = gpuAllowCpu();
  if (request === "gpu" && !allowCpu) {
    const cuda = await probes.detectCuda();
    if (!cuda.usable) {
      throw new BackendUnavailableError(
        "gpu",
        `--backend gpu: ${cuda.detail}; the GPU backend (${GPU_PACKAGE}) needs an NVIDIA GPU and ` +
          "driver on Linux x64, and `deno task setup:tf --gpu`. Use --backend tensorflow " +
          `(native CPU) instead (or set ${GPU_ALLOW_CPU_ENV}=1 to run the GPU build on the CPU).`,
      );
    }
  }
  const attempt = {
    gpu: (p: BackendProbes) => tryGpu(p, { allowCpu, requireDevice: !allowCpu }),
    webgpu: (p: BackendProbes) => tryWebgpu(p, { gpuOnly: false }),
    tensorflow: tryNative,
    wasm: tryWasm,
    cpu: () => tryCpu(),
  }[request];
  const result = await attempt(probes);
  if (typeof result === "string") {
    throw new BackendUnavailableError(request, `--backend ${request}: ${result}`);
  }
  return { ...result, reason: `requested; ${result.reason}` };
}

/**
 * Load and activate a TF.js backend (`tf.setBackend` + `tf.ready`) and print the choice and its
 * reason as one line on stderr.
 *
 * `auto` takes `tensorflow-gpu` when a CUDA driver is present and `@tensorflow/tfjs-node-gpu`
 * loads, else `webgpu` when WebGPU has a real GPU adapter, else `tensorflow` (tfjs-node), else `wasm` for inference with `cpu` for training
 * (`trainBackend`), else `cpu`. An explicit request fails with {@link BackendUnavailableError}
 * when that backend cannot be used.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  const request = options.backend ?? "auto";
  if (!BACKEND_REQUESTS.includes(request)) {
    throw new BackendUnavailableError(
      request,
      `unknown backend "${request}" (one of ${BACKEND_REQUESTS.join(", ")})`,
    );
  }
  const probes: BackendProbes = { ...DEFAULT_PROBES, ...options.probes };
  const chosen = request === "auto"
    ? await chooseAuto(probes)
    : await chooseExplicit(request, probes);
  const log = options.log === undefined ? (line: string) => console.error(line) : options.log;
  if (log) log(`backend: ${chosen.name} (${chosen.reason})`);
  return chosen;
}

/**
 * Switch to an already loaded backend, e.g. `switchBackend(selection.trainBackend)` before
 * training when {@link initBackend} chose `wasm`. Tensors of the previous backend stay readable
 * but should be recreated for speed.
 */
export async function switchBackend(name: BackendName): Promise<void> {
  if ((name === "tensorflow" || name === "tensorflow-gpu") && nativeFrom !== name) {
    throw new BackendUnavailableError(
      name === "tensorflow" ? "tensorflow" : "gpu",
      `backend ${name} is not loaded; call initBackend first`,
    );
  }
  await activate(name);
}

/** Name, versions and thread count of the active backend, for table metadata. */
export function backendInfo(): BackendInfo {
  const current = tf.getBackend();
  const name = active && tfName(active) === current ? active : current;
  let threads = 1;
  if (current === "tensorflow") {
    let env: string | undefined;
    try {
      env = Deno.env.get("TF_NUM_INTRAOP_THREADS");
    } catch { /* no --allow-env */ }
    threads = Number(env) > 0 ? Number(env) : navigator.hardwareConcurrency;
  } else if (current === "wasm") {
    threads = wasmModule?.getThreadsCount?.() ?? 1;
  }
  const info: BackendInfo = { name, tfjs: tf.version_core, threads };
  if (current === "webgpu" && webgpuAdapter) info.adapter = webgpuAdapter;
  const v = current === "tensorflow" ? tensorflowVersion() : undefined;
  if (v) info.tensorflow = v;
  if (current === "tensorflow") {
    info.onednn = oneDnnEnabled();
    if (oneDnn && nativeFrom === "tensorflow") info.onednnReason = oneDnn.reason;
  }
  if (name === "tensorflow-gpu") info.gpuDevice = usingGpuDevice();
  return info;
}
