/**
 * Step 6 of `deno task setup:tf` (`setupTf` of `setup.ts`): whether TensorFlow's oneDNN kernels
 * are on, and why (`decideOneDnn` of `src/models/onednn.ts`). Its failure does not fail
 * setup:tf; skipped for the GPU package.
 *
 * @module
 */
import { join } from "node:path";
import type { SetupTfTarget } from "./context.ts";
import type { TfjsNodePackage } from "./package.ts";
import type { SetupTfReport } from "./setup.ts";

/** Record the oneDNN decision in `report` (not for `--gpu`) and its total time. */
export async function oneDnnStep(
  target: SetupTfTarget,
  report: SetupTfReport,
): Promise<SetupTfReport> {
  const { steps } = target;
  if (target.gpu) {
    steps.done(
      "onednn",
      "skipped",
      "the GPU package runs TensorFlow's CPU kernels with oneDNN off (src/models/backend.ts)",
    );
    report.ms = performance.now() - target.t0;
    return report;
  }
  steps.begin("[onednn] TensorFlow's oneDNN kernels on this CPU (cached verdict, else a probe)");
  try {
    await decide(target, report);
  } catch (error) {
    steps.done(
      "onednn",
      "failed",
      `could not decide (${
        (error as Error).message ?? String(error)
      }); setup:tf is not affected, the backend decides again when it loads`,
    );
  }
  report.ms = performance.now() - target.t0;
  return report;
}

/** The cached verdict for this CPU and TensorFlow build, else a probe; logged and recorded. */
async function decide(target: SetupTfTarget, report: SetupTfReport): Promise<void> {
  const { log, steps } = target;
  const { decideOneDnn, describeOneDnn } = await import("../../models/onednn.ts");
  const libraries = await tensorflowLibraries(target.pkg);
  const decision = await decideOneDnn({ libraries, log: (line) => log(`  ${line}`) });
  const how = { cache: "cached verdict", probe: "probed now", user: "", "probe-failed": "" }[
    decision.source
  ];
  const where = [how, decision.verdictFile].filter((x) => x).join(" ");
  // A probe that failed without crashing (no libraries, a timeout) decides nothing lasting.
  steps.done(
    "onednn",
    decision.source === "probe-failed" ? "failed" : "ok",
    `${describeOneDnn(decision)}${where ? ` (${where})` : ""}`,
  );
  if (decision.warning) log(`  WARNING: ${decision.warning}`);
  report.oneDnn = decision;
}

/** The real paths of the libtensorflow libraries in `deps/lib` (those that exist). */
async function tensorflowLibraries(pkg: TfjsNodePackage): Promise<string[]> {
  const libraries: string[] = [];
  for (const name of ["libtensorflow.so.2", "libtensorflow_framework.so.2"]) {
    const real = await Deno.realPath(join(pkg.depsLib, name)).catch(() => undefined);
    if (real) libraries.push(real);
  }
  return libraries;
}
