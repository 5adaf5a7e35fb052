import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (two levels above this file). */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Resolve a path relative to the repository root (absolute paths pass through). */
export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}

/** A path relative to the repository root when inside it (for messages and metadata). */
export function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, resolve(path));
  return rel.startsWith("..") ? resolve(path) : rel;
}

/** Standard output locations under an output root. */
export function outputPaths(out: string): { tables: string; cache: string; root: string } {
  const root = resolve(REPO_ROOT, out);
  return { root, tables: join(root, "tables"), cache: join(root, ".cache") };
}

/** The pipeline version from deno.json (recorded in every table). */
export async function pipelineVersion(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
  return String(config.version ?? "0.0.0");
}
