import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../io/atomic.ts";
import { sha256File, sha256Hex } from "../io/hash.ts";
import { REPO_ROOT } from "./paths.ts";

interface MemoEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * sha256 of files, memoised by (path, size, mtime) in a JSON file under the cache folder, so that
 * a rerun over thousands of unchanged images does not re-read them.
 */
export class FileHasher {
  #memoPath: string;
  #memo: Record<string, MemoEntry> = {};
  #dirty = false;

  /** Create a hasher whose memo lives at `memoPath` (loaded lazily by {@link load}). */
  constructor(memoPath: string) {
    this.#memoPath = memoPath;
  }

  /** Load the memo (a missing or unreadable memo starts empty). */
  async load(): Promise<this> {
    try {
      this.#memo = JSON.parse(await Deno.readTextFile(this.#memoPath));
    } catch {
      this.#memo = {};
    }
    return this;
  }

  /** sha256 of one file (from the memo when size and mtime are unchanged). */
  async hash(path: string): Promise<string> {
    const stat = await Deno.stat(path);
    const mtimeMs = stat.mtime?.getTime() ?? 0;
    const hit = this.#memo[path];
    if (hit && hit.size === stat.size && hit.mtimeMs === mtimeMs) return hit.sha256;
    const sha256 = await sha256File(path);
    this.#memo[path] = { size: stat.size, mtimeMs, sha256 };
    this.#dirty = true;
    return sha256;
  }

  /** Hashes of many files, keyed by path relative to the repository root. */
  async hashAll(paths: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const path of paths) out[relative(REPO_ROOT, path)] = await this.hash(path);
    return out;
  }

  /** Write the memo back (atomically) when it changed. */
  async save(): Promise<void> {
    if (this.#dirty) await writeFileAtomic(this.#memoPath, JSON.stringify(this.#memo));
    this.#dirty = false;
  }
}

/** Files under `dir` (recursively) whose names end with one of `extensions`, sorted by path. */
export async function listFiles(dir: string, extensions: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for await (const entry of Deno.readDir(d)) {
      const path = join(d, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (extensions.some((e) => entry.name.endsWith(e))) out.push(path);
    }
  }
  await walk(dir);
  return out.sort();
}

/** Relative module references of a TypeScript source: imports, re-exports, workers. */
const REFERENCE_PATTERNS = [
  /(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']/g,
  /import\s*["'](\.{1,2}\/[^"']+)["']/g,
  /import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  /new URL\(\s*["'](\.{1,2}\/[^"']*)["']\s*,\s*import\.meta\.url\s*\)/g,
];

/** The local files a module depends on: itself and every file its relative references reach. */
export async function moduleFiles(entries: readonly (string | URL)[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = entries.map((
    e,
  ) => (e instanceof URL || e.startsWith("file:") ? fileURLToPath(e) : e));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(file);
    } catch {
      continue; // a reference to something that does not exist is not code we run
    }
    if (info.isDirectory) {
      for (const f of await listFiles(file, [""])) queue.push(f);
      continue;
    }
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(file);
    for (const pattern of REFERENCE_PATTERNS) {
      for (const match of text.matchAll(pattern)) queue.push(resolve(dirname(file), match[1]));
    }
  }
  return [...seen].sort();
}

/**
 * A hash over the pipeline's code, so a stage reruns when the code that produces its tables
 * changes: over the files reachable from `entries` (the stage's own module) when given, else over
 * all of src/ and tasks/.
 */
export async function codeHash(entries?: readonly (string | URL)[]): Promise<string> {
  const files = entries ? await moduleFiles(entries) : [
    ...(await listFiles(join(REPO_ROOT, "src"), [".ts"])),
    ...(await listFiles(join(REPO_ROOT, "tasks"), [".ts"])),
  ];
  const parts: string[] = [];
  for (const file of files) {
    parts.push(relative(REPO_ROOT, file), sha256Hex(await Deno.readFile(file)));
  }
  return sha256Hex(parts.join("\n"));
}
