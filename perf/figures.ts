/**
 * Server-side figure rendering speed: for every registered figure, the time to draw it
 * (Plot/d3 into linkedom, serialised SVG) and to rasterise the PNG (sharp, the `figures` task's
 * density), median of `--runs` after one warm-up render. Goal: ≤ 100 ms per figure. Also the
 * process CPU time per render (user + system, all threads), which varies less than wall time on a
 * shared machine, and the cold time: the first render (SVG + PNG) from freshly read tables, so
 * it includes the derived data (similarity matrices, lookups) that later renders take from the
 * memo (`common/memo.ts`); in the `figures` stage, figures that share tables also share those.
 *
 * Usage: deno task perf:figures [--tables DIR] [--runs 5] [--only a,b] [--family F] [--density 144]
 * (default tables: outputs/tables when it has benchmark.arrow, else the test fixture)
 */
import { existsSync } from "node:fs";
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { FIXTURE_TABLES } from "../src/figures/regression.ts";
import { figureSvg, PNG_DENSITY, svgToPng } from "../src/figures/render.ts";
import { missingTablesSync, selectFigures } from "../src/figures/stage.ts";
import { loadFigureTables } from "../src/figures/tables.ts";
import { displayPath, repoPath } from "../src/pipeline/paths.ts";
import { TABLE } from "../src/tables/names.ts";
import { tablePath } from "../src/tables/paths.ts";

const GOAL_MS = 100;
const args = parseArgs({
  args: Deno.args,
  options: {
    tables: { type: "string" },
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "" },
    family: { type: "string", default: "" },
    density: { type: "string" },
  },
});
const outputs = repoPath("outputs/tables");
const dir = args.values.tables ??
  (existsSync(tablePath(outputs, TABLE.benchmark)) ? outputs : FIXTURE_TABLES);
const runs = Math.max(1, Number(args.values.runs));
const density = Number(args.values.density ?? PNG_DENSITY);
const toPng = (svg: string) => svgToPng(svg, { density });
const figures = selectFigures({
  only: args.values.only!.split(",").filter(Boolean),
  family: args.values.family,
});
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

console.log(`figures from ${displayPath(dir)}: median of ${runs} runs, PNG at ${density} dpi`);
console.log(
  `${"figure".padEnd(46)} ${"svg ms".padStart(7)} ${"png ms".padStart(7)} ${"total".padStart(7)} ${
    "cpu ms".padStart(7)
  } ${"cold ms".padStart(8)}`,
);
const totals: number[] = [], cpus: number[] = [], colds: number[] = [];
let over = 0, skipped = 0, warmedUp = false;
for (const spec of figures) {
  const id = `${spec.family}/${spec.name}`;
  if (missingTablesSync(dir, spec).length) {
    console.log(`${id.padEnd(46)} skipped (missing ${missingTablesSync(dir, spec).join(", ")})`);
    skipped++;
    continue;
  }
  if (!warmedUp) {
    // the first render in the process also compiles Plot, d3 and linkedom: not part of any figure
    await toPng(figureSvg(spec, await loadFigureTables(dir, spec)));
    warmedUp = true;
  }
  // fresh row arrays: nothing derived from them is memoised yet
  const tables = await loadFigureTables(dir, spec);
  const c0 = performance.now();
  await toPng(figureSvg(spec, tables)); // cold render, then the warm runs
  const cold = performance.now() - c0;
  colds.push(cold);
  const svgMs: number[] = [], pngMs: number[] = [], total: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    const svg = figureSvg(spec, tables);
    const t1 = performance.now();
    await toPng(svg);
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
    } ${t.toFixed(1).padStart(7)} ${median(cpu).toFixed(1).padStart(7)} ${
      cold.toFixed(1).padStart(8)
    }${t > GOAL_MS ? `  > ${GOAL_MS} ms` : cold > GOAL_MS ? "  (cold > goal)" : ""}`,
  );
}
console.log(
  `${totals.length} figures (${skipped} skipped): median ${median(totals).toFixed(1)} ms, max ${
    Math.max(...totals).toFixed(1)
  } ms; ${over} over the ${GOAL_MS} ms goal (wall); CPU per figure: median ${
    median(cpus).toFixed(1)
  } ms, max ${Math.max(...cpus).toFixed(1)} ms; cold: median ${median(colds).toFixed(1)} ms, max ${
    Math.max(...colds).toFixed(1)
  } ms, ${colds.filter((c) => c > GOAL_MS).length} over the goal`,
);
