/**
 * Alignment methods: entropic Gromov–Wasserstein between representational dissimilarity matrices
 * (the float64 POT-exact solver and the float32 TF.js solver), the GWOT sweep with matching rates
 * and chance levels, k-means, gLocal transforms, and AligNet (triplet sampling, temperature
 * calibration, the distilled student) with the stages that run them.
 *
 * @module
 */
export * from "./gwot.ts";
export * from "./gwot_tf.ts";
export * from "./gwot_sweep.ts";
export * from "./kmeans.ts";
export * from "./glocal.ts";
export * from "./glocal_apply.ts";
export * from "./alignet.ts";
export * from "./alignet_student.ts";
export * from "./inputs.ts";
