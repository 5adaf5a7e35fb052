/**
 * Helpers shared by the examples, client, gwot, workflow, combined, improved and exploratory
 * figures: concept facts and category blocks, human pair lookups, vectors and neighbours, image
 * tiles, raster heatmaps (palette PNG), panel rows, backing data, the models the qualitative
 * figures contrast, and the Plot building blocks (`plots.ts`: interval and forest panels, colour
 * scales, label placement) and pointer tips (`tips.ts`). Browser-safe.
 *
 * @module
 */
export * from "./backed.ts";
export * from "./concepts.ts";
export * from "./human.ts";
export * from "./images.ts";
export * from "./layout.ts";
export * from "./memo.ts";
export * from "./models.ts";
export * from "./plots.ts";
export * from "./raster.ts";
export * from "./tips.ts";
export * from "./vectors.ts";
