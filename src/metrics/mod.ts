/**
 * Core metrics: ranks and correlations, similarity matrices, RSA, triplet odd-one-out
 * accuracy and the noise ceiling of repeated triplets.
 */
export * from "./types.ts";
export * from "./rank.ts";
export * from "./correlation.ts";
export * from "./similarity.ts";
export * from "./product_simd.ts";
export * from "./rsa.ts";
export * from "./oddoneout.ts";
export * from "./ceiling.ts";
export * from "./triplet_dots.ts";
export * from "./eigen.ts";
export * from "./ridge.ts";
export * from "./auc.ts";
export * from "./float32_error.ts";
