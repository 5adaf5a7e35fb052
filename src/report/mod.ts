/**
 * The results site's library: every number and qualitative statement of the write-up, the
 * headline table, the model cards, the credits and the Reproduce commands, derived from the
 * pipeline's tables; the site data files; the Framework build and the `site` stage.
 *
 * @module
 */
export * from "./tables.ts";
export * from "./format.ts";
export * from "./findings.ts";
export * from "./cite.ts";
export * from "./writeup.ts";
export * from "./headline.ts";
export * from "./models.ts";
export * from "./credits.ts";
export * from "./citation.ts";
export * from "./reproduce.ts";
export * from "./site_figures.ts";
export * from "./site_data.ts";
export * from "./build.ts";
export * from "./offline.ts";
export * from "./stage.ts";
