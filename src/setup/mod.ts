/**
 * The `setup` stage: resumable verified downloads, the THINGS profile's file list, OSF metadata,
 * and the orchestration (download → verify → extract). The installer of the native TensorFlow
 * backend (`deno task setup:tf`) has its own public face, `tf/mod.ts`, not re-exported here.
 *
 * @module
 */
export * from "./download.ts";
export * from "./osf.ts";
export * from "./sources.ts";
export * from "./sums.ts";
export * from "./setup.ts";
export * from "./command.ts";
