/** Random test inputs from a seeded generator. */
import type { Matrix } from "../../src/metrics/types.ts";
import type { Rng } from "../../src/stats/random.ts";

/** A standard normal draw (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A rows × cols matrix of standard normal entries. */
export function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  return { data: Float64Array.from({ length: rows * cols }, () => gaussian(rng)), rows, cols };
}
