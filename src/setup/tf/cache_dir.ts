/**
 * Where `deno task setup:tf` caches wheels and extracted libraries (and `onednn.ts` its probe
 * verdicts). A module of its own, with no heavy imports, so the backend can read the path without
 * loading the installer.
 *
 * @module
 */
import { join, resolve } from "node:path";

/**
 * Cache folder of the wheel route (outside the repository, shared by checkouts):
 * `$HT_TF_CACHE`, else `$XDG_CACHE_HOME/human-things/tfjs-node`, else
 * `~/.cache/human-things/tfjs-node`.
 */
export function tfCacheDir(): string {
  const env = (k: string) => Deno.env.get(k) || undefined;
  const explicit = env("HT_TF_CACHE");
  if (explicit) return resolve(explicit);
  const base = env("XDG_CACHE_HOME") ?? join(env("HOME") ?? Deno.cwd(), ".cache");
  return join(base, "human-things", "tfjs-node");
}
