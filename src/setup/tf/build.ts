/**
 * Building the tfjs-node addon: node-gyp and the Node headers, and `node-pre-gyp install
 * --build-from-source` against the libraries in `deps/`.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { exists } from "../../io/files.ts";
import { SetupTfError } from "./error.ts";
import type { TfjsNodePackage } from "./package.ts";
import { run, tail, which } from "./run.ts";

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
export async function buildEnv(
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

/** Step 4: build the addon with node-pre-gyp (node-gyp) against deps/. */
export async function buildAddon(
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
