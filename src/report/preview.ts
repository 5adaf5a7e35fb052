/**
 * `deno task site:preview`: Observable Framework's preview server on `report/`, reading a run's
 * tables through the data loaders (as the build does), with live reload: when a table or a
 * rendered figure changes, the data loader's modification time is bumped, so Framework re-runs it
 * and reloads the pages that read it; a change to the browser library's sources (src/site,
 * src/figures) re-runs the bundle loader the same way.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { exists } from "../io/files.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { clearLoaderOutputs, frameworkCacheDir, pinClientVersions, reportDir } from "./build.ts";
import { FIGURES_ENV, TABLES_ENV } from "./site_archive.ts";

/** Options of {@link startPreview}. */
export interface PreviewOptions {
  /** Port (default a free one). */
  port?: number;
  /** Node.js executable (default `$NODE` or `node`). */
  node?: string;
  /** Repository root (default the checkout). */
  repoRoot?: string;
  /** Quiet period after a change before the reload (ms, default 300). */
  debounceMs?: number;
  /** Log a line. */
  log?: (message: string) => void;
}

/** A running preview. */
export interface Preview {
  /** Base URL of the server. */
  url: string;
  /** How many times a change to the watched folders bumped a loader. */
  refreshes(): number;
  /** Stop the server and the watchers. */
  close(): Promise<void>;
  /** Resolves when the server exits. */
  done: Promise<Deno.CommandStatus>;
}

/** Loader files (relative to report/src) re-run when their inputs change. */
export const PREVIEW_LOADERS = { data: "data.zip.ts", bundle: "components/bundle.js.ts" };

/** Start the preview server on the run's `dirs.tables` and `dirs.figures`. */
export async function startPreview(
  dirs: { tables: string; figures: string },
  options: PreviewOptions = {},
): Promise<Preview> {
  const root = options.repoRoot ?? REPO_ROOT;
  const log = options.log ?? (() => {});
  if (!(await exists(dirs.tables))) {
    throw new Error(`no tables at ${dirs.tables}: run \`deno task all\` (or pass --out DIR)`);
  }
  await clearLoaderOutputs(frameworkCacheDir(root));
  await pinClientVersions(frameworkCacheDir(root));
  const port = options.port ?? freePort();
  const cli = join(root, "node_modules/@observablehq/framework/dist/bin/observable.js");
  const child = new Deno.Command(options.node ?? Deno.env.get("NODE") ?? "node", {
    args: [cli, "preview", "--host", "127.0.0.1", "--port", String(port), "--no-open"],
    cwd: reportDir(root),
    env: {
      [TABLES_ENV]: resolve(dirs.tables),
      [FIGURES_ENV]: resolve(dirs.figures),
      HT_DENO: Deno.execPath(),
      OBSERVABLE_TELEMETRY_DISABLE: "true",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  drain(child.stderr.pipeThrough(decoder).getReader(), log);
  const url = await serverUrl(child.stdout, log);
  const src = join(reportDir(root), "src");
  const watchers = [
    watchAndTouch([dirs.tables, dirs.figures], [join(src, PREVIEW_LOADERS.data)], options),
    watchAndTouch(
      [join(root, "src", "site"), join(root, "src", "figures")],
      [join(src, PREVIEW_LOADERS.bundle), join(src, PREVIEW_LOADERS.data)],
      options,
    ),
  ];
  log(`site:preview: ${url} (tables ${dirs.tables}); reloads when a table changes`);
  return {
    url,
    refreshes: () => watchers.reduce((n, w) => n + w.count(), 0),
    done: child.status,
    async close() {
      for (const w of watchers) w.close();
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

/** A free TCP port on the loopback interface. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Read the server's output until it names its URL; the rest is passed to `log`. */
async function serverUrl(stream: ReadableStream<Uint8Array>, log: (m: string) => void) {
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  const lines = stream.pipeThrough(decoder).getReader();
  let buffer = "";
  while (true) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`the Framework preview server exited before it listened:\n${buffer}`);
    buffer += value;
    const match = buffer.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
    if (match) {
      drain(lines, log);
      return match[1];
    }
  }
}

async function drain(reader: ReadableStreamDefaultReader<string>, log: (m: string) => void) {
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    for (const line of r.value.split("\n")) if (line.trim()) log(line);
  }
}

/** Watch folders; after a quiet period, bump the modification time of `targets`. */
function watchAndTouch(
  folders: string[],
  targets: string[],
  options: PreviewOptions,
): { count(): number; close(): void } {
  const existing = folders.filter((f) => {
    try {
      return Deno.statSync(f).isDirectory;
    } catch {
      return false;
    }
  });
  if (!existing.length) return { count: () => 0, close: () => {} };
  const watcher = Deno.watchFs(existing, { recursive: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let count = 0;
  const touch = () => {
    const now = new Date();
    for (const target of targets) Deno.utimeSync(target, now, now);
    count++;
    options.log?.(`site:preview: inputs changed, re-running ${targets.length} loader(s)`);
  };
  (async () => {
    for await (const event of watcher) {
      if (event.kind === "access" || event.paths.every((p) => /\.tmp-|\/\.[^/]*$/.test(p))) {
        continue;
      }
      clearTimeout(timer);
      timer = setTimeout(touch, options.debounceMs ?? 300);
    }
  })().catch(() => {});
  return {
    count: () => count,
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
