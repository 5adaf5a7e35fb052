/**
 * What the export's audit reports share: small descriptive statistics (counts by value and the
 * min / median / mean / max of a list of numbers), the counts a source table's metadata records,
 * and the audits as exported JSON files.
 *
 * @module
 */
import * as aq from "arquero";
import { percentile } from "../../stats/bootstrap.ts";
import { jsonText } from "./json.ts";
import type { ExportedFile } from "./plan.ts";
import type { Sources, SourceTable } from "./sources.ts";

/** Min, median (numpy's linear interpolation), mean and max; nulls when there are no values. */
export interface Spread {
  /** Smallest value. */
  min: number | null;
  /** Median. */
  median: number | null;
  /** Arithmetic mean. */
  mean: number | null;
  /** Largest value. */
  max: number | null;
}

/** {@link Spread} of `values` (finite numbers). */
export function spread(values: ArrayLike<number>): Spread {
  const n = values.length;
  if (n === 0) return { min: null, median: null, mean: null, max: null };
  let min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, median: percentile(values, 0.5), mean: sum / n, max };
}

/** Count of each distinct value, most frequent first (ties by value); null counts as `null`. */
export function countBy(values: ArrayLike<unknown>): Record<string, number> {
  const keys = Array.from(values, (v) => (v === null || v === undefined ? "null" : String(v)));
  const counts = aq.table({ key: keys }).groupby("key").count()
    .orderby(aq.desc("count"), "key").objects() as { key: string; count: number }[];
  return Object.fromEntries(counts.map((c) => [c.key, c.count]));
}

/** Values of `values` in `order` first, then the others sorted. */
export function ordered(values: Iterable<string>, order: readonly string[]): string[] {
  const set = new Set(values);
  return [...order.filter((v) => set.has(v)), ...[...set].filter((v) => !order.includes(v)).sort()];
}

/** The counts a source table's stage recorded in its metadata (`notes.counts`); null if none. */
export function metadataCounts(source: SourceTable): Record<string, number> | null {
  return (source.metadata.notes?.counts ?? null) as Record<string, number> | null;
}

/** An audit report computed from the export's source tables. */
export type AuditReport = (sources: Sources) => Record<string, unknown>;

/**
 * Audit reports as exported JSON files, in the order of `reports` (export path → report); their
 * `rows` are null.
 */
export function auditFiles(
  sources: Sources,
  reports: Readonly<Record<string, AuditReport>>,
): ExportedFile[] {
  return Object.entries(reports).map(([path, report]) => ({
    path,
    data: jsonText(report(sources)),
    rows: null,
  }));
}
