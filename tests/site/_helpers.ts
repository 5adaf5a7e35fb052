/**
 * Shared pieces of the site tests: a site built from the committed fixture tables into a temp
 * folder, a static file server on a free loopback port, and headless Chromium settings.
 *
 * @module
 */
import { extname, join, normalize } from "node:path";
import { strict as assert } from "node:assert";
import { exists } from "../../src/io/files.ts";
import { FONTS_CONF } from "../../src/figures/fonts.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { renderFigures } from "../../src/figures/stage.ts";
import { buildSite, type BuildSiteResult } from "../../src/report/build.ts";
import { planFigures } from "../../src/report/site_figures.ts";

/** The committed fixture tables (a small real pipeline run). */
export const FIXTURE_TABLES = repoPath("tests/fixtures/tables");

/** Debian's Chromium (CI installs it). */
export const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

/**
 * Flags for headless Chromium on these machines (DESIGN.md §6, .library/env): no sandbox as
 * root, no GPU, and no background networking (the closed network refuses those connections),
 * plus settings that make screenshots repeatable.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--font-render-hinting=none",
  "--force-color-profile=srgb",
  "--hide-scrollbars",
  "--disable-lcd-text",
];

/** Pinned viewport and device scale factor of the screenshots. */
export const VIEWPORT = { width: 1200, height: 900 } as const;

/** Whether Chromium is installed (the browser test skips with a message otherwise). */
export async function haveChromium(): Promise<boolean> {
  return await exists(CHROMIUM);
}

/** A site built from tables into a temp output root. */
export interface BuiltSite extends BuildSiteResult {
  /** Output root (remove when done). */
  out: string;
  /** Site folder. */
  site: string;
}

/**
 * Build the site from `tables` (default the fixture) into a fresh temp folder. The figures the
 * site cannot draw in the browser (image figures, large tables) are first rendered on the server
 * by the `figures` stage's renderer, as `deno task all` does, so their SVGs reach the pages.
 */
export async function buildTempSite(tables = FIXTURE_TABLES): Promise<BuiltSite> {
  const out = await Deno.makeTempDir({ prefix: "ht-site-" });
  const site = join(out, "site");
  const figures = join(out, "figures");
  const plan = await planFigures(tables, figures);
  const serverOnly = [...plan.families.values()].flat()
    .filter((f) => f.mode !== "live" && !f.message?.startsWith("Not available"))
    .map((f) => ALL_FIGURES.find((s) => s.family === f.family && s.name === f.name)!);
  await renderFigures(serverOnly, { tablesDir: tables, outDir: figures, progress: false });
  const result = await buildSite({ tables, figures, site });
  return { ...result, out, site };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".arrow": "application/vnd.apache.arrow.file",
  ".txt": "text/plain; charset=utf-8",
};

/** A static file server for `dir` on 127.0.0.1 and a free port. */
export function serveDir(dir: string): { url: string; close: () => Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      const rel = normalize(path.endsWith("/") ? `${path}index.html` : path).replace(/^\/+/, "");
      if (rel.startsWith("..")) return new Response("forbidden", { status: 403 });
      try {
        const body = await Deno.readFile(join(dir, rel));
        const type = TYPES[extname(rel)] ?? "application/octet-stream";
        return new Response(body, { headers: { "content-type": type } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.shutdown() };
}

/** A page of playwright-core. */
export type Page = import("playwright-core").Page;

/**
 * Open Chromium on a local server for the folder `site` (or on a running server: a URL), with
 * requests leaving that origin blocked; records console errors, page errors, failed requests
 * and HTTP errors, and fails when there were any.
 */
export async function browse(
  site: string,
  visit: (page: Page, url: string, problems: string[]) => Promise<void>,
): Promise<void> {
  const { chromium } = await import("playwright-core");
  const server = /^https?:/.test(site)
    ? { url: site, close: () => Promise.resolve() }
    : serveDir(site);
  const userDataDir = await Deno.makeTempDir({ prefix: "ht-chromium-" });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // the figure renderer's pinned DejaVu TTFs (npm), not the machine's fonts
    env: { ...Deno.env.toObject(), FONTCONFIG_FILE: FONTS_CONF },
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    acceptDownloads: true,
    colorScheme: "light",
    locale: "en-US",
    timezoneId: "UTC",
    reducedMotion: "reduce",
  });
  const problems: string[] = [];
  try {
    const origin = new URL(server.url).origin;
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
      problems.push(`external request blocked: ${url}`);
      return route.abort();
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => {
      problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) {
        problems.push(`HTTP ${response.status()}: ${response.url()}`);
      }
    });
    await visit(page, server.url, problems);
  } finally {
    await context.close();
    await server.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
  assert.deepEqual(problems, [], problems.join("\n"));
}
