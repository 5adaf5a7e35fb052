/**
 * The rehearsal set of `deno task rehearsal`: the THINGS profile's real tabular files and
 * synthetic image archives named and laid out like the real OSF archives (ZipCrypto included),
 * plus a loopback server that serves them the way GitHub and OSF do, so `setup` can be rehearsed
 * end to end — download, resume, verification, extraction — without the network.
 *
 * @module
 */
export * from "./params.ts";
export * from "./concepts.ts";
export * from "./objects.ts";
export * from "./backgrounds.ts";
export * from "./render.ts";
export * from "./litter.ts";
export * from "./archives.ts";
export * from "./tabular.ts";
export * from "./manifest.ts";
export * from "./generate.ts";
export * from "./serve.ts";
export * from "./command.ts";
