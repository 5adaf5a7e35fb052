/**
 * `deno task perf:embedded`: what `deno task all` costs on the embedded default, stage by stage.
 * Runs the pipeline's stages in order, each as its own child process (the commands
 * `perf:scale` uses, without `--profile things`), into a fresh output folder, and prints wall
 * time, CPU time, peak RSS of the process tree and disk added per stage, as a Markdown table.
 * The children get the allocator settings that `tasks/supervise.ts` gives `deno task all`.
 *
 *   deno task perf:embedded [--work DIR] [--keep]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "../src/io/disk.ts";
import { allocatorEnv } from "../src/models/allocator.ts";
import { REPO_ROOT } from "../src/pipeline/paths.ts";
import { formatSeconds } from "../src/pipeline/progress.ts";
import { MODEL_NAMES } from "../src/train/model_names.ts";
import { describeMachine, machine } from "./scale/machine.ts";
import { measureChild, type Measurement } from "./scale/measure.ts";
import { displayName, stageCommands, STAGES } from "./scale/stages.ts";

const args = parseArgs({
  args: Deno.args,
  options: { work: { type: "string" }, keep: { type: "boolean", default: false } },
});
const work = args.values.work ?? await Deno.makeTempDir({ prefix: "ht-perf-embedded-" });
const out = join(work, "outputs");
await Deno.mkdir(out, { recursive: true });
console.log(describeMachine(await machine()));
const rows: [string, Measurement][] = [];
const start = performance.now();
for (const stage of STAGES) {
  const commands = stageCommands(stage, {
    out,
    backbone: "mobilenet_v2_035",
    schedule: [],
  }, { models: MODEL_NAMES });
  for (const command of commands) {
    const m = await measureChild(command.args, {
      cwd: REPO_ROOT,
      watch: out,
      logFile: join(work, `${command.name.replace(":", "_")}.log`),
      env: allocatorEnv(),
    });
    if (m.code !== 0) {
      console.error(`${command.name} failed (exit ${m.code}):\n${m.tail.slice(-15).join("\n")}`);
      Deno.exit(1);
    }
    console.error(`${command.name}: ${formatSeconds(m.seconds)}`);
    rows.push([command.name, m]);
  }
}
const total = (performance.now() - start) / 1000;
const peak = Math.max(...rows.map(([, m]) => m.peakRssBytes));
const disk = rows.reduce((s, [, m]) => s + m.diskBytes, 0);
const cell = (s: string, w: number) => s.padEnd(w);
console.log(`\n| ${cell("stage", 32)} | wall     | CPU      | peak RSS  | disk added |`);
console.log(`| ${"-".repeat(32)} | -------- | -------- | --------- | ---------- |`);
for (const [name, m] of rows) {
  console.log(
    `| ${cell(name, 32)} | ${cell(formatSeconds(m.seconds), 8)} | ${
      cell(formatSeconds(m.cpuSeconds), 8)
    } | ${cell(formatBytes(m.peakRssBytes), 9)} | ${cell(formatBytes(m.diskBytes), 10)} |`,
  );
}
console.log(
  `| ${cell("all (stages as separate processes)", 32)} | ${cell(formatSeconds(total), 8)} | ${
    cell(formatSeconds(rows.reduce((s, [, m]) => s + m.cpuSeconds, 0)), 8)
  } | ${cell(formatBytes(peak), 9)} | ${cell(formatBytes(disk), 10)} |`,
);
console.log(
  `\nstage names as in perf:scale (${STAGES.map((s) => displayName(s.name)).join(", ")})`,
);
if (!args.values.keep && args.values.work === undefined) {
  await Deno.remove(work, { recursive: true });
}
