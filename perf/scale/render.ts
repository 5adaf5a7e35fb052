/**
 * The cost model as tables (plain text for the terminal, Markdown for the README) and the
 * summary against the seed's CPU run and the goals.
 *
 * @module
 */
import {
  formatCell,
  formatCost,
  formatFit,
  GOAL_SECONDS,
  renderTable,
  SEED_CPU_SECONDS,
  type SizeName,
  THINGS,
  TRUNK_MEMORY_LIMIT_BYTES,
} from "../../src/pipeline/cost.ts";
import type { CostReport, CostRow, Resource, SizeResult } from "./model.ts";

/** The headline numbers. */
export interface Summary {
  /** Baseline at THINGS (trunk pass + its training, schedule upper bound), seconds. */
  baselineSeconds?: number;
  /** The baseline's schedule at THINGS (epochs; upper bounds). */
  baselineEpochs?: { head: number; top: number };
  /** Baseline over the seed's CPU run (157,743 s). */
  baselineOverSeed?: number;
  /** Whether the baseline meets ≤ 2 h. */
  baselineGoal?: boolean;
  /** The pipeline data → site at THINGS, seconds. */
  allSeconds?: number;
  /** The same with the superlinear stages (bench, GWOT) extrapolated linearly in concepts. */
  allSecondsLinear?: number;
  /** Whether it meets ≤ 12 h. */
  allGoal?: boolean;
  /** Stages missing from `allSeconds` (not measured). */
  missing: string[];
  /** Trunk cache at THINGS, bytes. */
  trunkCacheBytes?: number;
  /** Disk written at THINGS (setup included), bytes. */
  diskBytes?: number;
  /** Largest peak RSS of one process at THINGS, bytes. */
  peakRssBytes?: number;
  /** Warnings in words. */
  warnings: string[];
}

/** Compute the summary of a cost model. */
export function summarize(report: CostReport): Summary {
  const find = (resource: Resource, name: string) =>
    report.rows.find((r) => r.resource === resource && r.name === name);
  const trunk = find("time", "trunk cache")?.total;
  const baseline = find("time", "train:baseline")?.total;
  const all = find("time", "pipeline (data → site)");
  const baselineSeconds = trunk !== undefined && baseline !== undefined
    ? trunk + baseline
    : undefined;
  const trunkCacheBytes = report.trunkBytesPerImage
    ? report.trunkBytesPerImage * THINGS.images
    : undefined;
  const warnings: string[] = [];
  if (trunkCacheBytes && trunkCacheBytes > TRUNK_MEMORY_LIMIT_BYTES) {
    warnings.push(
      `the trunk cache at THINGS is ${formatCost(trunkCacheBytes, "bytes")} (> 2 GiB): training, ` +
        "embed and AligNet read it from its file by rows every epoch instead of holding it in " +
        "memory as at the measured sizes; the time extrapolation assumes the page cache keeps " +
        "up, and the memory extrapolation stops the cache's growth at " +
        `${report.trunkMemoryImages?.toLocaleString("en-US")} images`,
    );
  }
  const poor = report.rows.filter((r) => r.assessment?.poor).map((r) =>
    `${r.name} (${r.resource})`
  );
  if (poor.length) warnings.push(`poor fits: ${poor.join(", ")}`);
  const rss = find("rss", "peak")?.total;
  return {
    baselineSeconds,
    baselineEpochs: {
      head: find("time", "train:baseline · head epoch")?.multiplier ?? 0,
      top: find("time", "train:baseline · top epoch")?.multiplier ?? 0,
    },
    baselineOverSeed: baselineSeconds !== undefined
      ? baselineSeconds / SEED_CPU_SECONDS
      : undefined,
    baselineGoal: baselineSeconds !== undefined
      ? baselineSeconds <= GOAL_SECONDS.baseline
      : undefined,
    allSeconds: all?.total,
    allSecondsLinear: all?.linearTotal,
    allGoal: all?.total !== undefined && all.notes.length === 0
      ? all.total <= GOAL_SECONDS.all
      : undefined,
    missing: all?.notes ?? [],
    trunkCacheBytes,
    diskBytes: find("disk", "total")?.total,
    peakRssBytes: rss,
    warnings,
  };
}

const TITLES: Record<Resource, string> = {
  time: "Wall time",
  rss: "Peak resident memory (per process)",
  disk: "Disk written",
};

const SIZE_WORD: Record<SizeName, string> = {
  images: "images",
  concepts: "concepts",
  trainRows: "img/epoch",
};

/** One resource's table. */
export function resourceTable(
  report: CostReport,
  results: readonly SizeResult[],
  options: { resource: Resource; markdown?: boolean },
): string {
  const rows = report.rows.filter((r) => r.resource === options.resource);
  const header = [
    "stage",
    "x",
    ...results.map((r) => `${r.size.label}`),
    "fit (per unit)",
    "R²",
    "x at THINGS",
    "THINGS (per unit)",
    "×",
    "THINGS",
    "notes",
  ];
  const body = rows.map((row) => [
    `${row.sub ? "  ↳ " : ""}${row.name}`,
    xLabel(row),
    ...results.map((_, i) =>
      formatCell(row.measured[i], { unit: row.unit, kind: "measured" }) +
      (row.measuredSize[i] !== undefined && row.model?.size === "trainRows"
        ? ` @${Math.round(row.measuredSize[i]!)}`
        : "")
    ),
    row.cost ? formatFit(row.cost, row.unit) : row.sub || !row.model ? "" : "—",
    row.cost && row.cost.fit.n >= 3 && Number.isFinite(row.cost.fit.r2)
      ? row.cost.fit.r2.toFixed(3)
      : row.cost
      ? "—"
      : "",
    row.target !== undefined ? Math.round(row.target).toLocaleString("en-US") : "",
    row.multiplier !== 1 ? formatCell(row.perUnit, { unit: row.unit, kind: "extrapolated" }) : "",
    row.multiplier !== 1 ? String(row.multiplier) : "",
    formatCell(row.total, { unit: row.unit, kind: "extrapolated" }),
    row.notes.join("; "),
  ]);
  const title = `${TITLES[options.resource]} — (m) measured, (e) extrapolated to THINGS ` +
    `(${THINGS.images.toLocaleString("en-US")} images, ${
      THINGS.concepts.toLocaleString("en-US")
    } concepts)`;
  const table = renderTable(header, body, { markdown: options.markdown });
  return options.markdown ? `**${title}**\n\n${table}` : `${title}\n${table}`;
}

function xLabel(row: CostRow): string {
  if (!row.model) return "Σ";
  const power = row.model.power ?? 1;
  return `${SIZE_WORD[row.model.size]}${power === 2 ? "²" : power === 3 ? "³" : ""}`;
}

/** The summary as lines. */
export function summaryLines(summary: Summary): string[] {
  const lines: string[] = [];
  const hours = (s: number) => `${formatCost(s, "seconds")} (${(s / 3600).toFixed(2)} h)`;
  if (summary.baselineSeconds !== undefined) {
    lines.push(
      `baseline at THINGS (trunk pass + training, ${summary.baselineEpochs?.head} head + ` +
        `${summary.baselineEpochs?.top} top epochs, an upper bound): ` +
        `${hours(summary.baselineSeconds)} (e) — ${
          summary.baselineOverSeed!.toFixed(3)
        } × the seed's CPU run (${SEED_CPU_SECONDS.toLocaleString("en-US")} s); goal ≤ 2 h: ${
          summary.baselineGoal ? "met" : "NOT met"
        }`,
    );
  }
  if (summary.allSeconds !== undefined) {
    const goal = (s: number) => `goal ≤ 12 h: ${s <= GOAL_SECONDS.all ? "met" : "NOT met"}`;
    lines.push(
      `pipeline at THINGS (data → site, setup not included): ${hours(summary.allSeconds)} (e)` +
        (summary.allGoal === undefined
          ? ` — ${summary.missing.join("; ")}; goal ≤ 12 h not judged`
          : `; ${goal(summary.allSeconds)}`),
    );
    if (summary.allSecondsLinear !== undefined) {
      lines.push(
        `  … with bench and align:gwot extrapolated linearly in concepts instead of as n² and ` +
          `n³: ${hours(summary.allSecondsLinear)} (e)` +
          (summary.allGoal === undefined ? "" : `; ${goal(summary.allSecondsLinear)}`),
      );
    }
  }
  if (summary.diskBytes !== undefined) {
    lines.push(
      `disk at THINGS (setup's extracted photos included, as rehearsal JPEGs): ` +
        `${formatCost(summary.diskBytes, "bytes")} (e)` +
        (summary.trunkCacheBytes !== undefined
          ? `, of which the trunk cache ${formatCost(summary.trunkCacheBytes, "bytes")}`
          : ""),
    );
  }
  if (summary.peakRssBytes !== undefined) {
    lines.push(`peak RSS of one stage at THINGS: ${formatCost(summary.peakRssBytes, "bytes")} (e)`);
  }
  for (const w of summary.warnings) lines.push(`WARNING: ${w}`);
  return lines;
}
