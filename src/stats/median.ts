/**
 * The median of a sample.
 *
 * @module
 */

/** Median of `values` (mean of the two middle values for an even count; NaN when empty). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
