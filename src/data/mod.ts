/**
 * The THINGS data layer: readers for every THINGS format, image records and headers, image
 * splits, concept-matrix files, and the `data` stage.
 *
 * @module
 */
export * from "./readers/mod.ts";
export * from "./image_size.ts";
export * from "./images.ts";
export * from "./splits.ts";
export * from "./embedding_file.ts";
export * from "./stage.ts";
export * from "./audit/mod.ts";
