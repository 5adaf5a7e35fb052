/**
 * The lock file that keeps two `deno task setup:tf` on one checkout from building at once: the
 * second waits for the first; a lock whose holder is gone (or that is no longer refreshed) is
 * taken over.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../../io/files.ts";
import { SetupTfError } from "./error.ts";
import type { TfjsNodePackage } from "./package.ts";

/** What a lock file of {@link acquireSetupTfLock} holds (JSON). */
export interface SetupTfLockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder (its pid means nothing elsewhere). */
  host: string;
  /** ISO time the lock was taken. */
  started: string;
  /** Random id of this acquisition (two acquirers in one process share the pid). */
  id: string;
}

/** Options of {@link acquireSetupTfLock}. */
export interface SetupTfLockOptions {
  /** Milliseconds between two looks at a held lock (default 2000). */
  pollMs?: number;
  /**
   * A lock whose file was not refreshed for this long is stale whoever holds it (default one
   * hour; the holder refreshes it every {@link heartbeatMs}). Catches a holder on another host,
   * or a pid reused by another process.
   */
  staleMs?: number;
  /** Milliseconds between two refreshes of the lock file's mtime by its holder (default 60 s). */
  heartbeatMs?: number;
  /** Give up (a {@link SetupTfError} at step `lock`) after waiting this long (default 3 h). */
  maxWaitMs?: number;
  /** Progress lines (default none): the wait (once per holder) and a takeover. */
  log?: (line: string) => void;
  /** Whether a pid of this host is alive (default: `/proc/<pid>` exists; tests replace it). */
  isAlive?: (pid: number) => Promise<boolean>;
}

/** A lock held by {@link acquireSetupTfLock}. */
export interface SetupTfLock {
  /** The lock file. */
  path: string;
  /** What it holds. */
  info: SetupTfLockInfo;
  /** Milliseconds spent waiting for another holder (0: the lock was free or stale). */
  waitedMs: number;
  /** The holder waited for (the first one, when several came and went). */
  waitedFor?: SetupTfLockInfo;
  /** Why a stale lock was taken over, if one was. */
  tookOver?: string;
  /** Delete the lock file if it is still this one; idempotent. */
  release(): Promise<void>;
}

/** The lock file of setup:tf for a package: `<package dir>/.setup-tf.lock`. */
export function setupTfLockPath(pkg: Pick<TfjsNodePackage, "dir">): string {
  return join(pkg.dir, ".setup-tf.lock");
}

/** This machine's host name (`unknown` without --allow-sys). */
function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Whether a pid of this host is alive: `/proc/<pid>` exists. Where there is no `/proc`, every
 * pid counts as alive (the lock then goes stale by age only).
 */
async function pidAlive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!await exists("/proc/self")) return true;
  return await exists(`/proc/${pid}`);
}

/** A lock file as read: its text, parsed content (when valid) and mtime. */
interface HeldLock {
  text: string;
  info?: SetupTfLockInfo;
  mtimeMs: number;
}

/** Read a lock file; undefined when there is none. */
async function readLock(path: string): Promise<HeldLock | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([
      Deno.readTextFile(path),
      Deno.stat(path).then((st) => st.mtime?.getTime() ?? Date.now()),
    ]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let info: SetupTfLockInfo | undefined;
  try {
    const v = JSON.parse(text);
    if (typeof v?.pid === "number" && typeof v?.host === "string") info = v as SetupTfLockInfo;
  } catch { /* being written, or garbage */ }
  return { text, info, mtimeMs };
}

/** A held lock's holder, for messages: `pid 123 on host h since 12:00:00`. */
function describeHolder(info: SetupTfLockInfo | undefined): string {
  if (!info) return "unknown holder";
  const since = /T(\d\d:\d\d:\d\d)/.exec(info.started ?? "")?.[1];
  return `pid ${info.pid} on ${info.host}${since ? ` since ${since} UTC` : ""}`;
}

/** Seconds a lock file that is not (yet) valid JSON is given before it counts as stale. */
const UNREADABLE_LOCK_GRACE_MS = 30_000;

/** Why a held lock is stale, or undefined when its holder may still be at work. */
async function staleReason(
  held: HeldLock,
  options: { staleMs: number; isAlive: (pid: number) => Promise<boolean> },
): Promise<string | undefined> {
  const age = Date.now() - held.mtimeMs;
  const ageText = age >= 120_000
    ? `${Math.round(age / 60_000)} min`
    : `${Math.round(age / 1000)} s`;
  if (!held.info) {
    return age > UNREADABLE_LOCK_GRACE_MS ? `unreadable, last written ${ageText} ago` : undefined;
  }
  if (held.info.host === hostName() && !await options.isAlive(held.info.pid)) {
    return `${describeHolder(held.info)}: that process no longer exists`;
  }
  if (age > options.staleMs) return `${describeHolder(held.info)}: not refreshed for ${ageText}`;
  return undefined;
}

/**
 * Take the exclusive lock file `path` (created with `createNew`, holding pid, host, start time
 * and a random id), waiting while another process (or another caller in this one) holds it:
 * logs `waiting for another setup:tf (pid N) to finish…` once per holder and polls every
 * {@link SetupTfLockOptions.pollMs}. A stale lock (its pid gone on this host, or not refreshed
 * for {@link SetupTfLockOptions.staleMs}) is taken over, with a message. While held, the file's
 * mtime is refreshed every {@link SetupTfLockOptions.heartbeatMs}. Always
 * {@link SetupTfLock.release} it (in a `finally`).
 */
export async function acquireSetupTfLock(
  path: string,
  options: SetupTfLockOptions = {},
): Promise<SetupTfLock> {
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? 2000;
  const staleMs = options.staleMs ?? 3_600_000;
  const heartbeatMs = options.heartbeatMs ?? 60_000;
  const maxWaitMs = options.maxWaitMs ?? 3 * 3_600_000;
  const isAlive = options.isAlive ?? pidAlive;
  const t0 = Date.now();
  const announced = new Set<string>();
  let waitedFor: SetupTfLockInfo | undefined;
  let tookOver: string | undefined;
  for (;;) {
    const info: SetupTfLockInfo = {
      pid: Deno.pid,
      host: hostName(),
      started: new Date().toISOString(),
      id: crypto.randomUUID(),
    };
    let file: Deno.FsFile | undefined;
    try {
      file = await Deno.open(path, { write: true, createNew: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    if (file) {
      try {
        await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
      } finally {
        file.close();
      }
      return heldLock(path, info, {
        heartbeatMs,
        waitedMs: waitedFor ? Date.now() - t0 : 0,
        waitedFor,
        tookOver,
      });
    }
    const held = await readLock(path);
    if (!held) continue; // released in between: try again at once
    const stale = await staleReason(held, { staleMs, isAlive });
    if (stale) {
      // Remove it only if it is still the same file (another waiter may have taken it over).
      const again = await readLock(path);
      if (again?.text === held.text && again.mtimeMs === held.mtimeMs) {
        await Deno.remove(path).catch((e) => {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        });
        log(`stale setup:tf lock ${path} (${stale}): taking it over`);
        tookOver = stale;
      }
      continue;
    }
    if (Date.now() - t0 > maxWaitMs) {
      throw new SetupTfError(
        "lock",
        `another setup:tf (${describeHolder(held.info)}) still holds ${path} after ` +
          `${Math.round((Date.now() - t0) / 60_000)} min`,
        `wait for it to finish; if no setup:tf is running, delete ${path}`,
      );
    }
    if (!held.info) {
      // Just created, not written yet (or garbage, which goes stale after a grace period).
      await new Promise((r) => setTimeout(r, Math.min(pollMs, 100)));
      continue;
    }
    waitedFor ??= held.info;
    if (!announced.has(held.info.id)) {
      announced.add(held.info.id);
      log(
        `waiting for another setup:tf (pid ${held.info.pid}) to finish… ` +
          `(${describeHolder(held.info)}; lock ${path})`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The {@link SetupTfLock} for a lock file just created, with its heartbeat running. */
function heldLock(
  path: string,
  info: SetupTfLockInfo,
  extra: {
    heartbeatMs: number;
    waitedMs: number;
    waitedFor?: SetupTfLockInfo;
    tookOver?: string;
  },
): SetupTfLock {
  let beat: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const now = new Date();
    beat = Deno.utime(path, now, now).catch(() => {});
  }, extra.heartbeatMs);
  Deno.unrefTimer(timer);
  let released = false;
  return {
    path,
    info,
    waitedMs: extra.waitedMs,
    ...(extra.waitedFor ? { waitedFor: extra.waitedFor } : {}),
    ...(extra.tookOver ? { tookOver: extra.tookOver } : {}),
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await beat;
      const held = await readLock(path).catch(() => undefined);
      // Not ours any more (taken over as stale): leave the new holder's file alone.
      if (held?.info?.id !== info.id) return;
      await Deno.remove(path).catch(() => {});
    },
  };
}
