/**
 * The package's own libtensorflow download (`scripts/install.js`), an explicit opt-in of
 * `deno task setup:tf --stock`.
 *
 * @module
 */
import { join } from "node:path";
import type { TfjsNodePackage } from "./package.ts";
import { run, tail } from "./run.ts";

/**
 * The URL the stock install script downloads libtensorflow from, honouring
 * `TFJS_NODE_BASE_URI`, `TFJS_NODE_CDN_STORAGE` and `scripts/custom-binary.json` as it does.
 */
export async function stockLibtensorflowUrl(pkg: TfjsNodePackage): Promise<string> {
  try {
    const custom = JSON.parse(
      await Deno.readTextFile(join(pkg.dir, "scripts", "custom-binary.json")),
    );
    if (typeof custom["tf-lib"] === "string") return custom["tf-lib"];
  } catch { /* no custom binary */ }
  const env = (k: string) => Deno.env.get(k) || undefined;
  const host = env("TFJS_NODE_CDN_STORAGE") ?? env("npm_config_TFJS_NODE_CDN_STORAGE") ??
    env("CDN_STORAGE") ?? "https://storage.googleapis.com/";
  const base = env("TFJS_NODE_BASE_URI") ?? env("npm_config_TFJS_NODE_BASE_URI") ??
    `${host}tensorflow/libtensorflow/libtensorflow-`;
  const arch = { x86_64: "x86_64", aarch64: "arm64" }[Deno.build.arch];
  return `${base}cpu-${Deno.build.os}-${arch}-${pkg.libtensorflowVersion}.tar.gz`;
}

/** Replace a (possibly hard-linked) file by a private copy, so in-place writes stay local. */
async function unshare(path: string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.copyFile(path, tmp);
  await Deno.rename(tmp, path);
}

/**
 * Step 3a: the package's own `scripts/install.js` (download libtensorflow, build the addon).
 * Returns a reason when it is skipped or fails.
 */
export async function stockInstall(
  pkg: TfjsNodePackage,
  options: { node: string; env: Record<string, string>; probeTimeoutS: number; timeoutS: number },
): Promise<{ ok: boolean; detail: string }> {
  const url = await stockLibtensorflowUrl(pkg);
  try {
    const response = await fetch(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(options.probeTimeoutS * 1000),
    });
    await response.body?.cancel();
    if (!response.ok) return { ok: false, detail: `${url}: HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      detail: `${new URL(url).host} unreachable (${cause instanceof Error ? cause.message : why})`
        .replace(/\s+/g, " "),
    };
  }
  // install.js rewrites package.json in place; Deno hard-links node_modules files to its cache.
  await unshare(join(pkg.dir, "package.json"));
  const r = await run(options.node, ["scripts/install.js"], {
    cwd: pkg.dir,
    env: options.env,
    timeoutS: options.timeoutS,
  });
  if (r.code !== 0 || r.timedOut) {
    return {
      ok: false,
      detail: `scripts/install.js ${r.timedOut ? "timed out" : `failed (exit ${r.code})`}:\n${
        tail(r.out, 12)
      }`,
    };
  }
  return { ok: true, detail: `libtensorflow ${pkg.libtensorflowVersion} from ${url}` };
}
