/**
 * `deno task setup:tf [--force] [--stock] [--cache DIR] [--wheel REQ|PATH.whl]`: make the native
 * TensorFlow backend (`@tensorflow/tfjs-node`) work under Deno, with libtensorflow from the pinned
 * `tensorflow-cpu` wheel (sha256-checked). Idempotent: a working addon is only checked (a few
 * seconds).
 */
import { type ParsedArgs, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import {
  describeTensorflowSource,
  GPU_WHEEL,
  PINNED_KEYWORD,
  PINNED_TF_WHEEL,
  setupTf,
  SetupTfError,
  shortSha,
  tfCacheDir,
  TFJS_NODE_GPU,
} from "../src/setup/tf/mod.ts";
import { describeOneDnn } from "../src/models/onednn.ts";

const PIN = `${PINNED_TF_WHEEL.project} ${PINNED_TF_WHEEL.version} (${PINNED_TF_WHEEL.file}, ` +
  `sha256 ${shortSha(PINNED_TF_WHEEL.sha256)})`;

/** Command line of `deno task setup:tf`. */
export const SETUP_TF_SPEC: TaskSpec = {
  name: "setup:tf",
  summary: "Build the tfjs-node addon (native TensorFlow backend) and check it under Deno.",
  flags: {
    force: {
      type: "boolean",
      default: false,
      description: "rebuild even when the addon already works",
    },
    stock: {
      type: "boolean",
      default: false,
      description: "opt in: try the package's own libtensorflow 2.9.1 download " +
        "(storage.googleapis.com; not pinned, not what the project is tested with) before the " +
        "pinned wheel",
    },
    cache: {
      type: "string",
      description: `cache of the wheel's libraries (default ${tfCacheDir()}; env HT_TF_CACHE)`,
    },
    gpu: {
      type: "boolean",
      default: false,
      description: `set up ${TFJS_NODE_GPU} (--backend gpu) instead, from TensorFlow's CUDA ` +
        `build ${GPU_WHEEL} (its sha256 is not pinned: HT_TF_WHEEL_SHA256 checks it); ` +
        `--gpu --wheel ${PINNED_KEYWORD} builds it against the CPU pin (tests on machines ` +
        "without a GPU)",
    },
    wheel: {
      type: "string",
      description: `override the pinned wheel ${PIN} with a pip requirement ` +
        "(tensorflow-cpu==2.20.0) or a local .whl (env HT_TF_WHEEL; the pin's sha256 then does " +
        "not apply: HT_TF_WHEEL_SHA256 checks the override)",
    },
  },
  epilog: [
    "Steps: locate tfjs-node in node_modules; check the addon; else libtensorflow from the pinned",
    `wheel ${PINNED_TF_WHEEL.file}`,
    "(pip download, sha256 checked before extraction; a mismatch is refused and the file",
    "deleted), linked into deps/lib (deps/SOURCE.txt records wheel and sha256); build the addon",
    "with node-gyp; verify matMul + conv2d against the cpu backend (within the float32 error",
    "model: |native − cpu| ≤ 2·γ(n)·Σ|terms|); report whether oneDNN is on and why (the cached",
    "probe verdict of this CPU). --stock first tries the package's own download",
    "(TFJS_NODE_BASE_URI / scripts/custom-binary.json are honoured). A lock file",
    "(<package>/.setup-tf.lock) keeps two setup:tf on one checkout from building at once: the",
    "second waits, then finds the addon working; a lock whose process is gone is taken over.",
    `--gpu: the same steps for ${TFJS_NODE_GPU}; README, 'Backends and GPU'.`,
  ].join("\n"),
};

/** Main function of `deno task setup:tf` for `runTask`. */
export async function setupTfMain(parsed: ParsedArgs): Promise<void> {
  const v = parsed.values;
  try {
    const report = await setupTf({
      force: v.force === true,
      stock: v.stock === true,
      ...(typeof v.cache === "string" ? { cacheDir: v.cache } : {}),
      ...(typeof v.wheel === "string" ? { wheel: v.wheel } : {}),
      gpu: v.gpu === true,
    });
    console.log(
      `setup:tf: ok (${report.route}) in ${
        (report.ms / 1000).toFixed(1)
      } s: TensorFlow ${report.selfTest.tensorflow} via ${report.pkg.bindingPath}; libtensorflow: ${
        describeTensorflowSource(report.source)
      }${report.oneDnn ? `; ${describeOneDnn(report.oneDnn)}` : ""}`,
    );
  } catch (error) {
    if (error instanceof SetupTfError) {
      console.error(`setup:tf: FAILED at ${error.message}`);
      console.error(`  fix: ${error.hint}`);
      console.error(
        "  meanwhile --backend wasm (inference) and --backend cpu (slow training) work without " +
          "it; on a GPU, --backend webgpu needs no build. README, 'Backends and GPU'.",
      );
      Deno.exit(1);
    }
    throw error;
  }
}

if (import.meta.main) await runTask(SETUP_TF_SPEC, setupTfMain);
