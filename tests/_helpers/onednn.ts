/** Guards for tests that run ResNet-50 on the native backend in the test process. */
import { decideOneDnn } from "../../src/models/onednn.ts";

/**
 * Why in-process ResNet-50 tests must be skipped, or undefined when they can run: the user forced
 * oneDNN on (`TF_ENABLE_ONEDNN_OPTS=1`) on a machine where the oneDNN probe crashed, so
 * ResNet-50's convolutions would kill the whole test run. `tests/models/onednn_test.ts` then
 * checks in a child process that the task prints the warning before it crashes.
 */
export async function oneDnnForcedUnsafe(): Promise<string | undefined> {
  const decision = await decideOneDnn();
  return decision.enabled && decision.warning ? decision.warning : undefined;
}
