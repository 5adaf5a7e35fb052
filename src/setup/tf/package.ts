/**
 * The `@tensorflow/tfjs-node` package `deno task setup:tf` sets up: where it is under
 * `node_modules/` and the paths its addon needs.
 *
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { SetupTfError } from "./error.ts";
import { run, tail } from "./run.ts";

/** Name of the npm package this module sets up. */
export const TFJS_NODE = "@tensorflow/tfjs-node";

/**
 * The CUDA flavour (`setup:tf --gpu`): the same addon source as {@link TFJS_NODE}, registered as
 * the same `tensorflow` backend, built against TensorFlow's CUDA build.
 */
export const TFJS_NODE_GPU = "@tensorflow/tfjs-node-gpu";

/** The located tfjs-node package and the paths its addon needs. */
export interface TfjsNodePackage {
  /** npm name ({@link TFJS_NODE} or {@link TFJS_NODE_GPU}). */
  name: string;
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

/**
 * Locate tfjs-node (or `options.name`, e.g. {@link TFJS_NODE_GPU}) under `root/node_modules` (running `deno install` there when it is missing)
 * and derive the paths its addon needs.
 */
export async function locateTfjsNode(
  root: string,
  options: { install?: boolean; log?: (line: string) => void; name?: string } = {},
): Promise<TfjsNodePackage> {
  const name = options.name ?? TFJS_NODE;
  const link = join(root, "node_modules", ...name.split("/"));
  let dir: string | undefined;
  try {
    dir = await Deno.realPath(link);
  } catch {
    if (options.install ?? true) {
      options.log?.(`  ${name} is not in node_modules: running deno install`);
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
      `${name} not found at ${link}`,
      `add it to deno.json imports (npm:${name}@4.22.0) and run deno install`,
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
    name,
    dir,
    version: String(pkgJson.version),
    libtensorflowVersion,
    depsLib: join(dir, "deps", "lib"),
    depsInclude: join(dir, "deps", "include"),
    bindingPath,
  };
}
