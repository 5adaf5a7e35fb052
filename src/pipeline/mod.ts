/**
 * Pipeline plumbing: command lines, profiles, progress lines, repository paths and the stage
 * cache.
 *
 * @module
 */
export * from "./cli.ts";
export * from "./paths.ts";
export * from "./profile.ts";
export * from "./progress.ts";
export * from "./fingerprint.ts";
export * from "./stage.ts";
export * from "./stage_cli.ts";
export * from "./plan.ts";
