/**
 * From measured runs to a cost model: one row per cost item (stage, trunk pass, training epochs
 * by kind, the rest of each training process) and resource (time, peak RSS, disk), each fitted
 * against its size over the measured set sizes and extrapolated to the real THINGS set with the
 * schedules of src/train/configs/ (src/pipeline/cost.ts does the arithmetic).
 *
 * @module
 */
import {
  assessFit,
  type CostFit,
  type CostModel,
  type CostPoint,
  type CostUnit,
  extrapolate,
  type FitAssessment,
  fitCost,
  formatCost,
  scheduleEpochs,
  type SizeName,
  THINGS,
  thingsEpochSizes,
  trainedRowsPerEpoch,
  TRUNK_MEMORY_LIMIT_BYTES,
} from "../../src/pipeline/cost.ts";
import { loadTrainConfig, type TrainConfig } from "../../src/train/config.ts";
import { effectiveConfig } from "../../src/train/schedule.ts";
import type { Measurement } from "./measure.ts";
import type { SetCounts, TrainingRecord } from "./observe.ts";
import { displayName, type SizeSpec, type StageDef } from "./stages.ts";

/** Everything measured at one set size. */
export interface SizeResult {
  /** The size. */
  size: SizeSpec;
  /** Counts of the set (after `data`). */
  counts?: SetCounts;
  /** Measurements by command name (`setup`, `data`, `train:baseline`, …), in run order. */
  runs: Record<string, Measurement>;
  /** Training records by model. */
  training: Record<string, TrainingRecord>;
  /** Why the size stopped early, if it did. */
  failed?: string;
}

/** A resource of the cost model. */
export type Resource = "time" | "rss" | "disk";

/** One row of the cost model. */
export interface CostRow {
  /** Item name (`train:baseline · top epoch`). */
  name: string;
  /** A part of the row above it (training epochs, the rest of a training process). */
  sub: boolean;
  /** The resource. */
  resource: Resource;
  /** Unit of its values. */
  unit: CostUnit;
  /** The model fitted (absent for sums). */
  model?: CostModel;
  /** Measured value per size (per epoch for epoch rows); undefined where not measured. */
  measured: (number | undefined)[];
  /** The size at each measured point. */
  measuredSize: (number | undefined)[];
  /** The fit. */
  cost?: CostFit;
  /** What to think of it. */
  assessment?: FitAssessment;
  /** The size at THINGS. */
  target?: number;
  /** Extrapolated value per unit (per epoch for epoch rows). */
  perUnit?: number;
  /** How many units the THINGS run has (epochs; 1 otherwise). */
  multiplier: number;
  /** Extrapolated total at THINGS. */
  total?: number;
  /** For a superlinear model: the total extrapolated linearly in the same size instead. */
  linearTotal?: number;
  /** Notes. */
  notes: string[];
}

/** The full cost model. */
export interface CostReport {
  /** Rows: time, then peak RSS, then disk. */
  rows: CostRow[];
  /** Trunk-cache bytes per image (measured), when the trunk pass ran. */
  trunkBytesPerImage?: number;
  /** Images held in memory before the trunk cache is file-backed. */
  trunkMemoryImages?: number;
  /** THINGS epochs sizes used (train images, concepts, triplets). */
  things: ReturnType<typeof thingsEpochSizes>;
}

/** Options of {@link buildReport}. */
export interface BuildOptions {
  /** Stages measured (setup is always). */
  stages: readonly StageDef[];
  /** Trained models. */
  models: readonly string[];
  /** Every stage name of the pipeline (those not measured are named in the total). */
  allStages: readonly string[];
}

/** Build the cost model of the measured sizes. */
export async function buildReport(
  results: readonly SizeResult[],
  options: BuildOptions,
): Promise<CostReport> {
  const things = thingsEpochSizes();
  const trunkBytesPerImage = trunkBytes(results);
  const trunkMemoryImages = trunkBytesPerImage
    ? Math.floor(TRUNK_MEMORY_LIMIT_BYTES / trunkBytesPerImage)
    : undefined;
  const sizeOf = (r: SizeResult, size: SizeName) =>
    size === "images" ? r.counts?.images : size === "concepts" ? r.counts?.concepts : undefined;
  const targetOf = (size: SizeName) => size === "images" ? THINGS.images : THINGS.concepts;
  const stageRow = (
    name: string,
    resource: Resource,
    model: CostModel,
    value: (r: SizeResult) => number | undefined,
  ): CostRow =>
    fitRow({
      name,
      resource,
      model,
      target: targetOf(model.size),
      points: results.map((r) => ({ size: sizeOf(r, model.size), value: value(r) })),
    });
  const trunkOf = (r: SizeResult) =>
    Object.values(r.training).find((t) => t.trunkComputed)?.trunkSeconds;
  const trunkModelOf = (r: SizeResult) =>
    Object.values(r.training).find((t) => t.trunkComputed)?.model;
  const rows: CostRow[] = [];
  const setup: StageDef = {
    name: "setup",
    needs: [],
    time: { size: "images" },
    disk: { size: "images" },
  };
  const commands = [
    { def: setup, names: ["setup"] },
    ...options.stages.map((def) => ({
      def,
      names: def.name === "train"
        ? options.models.map((m) => `train:${m}`)
        : [displayName(def.name)],
    })),
  ];
  const fullConfigs = new Map<string, TrainConfig>();
  for (const model of options.models) {
    fullConfigs.set(model, effectiveConfig(await loadTrainConfig(model), "things"));
  }

  // time
  for (const { def, names } of commands) {
    if (def.name !== "train") {
      rows.push(stageRow(names[0], "time", def.time, (r) => r.runs[names[0]]?.seconds));
      continue;
    }
    rows.push(stageRow("trunk cache", "time", { size: "images" }, trunkOf));
    for (const model of options.models) {
      rows.push(...trainingRows(results, { model, config: fullConfigs.get(model)!, things }));
    }
  }
  const total = sumRow(
    "time",
    rows.filter((r) => r.resource === "time" && !r.sub && r.name !== "setup"),
    { name: "pipeline (data → site)", results },
  );
  const absent = options.allStages.filter((s) => !options.stages.some((d) => d.name === s));
  if (absent.length) total.notes.push(`without ${absent.map(displayName).join(", ")} (not run)`);
  rows.push(total);

  // peak RSS (per process)
  const rssRows: CostRow[] = [];
  for (const { def, names } of commands) {
    const base: CostModel = def.rss ?? { size: def.time.size };
    const model: CostModel = def.readsTrunk && trunkMemoryImages
      ? { ...base, capAt: trunkMemoryImages }
      : base;
    for (const name of names) {
      rssRows.push(stageRow(name, "rss", model, (r) => r.runs[name]?.peakRssBytes));
    }
  }
  rows.push(...rssRows, maxRow(rssRows, results));

  // disk
  const diskRows: CostRow[] = [];
  for (const { def, names } of commands) {
    if (def.name === "train") {
      diskRows.push(
        stageRow("trunk cache", "disk", { size: "images" }, (r) => {
          const m = trunkModelOf(r);
          return m ? r.runs[`train:${m}`]?.diskParts["cache/trunk"] : undefined;
        }),
      );
    }
    for (const name of names) {
      diskRows.push(
        stageRow(name, "disk", def.disk, (r) => {
          const run = r.runs[name];
          if (!run) return undefined;
          return run.diskBytes - (def.name === "train" ? run.diskParts["cache/trunk"] ?? 0 : 0);
        }),
      );
    }
  }
  rows.push(...diskRows, sumRow("disk", diskRows, { name: "total", results }));
  return { rows, trunkBytesPerImage, trunkMemoryImages, things };
}

/** The trunk cache's bytes per image, from the first size whose trunk pass ran. */
function trunkBytes(results: readonly SizeResult[]): number | undefined {
  for (const r of results) {
    const t = Object.values(r.training).find((t) => t.trunkComputed);
    const bytes = t ? r.runs[`train:${t.model}`]?.diskParts["cache/trunk"] : undefined;
    if (bytes && r.counts?.images) return bytes / r.counts.images;
  }
  return undefined;
}

/** The rows of one model's training: its process (sum), epochs by kind, and the rest. */
function trainingRows(
  results: readonly SizeResult[],
  options: { model: string; config: TrainConfig; things: ReturnType<typeof thingsEpochSizes> },
): CostRow[] {
  const { model, config } = options;
  const name = `train:${model}`;
  const full = scheduleEpochs(config);
  const targetRows = trainedRowsPerEpoch(config, options.things);
  const subs: CostRow[] = [];
  for (const kind of ["head", "top+head"] as const) {
    const epochs = kind === "head" ? full.head : full.top;
    const points = results.map((r) => {
      const list = r.training[model]?.epochs.filter((e) => e.trainable === kind) ?? [];
      if (list.length === 0) return { size: undefined, value: undefined };
      return {
        size: list.reduce((s, e) => s + e.trainedRows, 0) / list.length,
        value: list.reduce((s, e) => s + e.seconds, 0) / list.length,
      };
    });
    if (epochs === 0 && points.every((p) => p.value === undefined)) continue;
    const row = fitRow({
      name: `${name} · ${kind === "head" ? "head" : "top"} epoch`,
      resource: "time",
      model: { size: "trainRows" },
      target: targetRows,
      points,
      multiplier: epochs,
      sub: true,
    });
    if (epochs > 0) {
      row.notes.push(`${epochs} epoch${epochs === 1 ? "" : "s"}: an upper bound (early stopping)`);
    }
    subs.push(row);
  }
  const rest = fitRow({
    name: `${name} · rest`,
    resource: "time",
    model: { size: "images" },
    target: THINGS.images,
    sub: true,
    points: results.map((r) => {
      const run = r.runs[name], t = r.training[model];
      if (!run || !t) return { size: undefined, value: undefined };
      const epochs = t.epochs.reduce((s, e) => s + e.seconds, 0);
      return {
        size: r.counts?.images,
        value: run.seconds - epochs - (t.trunkComputed ? t.trunkSeconds : 0),
      };
    }),
  });
  rest.notes.push("process start, loading, layer4 features, checkpoints, final accuracy");
  subs.push(rest);
  const head = sumRow("time", subs, { name, results: [] });
  head.sub = false;
  head.measured = results.map((r) => {
    const run = r.runs[name], t = r.training[model];
    if (!run) return undefined;
    return run.seconds - (t?.trunkComputed ? t.trunkSeconds : 0);
  });
  head.notes = ["Σ of the rows below; the trunk pass is its own row"];
  return [head, ...subs];
}

function fitRow(options: {
  name: string;
  resource: Resource;
  model: CostModel;
  target: number;
  points: { size: number | undefined; value: number | undefined }[];
  multiplier?: number;
  sub?: boolean;
}): CostRow {
  const unit: CostUnit = options.resource === "time" ? "seconds" : "bytes";
  const multiplier = options.multiplier ?? 1;
  const row: CostRow = {
    name: options.name,
    sub: options.sub ?? false,
    resource: options.resource,
    unit,
    model: options.model,
    measured: options.points.map((p) => p.value),
    measuredSize: options.points.map((p) => p.size),
    target: options.target,
    multiplier,
    notes: [],
  };
  const points = options.points.filter((p): p is CostPoint =>
    p.size !== undefined && p.value !== undefined && Number.isFinite(p.value)
  );
  if (points.length === 0) {
    row.notes.push("not measured");
    return row;
  }
  row.cost = fitCost(points, options.model);
  row.assessment = assessFit(row.cost, options.target);
  row.perUnit = extrapolate(row.cost, options.target);
  row.total = row.perUnit * multiplier;
  row.notes.push(...row.assessment.notes);
  if ((options.model.power ?? 1) > 1) {
    const linear = fitCost(points, { ...options.model, power: 1 });
    row.linearTotal = extrapolate(linear, options.target) * multiplier;
    row.notes.push(`linear in ${options.model.size}: ${formatCost(row.linearTotal, unit)}`);
  }
  return row;
}

function sumRow(
  resource: Resource,
  parts: readonly CostRow[],
  options: { name: string; results: readonly SizeResult[] },
): CostRow {
  const missing = parts.filter((p) => p.total === undefined).map((p) => p.name);
  return {
    name: options.name,
    sub: false,
    resource,
    unit: resource === "time" ? "seconds" : "bytes",
    measured: options.results.map((_, i) => {
      const values = parts.filter((p) => !p.sub).map((p) => p.measured[i]);
      return values.some((v) => v === undefined) ? undefined : values.reduce((s, v) => s! + v!, 0);
    }),
    measuredSize: options.results.map(() => undefined),
    multiplier: 1,
    total: parts.reduce((s, p) => s + (p.total ?? 0), 0),
    linearTotal: parts.some((p) => p.linearTotal !== undefined)
      ? parts.reduce((s, p) => s + (p.linearTotal ?? p.total ?? 0), 0)
      : undefined,
    notes: missing.length ? [`without ${missing.join(", ")} (not measured)`] : [],
  };
}

function maxRow(parts: readonly CostRow[], results: readonly SizeResult[]): CostRow {
  const top = parts.reduce<CostRow | undefined>(
    (best, p) => (p.total ?? -1) > (best?.total ?? -1) ? p : best,
    undefined,
  );
  return {
    name: "peak",
    sub: false,
    resource: "rss",
    unit: "bytes",
    measured: results.map((_, i) => {
      const values = parts.map((p) => p.measured[i]).filter((v) => v !== undefined);
      return values.length ? Math.max(...values as number[]) : undefined;
    }),
    measuredSize: results.map(() => undefined),
    multiplier: 1,
    total: top?.total,
    notes: top ? [`max over processes: ${top.name}`] : [],
  };
}
