/**
 * Everything of `deno task setup:tf` that writes to the package (`deps/`, `build/`, the addon)
 * runs under its lock ({@link acquireSetupTfLock}): after waiting for another setup:tf, its
 * addon is checked again before anything is built.
 *
 * @module
 */
import { checkOthersAddon } from "./check.ts";
import type { SetupTfTarget } from "./context.ts";
import { buildLocked } from "./install.ts";
import { acquireSetupTfLock, type SetupTfLock, setupTfLockPath } from "./lock.ts";
import type { SetupTfReport } from "./setup.ts";

/** Take the lock, then check the other setup:tf's addon or build (steps 3 to 5); release. */
export async function installUnderLock(target: SetupTfTarget): Promise<SetupTfReport> {
  const lockPath = setupTfLockPath(target.pkg);
  target.steps.restart();
  const lock = await acquireSetupTfLock(lockPath, {
    ...target.options.lock,
    log: (line) => target.log(`[lock] ${line}`),
  });
  try {
    return await holdingLock(target, lock);
  } finally {
    await lock.release();
  }
}

/** The `lock` step (when it waited or took over), then the check or the build. */
async function holdingLock(target: SetupTfTarget, lock: SetupTfLock): Promise<SetupTfReport> {
  let report: SetupTfReport | undefined;
  if (lock.waitedFor || lock.tookOver) {
    target.steps.done(
      "lock",
      "ok",
      lock.waitedFor
        ? `waited ${(lock.waitedMs / 1000).toFixed(1)} s for pid ${lock.waitedFor.pid}`
        : "took over the stale lock",
    );
  }
  if (lock.waitedFor && !target.options.force) {
    // The other setup:tf may have built a working addon meanwhile.
    report = await checkOthersAddon(target);
  } else if (lock.waitedFor) {
    target.log("  --force: rebuilding anyway");
  }
  return report ?? await buildLocked(target);
}
