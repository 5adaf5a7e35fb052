/**
 * Alignment methods: entropic Gromov–Wasserstein between representational dissimilarity matrices
 * (the float64 POT-exact solver and the float32 TF.js solver), the GWOT sweep with matching rates
 * and chance levels, k-means for AligNet's triplet sampling, and gLocal transforms.
 *
 * @module
 */
export * from "./gwot.ts";
export * from "./gwot_tf.ts";
export * from "./gwot_sweep.ts";
export * from "./kmeans.ts";
export * from "./glocal.ts";
