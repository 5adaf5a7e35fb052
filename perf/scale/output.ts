/**
 * The output of `deno task perf:scale`: the tables on stdout, the JSON report (measurements,
 * fits, summary; `--from` fits a saved one again) and the Markdown tables for the README.
 *
 * @module
 */
import { writeFileAtomic } from "../../src/io/atomic.ts";
import { freeBytes } from "../../src/io/disk.ts";
import { formatCost, thingsSplits } from "../../src/pipeline/cost.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { buildReport, type SizeResult } from "./model.ts";
import { resourceTable, summarize, summaryLines } from "./render.ts";
import { describeMachine } from "./machine.ts";
import { parseModels, parseStages, STAGES } from "./stages.ts";

/** How the measurements were taken. */
export interface RunInfo {
  /** Size labels (`24x8`). */
  sizes: string[];
  /** Stages measured. */
  stages: string[];
  /** Models trained. */
  models: string[];
  /** Backbone. */
  backbone: string;
  /** Training schedule flags of the measurement. */
  schedule: string[];
  /** Rehearsal image-size flags. */
  rehearsal: string[];
}

/** The JSON report as written (and read by `--from`). */
export interface SavedRun {
  /** When. */
  generated: string;
  /** The machine (CPU, cores, memory, oneDNN decision). */
  machine: Record<string, unknown>;
  /** How. */
  options: RunInfo;
  /** The measurements per size. */
  sizes: SizeResult[];
}

/** Fit, print the tables and the summary, and write the JSON and Markdown reports. */
export async function publish(
  results: SizeResult[],
  options: { machine: Record<string, unknown>; run: RunInfo; json: string; markdown: string },
): Promise<void> {
  const { run } = options;
  const report = await buildReport(results, {
    stages: parseStages(run.stages.join(",")),
    models: parseModels(run.models.join(",")),
    allStages: STAGES.map((s) => s.name),
  });
  const summary = summarize(report);
  const splits = thingsSplits();
  const n = (v: number) => v.toLocaleString("en-US");
  const header = [
    describeMachine(options.machine),
    `backbone ${run.backbone}; measured schedule ${run.schedule.join(" ")}; THINGS splits ` +
    `(even spread, src/data/splits.ts rounding): train ${n(splits.train)}, val ` +
    `${n(splits.val)}, test ${n(splits.test)}; "x at THINGS" of epoch rows: images trained ` +
    "per epoch",
  ];
  const tables = (markdown: boolean) =>
    (["time", "rss", "disk"] as const).map((resource) =>
      resourceTable(report, results, { resource, markdown })
    );
  console.log(
    ["", ...header, "", tables(false).join("\n\n"), "", ...summaryLines(summary)].join("\n"),
  );
  const generated = new Date().toISOString();
  const saved: SavedRun & Record<string, unknown> = {
    generated,
    machine: options.machine,
    options: run,
    things: { ...report.things, splits, trunkBytesPerImage: report.trunkBytesPerImage },
    sizes: results.map((r) => ({
      ...r,
      runs: Object.fromEntries(
        Object.entries(r.runs).map(([k, m]) => [k, { ...m, tail: [] }]),
      ),
      training: Object.fromEntries(
        Object.entries(r.training).map(([k, t]) => [k, { ...t, config: undefined }]),
      ),
    })),
    rows: report.rows,
    summary,
  };
  await writeFileAtomic(options.json, JSON.stringify(saved, null, 2) + "\n");
  await writeFileAtomic(
    options.markdown,
    [
      `<!-- deno task perf:scale --sizes ${run.sizes.join(",")} (${generated}) -->`,
      "",
      ...header.map((l) => `${l}  `),
      "",
      tables(true).join("\n\n"),
      "",
      ...summaryLines(summary).map((l) => `- ${l.trimStart()}`),
      "",
    ].join("\n"),
  );
  console.error(`perf:scale: wrote ${options.json} and ${options.markdown}`);
  if (summary.diskBytes !== undefined) {
    console.error(
      `perf:scale: ${formatCost(freeBytes(REPO_ROOT), "bytes")} free on this disk ` +
        `(THINGS needs about ${formatCost(summary.diskBytes, "bytes")} under outputs/)`,
    );
  }
}
