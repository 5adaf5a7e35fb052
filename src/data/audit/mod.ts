/**
 * The THINGS-icons audit: flag rules that find images likely to show the wrong sense of a
 * concept or to repeat another image, the reviewed decisions file (`audit.tsv`) the data stage
 * applies, and the review contact sheets.
 *
 * @module
 */
export * from "./flags.ts";
export * from "./decisions.ts";
export * from "./run.ts";
