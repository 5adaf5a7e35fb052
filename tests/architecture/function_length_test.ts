/**
 * Function length (issue 15: every stage's `run` reads as its plan; no function in `src/` or
 * `tasks/` over 80 lines). A ratchet until the split is done: the functions listed below were
 * longer than 80 lines when the rule came in; none may grow, a new one may not pass 80 lines,
 * and a listed one that got short enough must leave the list. Prints the longest.
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { longFunctions } from "../_helpers/function_length.ts";

/** The rule. */
const LIMIT = 80;

/** `file#name` → its length (lines) when the rule came in (2026-12-07). */
const KNOWN_LONG = new Map<string, number>([
  ["src/setup/tf/setup.ts#setupTf", 308],
  ["src/align/alignet_stage.ts#run", 292],
  ["src/train/trainer.ts#trainModel", 198],
  ["src/eval/benchmark/probe.ts#fitLogistic", 190],
  ["src/eval/benchmark/transfer.ts#transferMetrics", 173],
  ["src/figures/gwot/matrix_panel.ts#matrixRow", 150],
  ["src/train/stage.ts#trainStage", 86],
  ["src/setup/tf/setup.ts#buildLocked", 145],
  ["src/figures/gwot/matching_rates.ts#render", 144],
  ["src/io/zip.ts#readCentralDirectory", 139],
  ["src/figures/gwot/local_optima.ts#render", 138],
  ["src/metrics/ridge.ts#ridgeLoo", 135],
  ["src/figures/workflow/diagram.ts#drawDiagram", 122],
  ["src/io/zip.ts#stream", 117],
  ["src/io/mat.ts#matrix", 115],
  ["src/eval/benchmark/parallel.ts#runBenchmarkParallel", 114],
  ["src/align/gwot_tf.ts#entropicGwTf", 113],
  ["src/report/models.ts#modelCards", 109],
  ["src/models/fold.ts#foldModel", 107],
  ["src/setup/rehearsal/serve.ts#rehearsalHandler", 101],
  ["src/align/alignet_student.ts#distillStudent", 96],
  ["src/figures/examples/triplet_examples.ts#tripletsPanel", 96],
  ["src/figures/improved/results_table.ts#render", 96],
  ["src/setup/rehearsal/archives.ts#writeImageArchives", 96],
  ["src/figures/examples/retrieval_examples.ts#render", 93],
  ["src/setup/download.ts#downloadFile", 93],
  ["src/train/batch_loss.ts#batchLoss", 90],
  ["src/train/sampler.ts#epochBatches", 89],
  ["src/figures/frame.ts#composeFigure", 87],
  ["src/setup/download.ts#requestOnce", 87],
  ["src/train/trunk_cache.ts#trunkActivations", 87],
  ["src/report/writeup.ts#strongerSection", 86],
  ["src/data/audit/decisions.ts#parseAuditDecisions", 85],
  ["src/setup/rehearsal/generate.ts#generateRehearsal", 85],
  ["src/align/glocal.ts#fitGlocal", 84],
  ["src/figures/common/images.ts#imageTile", 84],
  ["src/io/npy.ts#parseNpy", 84],
  ["src/align/gwot.ts#entropicGromovWasserstein", 83],
  ["src/eval/benchmark/fewshot.ts#fewShotMetrics", 83],
  ["src/figures/client/query_change.ts#render", 82],
  ["src/models/split.ts#splitAt", 82],
]);

/** The TypeScript files below a folder. */
async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) await sources(path, out);
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

Deno.test(`functions in src/ and tasks/: none new over ${LIMIT} lines, none of the long ones grows`, async () => {
  const files = [
    ...await sources(join(REPO_ROOT, "src")),
    ...await sources(join(REPO_ROOT, "tasks")),
  ];
  const long = await longFunctions(files, LIMIT);
  const seen = new Map<string, number>();
  const problems: string[] = [];
  for (const f of long) {
    const key = `${relative(REPO_ROOT, f.file)}#${f.name}`;
    seen.set(key, Math.max(seen.get(key) ?? 0, f.lines));
  }
  for (const [key, lines] of seen) {
    const known = KNOWN_LONG.get(key);
    if (known === undefined) problems.push(`${key}: ${lines} lines (new; the limit is ${LIMIT})`);
    else if (lines > known) problems.push(`${key}: grew from ${known} to ${lines} lines`);
  }
  for (const key of KNOWN_LONG.keys()) {
    if (!seen.has(key)) {
      problems.push(`${key}: now within ${LIMIT} lines: remove it from KNOWN_LONG`);
    }
  }
  console.log(
    `  ${long.length} functions over ${LIMIT} lines; longest: ` +
      long.slice(0, 5).map((f) => `${relative(REPO_ROOT, f.file)}:${f.line} ${f.name} (${f.lines})`)
        .join(", "),
  );
  assert.deepEqual(problems, []);
});
