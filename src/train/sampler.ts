/**
 * Batch samplers. Every epoch's batches are a pure function of (seed, epoch), so a resumed run
 * draws exactly the batches an uninterrupted run would.
 */
import { createRng, type Rng } from "../stats/random.ts";
import type { SamplerConfig } from "./config.ts";
import type { TrainData, TripletRows } from "./dataset.ts";

/** A batch: image rows, plus the triplets drawn for it (concept indices) where the sampler makes them. */
export interface Batch {
  rows: Int32Array;
  triplets?: TripletRows;
}

/** Options of {@link epochBatches}. */
export interface SamplerOptions {
  /** Seed of the run. */
  seed: number;
  /** Global epoch number (0-based). */
  epoch: number;
  /** Training triplets (needed by the triplet-concepts sampler). */
  triplets?: TripletRows;
}

/** The batches of one epoch over the training rows. */
export function epochBatches(
  data: TrainData,
  sampler: SamplerConfig,
  options: SamplerOptions,
): Batch[] {
  const rng = createRng(options.seed, { label: `epoch-${options.epoch}` });
  const train = data.rows.train;
  if (sampler.kind === "shuffle") {
    const order = rng.shuffle(Int32Array.from(train));
    const batches: Batch[] = [];
    for (let i = 0; i < order.length; i += sampler.batchSize) {
      batches.push({ rows: order.slice(i, i + sampler.batchSize) });
    }
    return batches;
  }
  const byConcept = trainRowsByConcept(data);
  if (sampler.kind === "concepts") return conceptBatches(byConcept, sampler, rng);
  return tripletConceptBatches(byConcept, sampler, { rng, triplets: options.triplets });
}

/**
 * The concepts sampler: every training image once per epoch, in groups of `imagesPerConcept`
 * images of one concept; groups are shuffled and packed into batches of distinct concepts.
 */
function conceptBatches(
  byConcept: Map<number, number[]>,
  sampler: Extract<SamplerConfig, { kind: "concepts" }>,
  rng: Rng,
): Batch[] {
  const groups: { concept: number; rows: number[] }[] = [];
  for (const [concept, rows] of byConcept) {
    const shuffled = rng.shuffle([...rows]);
    for (let i = 0; i < shuffled.length; i += sampler.imagesPerConcept) {
      groups.push({ concept, rows: shuffled.slice(i, i + sampler.imagesPerConcept) });
    }
  }
  rng.shuffle(groups);
  const batches: Batch[] = [];
  let pending = groups;
  while (pending.length) {
    const used = new Set<number>();
    const rows: number[] = [];
    const rest: typeof groups = [];
    for (const g of pending) {
      if (used.size < sampler.conceptsPerBatch && !used.has(g.concept)) {
        used.add(g.concept);
        rows.push(...g.rows);
      } else rest.push(g);
    }
    batches.push({ rows: Int32Array.from(rows) });
    pending = rest;
  }
  return batches;
}

/**
 * The triplet-concepts sampler: draw triplets whose concepts all have training images, then
 * `imagesPerConcept` images of each of their concepts.
 */
function tripletConceptBatches(
  byConcept: Map<number, number[]>,
  sampler: Extract<SamplerConfig, { kind: "triplet-concepts" }>,
  options: { rng: Rng; triplets?: TripletRows },
): Batch[] {
  const { rng } = options;
  const t = options.triplets;
  if (!t) throw new Error("the triplet-concepts sampler needs training triplets");
  const usable: number[] = [];
  for (let i = 0; i < t.anchor.length; i++) {
    if (
      byConcept.has(t.anchor[i]) && byConcept.has(t.positive[i]) && byConcept.has(t.negative[i])
    ) usable.push(i);
  }
  if (usable.length === 0) {
    throw new Error("no training triplet has training images for all three concepts");
  }
  // one pass over the usable triplets per epoch, capped at maxBatches
  const nBatches = Math.min(
    sampler.maxBatches,
    Math.ceil(usable.length / sampler.tripletsPerBatch),
  );
  const batches: Batch[] = [];
  for (let b = 0; b < nBatches; b++) {
    const picked = Array.from(
      { length: sampler.tripletsPerBatch },
      () => usable[rng.int(usable.length)],
    );
    const concepts = [
      ...new Set(picked.flatMap((i) => [t.anchor[i], t.positive[i], t.negative[i]])),
    ];
    const rows: number[] = [];
    for (const c of concepts) {
      const pool = byConcept.get(c)!;
      const k = Math.min(sampler.imagesPerConcept, pool.length);
      const chosen = rng.shuffle([...pool]).slice(0, k);
      rows.push(...chosen);
    }
    batches.push({
      rows: Int32Array.from(rows),
      triplets: {
        anchor: Int32Array.from(picked, (i) => t.anchor[i]),
        positive: Int32Array.from(picked, (i) => t.positive[i]),
        negative: Int32Array.from(picked, (i) => t.negative[i]),
      },
    });
  }
  return batches;
}

/** Training rows grouped by concept (concepts in first-appearance order of the rows). */
export function trainRowsByConcept(data: TrainData): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of data.rows.train) {
    const c = data.imageConcept[r];
    const list = out.get(c);
    if (list) list.push(r);
    else out.set(c, [r]);
  }
  return out;
}

/**
 * For fixed-prototype triplet training: for each row of a batch whose concept anchors at least
 * one training triplet, one triplet drawn at random among that anchor's triplets. Returns the
 * batch positions and the positive/negative concepts.
 */
export function tripletsForRows(
  rows: Int32Array,
  options: {
    data: TrainData;
    byAnchor: Map<number, number[]>;
    triplets: TripletRows;
    seed: number;
    step: number;
  },
): { anchorRows: Int32Array; positive: Int32Array; negative: Int32Array } {
  const rng = createRng(options.seed, { label: `triplets-step-${options.step}` });
  const anchorRows: number[] = [], positive: number[] = [], negative: number[] = [];
  rows.forEach((r, position) => {
    const list = options.byAnchor.get(options.data.imageConcept[r]);
    if (!list?.length) return;
    const t = list[rng.int(list.length)];
    anchorRows.push(position);
    positive.push(options.triplets.positive[t]);
    negative.push(options.triplets.negative[t]);
  });
  return {
    anchorRows: Int32Array.from(anchorRows),
    positive: Int32Array.from(positive),
    negative: Int32Array.from(negative),
  };
}

/** Triplet indices grouped by anchor concept, keeping only triplets whose partners have a class. */
export function tripletsByAnchor(
  triplets: TripletRows,
  data: TrainData,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < triplets.anchor.length; i++) {
    if (
      data.conceptClass[triplets.positive[i]] < 0 || data.conceptClass[triplets.negative[i]] < 0
    ) continue;
    const a = triplets.anchor[i];
    const list = out.get(a);
    if (list) list.push(i);
    else out.set(a, [i]);
  }
  return out;
}
