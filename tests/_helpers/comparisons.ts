/** A `comparisons.arrow` row for constructed tables in tests. */
import type { ComparisonRow } from "../../src/report/mod.ts";

/** Options of {@link comparisonRow}. */
export interface ComparisonRowOptions {
  /** Model a (default `a`). */
  a?: string;
  /** Model b (default `b`). */
  b?: string;
  /** Relation (default `variant_vs_control`). */
  relation?: string;
  /** Holm-adjusted p (default 0.01). */
  pAdj?: number;
  /** The saturation flag; absent when undefined. */
  saturated?: boolean;
}

/**
 * A paired difference of `delta` (value_a = 0.5 + delta, value_b = 0.5) with interval `ci` on
 * the test subset, seed 7, 40 units; p = p_adj.
 */
export function comparisonRow(
  metric: string,
  delta: number,
  options: ComparisonRowOptions & { ci: [number, number] },
): ComparisonRow {
  const pAdj = options.pAdj ?? 0.01;
  return {
    model_a: options.a ?? "a",
    model_b: options.b ?? "b",
    relation: options.relation ?? "variant_vs_control",
    seed: 7,
    metric,
    subset: "test",
    value_a: 0.5 + delta,
    value_b: 0.5,
    delta,
    ci_low: options.ci[0],
    ci_high: options.ci[1],
    p: pAdj,
    p_adj: pAdj,
    n_units: 40,
    test: "fixture",
    ...(options.saturated === undefined ? {} : { saturated: options.saturated }),
  };
}
