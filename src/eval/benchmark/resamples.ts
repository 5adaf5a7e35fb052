/**
 * The concept draws of the benchmark's bootstrap, drawn once and shared by every metric and
 * model: the same draws `pairedBootstrap` makes for a seed (generator label
 * `paired-bootstrap`, `nUnits` draws per resample), stored as per-concept multiplicities, and
 * the percentile interval `pairedBootstrap` forms from the resampled values.
 *
 * @module
 */
import { percentileSorted } from "../../stats/bootstrap.ts";
import { createRng } from "../../stats/random.ts";

/** Concept multiplicities of every bootstrap resample. */
export interface ConceptResamples {
  /** Number of resamples. */
  resamples: number;
  /** Number of concepts. */
  size: number;
  /** Multiplicities of resample r: `rows[r][c]` = times concept c was drawn. */
  rows: Float64Array[];
}

/** Draw the resamples of {@link ConceptResamples} (identical to `pairedBootstrap`'s draws). */
export function conceptResamples(
  size: number,
  options: { seed: number; resamples: number },
): ConceptResamples {
  const { seed, resamples } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`conceptResamples: size must be a positive integer, got ${size}`);
  }
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new RangeError(`conceptResamples: resamples must be an integer >= 2, got ${resamples}`);
  }
  const rng = createRng(seed, { label: "paired-bootstrap" });
  const counts = new Float64Array(resamples * size);
  const rows: Float64Array[] = [];
  for (let r = 0; r < resamples; r++) {
    const row = counts.subarray(r * size, (r + 1) * size);
    for (let i = 0; i < size; i++) row[rng.int(size)]++;
    rows.push(row);
  }
  return { resamples, size, rows };
}

/**
 * Percentile interval of resampled values as `pairedBootstrap` forms it: non-finite values are
 * left out, numpy's linear interpolation; throws when fewer than 2 values are finite.
 */
export function percentileInterval(values: Float64Array, alpha = 0.05): [number, number] {
  const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (finite.length < 2) {
    throw new RangeError(
      `pairedBootstrap: only ${finite.length} of ${values.length} resampled statistics are finite`,
    );
  }
  return [percentileSorted(finite, alpha / 2), percentileSorted(finite, 1 - alpha / 2)];
}

/** A metric's value under every resample's weights. */
export function resampleValues(
  evaluate: (w: Float64Array) => number,
  draws: ConceptResamples,
): Float64Array {
  const out = new Float64Array(draws.resamples);
  for (let r = 0; r < draws.resamples; r++) out[r] = evaluate(draws.rows[r]);
  return out;
}
