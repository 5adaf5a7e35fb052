/**
 * The parts of the site build that keep it fast and offline: the figure bundle carries its npm
 * packages (Framework has nothing to bundle with rollup), and a Framework log line that looks an
 * npm version up online is recognised (the build then fails, see CLIENT_NPM_VERSIONS).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ALL_FIGURES } from "../../src/figures/mod.ts";
import { bundleFigures, CLIENT_NPM_VERSIONS, onlineLookups } from "../../src/report/build.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

Deno.test("bundleFigures: one self-contained module with the figures and tableFromIPC", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-bundle-" });
  try {
    const file = join(dir, "figures.js");
    await bundleFigures(REPO_ROOT, file);
    const code = await Deno.readTextFile(file);
    const imports = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)]
      .map((m) => m[1]);
    assert.deepEqual(imports, [], "the bundle imports nothing (no bare npm imports)");
    const bundle = await import(pathToFileURL(file).href);
    assert.equal(bundle.ALL_FIGURES.length, ALL_FIGURES.length);
    assert.equal(typeof bundle.tableFromIPC, "function");
    assert.equal(typeof bundle.drawFigure, "function");
    assert.equal(typeof bundle.arrowRows, "function");
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
