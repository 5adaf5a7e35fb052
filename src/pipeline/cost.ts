/**
 * The pipeline's cost model: least-squares fits `cost = a + b·x` of measured stage costs (wall
 * seconds, peak RSS, bytes written) against a size `x` (images, concepts, images trained per
 * epoch; optionally a power of it, optionally capped), their extrapolation to the real THINGS
 * set, the schedule arithmetic of the training configs (epochs × images per epoch), and plain
 * and Markdown tables. Pure functions: `deno task perf:scale` (perf/scale.ts) measures and
 * calls them; `deno task all --dry-run` can estimate from a saved model. See
 * docs/performance.md.
 *
 * @module
 */
import { formatBytes } from "../io/disk.ts";
import type { SamplerConfig, StageConfig } from "../train/config.ts";
import { formatSeconds } from "./progress.ts";

/** The real THINGS image set the study runs on (images_THINGS.zip) and its human data. */
export const THINGS = {
  /** Photos in images_THINGS.zip. */
  images: 26_107,
  /** Concepts (every one has photos; at least 12 each). */
  concepts: 1_854,
  /** Training triplets per anchor concept (`human` stage default). */
  tripletsPerAnchor: 20,
  /** Validation share per concept (THINGS split policy). */
  valFraction: 0.1,
  /** Test share per concept (THINGS split policy). */
  testFraction: 0.1,
} as const;

/** Wall-clock seconds of the seed project's CPU run of the baseline on THINGS. */
export const SEED_CPU_SECONDS = 157_743;

/** Goals for the THINGS profile on the 2-core CPU: the baseline and the whole pipeline. */
export const GOAL_SECONDS = { baseline: 2 * 3600, all: 12 * 3600 } as const;

/**
 * Trunk caches up to this size are held in memory, larger ones are read from their file by rows
 * (`DEFAULT_MEMORY_LIMIT` of src/train/trunk_cache.ts).
 */
export const TRUNK_MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;

/** A straight line fitted by least squares. */
export interface LinearFit {
  /** Intercept (the fixed cost). */
  a: number;
  /** Slope (the cost per unit of x). */
  b: number;
  /** Coefficient of determination (NaN when undefined: one distinct x). */
  r2: number;
  /** Standard error of the slope (NaN with fewer than three points or one distinct x). */
  seB: number;
  /** Number of points. */
  n: number;
  /** True when all points share one x: the line goes through the origin (b = ȳ/x̄, a = 0). */
  proportional: boolean;
}

/** Ordinary least squares of `y = a + b·x` (centred sums, so large x such as n³ stay exact). */
export function fitLinear(x: readonly number[], y: readonly number[]): LinearFit {
  if (x.length !== y.length) throw new Error(`fitLinear: ${x.length} x but ${y.length} y`);
  if (x.length === 0) throw new Error("fitLinear: no points");
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (!(sxx > 1e-12 * Math.max(1, mx * mx))) {
    return { a: 0, b: mx !== 0 ? my / mx : 0, r2: NaN, seB: NaN, n, proportional: true };
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) ssRes += (y[i] - a - b * x[i]) ** 2;
  const r2 = syy > 0 ? 1 - ssRes / syy : ssRes <= 1e-24 ? 1 : 0;
  const seB = n > 2 ? Math.sqrt(ssRes / (n - 2) / sxx) : NaN;
  return { a, b, r2, seB, n, proportional: false };
}

/** Which size a cost grows with. */
export type SizeName = "images" | "concepts" | "trainRows";

/** How a cost depends on its size: `a + b·min(size, capAt)^power`. */
export interface CostModel {
  /** The size. */
  size: SizeName;
  /** Exponent of the size (1 linear; 2 pairwise; 3 e.g. n×n matrix products). Default 1. */
  power?: number;
  /** The size stops mattering above this (e.g. a cache that is file-backed beyond a limit). */
  capAt?: number;
}

/** The regressor of a model at a size. */
export function costX(model: CostModel, size: number): number {
  const s = model.capAt !== undefined ? Math.min(size, model.capAt) : size;
  return s ** (model.power ?? 1);
}

/** A measured value at a size. */
export interface CostPoint {
  /** The size (images, concepts or trained rows; before the model's power and cap). */
  size: number;
  /** The measured cost. */
  value: number;
}

/** A fitted cost: the model, the points it was fitted to and the line. */
export interface CostFit {
  /** The model. */
  model: CostModel;
  /** The points (sizes before the power and cap). */
  points: CostPoint[];
  /** The line in the model's regressor. */
  fit: LinearFit;
}

/** Fit a cost model to measured points (non-finite values are left out). */
export function fitCost(points: readonly CostPoint[], model: CostModel): CostFit {
  const kept = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.size));
  if (kept.length === 0) throw new Error("fitCost: no finite points");
  return {
    model,
    points: kept.map((p) => ({ ...p })),
    fit: fitLinear(kept.map((p) => costX(model, p.size)), kept.map((p) => p.value)),
  };
}

/**
 * The fitted cost at a size. A negative slope (no growth measured, only noise) is taken as a
 * constant cost (the mean of the measured values); the result is never negative.
 */
export function extrapolate(cost: CostFit, size: number): number {
  const { fit, points } = cost;
  if (fit.b < 0) return Math.max(0, points.reduce((s, p) => s + p.value, 0) / points.length);
  return Math.max(0, fit.a + fit.b * costX(cost.model, size));
}

/** What to think of a fit and its extrapolation. */
export interface FitAssessment {
  /**
   * R² below the threshold while the slope matters over the measured range, or a slope within
   * two standard errors of zero (three or more sizes).
   */
  poor: boolean;
  /** The target's regressor over the largest measured one (how far the line is carried). */
  factor: number;
  /** Short notes: poor fit, constant, one size, far extrapolation, capped. */
  notes: string[];
}

/** Options of {@link assessFit}. */
export interface AssessOptions {
  /** R² below this is poor (default 0.9). */
  minR2?: number;
  /** Factors above this are noted as far extrapolations (default 100). */
  farFactor?: number;
}

/** Judge a fit: R², whether the cost grows at all, how far it is extrapolated to `target`. */
export function assessFit(
  cost: CostFit,
  target: number,
  options: AssessOptions = {},
): FitAssessment {
  const { fit, points, model } = cost;
  const minR2 = options.minR2 ?? 0.9;
  const xs = points.map((p) => costX(model, p.size));
  const maxX = Math.max(...xs);
  const factor = maxX > 0 ? costX(model, target) / maxX : Infinity;
  const notes: string[] = [];
  let poor = false;
  const mean = points.reduce((s, p) => s + p.value, 0) / points.length;
  if (fit.proportional) {
    notes.push("one size: proportional (an upper bound if there is a fixed part)");
  } else if (fit.b < 0) {
    notes.push("no growth measured: constant");
  } else {
    const span = fit.b * (maxX - Math.min(...xs));
    const matters = span > 0.1 * Math.abs(mean);
    if (!matters) {
      notes.push(
        factor > 10
          ? "≈ constant over the sizes: the slope is uncertain"
          : "≈ constant over the sizes",
      );
    }
    if (fit.r2 < minR2 && matters) {
      poor = true;
      notes.push(`poor fit (R² ${fit.r2.toFixed(2)})`);
    } else if (fit.b < 2 * fit.seB) {
      poor = true;
      notes.push("slope not resolved (< 2 standard errors)");
    }
  }
  if (model.capAt !== undefined && target > model.capAt) {
    notes.push(`size capped at ${Math.round(model.capAt).toLocaleString("en-US")}`);
  }
  if (factor > (options.farFactor ?? 100)) notes.push(`far extrapolation ×${formatFactor(factor)}`);
  return { poor, factor, notes };
}

function formatFactor(f: number): string {
  return f >= 100 ? Math.round(f).toLocaleString("en-US") : f.toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// Schedule arithmetic

/** Image counts of a set and its stratified splits. */
export interface SplitCounts {
  /** Images. */
  images: number;
  /** Concepts with images. */
  concepts: number;
  /** Training images. */
  train: number;
  /** Validation images. */
  val: number;
  /** Test images. */
  test: number;
}

/** `total` items spread as evenly as possible over `groups` (the first ones get one more). */
export function evenCounts(total: number, groups: number): number[] {
  const q = Math.floor(total / groups), r = total - q * groups;
  return Array.from({ length: groups }, (_, i) => q + (i < r ? 1 : 0));
}

/**
 * Split counts of the `stratified` policy (src/data/splits.ts): per concept with ≥ 3 images,
 * `max(1, round(f·n))` test and validation images, the rest train; smaller concepts train only.
 */
export function stratifiedCounts(
  perConcept: readonly number[],
  fractions: { val: number; test: number } = { val: THINGS.valFraction, test: THINGS.testFraction },
): SplitCounts {
  const out: SplitCounts = { images: 0, concepts: 0, train: 0, val: 0, test: 0 };
  for (const n of perConcept) {
    if (n <= 0) continue;
    const enough = n >= 3;
    const test = enough ? Math.max(1, Math.round(fractions.test * n)) : 0;
    const val = enough ? Math.max(1, Math.round(fractions.val * n)) : 0;
    out.images += n;
    out.concepts++;
    out.test += test;
    out.val += val;
    out.train += n - test - val;
  }
  return out;
}

/**
 * The THINGS splits, assuming the 26,107 photos spread evenly over the 1,854 concepts (14 or 15
 * each): 22,097 train, 2,005 val, 2,005 test. (The real counts vary per concept, at least 12;
 * the rounding of src/data/splits.ts gives about this many, not an exact 80/10/10.)
 */
export function thingsSplits(): SplitCounts {
  return stratifiedCounts(evenCounts(THINGS.images, THINGS.concepts));
}

/**
 * Expected number of distinct values covered by `groups` draws of `size` distinct values each
 * (uniform `size`-subsets of `n` values): n·(1 − (1 − size/n)^groups). With size 1, the distinct
 * values among independent uniform draws.
 */
export function expectedDistinct(n: number, groups: number, size = 1): number {
  if (n <= 0 || groups <= 0) return 0;
  return n * (1 - (1 - Math.min(size, n) / n) ** groups);
}

/** The part of a training config the schedule arithmetic needs. */
export interface ScheduleConfig {
  /** Batch sampler (after the profile section, as `effectiveConfig` returns it). */
  sampler: SamplerConfig;
  /** Stages (epochs are upper bounds: early stopping may end a stage sooner). */
  stages: Pick<StageConfig, "trainable" | "epochs">[];
  /** `--max-train-batches`, when set. */
  maxBatchesPerEpoch?: number;
}

/** Sizes of a set that fix how many images an epoch trains on. */
export interface EpochSizes {
  /** Training images. */
  train: number;
  /** Concepts with training images. */
  concepts: number;
  /** Training triplets whose three concepts have training images. */
  triplets: number;
}

/**
 * Images one training epoch passes through the trained part (forward and backward), as
 * src/train/sampler.ts draws them: every training image once (shuffle, concepts samplers), or
 * for the triplet-concepts sampler min(maxBatches, ⌈triplets / tripletsPerBatch⌉) batches of
 * `imagesPerConcept` images of each distinct concept of the batch's triplets (the expected count
 * for triplets of uniformly drawn concepts). `--max-train-batches` caps the batches.
 */
export function trainedRowsPerEpoch(config: ScheduleConfig, sizes: EpochSizes): number {
  const s = config.sampler;
  const cap = config.maxBatchesPerEpoch ?? Infinity;
  if (s.kind === "shuffle") return Math.min(sizes.train, cap * s.batchSize);
  if (s.kind === "concepts") {
    return Math.min(sizes.train, cap * s.conceptsPerBatch * s.imagesPerConcept);
  }
  const batches = Math.min(s.maxBatches, cap, Math.ceil(sizes.triplets / s.tripletsPerBatch));
  const concepts = expectedDistinct(sizes.concepts, s.tripletsPerBatch, 3);
  return batches * s.imagesPerConcept * concepts;
}

/** Epochs of a schedule by what they train: the head only, or the top (ResNet-50 layer4) too. */
export function scheduleEpochs(config: ScheduleConfig): { head: number; top: number } {
  const out = { head: 0, top: 0 };
  for (const stage of config.stages) {
    if (stage.trainable === "head") out.head += stage.epochs;
    else out.top += stage.epochs;
  }
  return out;
}

/** Training work of a schedule: epochs × images per epoch, head-only and top epochs apart. */
export function scheduleWork(
  config: ScheduleConfig,
  sizes: EpochSizes,
): { rowsPerEpoch: number; head: number; top: number } {
  const rowsPerEpoch = trainedRowsPerEpoch(config, sizes);
  const epochs = scheduleEpochs(config);
  return { rowsPerEpoch, head: epochs.head * rowsPerEpoch, top: epochs.top * rowsPerEpoch };
}

/** The epoch sizes of the real THINGS set (even split; every triplet usable). */
export function thingsEpochSizes(): EpochSizes {
  const splits = thingsSplits();
  return {
    train: splits.train,
    concepts: THINGS.concepts,
    triplets: THINGS.concepts * THINGS.tripletsPerAnchor,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Unit of a cost. */
export type CostUnit = "seconds" | "bytes";

/** A cost for people: `12.3 s`, `3m05s`, `2h01m`; `1.25 GB`. */
export function formatCost(value: number, unit: CostUnit): string {
  if (!Number.isFinite(value)) return "—";
  if (unit === "bytes") return formatBytes(Math.round(value));
  return value < 60 ? `${value.toFixed(value < 10 ? 2 : 1)} s` : formatSeconds(value);
}

/** Whether a cell was measured or comes from a fit. */
export type CellKind = "measured" | "extrapolated";

/** A table cell marked `(m)` measured or `(e)` extrapolated; `—` when missing. */
export function formatCell(
  value: number | undefined,
  options: { unit: CostUnit; kind: CellKind },
): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  return `${formatCost(value, options.unit)} (${options.kind === "measured" ? "m" : "e"})`;
}

const SIZE_LABEL: Record<SizeName, string> = {
  images: "image",
  concepts: "concept",
  trainRows: "trained image",
};

/** A slope in readable units: `13.2 ms`, `4.1 µs`, `802.8 kB`, `3.2e-9 s`. */
export function formatRate(value: number, unit: CostUnit): string {
  if (!Number.isFinite(value)) return "—";
  const v = Math.abs(value), sign = value < 0 ? "−" : "";
  if (unit === "bytes") {
    return v >= 1 ? sign + formatBytes(Math.round(v)) : `${value.toExponential(1)} B`;
  }
  if (v === 0) return "0 s";
  if (v >= 1) return `${sign}${v.toFixed(v < 10 ? 2 : 1)} s`;
  if (v >= 1e-3) return `${sign}${(v * 1e3).toFixed(v < 1e-2 ? 2 : 1)} ms`;
  if (v >= 1e-6) return `${sign}${(v * 1e6).toFixed(v < 1e-5 ? 2 : 1)} µs`;
  return `${value.toExponential(1)} s`;
}

/** The fitted line in words: `2.10 s + 13.2 ms/image`, `0.5 s + 4.1 µs/concept²`. */
export function formatFit(cost: CostFit, unit: CostUnit): string {
  const { fit, model } = cost;
  const power = model.power ?? 1;
  const per = `/${SIZE_LABEL[model.size]}${power === 2 ? "²" : power === 3 ? "³" : ""}`;
  if (fit.proportional) return `${formatRate(fit.b, unit)}${per}`;
  return `${formatCost(fit.a, unit)} + ${formatRate(fit.b, unit)}${per}`;
}

/** A table as aligned plain text (`markdown: false`) or as a Markdown table. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { markdown?: boolean } = {},
): string {
  const esc = (r: readonly string[]) =>
    options.markdown ? r.map((cell) => cell.replaceAll("|", "\\|")) : [...r];
  const head = esc(header);
  const body = rows.map(esc);
  const all = [head, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? "")].length)));
  const pad = (cell: string, c: number) => cell + " ".repeat(widths[c] - [...cell].length);
  if (options.markdown) {
    const line = (r: readonly string[]) => `| ${r.map((cell, c) => pad(cell, c)).join(" | ")} |`;
    return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)]
      .join("\n");
  }
  const line = (r: readonly string[]) => r.map((cell, c) => pad(cell, c)).join("  ").trimEnd();
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
