/**
 * Multiple-comparison adjustments of p-values.
 *
 * @module
 */

/**
 * Holm's step-down adjustment (family-wise error rate). Returns adjusted p-values in the input
 * order: sorted ascending, `p_(j)` becomes `max_{k ≤ j} min(1, (m - k + 1) p_(k))`, so the
 * adjusted values are monotone in the raw ones and capped at 1.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = sortedOrder(pValues, "holm");
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    running = Math.max(running, Math.min(1, (m - k) * pValues[i]));
    adjusted[i] = running;
  }
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (false discovery rate). Returns adjusted p-values in the
 * input order: sorted ascending, `p_(j)` becomes `min_{k ≥ j} min(1, m p_(k) / k)`.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = sortedOrder(pValues, "benjaminiHochberg");
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    running = Math.min(running, (m * pValues[i]) / (k + 1));
    adjusted[i] = running;
  }
  return adjusted;
}

function sortedOrder(pValues: readonly number[], name: string): number[] {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p-value ${i} is not in [0, 1]: ${p}`);
  });
  return pValues.map((_, i) => i).sort((x, y) => pValues[x] - pValues[y] || x - y);
}
