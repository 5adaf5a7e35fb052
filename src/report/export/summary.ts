/**
 * Small descriptive statistics for the export's audit reports: counts by value and the
 * min / median / mean / max of a list of numbers.
 *
 * @module
 */
import * as aq from "arquero";
import { percentile } from "../../stats/bootstrap.ts";

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
