/**
 * Builds the static site: a staging copy of `report/` (inside the repository, so Framework
 * resolves bare imports from its node_modules) gets the data files (site_data.ts) and the figure
 * library bundled for the browser (esbuild, bare imports left to Framework); Framework's CLI
 * (`@observablehq/framework`, run with Node) builds it into a temporary folder that then replaces
 * the site folder in one rename. Framework's npm-bundle cache is kept in `report/.cache/` between
 * builds. Nothing is fetched: telemetry is off and every import resolves from node_modules.
 *
 * @module
 */
import { NeedsStageError } from "../io/errors.ts";
import { basename, dirname, join } from "node:path";
import * as esbuild from "esbuild";
import { exists } from "../io/files.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { type SiteDataSummary, writeSiteData } from "./site_data.ts";

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** Repository root holding report/ and node_modules/ (default the checkout). */
  repoRoot?: string;
  /** Node.js executable (default `$NODE` or `node`). */
  node?: string;
  /** Largest total Arrow bytes of a figure drawn in the browser. */
  liveBudgetBytes?: number;
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

/** Pages the site must have (file stems under the site root). */
export const SITE_PAGES = [
  "index",
  "results",
  "paper",
  "combined",
  "improved",
  "examples",
  "exploratory",
  "gwot",
  "client",
  "models",
  "credits",
  "reproduce",
] as const;

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
  const builds = join(root, "report", ".build");
  await Deno.mkdir(builds, { recursive: true });
  const stage = await Deno.makeTempDir({ dir: builds, prefix: "site-" });
  const siteParent = dirname(dirs.site);
  await Deno.mkdir(siteParent, { recursive: true });
  const output = await Deno.makeTempDir({ dir: siteParent, prefix: `.${basename(dirs.site)}-` });
  try {
    await copyDir(join(root, "report", "src"), join(stage, "src"), (name) => !isGenerated(name));
    await Deno.copyFile(
      join(root, "report", "observablehq.config.js"),
      join(stage, "observablehq.config.js"),
    );
    const summary = await writeSiteData(
      { tables: dirs.tables, figures: dirs.figures },
      join(stage, "src"),
      { repoRoot: root, liveBudgetBytes: options.liveBudgetBytes, log },
    );
    const dataSeconds = (performance.now() - start) / 1000;
    await bundleFigures(root, join(stage, "src", "_lib", "figures.js"));
    const bundleSeconds = (performance.now() - start) / 1000 - dataSeconds;
    const cache = join(root, "report", ".cache", "framework");
    const stageCache = join(stage, "src", ".observablehq", "cache");
    if (await exists(cache)) await copyDir(cache, stageCache);
    await pinClientVersions(stageCache);
    const frameworkStart = performance.now();
    await runFramework(options.node ?? Deno.env.get("NODE") ?? "node", cli, stage, output);
    log(
      `site: data ${dataSeconds.toFixed(1)}s, figure bundle ${bundleSeconds.toFixed(1)}s, ` +
        `Framework build ${((performance.now() - frameworkStart) / 1000).toFixed(1)}s`,
    );
    await saveCache(stageCache, cache);
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
  } finally {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
  }
}

function isGenerated(name: string): boolean {
  return [".observablehq", "_generated", "data"].includes(name) || name === "figures.js";
}

/**
 * Bundle the figure library (src/figures) for the browser into one minified module, with the npm
 * packages it uses (Plot, d3, apache-arrow, from node_modules) and `tableFromIPC` for the pages:
 * Framework then has no npm imports to bundle itself (with rollup, package by package: about 10
 * of a cold build's seconds).
 */
export async function bundleFigures(root: string, outfile: string): Promise<void> {
  const figures = join(root, "src", "figures");
  const contents = [
    `export { ALL_FIGURES } from "./mod.ts";`,
    `export { drawFigure } from "./draw.ts";`,
    `export { arrowRows } from "../tables/rows.ts";`,
    `export { DEFAULT_WIDTH } from "./style.ts";`,
    `export { tableFromIPC } from "apache-arrow";`,
  ].join("\n");
  try {
    await esbuild.build({
      stdin: { contents, resolveDir: figures, loader: "ts", sourcefile: "site-entry.ts" },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      keepNames: true,
      outfile,
      logLevel: "silent",
      legalComments: "none",
      banner: { js: "// Generated by `deno task site` from src/figures/ (esbuild); do not edit." },
    });
  } finally {
    await esbuild.stop();
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
async function pinClientVersions(cache: string): Promise<void> {
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

async function runFramework(node: string, cli: string, cwd: string, output: string) {
  let result;
  try {
    result = await new Deno.Command(node, {
      args: [cli, "build"],
      cwd,
      env: {
        HT_SITE_OUTPUT: output,
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
}

/**
 * Packages whose version Framework looked up on registry.npmjs.org during a build, from its log
 * (`npm:NAME@RANGE → npm:NAME@VERSION` lines; see {@link CLIENT_NPM_VERSIONS}).
 */
export function onlineLookups(log: string): string[] {
  return [...new Set([...log.matchAll(/npm:(\S+?)@\S+ \u2192 /g)].map((m) => m[1]))];
}

/** Keep Framework's bundles of npm packages for the next build (replaced in one rename). */
async function saveCache(from: string, to: string): Promise<void> {
  if (!(await exists(from))) return;
  await Deno.mkdir(dirname(to), { recursive: true });
  const temp = await Deno.makeTempDir({ dir: dirname(to), prefix: ".framework-" });
  for (const part of ["_node", "_npm", "_observablehq"]) {
    if (await exists(join(from, part))) await copyDir(join(from, part), join(temp, part));
  }
  await replaceDir(temp, to);
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

/** Copy a folder tree (files only; `keep` filters entry names). */
async function copyDir(from: string, to: string, keep: (name: string) => boolean = () => true) {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (!keep(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyDir(source, target, keep);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}
