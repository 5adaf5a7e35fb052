/**
 * The active TF.js backend as {@link recordBackendInfo} last saw it, for table metadata.
 *
 * `backend.ts` records it whenever it activates a backend; `pipeline/metadata.ts` reads it
 * without importing TF.js (so stages that do not use a backend stay light).
 *
 * @module
 */

/** Metadata of the active backend, for result tables. */
export interface BackendInfo {
  /** Active backend (`tf.getBackend()` when `initBackend` was not used). */
  name: string;
  /** `@tensorflow/tfjs-core` version. */
  tfjs: string;
  /** TensorFlow C library version, for the native backends. */
  tensorflow?: string;
  /** Compute threads: TF intra-op threads, wasm threads, or 1 for cpu. */
  threads: number;
  /** Whether TensorFlow's oneDNN kernels are on (native backend only). */
  onednn?: boolean;
  /** Why oneDNN is on or off (`probe crashed with SIGFPE on this CPU`; native backend only). */
  onednnReason?: string;
  /** The WebGPU adapter (vendor, architecture, device, description; webgpu backend only). */
  adapter?: string;
  /**
   * Whether TensorFlow placed ops on a GPU (`tensorflow-gpu` only: the addon's
   * `isUsingGpuDevice`; false when its CUDA libraries did not load and it runs on the CPU).
   */
  gpuDevice?: boolean;
}

let recorded: BackendInfo | undefined;

/** Remember the active backend's description (called by `backend.ts` on every switch). */
export function recordBackendInfo(info: BackendInfo): void {
  recorded = { ...info };
}

/** The last recorded backend description, or undefined when no backend was activated. */
export function recordedBackendInfo(): BackendInfo | undefined {
  return recorded ? { ...recorded } : undefined;
}
