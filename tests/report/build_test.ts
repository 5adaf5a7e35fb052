/**
 * The parts of the site build that keep it fast, offline and honest: the browser library carries
 * its npm packages (Framework has nothing to bundle with rollup), a Framework log line that looks
 * an npm version up online is recognised (the build then fails, see CLIENT_NPM_VERSIONS), the
 * data archive is deterministic and carries every table the pages list, and the pages, the
 * config and the site's table list agree with the figure registry.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { CLIENT_NPM_VERSIONS, loaderSummary, onlineLookups } from "../../src/report/build.ts";
import { bundleSiteLibrary } from "../../src/report/bundle.ts";
import { SUMMARY_PREFIX, writeSiteArchive } from "../../src/report/site_archive.ts";
import { browserTables, SITE_TABLES_DIR } from "../../src/report/site_data.ts";
import { FAMILIES } from "../../src/figures/spec.ts";
import { tableFile } from "../../src/tables/names.ts";
import { listZip, readZipEntry } from "../../src/io/zip.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

Deno.test("site library: one self-contained module with the figures, Inputs, arquero, simple-statistics, d3", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-bundle-" });
  try {
    const file = join(dir, "bundle.js");
    await Deno.writeFile(file, await bundleSiteLibrary(REPO_ROOT));
    const code = await Deno.readTextFile(file);
    const imports = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)]
      .map((m) => m[1]).filter((m) => /^(?:@?[a-z][\w.-]*(?:\/|$)|\.{0,2}\/)/i.test(m));
    assert.deepEqual(imports, [], "the bundle imports nothing (no bare npm imports)");
    const bundle = await import(pathToFileURL(file).href);
    assert.equal(bundle.ALL_FIGURES.length, ALL_FIGURES.length);
    assert.equal(typeof bundle.tableFromIPC, "function");
    assert.equal(typeof bundle.drawFigure, "function");
    assert.equal(typeof bundle.arrowRows, "function");
    assert.equal(typeof bundle.Inputs.table, "function");
    assert.equal(typeof bundle.aq.fromArrow, "function");
    assert.equal(bundle.ss.median([3, 1, 2]), 2);
    assert.equal(typeof bundle.d3.rollup, "function");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("onlineLookups: names the packages Framework looked up on npm", () => {
  const log = [
    "load /client in 90ms",
    "bundle /_observablehq/client.js → npm:react-dom@latest → npm:@observablehq/plot@latest → " +
    "npm:react-dom@19.3.1",
    "npm:lodash@^4 → npm:lodash@4.18.1",
    "load /client apache-arrow → src/.observablehq/cache/_node/apache-arrow@21.2.0/index.js",
  ].join("\n");
  assert.deepEqual(onlineLookups(log), ["react-dom", "@observablehq/plot", "lodash"]);
  assert.deepEqual(onlineLookups("built 12 pages in src\n"), []);
});

Deno.test("CLIENT_NPM_VERSIONS pins exact versions", () => {
  for (const entry of CLIENT_NPM_VERSIONS) {
    assert.match(entry, /^(@[^/]+\/)?[^@/]+@\d+\.\d+\.\d+$/, entry);
  }
});

Deno.test("data archive: deterministic, every listed table (absent ones empty), the run's bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-archive-" });
  try {
    const tables = join(dir, "tables");
    await Deno.mkdir(tables);
    const fixture = repoPath("tests/fixtures/tables");
    // a run without GWOT: copy the fixture but its gwot tables
    for (const name of ["benchmark", "comparisons", "models", "concepts", "images"]) {
      await Deno.copyFile(join(fixture, tableFile(name)), join(tables, tableFile(name)));
    }
    const dirs = { tables, figures: join(dir, "figures") };
    const options = { figures: [] };
    const a = join(dir, "a.zip"), b = join(dir, "b.zip");
    const summary = await writeSiteArchive(dirs, a, options);
    await writeSiteArchive(dirs, b, options);
    assert.deepEqual(await Deno.readFile(a), await Deno.readFile(b), "same tables, same bytes");
    assert.deepEqual(summary.tables, ["benchmark", "comparisons", "concepts", "models"]);
    assert.equal(summary.gwot, false);
    const names = (await listZip(a)).map((e) => e.name);
    for (const name of browserTables()) {
      const member = `${SITE_TABLES_DIR}/${tableFile(name)}`;
      assert.ok(names.includes(member), `${member} is in the archive`);
      const bytes = await readZipEntry(a, member);
      if (summary.tables.includes(name)) {
        assert.deepEqual(bytes, await Deno.readFile(join(tables, tableFile(name))), member);
      } else assert.equal(bytes.length, 0, `${member} (absent from the run) is empty`);
    }
    for (const page of ["overview", "results", "models", "credits", "reproduce", "gwot"]) {
      assert.ok(names.includes(`${page}.json`), page);
    }
    for (const family of FAMILIES) {
      const data = JSON.parse(
        new TextDecoder().decode(await readZipEntry(a, `figures/${family}.json`)),
      );
      assert.equal(data.family, family);
      assert.deepEqual(data.available, summary.tables);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loaderSummary: reads the data loader's line from Framework's log, or says it is missing", () => {
  const summary = {
    figures: { live: 1, static: 2, missing: 0 },
    tables: ["benchmark"],
    gwot: false,
  };
  const log = `load /index\n${SUMMARY_PREFIX}${JSON.stringify(summary)}\nsuccess 1 kB`;
  assert.deepEqual(loaderSummary(log), summary);
  assert.throws(() => loaderSummary("load /index\n"), /reported no summary/);
});

Deno.test("pages: components/tables.js lists exactly the tables the pages can read", async () => {
  const source = await Deno.readTextFile(repoPath("report/src/components/tables.js"));
  const entries = [...source.matchAll(/"([^"]+)":\s*FileAttachment\(\s*"([^"]+)"/g)];
  assert.deepEqual(entries.map((m) => m[1]).sort(), browserTables());
  for (const [, name, path] of entries) {
    assert.equal(path, `../data/${SITE_TABLES_DIR}/${tableFile(name)}`, name);
  }
});

Deno.test("pages: one figure page per family, listed in the config", async () => {
  const config = await Deno.readTextFile(repoPath("report/observablehq.config.js"));
  const families = [...config.matchAll(/family: "([a-z]+)"/g)].map((m) => m[1]);
  assert.deepEqual(families, [...FAMILIES]);
  await Deno.stat(repoPath("report/src/figures/[family].md"));
});
