/**
 * Statistics: seeded random numbers (bootstrap and permutation tests come with the benchmark).
 *
 * @module
 */
export * from "./random.ts";
