/**
 * Alignment methods: GWOT (entropic Gromov–Wasserstein between representational dissimilarity
 * matrices) and its matching rates.
 *
 * @module
 */
export * from "./gwot.ts";
