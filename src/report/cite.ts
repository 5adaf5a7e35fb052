/**
 * Traceable text: every number written into the write-up goes through a {@link Citer}, which
 * formats it and records the table cell it came from, so each paragraph carries its sources.
 *
 * @module
 */
import { fmt, fmtInterval, fmtSigned } from "../figures/data.ts";
import { fmtCount, fmtP, fmtSignedInterval } from "./format.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import type { BenchmarkRow, ComparisonRow } from "./tables.ts";
import type { ModelSummaryRow } from "../tables/models.ts";

/** File of the benchmark table, as sources name it (`benchmark.arrow`). */
export const BENCHMARK_FILE = tableFile(TABLE.benchmark);
/** File of the comparison table, as sources name it (`comparisons.arrow`). */
export const COMPARISONS_FILE = tableFile(TABLE.comparisons);
/** File of the models table, as sources name it (`models.arrow`). */
export const MODELS_FILE = tableFile(TABLE.models);

/** The table cell behind one number in the text. */
export interface Source {
  /** Table file (`benchmark.arrow`). */
  table: string;
  /** Row selector (`model=baseline, metric=top1, subset=test, seed=7`). */
  row: string;
  /** Column read. */
  column: string;
  /** The cell's value. */
  value: number;
}

/** One paragraph of the write-up with the cells behind its numbers. */
export interface Paragraph {
  /** Plain text. */
  text: string;
  /** Table cells the numbers come from. */
  sources: Source[];
}

/** Formats numbers from table rows and records where each came from. */
export class Citer {
  /** Sources recorded since the last {@link Citer.paragraph}. */
  private sources: Source[] = [];

  /** A benchmark value (`0.639`). */
  value(row: BenchmarkRow, digits = 3): string {
    this.record(BENCHMARK_FILE, benchmarkKey(row), "value", row.value);
    return fmt(row.value, digits);
  }

  /** A benchmark value with its interval (`0.639 [0.600, 0.678]`). */
  valueCi(row: BenchmarkRow, digits = 3): string {
    const text = this.value(row, digits);
    if (row.ci_low === null || row.ci_high === null) return text;
    this.record(BENCHMARK_FILE, benchmarkKey(row), "ci_low", row.ci_low);
    this.record(BENCHMARK_FILE, benchmarkKey(row), "ci_high", row.ci_high);
    return `${text} ${fmtInterval(row.ci_low, row.ci_high, digits)}`;
  }

  /** A paired difference with interval (`Δ = +0.012 [+0.003, +0.021]`). */
  delta(row: ComparisonRow, options: { p?: boolean; label?: string } = {}): string {
    const key = comparisonKey(row);
    this.record(COMPARISONS_FILE, key, "delta", row.delta);
    this.record(COMPARISONS_FILE, key, "ci_low", row.ci_low);
    this.record(COMPARISONS_FILE, key, "ci_high", row.ci_high);
    let text = `${options.label ?? "Δ"} = ${fmtSigned(row.delta)} ${
      fmtSignedInterval(row.ci_low, row.ci_high)
    }`;
    if (options.p) {
      this.record(COMPARISONS_FILE, key, "p_adj", row.p_adj);
      text += `, ${fmtP(row.p_adj, "p_Holm")}`;
    }
    return text;
  }

  /** A numeric column of a models.arrow row. */
  model(row: ModelSummaryRow, column: keyof ModelSummaryRow & string, digits = 3): string {
    const value = Number(row[column]);
    this.record(MODELS_FILE, `model=${row.model}, seed=${row.seed}`, column, value);
    return column === "n_classes" ? fmtCount(value) : fmt(value, digits);
  }

  /** A count (`n`) of a benchmark row. */
  count(row: BenchmarkRow): string {
    this.record(BENCHMARK_FILE, benchmarkKey(row), "n", row.n);
    return fmtCount(row.n);
  }

  /** Record a cell read without writing it (a number that decided a word). */
  record(table: string, row: string, column: string, value: number): void {
    this.sources.push({ table, row, column, value });
  }

  /** Close a paragraph: returns the text with the sources recorded since the last one. */
  paragraph(text: string): Paragraph {
    const sources = this.sources;
    this.sources = [];
    return { text, sources };
  }
}

/** Row selector of a benchmark row. */
export function benchmarkKey(row: BenchmarkRow): string {
  return `model=${row.model}, metric=${row.metric}, subset=${row.subset}, seed=${row.seed}`;
}

/** Row selector of a comparison row. */
export function comparisonKey(row: ComparisonRow): string {
  return `model_a=${row.model_a}, model_b=${row.model_b}, metric=${row.metric}, ` +
    `subset=${row.subset}, seed=${row.seed}`;
}
