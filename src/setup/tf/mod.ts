/**
 * `deno task setup:tf`: make `@tensorflow/tfjs-node` (the native TensorFlow backend) importable
 * under Deno.
 *
 * Deno does not run npm install scripts, and the stock script of tfjs-node downloads an unpinned
 * libtensorflow 2.9.1 from storage.googleapis.com, which not every machine can reach. The steps
 * ({@link setupTf}, `setup.ts`):
 *
 * 1. locate the package under `node_modules/` (`deno install` when missing; `package.ts`);
 * 2. if its addon already loads and computes, stop;
 * 3. libtensorflow into `deps/` from the pinned `tensorflow-cpu` Python wheel
 *    ({@link PINNED_TF_WHEEL}, fetched with `pip download` and checked against its sha256 before
 *    anything is extracted; `wheel.ts`), whose `libtensorflow_cc.so.2` exports the TF C API: its
 *    libraries are linked into `deps/lib` under the names the addon links against, its C headers
 *    into `deps/include` (cached, see {@link tfCacheDir}; `libs.ts`, `source.ts`). `HT_TF_WHEEL`
 *    overrides the wheel (a pip requirement or a local `.whl`, see {@link chooseWheel}); the
 *    package's own stock download is an explicit opt-in ({@link SetupTfOptions.stock};
 *    `stock.ts`);
 * 4. build the addon (`node-pre-gyp install --build-from-source`, i.e. node-gyp, against the
 *    local Node headers; `build.ts`);
 * 5. check it in a fresh Deno process: load it and compare a matMul and a conv2d with the cpu
 *    backend, within the float32 error model (`float32ComparisonRatio` of
 *    `src/metrics/float32_error.ts`; `selftest.ts`);
 * 6. report whether TensorFlow's oneDNN kernels are on, and why (`decideOneDnn` of
 *    `src/models/onednn.ts`: the verdict of a probe in a child process, cached per CPU and
 *    TensorFlow build). Also done when step 2 finds nothing to do; a failure here does not fail
 *    setup:tf.
 *
 * With `--gpu` ({@link SetupTfOptions.gpu}) the same steps set up `@tensorflow/tfjs-node-gpu`
 * ({@link TFJS_NODE_GPU}) from TensorFlow's CUDA build {@link GPU_WHEEL} (sha256 not pinned), and
 * step 5 checks it with `HT_GPU_ALLOW_CPU=1`, so a machine without a GPU checks it on the CPU;
 * `--gpu --wheel pinned` builds it against the CPU pin (how CI tests it). Step 6 is skipped: the
 * GPU package runs the CPU kernels with oneDNN off.
 *
 * Steps 3 to 5 run under an exclusive lock file in the package folder
 * ({@link acquireSetupTfLock}; `lock.ts`): a second `setup:tf` on the same checkout (e.g.
 * `deno task all` building the addon while another task does the same) waits for the first, then
 * checks the addon again and, when it works, has nothing to do.
 *
 * @module
 */
export { tfCacheDir } from "./cache_dir.ts";
export { SetupTfError } from "./error.ts";
export { locateTfjsNode, TFJS_NODE, TFJS_NODE_GPU, type TfjsNodePackage } from "./package.ts";
export {
  chooseWheel,
  type ChooseWheelOptions,
  DEFAULT_WHEEL,
  GPU_WHEEL,
  type ObtainedWheel,
  obtainWheel,
  type ObtainWheelOptions,
  PINNED_KEYWORD,
  PINNED_TF_WHEEL,
  type PinnedWheel,
  pipDownloadArgs,
  shortSha,
  type VerifyWheelOptions,
  verifyWheelSha256,
  type WheelChoice,
} from "./wheel.ts";
export {
  type CacheMarker,
  findCachedLibs,
  matchesWheel,
  type WheelIdentity,
  wheelIdentity,
} from "./libs.ts";
export {
  describeTensorflowSource,
  installedTensorflowSource,
  type TensorflowSource,
} from "./source.ts";
export { stockLibtensorflowUrl } from "./stock.ts";
export {
  acquireSetupTfLock,
  type SetupTfLock,
  type SetupTfLockInfo,
  type SetupTfLockOptions,
  setupTfLockPath,
} from "./lock.ts";
export {
  describeSelfTest,
  type NativeSelfTest,
  nativeSelfTest,
  type SelfTestComparison,
} from "./selftest.ts";
export { setupTf, type SetupTfOptions, type SetupTfReport, type SetupTfStep } from "./setup.ts";
