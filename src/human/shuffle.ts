import { createRng } from "../stats/random.ts";

/**
 * Control triplets: the same anchors in the same rows (so every anchor keeps its frequency), with
 * the positive and the negative columns each permuted across rows (so every concept also keeps its
 * frequency as a positive and as a negative). Rows where a permuted partner collides with the
 * anchor or with the other partner are repaired by swapping with another row. Deterministic.
 */
export function shuffleTripletPartners(
  triplets: { anchor: Int32Array; positive: Int32Array; negative: Int32Array },
  options: { seed: number },
): { anchor: Int32Array; positive: Int32Array; negative: Int32Array } {
  const n = triplets.anchor.length;
  const rng = createRng(options.seed, { label: "shuffled-triplets" });
  const anchor = triplets.anchor.slice();
  const positive = rng.shuffle(triplets.positive.slice());
  const negative = rng.shuffle(triplets.negative.slice());
  const valid = (r: number) =>
    positive[r] !== anchor[r] && negative[r] !== anchor[r] && positive[r] !== negative[r];
  for (let r = 0; r < n; r++) {
    let attempts = 0;
    while (!valid(r)) {
      if (++attempts > 100 * n + 1000) {
        throw new Error("cannot shuffle triplet partners without collisions");
      }
      const s = rng.int(n);
      const column = positive[r] === anchor[r] || positive[r] === negative[r] ? positive : negative;
      const tmp = column[r];
      column[r] = column[s];
      column[s] = tmp;
      if (!valid(s)) {
        column[s] = column[r];
        column[r] = tmp;
      }
    }
  }
  return { anchor, positive, negative };
}

/**
 * Control matrix: concept labels permuted among `concepts` (the ones with images); other concepts
 * keep their rows. Returns the shuffled n×n matrix and the permutation (`source[i]` = the concept
 * whose row/column now sits at i).
 */
export function shuffleMatrixLabels(
  matrix: { data: Float64Array; n: number },
  concepts: number[],
  options: { seed: number },
): { data: Float64Array; source: Int32Array } {
  const { n, data } = matrix;
  const rng = createRng(options.seed, { label: "shuffled-matrix" });
  const source = Int32Array.from({ length: n }, (_, i) => i);
  const permuted = rng.shuffle([...concepts]);
  concepts.forEach((c, k) => (source[c] = permuted[k]));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const si = source[i] * n;
    const oi = i * n;
    for (let j = 0; j < n; j++) out[oi + j] = data[si + source[j]];
  }
  return { data: out, source };
}
