/**
 * The headline result table of the Overview page (the seed's "Current Results Snapshot"
 * columns): one row per model, every cell a benchmark value with its interval.
 *
 * @module
 */
import { modelStyle, sortModels } from "../figures/palette.ts";
import { SPOSE49 } from "../models/registry.ts";
import { benchmarkValue } from "./findings.ts";
import type { ReportTables } from "./tables.ts";
import { reportSeed } from "./writeup.ts";

/** One headline column: where its cells come from. */
export interface HeadlineColumn {
  /** Column id. */
  key: string;
  /** Header text. */
  label: string;
  /** Benchmark metric (or `head_top1` from models.arrow). */
  metric: string;
  /** Benchmark subset. */
  subset: string;
}

/** One cell of the headline table. */
export interface HeadlineCell {
  /** Value (null where the model has none, e.g. the ImageNet backbone's head). */
  value: number | null;
  /** 95% interval low. */
  ci_low: number | null;
  /** 95% interval high. */
  ci_high: number | null;
}

/** One model's row. */
export interface HeadlineRow {
  /** Model key. */
  model: string;
  /** Display label. */
  label: string;
  /** Colour from the shared palette. */
  color: string;
  /** Kind (image-only, human-informed, control, …). */
  kind: string;
  /** Cells by column key. */
  cells: Record<string, HeadlineCell>;
  /** The seed's published value by column key (THINGS profile; absent elsewhere). */
  reference?: Record<string, number>;
}

/** The headline table. */
export interface Headline {
  /** Columns in order. */
  columns: HeadlineColumn[];
  /** Rows in display order. */
  rows: HeadlineRow[];
  /** Seed shown. */
  seed: number | null;
  /** What the rows' `reference` values are and where they come from (THINGS profile). */
  reference?: { label: string; source: string };
}

/** The seed's snapshot columns. */
export const HEADLINE_COLUMNS: readonly HeadlineColumn[] = [
  { key: "head_top1", label: "Test top-1 (head)", metric: "head_top1", subset: "test" },
  { key: "top1", label: "Nearest-prototype top-1", metric: "top1", subset: "test" },
  { key: "retrieval1", label: "Retrieval@1", metric: "retrieval@1", subset: "test" },
  // few-shot (1 / 5 training images per concept; nearest centroid, and a linear probe on the same
  // draws) and out of distribution
  { key: "fewshot1", label: "1-shot top-1 (centroid)", metric: "fewshot1_top1", subset: "test" },
  {
    key: "fewshot1_probe",
    label: "1-shot top-1 (probe)",
    metric: "fewshot1_probe_top1",
    subset: "test",
  },
  { key: "fewshot5", label: "5-shot top-1 (centroid)", metric: "fewshot5_top1", subset: "test" },
  {
    key: "fewshot5_probe",
    label: "5-shot top-1 (probe)",
    metric: "fewshot5_probe_top1",
    subset: "test",
  },
  { key: "ood_top1", label: "OOD top-1", metric: "top1", subset: "stress" },
  { key: "ood_retrieval1", label: "OOD retrieval@1", metric: "retrieval@1", subset: "stress" },
  { key: "human_pair_rho", label: "Human-pair ρ", metric: "human_pair_rho", subset: "test" },
  {
    key: "object_properties_rho",
    label: "Object-properties ρ",
    metric: "object_properties_rho",
    subset: "mean_over_targets",
  },
  // external human RSA: the 48-object behavioural RDM (Hebart et al. 2020), not SPoSE
  { key: "rdm48_rsa", label: "RDM48 RSA", metric: "rdm48_rsa_spearman", subset: "rdm48" },
];

/**
 * Build the headline table from the benchmark (seed of the report; SPoSE last). A column no model
 * has a value for is left out (e.g. RDM48 RSA when fewer than 3 of its concepts have images, or
 * in a benchmark table written before the metric).
 */
export function headlineTable(tables: ReportTables): Headline {
  const seed = reportSeed(tables);
  const models = sortModels(tables.benchmark.map((r) => r.model));
  const rows: HeadlineRow[] = [];
  for (const model of models) {
    const rowSeed = model === SPOSE49 ? null : seed;
    const cells: Record<string, HeadlineCell> = {};
    for (const column of HEADLINE_COLUMNS) {
      const row = benchmarkValue(tables.benchmark, model, column.metric, column.subset, rowSeed);
      cells[column.key] = row
        ? { value: row.value, ci_low: row.ci_low, ci_high: row.ci_high }
        : { value: null, ci_low: null, ci_high: null };
    }
    if (Object.values(cells).every((c) => c.value === null)) continue;
    const style = modelStyle(model);
    const reference = tables.seedReference?.values[model];
    rows.push({
      model,
      label: style.label,
      color: style.color,
      kind: style.kind,
      cells,
      ...(reference ? { reference } : {}),
    });
  }
  const ref = tables.seedReference;
  const columns = HEADLINE_COLUMNS.filter((c) => rows.some((r) => r.cells[c.key].value !== null));
  for (const row of rows) {
    for (const key of Object.keys(row.cells)) {
      if (!columns.some((c) => c.key === key)) delete row.cells[key];
    }
  }
  return {
    columns,
    rows,
    seed,
    ...(ref ? { reference: { label: ref.label, source: ref.source } } : {}),
  };
}
