/**
 * Builds the static site: Framework's CLI (`@observablehq/framework`, run with Node) builds
 * `report/` in place into a temporary folder that then replaces the site folder in one rename.
 * The pages' data come from Framework data loaders run by Deno (`report/src/data.zip.ts`, the
 * data archive of the tables named by `HT_TABLES`; `report/src/components/bundle.js.ts`, the
 * browser library), exactly as `deno task site:preview` serves them. Loader outputs cached by an
 * earlier build or preview are cleared first, so a build always reads the tables it is given;
 * Framework's npm cache (`report/src/.observablehq/cache/_npm`, `_node`) is kept. Nothing is
 * fetched: telemetry is off and every import resolves from node_modules.
 *
 * @module
 */
import { NeedsStageError } from "../io/errors.ts";
import { basename, dirname, join, resolve } from "node:path";
import { exists } from "../io/files.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { FAMILIES } from "../figures/spec.ts";
import { FIGURES_ENV, SUMMARY_PREFIX, TABLES_ENV } from "./site_archive.ts";
import type { SiteDataSummary } from "./site_data.ts";
import { requireReportTables } from "./tables.ts";

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** Repository root holding report/ and node_modules/ (default the checkout). */
  repoRoot?: string;
  /** Node.js executable (default `$NODE` or `node`). */
  node?: string;
  /** Log a line. */
  log?: (message: string) => void;
}

/** What {@link buildSite} did. */
export interface BuildSiteResult extends SiteDataSummary {
  /** Pages written (HTML files). */
  pages: string[];
  /** Seconds taken. */
  seconds: number;
}

/** Pages the site must have (paths under the site root, without `.html`). */
export const SITE_PAGES: readonly string[] = [
  "index",
  "results",
  "benchmark",
  "concepts",
  ...FAMILIES.map((family) => `figures/${family}`),
  "gwot",
  "models",
  "credits",
  "reproduce",
];

/** The Framework project folder of a checkout. */
export function reportDir(root: string = REPO_ROOT): string {
  return join(root, "report");
}

/** Framework's cache folder of the project (loader outputs and npm bundles). */
export function frameworkCacheDir(root: string = REPO_ROOT): string {
  return join(reportDir(root), "src", ".observablehq", "cache");
}

/** Entries of Framework's cache that hold npm bundles, kept between builds. */
const NPM_CACHE_ENTRIES = new Set(["_npm", "_node", "_observablehq", "_jsr"]);

/**
 * Build the site from `dirs.tables` and `dirs.figures` into `dirs.site` (replaced atomically:
 * a failed build leaves the previous site as it was).
 */
export async function buildSite(
  dirs: { tables: string; figures: string; site: string },
  options: BuildSiteOptions = {},
): Promise<BuildSiteResult> {
  const start = performance.now();
  const root = options.repoRoot ?? REPO_ROOT;
  const log = options.log ?? (() => {});
  const cli = join(root, "node_modules/@observablehq/framework/dist/bin/observable.js");
  if (!(await exists(cli))) {
    throw new NeedsStageError(`${cli} is missing (the site's npm packages)`, "deno install");
  }
  await requireReportTables(dirs.tables);
  const cache = frameworkCacheDir(root);
  await clearLoaderOutputs(cache);
  await pinClientVersions(cache);
  const siteParent = dirname(dirs.site);
  await Deno.mkdir(siteParent, { recursive: true });
  const output = await Deno.makeTempDir({ dir: siteParent, prefix: `.${basename(dirs.site)}-` });
  try {
    const text = await runFramework(options.node ?? Deno.env.get("NODE") ?? "node", cli, {
      cwd: reportDir(root),
      env: {
        HT_SITE_OUTPUT: output,
        [TABLES_ENV]: resolve(dirs.tables),
        [FIGURES_ENV]: resolve(dirs.figures),
      },
    });
    const summary = loaderSummary(text);
    const pages = [];
    for (const page of SITE_PAGES) {
      if (!(await exists(join(output, `${page}.html`)))) {
        throw new Error(`the site build wrote no ${page}.html`);
      }
      pages.push(`${page}.html`);
    }
    await replaceDir(output, dirs.site);
    const seconds = (performance.now() - start) / 1000;
    log(`site: ${pages.length} pages in ${seconds.toFixed(1)}s → ${dirs.site}`);
    return { ...summary, pages, seconds };
  } catch (error) {
    await Deno.remove(output, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** The data loader's summary line in Framework's log (see {@link SUMMARY_PREFIX}). */
export function loaderSummary(log: string): SiteDataSummary {
  const line = log.split("\n").find((l) => l.startsWith(SUMMARY_PREFIX));
  if (!line) throw new Error(`the site's data loader reported no summary (${SUMMARY_PREFIX}line)`);
  return JSON.parse(line.slice(SUMMARY_PREFIX.length));
}

/**
 * Remove the loader outputs an earlier build or preview cached (Framework reuses them while the
 * loader's source is older, whatever tables they came from); npm bundles stay.
 */
export async function clearLoaderOutputs(cache: string): Promise<void> {
  if (!(await exists(cache))) return;
  for await (const entry of Deno.readDir(cache)) {
    if (NPM_CACHE_ENTRIES.has(entry.name)) continue;
    await Deno.remove(join(cache, entry.name), { recursive: true });
  }
}

/**
 * Versions for the npm libraries Framework's client and standard library can import on demand
 * (implicit `Plot`, `React`, `Leaflet`, Parquet…; the site uses none of them). Framework looks a version up on
 * registry.npmjs.org unless its cache already names one, which made every cold build go online and
 * follow npm's latest releases; these entries (the packages in node_modules at their installed
 * versions, the others at the versions a cold build resolved when this was written) keep it
 * offline and the output the same.
 */
export const CLIENT_NPM_VERSIONS = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3@7.9.2",
  "d3-dsv@3.0.2",
  "echarts@6.1.0",
  "htl@1.0.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react@19.3.1",
  "react-dom@19.3.1",
  "topojson-client@3.1.0",
];

/** Names {@link CLIENT_NPM_VERSIONS} in Framework's npm cache where it names no version yet. */
export async function pinClientVersions(cache: string): Promise<void> {
  for (const entry of CLIENT_NPM_VERSIONS) {
    const at = entry.lastIndexOf("@");
    const name = entry.slice(0, at);
    const folder = join(cache, "_npm", dirname(entry));
    const known = (await exists(folder)) &&
      (await Array.fromAsync(Deno.readDir(folder))).some((e) =>
        e.name.startsWith(`${basename(name)}@`)
      );
    if (!known) await Deno.mkdir(join(cache, "_npm", entry), { recursive: true });
  }
}

async function runFramework(
  node: string,
  cli: string,
  options: { cwd: string; env: Record<string, string> },
): Promise<string> {
  let result;
  try {
    result = await new Deno.Command(node, {
      args: [cli, "build"],
      cwd: options.cwd,
      env: {
        ...options.env,
        HT_DENO: Deno.execPath(),
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        NO_COLOR: "1",
        CI: "true",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Node.js is needed to build the site and \`${node}\` was not found`);
    }
    throw error;
  }
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) {
    throw new Error(
      `Observable Framework build failed (exit ${result.code}):\n${
        text.split("\n").slice(-40).join("\n")
      }`,
    );
  }
  const online = onlineLookups(text);
  if (online.length) {
    throw new Error(
      `Observable Framework looked up npm versions online (${online.join(", ")}): add them to ` +
        "CLIENT_NPM_VERSIONS in src/report/build.ts so that the build stays offline",
    );
  }
  return text;
}

/**
 * Packages whose version Framework looked up on registry.npmjs.org during a build, from its log
 * (`npm:NAME@RANGE → npm:NAME@VERSION` lines; see {@link CLIENT_NPM_VERSIONS}).
 */
export function onlineLookups(log: string): string[] {
  return [...new Set([...log.matchAll(/npm:(\S+?)@\S+ \u2192 /g)].map((m) => m[1]))];
}

/** Put folder `from` at `to`, removing what was there (the swap itself is one rename). */
async function replaceDir(from: string, to: string): Promise<void> {
  const old = `${to}.old-${crypto.randomUUID().slice(0, 8)}`;
  let moved = false;
  try {
    await Deno.rename(to, old);
    moved = true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.rename(from, to);
  if (moved) await Deno.remove(old, { recursive: true });
}
