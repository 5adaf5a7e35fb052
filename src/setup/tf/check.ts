/**
 * Step 2 of `deno task setup:tf` (`setupTf` of `setup.ts`): when the addon already loads and
 * computes, there is nothing to do. Checked before the lock, and again after waiting for another
 * setup:tf.
 *
 * @module
 */
import { exists } from "../../io/files.ts";
import { isWanted, selfTest, type SetupTfTarget } from "./context.ts";
import { describeSelfTest, type NativeSelfTest } from "./selftest.ts";
import type { SetupTfReport } from "./setup.ts";
import { describeTensorflowSource, installedTensorflowSource } from "./source.ts";

/**
 * Check the existing addon (not with `--force`): the report when it works, undefined when it
 * must be built.
 */
export async function checkExistingAddon(
  target: SetupTfTarget,
): Promise<SetupTfReport | undefined> {
  const { options, pkg, steps } = target;
  if (!options.force && await exists(pkg.bindingPath)) {
    steps.begin("[check] loading the existing addon in a fresh Deno process");
    const check = await selfTest(target);
    if (check.ok) return await nothingToDo(target, check.result, "addon loads");
    steps.done("check", "failed", `existing addon unusable, rebuilding: ${check.error.trim()}`);
  } else {
    steps.done("check", "skipped", options.force ? "--force" : `no addon at ${pkg.bindingPath}`);
  }
  return undefined;
}

/**
 * Check the addon another setup:tf (waited for under the lock) left: the report when it works,
 * undefined when it must be built.
 */
export async function checkOthersAddon(
  target: SetupTfTarget,
): Promise<SetupTfReport | undefined> {
  const { pkg, steps } = target;
  if (await exists(pkg.bindingPath)) {
    steps.begin("[check] another setup:tf finished: loading its addon in a fresh Deno process");
    const check = await selfTest(target);
    if (check.ok) {
      return await nothingToDo(target, check.result, "addon built by the other setup:tf loads");
    }
    steps.done("check", "failed", `its addon is unusable, rebuilding: ${check.error.trim()}`);
  } else {
    steps.done("check", "skipped", `the other setup:tf left no addon at ${pkg.bindingPath}`);
  }
  return undefined;
}

/** The report of a working addon (with a note when `deps/` is not the wanted wheel). */
async function nothingToDo(
  target: SetupTfTarget,
  check: NativeSelfTest,
  what: string,
): Promise<SetupTfReport> {
  const { pkg, steps } = target;
  const installed = await installedTensorflowSource(pkg);
  steps.done(
    "check",
    "ok",
    `${what}; TensorFlow ${check.tensorflow}; matches cpu (${describeSelfTest(check)}); ` +
      `libtensorflow: ${describeTensorflowSource(installed)}; nothing to do`,
  );
  if (!isWanted(target, installed)) {
    target.log(`  note: deps/ is not recorded as ${target.choice.label}; --force switches to it`);
  }
  return {
    route: "already",
    pkg,
    steps: steps.steps,
    selfTest: check,
    ...(installed ? { source: installed } : {}),
    ms: performance.now() - target.t0,
  };
}
