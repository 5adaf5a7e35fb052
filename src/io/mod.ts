/**
 * Bytes ↔ data: Arrow tables with provenance, NumPy `.npy`/`.npz`, MATLAB v5 `.mat`, ZIP
 * archives, input errors that name file and place, atomic writes and hashing.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./atomic.ts";
export * from "./disk.ts";
export * from "./hash.ts";
export * from "./arrow.ts";
export * from "./npy.ts";
export * from "./npz.ts";
export * from "./zip.ts";
export * from "./crc32.ts";
export * from "./mat.ts";
export * from "./zipcrypto.ts";
export * from "./zip_write.ts";
