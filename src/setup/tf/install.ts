/**
 * Steps 3 to 5 of `deno task setup:tf` (`setupTf` of `setup.ts`), run under the lock: the build
 * tools, libtensorflow into `deps/` (`install_libs.ts`), the addon's build and its check.
 *
 * @module
 */
import { exists } from "../../io/files.ts";
import { buildAddon, buildEnv } from "./build.ts";
import { selfTest, type SetupTfTarget } from "./context.ts";
import { SetupTfError } from "./error.ts";
import { type BuildTools, installLibs } from "./install_libs.ts";
import { which } from "./run.ts";
import { describeSelfTest } from "./selftest.ts";
import type { SetupTfReport } from "./setup.ts";
import { describeTensorflowSource, installedTensorflowSource } from "./source.ts";
import { DEFAULT_WHEEL } from "./wheel.ts";

/** Steps 3 to 5 (tools, libs, build, verify), under the lock. */
export async function buildLocked(target: SetupTfTarget): Promise<SetupTfReport> {
  // Read under the lock: another setup:tf may just have replaced deps/.
  const installed = await installedTensorflowSource(target.pkg);
  const tools = await findBuildTools(target);
  const route = await installLibs(target, tools, installed);
  if (route !== "stock" || !await exists(target.pkg.bindingPath)) {
    await buildTheAddon(target, tools);
  }
  return await verifyAddon(target, route);
}

/** `node` on PATH, node-gyp and Node's headers. */
async function findBuildTools(target: SetupTfTarget): Promise<BuildTools> {
  const node = await which("node");
  if (!node) {
    throw new SetupTfError(
      "build",
      "node is not on PATH (node-gyp runs on Node.js)",
      "install Node.js ≥ 18 with its headers (apt-get install nodejs npm)",
    );
  }
  target.steps.begin("[tools] node-gyp and Node headers");
  const { env, nodedir } = await buildEnv(node, { cacheDir: target.cacheDir, log: target.log });
  target.steps.done(
    "tools",
    "ok",
    `node-gyp ${env.npm_config_node_gyp}; headers ${
      nodedir ? `${nodedir}/include/node` : "(downloaded by node-gyp)"
    }`,
  );
  return { node, env };
}

/** Step 4: build the addon against `deps/`. */
async function buildTheAddon(target: SetupTfTarget, tools: BuildTools): Promise<void> {
  const { pkg, steps } = target;
  steps.begin(`[build] node-pre-gyp install --build-from-source in ${pkg.dir}`);
  await buildAddon(pkg, tools);
  steps.done("build", "ok", `built ${pkg.bindingPath}`);
}

/** Step 5: the new addon loads and computes in a fresh Deno process (else it throws). */
async function verifyAddon(
  target: SetupTfTarget,
  route: SetupTfReport["route"],
): Promise<SetupTfReport> {
  const { pkg, steps } = target;
  steps.begin(
    `[verify] loading ${target.packageName} in a fresh Deno process; matMul + conv2d vs the cpu backend`,
  );
  const check = await selfTest(target);
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
  steps.done(
    "verify",
    "ok",
    `TensorFlow ${check.result.tensorflow}; ${describeSelfTest(check.result)}; ` +
      `libtensorflow: ${describeTensorflowSource(source)}`,
  );
  return {
    route,
    pkg,
    steps: steps.steps,
    selfTest: check.result,
    ...(source ? { source } : {}),
    ms: performance.now() - target.t0,
  };
}
