import { createRng } from "../stats/random.ts";

/** Training triplets: an image of `anchor` should be nearer `positive` than `negative`. */
export interface TrainingTriplets {
  /** Anchor concept (canonical index). */
  anchor: Int32Array;
  /** The human-similar concept. */
  positive: Int32Array;
  /** The human-dissimilar (odd) concept. */
  negative: Int32Array;
  /** Human similarity anchor–positive. */
  simPositive: Float64Array;
  /** Human similarity anchor–negative. */
  simNegative: Float64Array;
}

/** Options of {@link deriveTrainingTriplets}. */
export interface DeriveTripletsOptions {
  /** Seed of the sampling. */
  seed: number;
  /** Triplets sampled per anchor concept (default 20). */
  perAnchor?: number;
  /** Positives come from this top share of an anchor's train partners (default 0.25). */
  positiveQuantile?: number;
  /** Negatives come from this bottom share of an anchor's train partners (default 0.5). */
  negativeQuantile?: number;
}

/**
 * Derive training triplets from train pairs only (so no val/test pair leaks into training): for
 * each anchor, rank its train partners by human similarity; sample positives uniformly from the
 * top quantile and negatives from the bottom quantile; a triplet is kept only when the positive is
 * strictly more similar than the negative. Anchors are visited in canonical order.
 */
export function deriveTrainingTriplets(
  pairs: { a: Int32Array; b: Int32Array; similarity: Float64Array; split: string[] },
  options: DeriveTripletsOptions,
): TrainingTriplets {
  const perAnchor = options.perAnchor ?? 20;
  const posQ = options.positiveQuantile ?? 0.25;
  const negQ = options.negativeQuantile ?? 0.5;
  const partners = new Map<number, { c: number; s: number }[]>();
  const add = (x: number, y: number, s: number) => {
    const list = partners.get(x);
    if (list) list.push({ c: y, s });
    else partners.set(x, [{ c: y, s }]);
  };
  for (let i = 0; i < pairs.a.length; i++) {
    if (pairs.split[i] !== "train") continue;
    add(pairs.a[i], pairs.b[i], pairs.similarity[i]);
    add(pairs.b[i], pairs.a[i], pairs.similarity[i]);
  }
  const rng = createRng(options.seed, { label: "training-triplets" });
  const anchor: number[] = [], positive: number[] = [], negative: number[] = [];
  const simP: number[] = [], simN: number[] = [];
  for (const x of [...partners.keys()].sort((p, q) => p - q)) {
    const list = partners.get(x)!.sort((p, q) => q.s - p.s || p.c - q.c);
    const nPos = Math.max(1, Math.floor(posQ * list.length));
    const nNeg = Math.max(1, Math.floor(negQ * list.length));
    if (list.length < 2) continue;
    for (let t = 0; t < perAnchor; t++) {
      const p = list[rng.int(nPos)];
      const n = list[list.length - 1 - rng.int(nNeg)];
      if (!(p.s > n.s)) continue;
      anchor.push(x);
      positive.push(p.c);
      negative.push(n.c);
      simP.push(p.s);
      simN.push(n.s);
    }
  }
  return {
    anchor: Int32Array.from(anchor),
    positive: Int32Array.from(positive),
    negative: Int32Array.from(negative),
    simPositive: Float64Array.from(simP),
    simNegative: Float64Array.from(simN),
  };
}
