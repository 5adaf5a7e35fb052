/**
 * `rehearsal.json`: the parameters of a finished rehearsal set and the hash and size of every
 * file, written last (atomically), so its presence means the set is complete.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.ts";
import { sha256Hex, stableStringify } from "../../io/hash.ts";
import type { RehearsalParams } from "./params.ts";

/** Name of the manifest in the rehearsal folder. */
export const MANIFEST_FILE = "rehearsal.json";

/** Contents of `rehearsal.json`. */
export interface RehearsalManifest {
  /** What wrote it. */
  generator: "deno task rehearsal";
  /** The parameters (the password as its sha256, see {@link recordedParams}). */
  params: RecordedParams;
  /** Concepts drawn, in order. */
  concepts: string[];
  /** Path (relative to the folder) → sha256 and size of every file, SHA256SUMS included. */
  files: Record<string, { sha256: string; bytes: number }>;
}

/** Parameters as recorded: the password replaced by its sha256. */
export type RecordedParams = Omit<RehearsalParams, "password"> & { passwordSha256: string };

/** The parameters as `rehearsal.json` records them (no password in plain text). */
export function recordedParams(params: RehearsalParams): RecordedParams {
  const { password, ...rest } = params;
  return { ...rest, passwordSha256: sha256Hex(password) };
}

/** Read the manifest of `dir`, or undefined when it is missing or unreadable. */
export async function readManifest(dir: string): Promise<RehearsalManifest | undefined> {
  try {
    const value = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST_FILE)));
    if (value?.generator !== "deno task rehearsal" || typeof value.files !== "object") {
      return undefined;
    }
    return value as RehearsalManifest;
  } catch {
    return undefined;
  }
}

/** Write the manifest of `dir` atomically. */
export async function writeManifest(dir: string, manifest: RehearsalManifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + "\n");
}

/**
 * Why `dir` does not hold a finished set for `params` (no manifest, other parameters, or a file
 * missing or of another size), or undefined when it does.
 */
export async function staleReason(
  dir: string,
  params: RehearsalParams,
): Promise<string | undefined> {
  const manifest = await readManifest(dir);
  if (!manifest) return "no finished rehearsal set there";
  if (stableStringify(manifest.params) !== stableStringify(recordedParams(params))) {
    return "it was made with other parameters";
  }
  for (const [path, { bytes }] of Object.entries(manifest.files)) {
    try {
      const stat = await Deno.stat(join(dir, path));
      if (stat.size !== bytes) return `${path} has changed size`;
    } catch {
      return `${path} is missing`;
    }
  }
  return undefined;
}
