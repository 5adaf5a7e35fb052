/**
 * Times `deno task bench all --force` on a pipeline's tables and prints where the time goes.
 *
 * The stage runs as a child process in a scratch folder whose input tables are symlinks to the
 * source tables (the source's outputs are never written). Reported: wall seconds, the child's
 * CPU seconds (user + system, from /proc/self/stat), the stage's seconds per phase summed over
 * models (`HT_BENCH_PROFILE`: model loading, metric setup such as the transfer ridge, and the
 * bootstrap of every metric; the main thread's reading, comparisons and table writing), and
 * whether the written tables equal the benchmark tables already in the source folder.
 *
 * `--models N` registers extra aligned models (the trained models' embeddings again, through
 * symlinks) until the run has N models (image models + SPoSE, as the stage counts them), e.g.
 * to check the 12-model goal:
 *
 *   deno task perf:stage [--tables outputs/tables] [--models 12] [--goal 60] [--keep]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { writeAlignedModels } from "../src/tables/aligned.ts";
import { openTable } from "../src/tables/reader.ts";
import { exists } from "../src/io/files.ts";
import { readModelList } from "../src/eval/benchmark/inputs.ts";
import { BENCH_PROFILE_ENV, BENCH_PROFILE_PREFIX } from "../src/eval/benchmark/stage.ts";
import { REPO_ROOT } from "../src/pipeline/paths.ts";
import {
  ALIGNED_DIR,
  embeddingTable,
  prototypesTable,
  TABLE,
  tableFile,
} from "../src/tables/names.ts";
import { alignedPath, seedStem, tablePath } from "../src/tables/paths.ts";

/** The bench stage's outputs, relative to the tables folder. */
const OUTPUTS = [
  TABLE.benchmark,
  TABLE.comparisons,
  TABLE.retrievalQueries,
  TABLE.tripletMargins,
  TABLE.transferTargets,
].map(tableFile);

/** Entries of a tables folder that the bench stage writes: its tables and their folder. */
const BENCH_ENTRIES = [TABLE.benchmark, tableFile(TABLE.benchmark), tableFile(TABLE.comparisons)];

/** Clock ticks per second of /proc (CLK_TCK). */
async function clockTicks(): Promise<number> {
  const out = await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output();
  return Number(new TextDecoder().decode(out.stdout)) || 100;
}

/** Children's CPU seconds so far (user + system), from /proc/self/stat. */
async function childCpuSeconds(tick: number): Promise<number> {
  const stat = await Deno.readTextFile("/proc/self/stat");
  // fields after the command name (which may hold spaces): state is field 3
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / tick;
}

/**
 * Mirror `source` (a tables folder) into `dir`, leaving out the bench outputs: files over 1 MB
 * as symlinks, smaller ones (registries the stage lists as plain files) as copies.
 */
async function mirror(source: string, dir: string): Promise<void> {
  for await (const e of Deno.readDir(source)) {
    if (BENCH_ENTRIES.includes(e.name)) continue;
    const from = join(source, e.name), to = join(dir, e.name);
    const info = await Deno.stat(from);
    if (info.isDirectory) {
      await Deno.mkdir(to, { recursive: true });
      await mirror(from, to);
    } else if (info.size > 1 << 20) await Deno.symlink(await Deno.realPath(from), to);
    else await Deno.copyFile(from, to);
  }
}

/**
 * Register aligned models `bench_sim_<k>` (embeddings of existing models) until the run has `n`
 * models, counted as the stage counts them (image models + the SPoSE row).
 */
async function addModels(tables: string, n: number, seed: number): Promise<string[]> {
  const list = await readModelList(tables);
  const extra = Math.max(0, n - list.length - 1);
  const added: string[] = [];
  for (let k = 0; k < extra; k++) {
    const from = list[k % list.length];
    const name = `bench_sim_${k + 1}`;
    const stem = seedStem(from.model, from.seed, seed);
    for (const table of [embeddingTable, prototypesTable]) {
      await Deno.symlink(
        await Deno.realPath(tablePath(tables, table(stem))),
        tablePath(tables, table(seedStem(name, from.seed, seed))),
      );
    }
    added.push(name);
  }
  if (added.length) {
    await Deno.mkdir(join(tables, ALIGNED_DIR), { recursive: true });
    await writeAlignedModels(
      alignedPath({ tables }, "bench_sim"),
      added.map((model, k) => ({ model, seed: list[k % list.length].seed, controlOf: null })),
      { task: "perf:stage", version: "0", notes: { simulated: "copies of existing embeddings" } },
    );
  }
  return added;
}

/** Whether two tables hold the same values: "identical" or the largest numeric difference. */
async function compareTables(a: string, b: string): Promise<string> {
  const ta = await openTable(a), tb = await openTable(b);
  if (ta.numRows !== tb.numRows) return `rows differ (${ta.numRows} vs ${tb.numRows})`;
  let maxAbs = 0, maxRel = 0;
  for (const name of ta.names) {
    if (!tb.names.includes(name)) return `column ${name} missing`;
    const ca = ta.cells(name), cb = tb.cells(name);
    for (let i = 0; i < ca.length; i++) {
      const x = ca[i], y = cb[i];
      if (Object.is(x, y)) continue;
      if (typeof x !== "number" || typeof y !== "number") {
        if (x instanceof Object && JSON.stringify(x) === JSON.stringify(y)) continue;
        return `${name}[${i}] differs: ${x} vs ${y}`;
      }
      const d = Math.abs(x - y);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(x), Math.abs(y)));
    }
  }
  return maxAbs === 0 && maxRel === 0
    ? "identical"
    : `max abs difference ${maxAbs.toExponential(2)}, relative ${maxRel.toExponential(2)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      tables: { type: "string", default: "outputs/tables" },
      models: { type: "string" },
      seed: { type: "string", default: "7" },
      goal: { type: "string", default: "60" },
      keep: { type: "boolean", default: false },
    },
  });
  const source = resolve(String(values.tables));
  const seed = Number(values.seed);
  if (!(await exists(tablePath(source, TABLE.models)))) {
    throw new Error(
      `${source}: no ${tableFile(TABLE.models)} (run deno task all first, or pass --tables)`,
    );
  }
  const scratch = await Deno.makeTempDir({ prefix: "bench-stage-" });
  try {
    const tables = join(scratch, "tables");
    await Deno.mkdir(tables);
    await mirror(source, tables);
    const added = values.models ? await addModels(tables, Number(values.models), seed) : [];
    const nModels = (await readModelList(tables)).length;
    console.log(
      `bench all on ${source}: ${nModels + 1} models (${nModels} image models + SPoSE)` +
        (added.length ? ` (${added.length} simulated: ${added.join(", ")})` : ""),
    );
    const tick = await clockTicks();
    const cpu0 = await childCpuSeconds(tick);
    const start = performance.now();
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(REPO_ROOT, "tasks/bench.ts"), "all", "--force", "--out", scratch],
      env: { [BENCH_PROFILE_ENV]: "1", CI: "1" },
      stdout: "inherit",
      stderr: "piped",
    }).output();
    const wall = (performance.now() - start) / 1000;
    const cpu = (await childCpuSeconds(tick)) - cpu0;
    const log = new TextDecoder().decode(child.stderr);
    if (!child.success) throw new Error(`bench failed:\n${log}`);
    const line = log.split("\n").find((l) => l.startsWith(BENCH_PROFILE_PREFIX));
    const timings: Record<string, number> = line
      ? JSON.parse(line.slice(BENCH_PROFILE_PREFIX.length))
      : {};
    const cores = navigator.hardwareConcurrency || 1;
    console.log(log.split("\n").filter((l) => l && !l.startsWith(BENCH_PROFILE_PREFIX)).join("\n"));
    console.log(
      `\nwall ${wall.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (user + system) on ${cores} cores; ` +
        `goal ≤ ${values.goal} s wall: ${wall <= Number(values.goal) ? "met" : "NOT met"}`,
    );
    // phases: worker phases summed over models, then the main thread's
    const groups = new Map<string, number>();
    for (const [phase, s] of Object.entries(timings)) {
      groups.set(phase.split(":")[0], (groups.get(phase.split(":")[0]) ?? 0) + s);
    }
    console.log(
      "\nseconds per phase (worker phases summed over models; main-thread phases as run):",
    );
    for (const [group, total] of [...groups].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${group.padEnd(44)} ${total.toFixed(2).padStart(8)}`);
      const parts = Object.entries(timings).filter(([p]) => p.split(":")[0] === group)
        .sort((a, b) => b[1] - a[1]);
      if (parts.length > 1) {
        for (const [p, s] of parts) console.log(`    ${p.padEnd(42)} ${s.toFixed(2).padStart(8)}`);
      }
    }
    if (added.length === 0 && await exists(tablePath(source, TABLE.benchmark))) {
      console.log(`\nthe written tables vs ${source}:`);
      for (const f of OUTPUTS) {
        console.log(`  ${f.padEnd(36)} ${await compareTables(join(source, f), join(tables, f))}`);
      }
    }
    if (values.keep) console.log(`\nkept ${scratch}`);
  } finally {
    if (!values.keep) await Deno.remove(scratch, { recursive: true });
  }
}

if (import.meta.main) await main();
