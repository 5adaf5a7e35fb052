import { createRng } from "../stats/random.ts";

/** Split labels of concept pairs (`cross` = concepts in different sets, concept-disjoint only). */
export type PairSplit = "train" | "val" | "test" | "cross";

/** Concept pairs (i < j in canonical order) with their human similarity and two splits. */
export interface HumanPairs {
  /** First concept index (canonical order). */
  a: Int32Array;
  /** Second concept index (a < b). */
  b: Int32Array;
  /** Human similarity of the pair. */
  similarity: Float64Array;
  /** Split by pairs: a pair-level random split (a concept appears in every split). */
  split: PairSplit[];
  /** Concept-disjoint split: concepts are split first; pairs across sets are `cross`. */
  splitDisjoint: PairSplit[];
  /** Concept → its set in the concept-disjoint split. */
  conceptSet: Map<number, PairSplit>;
}

/** Fractions of the pair split (train gets the rest). */
export interface PairSplitOptions {
  /** Seed of the split. */
  seed: number;
  /** Share of validation pairs (default 0.1). */
  valFraction?: number;
  /** Share of test pairs (default 0.1). */
  testFraction?: number;
}

/**
 * All pairs among `concepts` (indices into the n×n `similarity` matrix, in canonical order) with
 * a seeded train/val/test split by pairs and a concept-disjoint alternative.
 */
export function makeHumanPairs(
  similarity: { data: Float64Array; n: number },
  concepts: number[],
  options: PairSplitOptions,
): HumanPairs {
  const valFraction = options.valFraction ?? 0.1;
  const testFraction = options.testFraction ?? 0.1;
  const sorted = [...concepts];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] <= sorted[i - 1]) {
      throw new RangeError("concepts must be increasing canonical indices");
    }
  }
  const m = sorted.length;
  const count = (m * (m - 1)) / 2;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const sim = new Float64Array(count);
  let p = 0;
  for (let x = 0; x < m; x++) {
    for (let y = x + 1; y < m; y++) {
      a[p] = sorted[x];
      b[p] = sorted[y];
      sim[p] = similarity.data[sorted[x] * similarity.n + sorted[y]];
      p++;
    }
  }
  const rng = createRng(options.seed, { label: "pair-split" });
  const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i));
  const nTest = Math.round(testFraction * count);
  const nVal = Math.round(valFraction * count);
  const split = new Array<PairSplit>(count);
  order.forEach((pairIndex, rank) => {
    split[pairIndex] = rank < nTest ? "test" : rank < nTest + nVal ? "val" : "train";
  });
  const conceptRng = createRng(options.seed, { label: "concept-disjoint-split" });
  const shuffled = conceptRng.shuffle([...sorted]);
  const cTest = Math.round(testFraction * m);
  const cVal = Math.round(valFraction * m);
  const conceptSet = new Map<number, PairSplit>();
  shuffled.forEach((c, rank) =>
    conceptSet.set(c, rank < cTest ? "test" : rank < cTest + cVal ? "val" : "train")
  );
  const splitDisjoint = new Array<PairSplit>(count);
  for (let i = 0; i < count; i++) {
    const sa = conceptSet.get(a[i])!;
    splitDisjoint[i] = sa === conceptSet.get(b[i]) ? sa : "cross";
  }
  return { a, b, similarity: sim, split, splitDisjoint, conceptSet };
}
