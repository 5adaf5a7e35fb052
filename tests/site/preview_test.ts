/**
 * `deno task site:preview` (src/report/preview.ts): Framework's preview server on report/, reading
 * a run's tables through the data loader, opened in headless Chromium; when a table changes, the
 * open page shows the new numbers without being reloaded by hand.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { startPreview } from "../../src/report/preview.ts";
import { TABLE, tableFile } from "../../src/tables/names.ts";
import { browse, CHROMIUM, FIXTURE_TABLES, haveChromium } from "./_helpers.ts";

Deno.test("site:preview serves the tables and the open page follows a table change", async () => {
  if (!(await haveChromium())) {
    console.warn(`SKIPPED: ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);
    return;
  }
  const out = await Deno.makeTempDir({ prefix: "ht-preview-" });
  const tables = join(out, "tables");
  await Deno.mkdir(tables);
  for await (const entry of Deno.readDir(FIXTURE_TABLES)) {
    if (entry.isFile) {
      await Deno.copyFile(join(FIXTURE_TABLES, entry.name), join(tables, entry.name));
    }
  }
  const preview = await startPreview({ tables, figures: join(out, "figures") }, {
    debounceMs: 100,
  });
  try {
    await browse(preview.url, async (page, url) => {
      await page.goto(url, { waitUntil: "load" });
      const main = page.locator("#observablehq-main");
      await main.getByText(/GWOT summary for \d+ models/).waitFor({ timeout: 120_000 });
      // the run loses its GWOT summary: the loader re-runs and the open page follows
      await Deno.remove(join(tables, tableFile(TABLE.gwotSummary)));
      await main.getByText("GWOT has not been run for these tables").waitFor({
        timeout: 120_000,
      });
      assert.ok(preview.refreshes() >= 1, "the table change bumped the data loader");
      assert.equal(await main.getByText(/GWOT summary for \d+ models/).count(), 0);
    });
  } finally {
    await preview.close();
    await Deno.remove(out, { recursive: true });
  }
});
