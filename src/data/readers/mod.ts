/**
 * Readers for every THINGS text format (and the RDM48 `.mat` matrix). Each reader throws an `InputError` (from
 * `src/io/errors.ts`) naming the file, the 1-based physical line and, where it applies, the
 * column. Concept order is always `concepts/unique_id.txt`; names are never sorted.
 *
 * @module
 */
export * from "./text.ts";
export * from "./concepts.ts";
export * from "./join.ts";
export * from "./concept_metadata.ts";
export * from "./spose.ts";
export * from "./triplets.ts";
export * from "./categories.ts";
export * from "./object_properties.ts";
export * from "./size_ratings.ts";
export * from "./rdm_order.ts";
export * from "./icons_manifest.ts";
export * from "./rdm.ts";
