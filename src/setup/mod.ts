/**
 * The `setup` stage: resumable verified downloads, the THINGS profile's file list, OSF metadata,
 * and the orchestration (download → verify → extract).
 *
 * @module
 */
export * from "./download.ts";
export * from "./osf.ts";
export * from "./sources.ts";
export * from "./sums.ts";
export * from "./setup.ts";
export * from "./command.ts";
