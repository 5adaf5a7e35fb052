// Framework data loader (run with Deno, see observablehq.config.js): the site's browser library,
// src/site/mod.ts (the figure functions of the `figures` task, table views, the concept explorer,
// with Plot, d3, arquero, simple-statistics, Apache Arrow and Observable Inputs from
// node_modules), bundled by esbuild into one module on stdout. Nothing is fetched from a CDN.
import { runBundleLoader } from "../../../src/report/bundle.ts";

await runBundleLoader();
