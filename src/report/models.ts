/**
 * Model cards: one per model, from `models.arrow`, the training tables (epochs, config, backbone,
 * backend) and `aligned/*.arrow` (post-hoc and distilled models): how it was trained, backend, seed and
 * hyperparameters.
 *
 * @module
 */
import { modelStyle, sortModels } from "../figures/palette.ts";
import { IMAGENET, SPOSE49 } from "../models/registry.ts";
import { ALIGNED_DIR, TRAINING_DIR } from "../tables/names.ts";
import { BENCHMARK_FILE } from "./cite.ts";
import type { ReportTables, TrainingRun } from "./tables.ts";
import type { ModelSummaryRow } from "../tables/models.ts";

/** One hyperparameter (flattened config path → value). */
export interface Hyperparameter {
  /** Dotted path in the config (`stages.0.learningRate`). */
  key: string;
  /** Value as text. */
  value: string;
}

/** A training schedule stage as run. */
export interface StageSummary {
  /** Stage name. */
  name: string;
  /** Epochs run. */
  epochs: number;
  /** Last epoch's train top-1. */
  train_top1: number | null;
  /** Last epoch's validation top-1. */
  val_top1: number | null;
  /** Last epoch's mean total loss. */
  loss_total: number | null;
  /** Seconds in the stage. */
  seconds: number;
}

/** One model card. */
export interface ModelCard {
  /** Model key. */
  model: string;
  /** Display label. */
  label: string;
  /** Colour. */
  color: string;
  /** Kind. */
  kind: string;
  /** How it was made (config description or a fixed text for untrained rows). */
  description: string;
  /** Seed (null for the SPoSE reference). */
  seed: number | null;
  /** Backend that trained/embedded it. */
  backend: string | null;
  /** Backbone description. */
  backbone: string | null;
  /** Initialisation. */
  init: string | null;
  /** Matched variant (for controls). */
  control_of: string | null;
  /** Head top-1 on test / val / stress and chance (models.arrow). */
  accuracy: {
    test: number | null;
    val: number | null;
    stress: number | null;
    chance: number | null;
  };
  /** Stages as run (from the training table). */
  stages: StageSummary[];
  /** Wall-clock training seconds (the run's timings, else the sum of its epochs' seconds). */
  train_seconds: number | null;
  /** Flattened hyperparameters. */
  hyperparameters: Hyperparameter[];
  /** The training table file the card read, if any. */
  source: string | null;
}

/** Flatten a JSON config into dotted keys (arrays by index), skipping `description`. */
export function flattenConfig(value: unknown, prefix = ""): Hyperparameter[] {
  if (value === null || typeof value !== "object") {
    return prefix ? [{ key: prefix, value: String(value) }] : [];
  }
  const out: Hyperparameter[] = [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (k === "description" || k === "name") continue;
    out.push(...flattenConfig(v, prefix ? `${prefix}.${k}` : k));
  }
  return out;
}

function stageSummaries(run: TrainingRun | undefined): StageSummary[] {
  if (!run) return [];
  const stages: StageSummary[] = [];
  for (const epoch of run.epochs) {
    let stage = stages.find((s) => s.name === epoch.stage);
    if (!stage) {
      stage = {
        name: epoch.stage,
        epochs: 0,
        train_top1: null,
        val_top1: null,
        loss_total: null,
        seconds: 0,
      };
      stages.push(stage);
    }
    stage.epochs++;
    stage.train_top1 = epoch.train_top1;
    stage.val_top1 = epoch.val_top1;
    stage.loss_total = epoch.loss_total;
    stage.seconds += epoch.seconds;
  }
  return stages;
}

/** How the reference rows without training were made, by model key. */
const REFERENCE_DESCRIPTIONS: Record<string, string> = {
  [IMAGENET]: "The ImageNet-pretrained backbone without any THINGS training: its pooled " +
    "penultimate features, the reference point every trained model is compared with.",
  [SPOSE49]: "SPoSE-49, the 49-dimensional human embedding learned from odd-one-out judgments " +
    "(Hebart et al. 2020). A reference row: the human similarity itself comes from it, so its " +
    "human-alignment values are circular.",
};

/** A card's accuracy when no classifier head was evaluated. */
function noAccuracy(): ModelCard["accuracy"] {
  return { test: null, val: null, stress: null, chance: null };
}

/** Build one card per model (models.arrow rows, post-hoc models, the SPoSE reference). */
export function modelCards(tables: ReportTables): ModelCard[] {
  const cards: ModelCard[] = [];
  const keys = sortModels([
    ...tables.models.map((m) => m.model),
    ...(tables.aligned ?? []).map((r) => String(r.model)),
    ...tables.benchmark.map((r) => r.model),
  ]);
  for (const model of keys) {
    const rows = tables.models.filter((m) => m.model === model);
    const aligned = tables.aligned?.filter((r) => r.model === model) ?? [];
    if (rows.length) {
      cards.push(...rows.map((row) => trainedCard(tables, row)));
    } else if (aligned.length) {
      cards.push(...aligned.map((row) => alignedCard(tables, row)));
    } else if (REFERENCE_DESCRIPTIONS[model]) {
      cards.push(referenceCard(model));
    }
  }
  return cards;
}

/** The label, colour and kind of a card, from the palette. */
function cardStyle(model: string): Pick<ModelCard, "model" | "label" | "color" | "kind"> {
  const style = modelStyle(model);
  return { model, label: style.label, color: style.color, kind: style.kind };
}

/** The card of one models.arrow row, with its training run (config, stages, backbone). */
function trainedCard(tables: ReportTables, row: ModelSummaryRow): ModelCard {
  const { model } = row;
  const run = tables.training.find((t) => t.model === model && t.seed === row.seed);
  const config = parseConfig(row.config) ??
    (run?.metadata.options?.config as Record<string, unknown> | undefined);
  const notes = run?.metadata.notes?.summary as Record<string, unknown> | undefined;
  const options = run?.metadata.options ?? {};
  const epochs = run?.epochs ?? [];
  return {
    ...cardStyle(model),
    description: String(config?.description ?? REFERENCE_DESCRIPTIONS[model] ?? ""),
    seed: row.seed,
    backend: row.backend ?? null,
    backbone: options.backbone_spec
      ? String(options.backbone_spec)
      : options.backbone
      ? String(options.backbone)
      : null,
    init: row.init,
    control_of: row.control_of,
    accuracy: {
      test: row.test_top1,
      val: row.val_top1,
      stress: row.stress_top1,
      chance: row.chance,
    },
    stages: stageSummaries(run),
    train_seconds: typeof run?.timings.train_seconds === "number"
      ? run.timings.train_seconds
      : typeof notes?.train_seconds === "number" // logs of older versions
      ? notes.train_seconds
      : epochs.length && epochs.every((e) => Number.isFinite(e.seconds))
      ? epochs.reduce((s, e) => s + e.seconds, 0)
      : null,
    hyperparameters: config ? flattenConfig(config) : [],
    source: run ? `${TRAINING_DIR}/${run.file}` : null,
  };
}

/** The card of one row of an `aligned/` registry: its method, source and chosen fit. */
function alignedCard(tables: ReportTables, row: Record<string, unknown>): ModelCard {
  const registry = String(row.registry ?? ALIGNED_DIR);
  const options = tables.alignedMetadata?.[registry]?.options ?? {};
  const { model: _m, seed: _s, registry: _r, log: _l, grid: _g, control_of: _c, ...fit } = row;
  return {
    ...cardStyle(String(row.model)),
    description: alignedDescription(row),
    seed: typeof row.seed === "number" ? row.seed : null,
    backend: null,
    backbone: null,
    init: String(row.source ?? ""),
    control_of: row.control_of == null ? null : String(row.control_of),
    accuracy: noAccuracy(),
    stages: [],
    train_seconds: null,
    hyperparameters: [
      ...flattenConfig(fit),
      ...flattenConfig(options, "search"),
    ],
    source: registry,
  };
}

/**
 * How an aligned model was made, from its registry row: a row that names a teacher is a distilled
 * student, any other a transform of its source's features (no method is named here).
 */
function alignedDescription(row: Record<string, unknown>): string {
  const distilled = row.teacher != null;
  return distilled
    ? `${row.method} student: ${row.source ?? "the baseline"} fine-tuned to match the ` +
      `triplet choices of a ${
        row.teacher_transform === "aligned" ? "human-aligned" : "untransformed"
      } ${row.teacher ?? ""} teacher (${row.sampling ?? ""} triplets, ${
        String(row.loss ?? "kl").toUpperCase()
      }, decay to init); temperatures chosen on validation triplets.`
    : `${row.method ?? "Post-hoc"} transform fitted on the features of ` +
      `${row.source ?? "the baseline"} (no network retraining); selected on validation ` +
      `triplets.`;
}

/** The card of a reference row without training (ImageNet features, SPoSE-49). */
function referenceCard(model: string): ModelCard {
  return {
    ...cardStyle(model),
    description: REFERENCE_DESCRIPTIONS[model],
    seed: null,
    backend: null,
    backbone: null,
    init: null,
    control_of: null,
    accuracy: noAccuracy(),
    stages: [],
    train_seconds: null,
    hyperparameters: [],
    source: BENCHMARK_FILE,
  };
}

function parseConfig(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
