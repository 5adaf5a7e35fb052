/**
 * What the CUDA route (`--backend gpu`, `@tensorflow/tfjs-node-gpu`) needs from this machine,
 * found without loading TensorFlow: the NVIDIA driver (`libcuda.so.1`, its CUDA version read
 * with `cuDriverGetVersion`), a GPU listed by `nvidia-smi`, and which libtensorflow the GPU
 * package was built against (`deps/SOURCE.txt`, written by `deno task setup:tf --gpu`). Each
 * missing piece is named in the message `--backend gpu` prints.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Whether a CUDA driver is present, as detected by {@link detectCuda}. */
export interface CudaStatus {
  /** A driver was found (`libcuda.so.1` that loads, or a working `nvidia-smi`). */
  usable: boolean;
  /** What was found or missing, for messages. */
  detail: string;
  /** CUDA version the driver supports (`cuDriverGetVersion`: 12080 → `12.8`), when read. */
  driverCuda?: string;
}

/** Folders where a CUDA driver (`libcuda.so.1`) usually lives. */
export const LIBCUDA_DIRS: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/usr/local/nvidia/lib64",
  "/usr/local/cuda/lib64",
  "/usr/local/cuda/compat",
  "/usr/lib/wsl/lib",
];

/** `12080` → `12.8` (CUDA's encoding: 1000 · major + 10 · minor). */
export function formatCudaVersion(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/**
 * The CUDA version a driver library supports, by calling its `cuDriverGetVersion` (no device
 * and no `cuInit` needed). Throws with the loader's message when the library does not load.
 */
export function cudaDriverVersion(library: string): number {
  const lib = Deno.dlopen(library, {
    cuDriverGetVersion: { parameters: ["buffer"], result: "i32" },
  });
  try {
    const out = new Int32Array(1);
    const status = lib.symbols.cuDriverGetVersion(out);
    if (status !== 0) throw new Error(`cuDriverGetVersion returned CUDA error ${status}`);
    return out[0];
  } finally {
    lib.close();
  }
}

/** Options of {@link detectCuda} (tests point it at fake drivers). */
export interface DetectCudaOptions {
  /** Folders searched for `libcuda.so.1` (default: `LD_LIBRARY_PATH`, then {@link LIBCUDA_DIRS}). */
  dirs?: readonly string[];
  /** `nvidia-smi` to run (default `nvidia-smi` on PATH; `false`: do not run it). */
  nvidiaSmi?: string | false;
}

/**
 * Detect a CUDA driver: `libcuda.so.1` in the library folders (its CUDA version read), or an
 * `nvidia-smi` that lists a GPU. A driver is necessary, not sufficient: TensorFlow's CUDA build
 * also needs the CUDA runtime and cuDNN it was built with, which only loading it can tell.
 */
export async function detectCuda(options: DetectCudaOptions = {}): Promise<CudaStatus> {
  if (Deno.build.os !== "linux" && Deno.build.os !== "windows") {
    return { usable: false, detail: `no CUDA on ${Deno.build.os}` };
  }
  let dirs = options.dirs;
  if (!dirs) {
    let ldPath: string[] = [];
    try {
      ldPath = (Deno.env.get("LD_LIBRARY_PATH") ?? "").split(":").filter((s) => s !== "");
    } catch { /* no --allow-env */ }
    dirs = [...ldPath, ...LIBCUDA_DIRS];
  }
  let lib: string | undefined;
  for (const dir of dirs) {
    try {
      Deno.statSync(join(dir, "libcuda.so.1"));
      lib = join(dir, "libcuda.so.1");
      break;
    } catch { /* not here */ }
  }
  let driver = "", driverCuda: string | undefined, loadError: string | undefined;
  if (lib) {
    try {
      driverCuda = formatCudaVersion(cudaDriverVersion(lib));
      driver = `CUDA driver ${lib} (supports CUDA ${driverCuda})`;
    } catch (error) {
      loadError = `${lib} does not load: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  let smi: string | undefined;
  if (options.nvidiaSmi !== false) {
    try {
      const out = await new Deno.Command(options.nvidiaSmi ?? "nvidia-smi", {
        args: ["-L"],
        stdout: "piped",
        stderr: "null",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim();
      if (out.success && text !== "") smi = text.split("\n")[0];
    } catch { /* not installed or not allowed */ }
  }
  const parts = [smi ? `nvidia-smi: ${smi}` : "", driver, loadError ?? ""].filter((s) => s);
  if (driver || (smi && !loadError)) {
    return { usable: true, detail: parts.join("; "), ...(driverCuda ? { driverCuda } : {}) };
  }
  if (loadError) return { usable: false, detail: parts.join("; ") };
  return { usable: false, detail: "no CUDA driver (no libcuda.so.1, no working nvidia-smi)" };
}

/**
 * Whether the libtensorflow in a tfjs-node package's `deps/` is TensorFlow's CPU-only build, as
 * `deps/SOURCE.txt` records it (the `tensorflow_cpu` wheel): then the GPU package runs but
 * cannot use a GPU. Undefined when nothing is recorded.
 */
export async function cpuOnlyLibtensorflow(packageDir: string): Promise<string | undefined> {
  const file = join(packageDir, "deps", "SOURCE.txt");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch {
    return undefined;
  }
  const wheel = /^wheel:\s*(\S+)/m.exec(text)?.[1];
  return wheel && /^tensorflow_cpu-/i.test(wheel) ? wheel : undefined;
}

/** The folder of an npm package under `node_modules` (resolved links), or undefined. */
export function packageDirOf(resolvedEntry: string): string | undefined {
  let dir = dirname(resolvedEntry);
  for (let i = 0; i < 6; i++) {
    try {
      Deno.statSync(join(dir, "package.json"));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  return undefined;
}
