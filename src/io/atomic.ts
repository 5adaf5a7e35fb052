import { basename, dirname, join } from "node:path";
import { isNoSpaceError, noSpaceError } from "./disk.ts";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Create missing parent directories (default true). */
  mkdir?: boolean;
}

/**
 * Write bytes to `path` atomically: the data go to a temporary file in the same directory,
 * are flushed to disk, and the file is renamed over `path`. A killed process leaves either the
 * old file or the new one, never a partial file (at most a `*.tmp-*` file that readers ignore).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  if (options.mkdir ?? true) await Deno.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      const delayMs = writeDelayMs();
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written, written + CHUNK));
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      }
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw isNoSpaceError(error) ? noSpaceError(path, error) : error;
  }
}

const CHUNK = 1 << 20;

/**
 * Fault injection for the crash-safety tests: `HUMAN_THINGS_WRITE_DELAY_MS` pauses after every
 * 1 MiB written, so a test can kill the process mid-write. Zero (no pause) unless set.
 */
function writeDelayMs(): number {
  const value = Number(Deno.env.get("HUMAN_THINGS_WRITE_DELAY_MS") ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * A unique temporary path next to `path` (same directory, so rename is atomic), named after the
 * writing process and its host (`.name.tmp-<pid>-<random>@<host>`), so that cleaning up after
 * killed runs never removes a file another process is still writing.
 */
export function tempPathFor(path: string): string {
  const suffix = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}@${hostName()}`;
  return join(dirname(path), `.${basename(path)}.tmp-${suffix}`);
}

/** Temporary files of {@link tempPathFor} (and of older versions, without the host). */
const TEMP_NAME = /\.tmp-(\d+)-[0-9a-f]{8}(?:@([\w.-]+))?$/;

/**
 * A temp file of another host is left alone until it has not changed for this long (its writer
 * may still be working: jobs of one run on several cluster nodes share the output folder).
 */
export const FOREIGN_TEMP_MS = 10 * 60 * 1000;

/**
 * Remove stale `*.tmp-*` files left in `dir` by killed runs; returns how many were removed. A
 * temp file whose writer still runs on this host (`/proc/<pid>`) is kept, as is one from another
 * host that changed in the last {@link FOREIGN_TEMP_MS}: concurrent jobs write into the same
 * folders.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = entry.isFile ? TEMP_NAME.exec(entry.name) : null;
      if (!match || !(await isStaleTemp(join(dir, entry.name), match[1], match[2]))) continue;
      await Deno.remove(join(dir, entry.name)).catch(() => {});
      removed++;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

async function isStaleTemp(path: string, pid: string, host: string | undefined): Promise<boolean> {
  if (host !== undefined && host !== hostName()) {
    const stat = await Deno.stat(path).catch(() => null);
    return !!stat?.mtime && Date.now() - stat.mtime.getTime() > FOREIGN_TEMP_MS;
  }
  if (Number(pid) === Deno.pid) return false;
  // Linux: /proc/<pid>/stat exists while the process runs, state Z once it ended unreaped
  // (elsewhere: treated as ended)
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  return !stat || /^\d+ \(.*\) Z /s.test(stat);
}

let host: string | undefined;

/** This machine's host name (file-name safe). */
function hostName(): string {
  host ??= Deno.hostname().replace(/[^\w.-]+/g, "_");
  return host;
}
