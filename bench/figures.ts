/**
 * Server-side figure rendering speed: for every registered figure, the time to draw it
 * (Plot/d3 into linkedom, serialised SVG) and to rasterise the PNG (sharp, the `figures` task's
 * density), median of `--runs` after one warm-up render. Goal: ≤ 100 ms per figure. Also the
 * process CPU time per render (user + system, all threads), which varies less than wall time on a
 * shared machine.
 *
 * Usage: deno task bench:figures [--tables DIR] [--runs 5] [--only a,b] [--family F]
 * (default tables: outputs/tables when it has benchmark.arrow, else the test fixture)
 */
import { existsSync } from "node:fs";
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { FIXTURE_TABLES } from "../src/figures/regression.ts";
import { figureSvg, PNG_DENSITY, svgToPng } from "../src/figures/render.ts";
import type { TableSet } from "../src/figures/spec.ts";
import { missingTablesSync, selectFigures } from "../src/figures/stage.ts";
import { loadFigureTables } from "../src/figures/tables.ts";
import { displayPath, repoPath } from "../src/pipeline/paths.ts";

const GOAL_MS = 100;
const args = parseArgs({
  args: Deno.args,
  options: {
    tables: { type: "string" },
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "" },
    family: { type: "string", default: "" },
  },
});
const outputs = repoPath("outputs/tables");
const dir = args.values.tables ??
  (existsSync(`${outputs}/benchmark.arrow`) ? outputs : FIXTURE_TABLES);
const runs = Math.max(1, Number(args.values.runs));
const figures = selectFigures({
  only: args.values.only!.split(",").filter(Boolean),
  family: args.values.family,
});
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

console.log(`figures from ${displayPath(dir)}: median of ${runs} runs, PNG at ${PNG_DENSITY} dpi`);
console.log(
  `${"figure".padEnd(46)} ${"svg ms".padStart(7)} ${"png ms".padStart(7)} ${"total".padStart(7)} ${
    "cpu ms".padStart(7)
  }`,
);
const cache = new Map<string, TableSet[string]>();
const totals: number[] = [], cpus: number[] = [];
let over = 0, skipped = 0;
for (const spec of figures) {
  const id = `${spec.family}/${spec.name}`;
  if (missingTablesSync(dir, spec).length) {
    console.log(`${id.padEnd(46)} skipped (missing ${missingTablesSync(dir, spec).join(", ")})`);
    skipped++;
    continue;
  }
  const tables = await loadFigureTables(dir, spec, { cache });
  await svgToPng(figureSvg(spec, tables)); // warm-up
  const svgMs: number[] = [], pngMs: number[] = [], total: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    const svg = figureSvg(spec, tables);
    const t1 = performance.now();
    await svgToPng(svg);
    const t2 = performance.now();
    const c1 = cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    svgMs.push(t1 - t0);
    pngMs.push(t2 - t1);
    total.push(t2 - t0);
  }
  const t = median(total);
  totals.push(t);
  cpus.push(median(cpu));
  if (t > GOAL_MS) over++;
  console.log(
    `${id.padEnd(46)} ${median(svgMs).toFixed(1).padStart(7)} ${
      median(pngMs).toFixed(1).padStart(7)
    } ${t.toFixed(1).padStart(7)} ${median(cpu).toFixed(1).padStart(7)}${
      t > GOAL_MS ? `  > ${GOAL_MS} ms` : ""
    }`,
  );
}
console.log(
  `${totals.length} figures (${skipped} skipped): median ${median(totals).toFixed(1)} ms, max ${
    Math.max(...totals).toFixed(1)
  } ms; ${over} over the ${GOAL_MS} ms goal (wall); CPU per figure: median ${
    median(cpus).toFixed(1)
  } ms, max ${Math.max(...cpus).toFixed(1)} ms`,
);
