/**
 * `deno task setup:tf [--force] [--no-stock] [--cache DIR] [--wheel REQ]`: make the native
 * TensorFlow backend (`@tensorflow/tfjs-node`) work under Deno. Idempotent: a working addon is
 * only checked (a few seconds).
 */
import { type ParsedArgs, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { DEFAULT_WHEEL, setupTf, SetupTfError, tfCacheDir } from "../src/models/tf_install.ts";

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
    "no-stock": {
      type: "boolean",
      default: false,
      description: "skip the stock libtensorflow download; use the pip wheel directly",
    },
    cache: {
      type: "string",
      description: `cache of the wheel's libraries (default ${tfCacheDir()}; env HT_TF_CACHE)`,
    },
    wheel: {
      type: "string",
      description: `pip requirement providing libtensorflow (default ${DEFAULT_WHEEL}; env ` +
        "HT_TF_WHEEL)",
    },
  },
  epilog: [
    "Steps: locate tfjs-node in node_modules; check the addon; else libtensorflow from the stock",
    "download (TFJS_NODE_BASE_URI / scripts/custom-binary.json are honoured) or from the",
    "tensorflow-cpu wheel (pip download), linked into deps/lib; build the addon with node-gyp;",
    "verify matMul + conv2d against the cpu backend. GPU: see README, 'Backends and GPU'.",
  ].join("\n"),
};

/** Main function of `deno task setup:tf` for `runTask`. */
export async function setupTfMain(parsed: ParsedArgs): Promise<void> {
  const v = parsed.values;
  try {
    const report = await setupTf({
      force: v.force === true,
      stock: v["no-stock"] !== true,
      ...(typeof v.cache === "string" ? { cacheDir: v.cache } : {}),
      ...(typeof v.wheel === "string" ? { wheel: v.wheel } : {}),
    });
    console.log(
      `setup:tf: ok (${report.route}) in ${
        (report.ms / 1000).toFixed(1)
      } s: TensorFlow ${report.selfTest.tensorflow} via ${report.pkg.bindingPath}`,
    );
  } catch (error) {
    if (error instanceof SetupTfError) {
      console.error(`setup:tf: FAILED at ${error.message}`);
      console.error(`  fix: ${error.hint}`);
      console.error(
        "  meanwhile --backend wasm (inference) and --backend cpu (slow training) work without " +
          "it. GPU (tfjs-node-gpu, CUDA 11.2 + cuDNN 8.1, Linux x64) is a separate install: " +
          "README, 'Backends and GPU'.",
      );
      Deno.exit(1);
    }
    throw error;
  }
}

if (import.meta.main) await runTask(SETUP_TF_SPEC, setupTfMain);
