/**
 * Free disk space: checked before large downloads, extractions and caches, so a run stops
 * before it starts rather than half-way with a full disk; and a disk that fills up anyway is
 * reported as such, naming the file.
 *
 * @module
 */
import { UserError } from "./errors.ts";
import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Fault injection for the tests: `HUMAN_THINGS_FREE_BYTES=N` makes {@link freeBytes} report N
 * free bytes on every file system (a "full disk" without filling one).
 */
export const FREE_BYTES_ENV = "HUMAN_THINGS_FREE_BYTES";

/** Not enough free space for a step, or a write that failed because the disk is full. */
export class DiskSpaceError extends UserError {
  /** Folder or file concerned. */
  readonly path: string;
  /** Bytes needed (0 when unknown: the disk filled up during a write). */
  readonly needed: number;
  /** Bytes free when checked. */
  readonly free: number;

  /** Build from the path, what is needed, what is free and a message. */
  constructor(path: string, needed: number, free: number, message: string) {
    super(message);
    this.name = "DiskSpaceError";
    this.path = path;
    this.needed = needed;
    this.free = free;
  }
}

/** Bytes available to this user on the file system holding `path` (or its nearest parent). */
export function freeBytes(path: string): number {
  const override = Deno.env.get(FREE_BYTES_ENV);
  if (override !== undefined && override !== "") {
    const value = Number(override);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  let dir = resolve(path);
  for (;;) {
    try {
      const stats = statfsSync(dir);
      return Number(stats.bavail) * Number(stats.bsize);
    } catch (error) {
      const parent = dirname(dir);
      if (parent === dir) throw error;
      dir = parent;
    }
  }
}

/** Options of {@link requireFreeSpace}. */
export interface FreeSpaceOptions {
  /** What the space is for, e.g. `the download of images_THINGS.zip`. */
  what: string;
  /** What the user can do instead (a flag, a command). */
  hint?: string;
  /** Extra headroom kept free (default 1 % of `needed` plus 100 MB). */
  marginBytes?: number;
}

/**
 * Throw {@link DiskSpaceError} unless the file system of `path` has `needed` bytes free (plus a
 * margin); the message gives both numbers, the folder and what to do.
 */
export function requireFreeSpace(path: string, needed: number, options: FreeSpaceOptions): void {
  const free = freeBytes(path);
  const margin = options.marginBytes ?? Math.round(needed * 0.01) + 100e6;
  if (free >= needed + margin) return;
  throw new DiskSpaceError(
    path,
    needed,
    free,
    `not enough free disk space for ${options.what}: it needs ${formatBytes(needed)} ` +
      `(+ ${formatBytes(margin)} headroom) in ${path}, and only ${formatBytes(free)} is free. ` +
      (options.hint ?? "Free some space or choose another folder."),
  );
}

/** Whether an error is the operating system's "no space left on device" (ENOSPC). */
export function isNoSpaceError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "ENOSPC" || /no space left on device|os error 28\b/i.test(error.message);
}

/** Turn an ENOSPC error while writing `file` into a {@link DiskSpaceError} naming it. */
export function noSpaceError(file: string, error: unknown): DiskSpaceError {
  let free = 0;
  try {
    free = freeBytes(file);
  } catch { /* unknown */ }
  return new DiskSpaceError(
    file,
    0,
    free,
    `the disk filled up while writing ${file} (${(error as Error).message}); nothing ` +
      `half-written was kept. Free some space and run the same command again.`,
  );
}

/** `15.2 kB`, `2.27 MB`, `5.1 GB` (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}
