/**
 * The results site built from the committed fixture tables (one build for all steps): every page
 * exists, nothing in it points at an external host except citation links, and headless Chromium
 * (playwright-core, Debian's chromium) opens every page from a local server with no console error
 * and no failed request; the interactive states work (the benchmark table filters, sorts and
 * downloads the table's rows as CSV, the concept explorer shows a chosen concept's neighbours, a
 * live figure shows a tooltip on hover), and pages and states match committed screenshots
 * (pixelmatch).
 *
 * Baselines: tests/site/baseline/*.png; rewrite them deliberately with
 * `HT_ACCEPT_SITE=1 deno test -A tests/site/`.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { compareImages, PIXEL_THRESHOLD } from "../../src/figures/compare.ts";
import { decodePng, encodePng } from "../../src/figures/render.ts";
import { SITE_PAGES } from "../../src/report/build.ts";
import { readTable } from "../../src/io/arrow.ts";
import { arrowRows } from "../../src/tables/rows.ts";
import { TABLE, tableFile } from "../../src/tables/names.ts";
import * as d3 from "d3";
import { externalReferences } from "../../src/report/offline.ts";
import {
  browse,
  buildTempSite,
  CHROMIUM,
  FIXTURE_TABLES,
  haveChromium,
  type Page,
} from "./_helpers.ts";

const BASELINES = new URL("./baseline/", import.meta.url);
/** Screenshot pages (file stem → baseline name). */
const SCREENSHOTS: Record<string, string> = { index: "overview", results: "results" };
/** pixelmatch's per-pixel threshold is the figure tests' (src/figures/compare.ts). */
/**
 * Differing pixels allowed per screenshot: 0. The fonts (the figure renderer's DejaVu TTFs from
 * npm, through FONTCONFIG_FILE), viewport, device scale factor, colour profile and hinting are
 * pinned, and the same Chromium gives identical pixels.
 */
const MAX_DIFF_PIXELS = 0;

Deno.test("site: built from the fixture tables, offline, every page opens in Chromium", async (t) => {
  const built = await buildTempSite();
  try {
    await t.step("every page is written", async () => {
      assert.deepEqual(built.pages.length, SITE_PAGES.length);
      for (const page of SITE_PAGES) {
        const html = await Deno.readTextFile(join(built.site, `${page}.html`));
        assert(html.includes("Human Things"), `${page}.html has the site title`);
        assert(html.includes("deno task site"), `${page}.html has the static footer`);
      }
      assert(built.figures.live > 0, "some figures are drawn in the browser");
      assert(built.figures.static > 0, "some figures are the server-rendered SVGs");
    });

    await t.step("no external host other than citation links", async () => {
      const found = await externalReferences(built.site);
      assert.deepEqual(found, [], found.map((f) => `${f.file}: ${f.url}`).join("\n"));
    });

    await t.step("search index and light theme are built in", async () => {
      const index = await Deno.readTextFile(join(built.site, "index.html"));
      assert(index.includes("observablehq-search"), "search is on");
      const css = [...Deno.readDirSync(join(built.site, "_import"))].map((e) => e.name);
      assert(css.some((name) => name.startsWith("site.")), "the site stylesheet is bundled");
    });

    if (!(await haveChromium())) {
      console.warn(
        `SKIPPED browser checks: ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`,
      );
      return;
    }
    await t.step("Chromium: every page without console errors or failed requests", async () => {
      await browse(
        built.site,
        (page, url, problems) => visitPages(page, url, problems, { screenshots: true }),
      );
    });

    await t.step(
      "Chromium: the benchmark table filters, sorts and downloads its rows",
      async () => {
        await browse(built.site, (page, url, problems) => benchmarkStates(page, url, problems));
      },
    );

    await t.step("Chromium: a tooltip appears on hover over a point of a live figure", async () => {
      await browse(built.site, (page, url, problems) => tooltipState(page, url, problems));
    });

    await t.step("Chromium: choosing a concept shows its neighbours", async () => {
      await browse(built.site, (page, url, problems) => conceptState(page, url, problems));
    });
  } finally {
    await Deno.remove(built.out, { recursive: true });
  }
});

/**
 * A site someone built (`HT_SITE_DIR=outputs/site deno test -A tests/site/`, e.g. after
 * `deno task all`): the same offline scan and Chromium checks, without the screenshots (those
 * belong to the fixture build).
 */
Deno.test({
  name: "site at HT_SITE_DIR: offline, every page opens in Chromium",
  ignore: !Deno.env.get("HT_SITE_DIR"),
  async fn() {
    const site = Deno.env.get("HT_SITE_DIR")!;
    for (const page of SITE_PAGES) await Deno.stat(join(site, `${page}.html`));
    const found = await externalReferences(site);
    assert.deepEqual(found, [], found.map((f) => `${f.file}: ${f.url}`).join("\n"));
    assert(await haveChromium(), `${CHROMIUM} not found`);
    await browse(
      site,
      (page, url, problems) => visitPages(page, url, problems, { screenshots: false }),
    );
  },
});

/**
 * The benchmark page: typing a model name leaves only its rows, a click on the value header sorts
 * them, and the CSV download is the Arrow table's rows, cell for cell.
 */
async function benchmarkStates(page: Page, url: string, problems: string[]): Promise<void> {
  await page.goto(`${url}benchmark.html`, { waitUntil: "networkidle" });
  const view = page.locator('.ht-table-view[data-table="benchmark"]');
  await view.locator("table tbody tr").first().waitFor();
  const rows = arrowRows(
    await readTable(join(FIXTURE_TABLES, tableFile(TABLE.benchmark))),
  ) as Record<string, unknown>[];
  const model = String(rows.find((r) => r.model !== rows[0].model)?.model ?? rows[0].model);
  await view.locator('input[name="query"]').fill(model);
  const expected =
    rows.filter((r) =>
      Object.values(r).some((v) => typeof v === "string" && v.toLowerCase().includes(model))
    ).length;
  await page.waitForFunction(
    (n) =>
      document.querySelector('.ht-table-view[data-table="benchmark"] [data-summary]')
        ?.textContent?.includes(`${n} rows shown`),
    expected,
    { timeout: 10_000 },
  ).catch(() => problems.push(`benchmark: the summary never said ${expected} rows shown`));
  const modelCells = await cellTexts(view, "model");
  if (!modelCells.length || modelCells.some((m) => !m.includes(model))) {
    problems.push(`benchmark: after typing "${model}" the rows show ${modelCells.join(", ")}`);
  }
  await view.locator('thead th[title="value"]').click();
  const values = (await cellTexts(view, "value")).map(Number);
  const sorted = [...values].sort((a, b) => a - b);
  if (values.length < 2 || values.join() !== sorted.join()) {
    problems.push(`benchmark: the value column did not sort ascending: ${values.join(", ")}`);
  }
  await screenshotState(page, "benchmark-filtered", problems);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    view.locator('a[data-download="csv"]').click(),
  ]);
  const csv = await Deno.readTextFile(await download.path());
  problems.push(...csvMismatches(csv, rows));
}

/** The trade-off figure on the benchmark page: hovering its first point shows Plot's tip. */
async function tooltipState(page: Page, url: string, problems: string[]): Promise<void> {
  await page.goto(`${url}benchmark.html`, { waitUntil: "networkidle" });
  const figure = page.locator(".ht-tradeoff svg").first();
  await figure.waitFor();
  const tip = page.locator('.ht-tradeoff g[aria-label="tip"] text');
  if (await tip.count()) problems.push("tooltip: a tip is shown before any hover");
  await figure.locator('[aria-label="dot"] circle').first().hover();
  await tip.first().waitFor({ timeout: 10_000 }).catch(() => {});
  const text = (await tip.allTextContents()).join(" ");
  if (!/human-pair ρ/.test(text) || !/\[[-−\d.]+, [-−\d.]+\]/.test(text)) {
    problems.push(`tooltip: expected the model, value and interval, got "${text}"`);
  }
  await screenshotState(page, "tooltip", problems, { keepPointer: true });
}

/**
 * The concept explorer: typing a concept's name shows that concept, its neighbours under a model
 * and by human similarity (each a concept other than itself).
 */
async function conceptState(page: Page, url: string, problems: string[]): Promise<void> {
  await page.goto(`${url}concepts.html`, { waitUntil: "networkidle" });
  const root = page.locator(".ht-explorer");
  await root.waitFor({ timeout: 30_000 });
  const options = await root.locator("datalist option").evaluateAll((os) =>
    os.map((o) => (o as HTMLOptionElement).value)
  );
  if (options.length < 3) {
    problems.push(`concepts: only ${options.length} concepts offered`);
    return;
  }
  const choice = options[Math.floor(options.length / 2)];
  const current = root.locator(".ht-explorer-concept").first();
  const before = await current.getAttribute("data-concept");
  await root.locator('input[name="concept"]').fill(choice);
  await root.locator('input[name="concept"]').dispatchEvent("change");
  // (not Escape: in a search input it clears the value) close the datalist popup by leaving
  await root.locator('input[name="concept"]').evaluate((input) => (input as HTMLElement).blur());
  await page.waitForFunction(
    (old) =>
      document.querySelector(".ht-explorer .ht-explorer-concept")?.getAttribute("data-concept") !==
        old,
    before,
    { timeout: 10_000 },
  ).catch(() => problems.push(`concepts: choosing "${choice}" did not change the concept`));
  const shown = await current.getAttribute("data-concept");
  for (const list of ["baseline", "human"]) {
    const rows = root.locator(`[data-neighbours="${list}"] tr[data-concept]`);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-concept")));
    if (!ids.length) problems.push(`concepts: no ${list} neighbours for ${choice}`);
    if (ids.includes(shown)) problems.push(`concepts: ${shown} is its own ${list} neighbour`);
  }
  await screenshotState(page, "concept", problems);
}

/** Texts of one column's cells in the table of a view (Inputs.table: header `title` = column). */
async function cellTexts(view: import("playwright-core").Locator, column: string) {
  const headers = await view.locator("thead th").evaluateAll((ths) =>
    ths.map((th) => th.getAttribute("title"))
  );
  const index = headers.indexOf(column);
  if (index < 0) return [];
  return await view.locator(`tbody tr td:nth-child(${index + 1})`).allInnerTexts();
}

/** Differences between a downloaded CSV and the table's rows (numbers compared exactly). */
function csvMismatches(csv: string, rows: Record<string, unknown>[]): string[] {
  const parsed = d3.csvParse(csv);
  const out: string[] = [];
  if (parsed.length !== rows.length) out.push(`CSV: ${parsed.length} rows, table ${rows.length}`);
  const columns = Object.keys(rows[0] ?? {});
  if (parsed.columns.join() !== columns.join()) {
    out.push(`CSV columns ${parsed.columns.join()} ≠ table's ${columns.join()}`);
  }
  rows.forEach((row, i) => {
    for (const column of columns) {
      const cell = parsed[i]?.[column];
      const value = row[column];
      const same = value === null || value === undefined
        ? cell === ""
        : typeof value === "number"
        ? Object.is(Number(cell), value)
        : cell === String(value);
      if (!same && out.length < 10) out.push(`CSV row ${i} ${column}: ${cell} ≠ ${value}`);
    }
  });
  return out;
}

/** Compare the viewport with the named baseline (the pointer moved away unless `keepPointer`). */
async function screenshotState(
  page: Page,
  name: string,
  problems: string[],
  options: { keepPointer?: boolean } = {},
) {
  await page.evaluate(() => document.fonts.ready);
  if (!options.keepPointer) await page.mouse.move(0, 0);
  const png = await page.screenshot({ fullPage: false });
  await compareScreenshot(name, new Uint8Array(png), problems);
}

/**
 * Open every page: waits until no figure is drawing, then records figures that failed to draw,
 * raw values shown instead of elements and almost empty pages; with `screenshots`, compares the
 * screenshot pages with their baselines.
 */
async function visitPages(
  page: Page,
  url: string,
  problems: string[],
  options: { screenshots: boolean },
): Promise<void> {
  for (const name of SITE_PAGES) {
    const before = problems.length;
    await page.goto(`${url}${name}.html`, { waitUntil: "networkidle" });
    await page.waitForFunction(
      () => !document.querySelector('[data-state="drawing"]'),
      undefined,
      { timeout: 60_000 },
    );
    const errors = await page.locator('[data-state="error"]').count();
    if (errors) problems.push(`${name}: ${errors} figure(s) failed to draw`);
    // a raw value shown by Framework's inspector means a page displayed data, not elements
    const raw = await page.locator("#observablehq-main .observablehq--inspect").count();
    if (raw) problems.push(`${name}: ${raw} raw value(s) shown instead of elements`);
    const main = await page.locator("#observablehq-main").innerText();
    if (main.trim().length < 50) problems.push(`${name}: almost empty page`);
    if (problems.length > before || !options.screenshots) continue;
    if (SCREENSHOTS[name]) {
      await page.evaluate(() => document.fonts.ready);
      const png = await page.screenshot({ fullPage: false });
      await compareScreenshot(SCREENSHOTS[name], new Uint8Array(png), problems);
    }
  }
}

async function compareScreenshot(name: string, png: Uint8Array, problems: string[]) {
  const baselinePath = new URL(`${name}.png`, BASELINES);
  if (Deno.env.get("HT_ACCEPT_SITE") === "1") {
    await Deno.mkdir(BASELINES, { recursive: true });
    await Deno.writeFile(baselinePath, png);
    console.warn(`wrote baseline ${baselinePath.pathname}`);
    return;
  }
  let baseline;
  try {
    baseline = await decodePng(await Deno.readFile(baselinePath));
  } catch {
    problems.push(
      `no baseline ${baselinePath.pathname}: run HT_ACCEPT_SITE=1 deno test -A tests/site/`,
    );
    return;
  }
  const result = compareImages(baseline, await decodePng(png), {
    threshold: PIXEL_THRESHOLD,
    diff: true,
  });
  if (result.changed > MAX_DIFF_PIXELS) {
    const out = await Deno.makeTempFile({ prefix: `ht-site-${name}-diff-`, suffix: ".png" });
    await Deno.writeFile(out, await encodePng(result.diff!));
    problems.push(
      `${name}: ${result.changed} of ${result.total} pixels differ from the baseline at ` +
        `threshold ${PIXEL_THRESHOLD}${result.sizeChanged ? " (size changed)" : ""}; diff: ${out}`,
    );
  }
}
