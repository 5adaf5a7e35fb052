/**
 * The site's browser library, bundled into one module by `src/report/bundle.ts`: the figure
 * functions the `figures` task renders with (so a live figure is the same drawing as its PNG),
 * the table views, CSV downloads and selection summaries, the concept explorer, and the npm
 * libraries the page components use (Observable Inputs, arquero, simple-statistics, d3, Plot,
 * Apache Arrow), all from node_modules. Browser-safe: no Deno or Node APIs.
 *
 * @module
 */
export { ALL_FIGURES } from "../figures/mod.ts";
export { drawFigure } from "../figures/draw.ts";
export { DEFAULT_WIDTH } from "../figures/style.ts";
export { arrowRows } from "../tables/rows.ts";
export { tableFromIPC } from "apache-arrow";
export * as Inputs from "@observablehq/inputs";
export * as aq from "arquero";
export * as ss from "simple-statistics";
export * as d3 from "d3";
export * as Plot from "@observablehq/plot";
export * from "./table_view.ts";
export * from "./csv.ts";
export * from "./summary.ts";
export * from "./headline.ts";
export * from "./explorer.ts";
export { modelStyle } from "../figures/palette.ts";
