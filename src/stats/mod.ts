/**
 * Statistics: seeded random numbers, paired bootstrap (percentile and BCa), paired sign-flip
 * permutation tests, and Holm / Benjamini–Hochberg adjustment.
 *
 * @module
 */
export * from "./random.ts";
export * from "./bootstrap.ts";
export * from "./permutation.ts";
export * from "./multiple.ts";
export * from "./median.ts";
