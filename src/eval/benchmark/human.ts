/**
 * Human-alignment benchmarks of a model's concept vectors: human-pair rho on held-out pairs,
 * odd-one-out accuracy on the THINGS test triplets (raw and noise-ceiling normalised), RSA
 * between model and human similarity (Spearman, Pearson, cosine of RDMs, Kendall tau-a), the
 * external RSA with the 48-object behavioural RDM (RDM48), and the satisfaction of the derived
 * training/test triplets with their margins.
 *
 * @module
 */
import type { TrainingTriplets } from "../../human/triplets.ts";
import type { Matrix } from "../../metrics/types.ts";
import { kendallTauA } from "../../metrics/correlation.ts";
import { oddOneOutAccuracy } from "../../metrics/oddoneout.ts";
import { gramIntoSimd } from "../../metrics/product_simd.ts";
import type { BenchHuman, BenchModel } from "./inputs.ts";
import { allFinite, ItemWeights } from "./kernels.ts";
import { type ConceptSpace, type MetricSpec, rankCorrelation, spaceVectors } from "./spec.ts";

/**
 * Concept × concept similarity of a model over the space (local order): cosine for image
 * models (their prototypes are L2-normalised), dot products for SPoSE. Throws when the model
 * lacks a concept of the space.
 */
export function conceptSimilarity(model: BenchModel, space: ConceptSpace): Float64Array {
  const x = spaceVectors(model.prototypes, { space, model: model.model });
  const out = new Float64Array(space.size * space.size);
  gramIntoSimd(x, out, { n: space.size, d: model.prototypes.dim });
  return out;
}

/** Local pairs (a < b) of the space with their model and human similarity. */
interface PairData {
  a: Int32Array;
  b: Int32Array;
  x: Float64Array;
  y: Float64Array;
}

/** Correlation metric over pairs, re-evaluated under pair weights. */
function pairMetric(
  base: Omit<MetricSpec, "evaluate" | "perConcept" | "n">,
  pairs: PairData,
  options: { kind: "spearman" | "pearson" | "cosine"; size: number },
): MetricSpec {
  const { x, y } = pairs;
  const items = new ItemWeights([pairs.a, pairs.b], {
    size: options.size,
    keepZeros: options.kind !== "spearman" && !allFinite(x, y),
  });
  const cosine = options.kind === "cosine";
  const evaluate = options.kind === "spearman"
    ? rankCorrelation(x, y, { items })
    : (cw: Float64Array) => {
      items.gather(cw);
      return cosine ? items.cosine(x, y) : items.pearson(x, y);
    };
  return {
    ...base,
    n: pairs.a.length,
    evaluate,
  };
}

/** Human-pair rho: Spearman of model vs human similarity on the pairs of one split. */
export function humanPairMetrics(
  sim: Float64Array,
  options: { space: ConceptSpace; human: BenchHuman; splits: string[]; note?: string },
): MetricSpec[] {
  const { space, human } = options;
  const p = space.size;
  return options.splits.map((split) => {
    const a: number[] = [], b: number[] = [], x: number[] = [], y: number[] = [];
    const pairs = human.pairs;
    for (let i = 0; i < pairs.a.length; i++) {
      const la = space.local[pairs.a[i]], lb = space.local[pairs.b[i]];
      if (pairs.split[i] !== split || la < 0 || lb < 0) continue;
      a.push(la);
      b.push(lb);
      x.push(sim[la * p + lb]);
      y.push(pairs.similarity[i]);
    }
    return pairMetric(
      { metric: "human_pair_rho", subset: split, group: "core", note: options.note },
      {
        a: Int32Array.from(a),
        b: Int32Array.from(b),
        x: Float64Array.from(x),
        y: Float64Array.from(y),
      },
      { kind: "spearman", size: p },
    );
  });
}

/**
 * RSA between the model's and the human similarity over all pairs of the space: Spearman and
 * Pearson of similarities, cosine of dissimilarities (RDM = max self-similarity − similarity,
 * i.e. 1 − cosine for image models and 1 − RSM for humans), Kendall tau-a (value only).
 */
export function rsaMetrics(
  sim: Float64Array,
  options: { space: ConceptSpace; human: BenchHuman; note?: string },
): MetricSpec[] {
  const { space, human } = options;
  const p = space.size, n = human.similarity.length ** 0.5;
  const m = p * (p - 1) / 2;
  const pairs: PairData = {
    a: new Int32Array(m),
    b: new Int32Array(m),
    x: new Float64Array(m),
    y: new Float64Array(m),
  };
  let selfMax = -Infinity;
  for (let i = 0; i < p; i++) selfMax = Math.max(selfMax, sim[i * p + i]);
  let k = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++, k++) {
      pairs.a[k] = i;
      pairs.b[k] = j;
      pairs.x[k] = sim[i * p + j];
      pairs.y[k] = human.similarity[space.canonical[i] * n + space.canonical[j]];
    }
  }
  const base = { group: "core" as const, subset: "with_images", note: options.note };
  const dissimilar: PairData = {
    ...pairs,
    x: pairs.x.map((v) => selfMax - v),
    y: pairs.y.map((v) => 1 - v),
  };
  const tauA = kendallTauA(pairs.x, pairs.y);
  return [
    pairMetric({ ...base, metric: "rsa_spearman" }, pairs, { kind: "spearman", size: p }),
    pairMetric({ ...base, metric: "rsa_pearson" }, pairs, { kind: "pearson", size: p }),
    pairMetric({ ...base, metric: "rsa_cosine" }, dissimilar, { kind: "cosine", size: p }),
    {
      ...base,
      metric: "rsa_kendall_tau_a",
      n: m,
      evaluate: () => tauA,
      bootstrap: false,
    },
  ];
}

/** Fewest RDM48 concepts in the space for which {@link rdm48Metrics} computes a value. */
export const RDM48_MIN_CONCEPTS = 3;

/**
 * External human RSA: Spearman and Pearson between the model's concept similarity and the
 * negated dissimilarity of the 48-object behavioural RDM (Hebart et al. 2020, fully sampled
 * triplets, independent of the SPoSE embedding), over the pairs (a < b) of the RDM48 concepts in
 * the space (subset `rdm48`; `n` = pairs). The interval is the concept bootstrap like every other
 * pair metric. With fewer than {@link RDM48_MIN_CONCEPTS} covered concepts the rows have n = 0
 * and no value (the bench stage lists them as not computable). The note says how many of the 48
 * concepts are covered (after `options.note`, when given).
 */
export function rdm48Metrics(
  sim: Float64Array,
  options: { space: ConceptSpace; human: Pick<BenchHuman, "rdm48">; note?: string },
): MetricSpec[] {
  const { space } = options;
  const rdm = options.human.rdm48;
  const p = space.size, r = rdm.size;
  // RDM rows in the space, by local concept (the pairs then run in row-major order of the space)
  const rows = Array.from({ length: r }, (_, k) => k)
    .filter((k) => space.local[rdm.concept[k]] >= 0)
    .sort((k, l) => space.local[rdm.concept[k]] - space.local[rdm.concept[l]]);
  const covered = rows.length;
  const a: number[] = [], b: number[] = [], x: number[] = [], y: number[] = [];
  if (covered >= RDM48_MIN_CONCEPTS) {
    for (let u = 0; u < covered; u++) {
      for (let t = u + 1; t < covered; t++) {
        const la = space.local[rdm.concept[rows[u]]], lb = space.local[rdm.concept[rows[t]]];
        a.push(la);
        b.push(lb);
        x.push(sim[la * p + lb]);
        y.push(-rdm.dissimilarity[rows[u] * r + rows[t]]);
      }
    }
  }
  const coverage = covered >= RDM48_MIN_CONCEPTS
    ? `${covered} of the ${r} RDM48 concepts in the benchmark's concept space`
    : `${covered} of the ${r} RDM48 concepts in the benchmark's concept space: not computable ` +
      `(at least ${RDM48_MIN_CONCEPTS} needed)`;
  const note = options.note ? `${options.note}; ${coverage}` : coverage;
  const source = rdm.source.split("/").slice(-2).join("/");
  const base = { group: "core" as const, subset: "rdm48", source, note };
  const pairs: PairData = {
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    x: Float64Array.from(x),
    y: Float64Array.from(y),
  };
  if (covered < RDM48_MIN_CONCEPTS) {
    return ["rdm48_rsa_spearman", "rdm48_rsa_pearson"].map((metric) => ({
      ...base,
      metric,
      n: 0,
      evaluate: () => NaN,
      bootstrap: false,
    }));
  }
  return [
    pairMetric({ ...base, metric: "rdm48_rsa_spearman" }, pairs, { kind: "spearman", size: p }),
    pairMetric({ ...base, metric: "rdm48_rsa_pearson" }, pairs, { kind: "pearson", size: p }),
  ];
}

/**
 * A concept-level model's vectors in canonical concept order (row c = concept c), when its
 * prototypes cover each of the `n` concepts exactly once, whatever their row order; else
 * undefined.
 */
function canonicalRows(model: BenchModel, n: number): Matrix | undefined {
  const { concept, vectors, dim } = model.prototypes;
  if (concept.length !== n) return undefined;
  const data = new Float64Array(n * dim);
  const seen = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const c = concept[r];
    if (!(c >= 0 && c < n) || seen[c]) return undefined;
    seen[c] = 1;
    data.set(vectors.subarray(r * dim, (r + 1) * dim), c * dim);
  }
  return { data, rows: n, cols: dim };
}

/**
 * Odd-one-out accuracy on the THINGS test triplets whose three concepts are in the space
 * (subset `with_images`), raw and normalised by the noise ceiling, (acc − ⅓)/(ceiling − ⅓). A
 * triplet is correct when the kept pair's similarity is strictly the largest. For concept-level
 * models covering every concept (SPoSE) also subset `all_concepts`, computed exactly as
 * `deno task eval oddoneout` does.
 */
export function oddOneOutMetrics(
  sim: Float64Array,
  options: { space: ConceptSpace; human: BenchHuman; model: BenchModel; note?: string },
): MetricSpec[] {
  const { space, human, model } = options;
  const p = space.size, t = human.oddOneOut;
  const a: number[] = [], b: number[] = [], o: number[] = [], correct: number[] = [];
  for (let i = 0; i < t.n; i++) {
    const la = space.local[t.a[i]], lb = space.local[t.b[i]], lo = space.local[t.odd[i]];
    if (la < 0 || lb < 0 || lo < 0) continue;
    a.push(la);
    b.push(lb);
    o.push(lo);
    const sab = sim[la * p + lb];
    correct.push(sab > sim[la * p + lo] && sab > sim[lb * p + lo] ? 1 : 0);
  }
  const scores = Float64Array.from(correct);
  const items = new ItemWeights([Int32Array.from(a), Int32Array.from(b), Int32Array.from(o)], {
    size: p,
  });
  const raw = (cw: Float64Array) => {
    items.gather(cw);
    return items.mean(scores);
  };
  const source = t.source.split("/").slice(-2).join("/");
  const ceiling = human.ceiling.value;
  const normalise = (acc: number) => (acc - 1 / 3) / (ceiling - 1 / 3);
  const base = { group: "core" as const, subset: "with_images", source, note: options.note };
  const specs: MetricSpec[] = [
    { ...base, metric: "oddoneout_accuracy", n: scores.length, evaluate: raw },
    {
      ...base,
      metric: "oddoneout_normalised",
      n: scores.length,
      evaluate: (cw) => normalise(raw(cw)),
    },
  ];
  const emb = model.images
    ? undefined
    : canonicalRows(model, Math.round(human.similarity.length ** 0.5));
  if (emb) {
    const all = oddOneOutAccuracy(emb, t);
    for (
      const [metric, value] of [["oddoneout_accuracy", all.accuracy], [
        "oddoneout_normalised",
        normalise(all.accuracy),
      ]] as const
    ) {
      specs.push({
        ...base,
        metric,
        subset: "all_concepts",
        n: all.n,
        evaluate: () => value,
        bootstrap: false,
        note: "all 1,854 concepts; as deno task eval oddoneout",
      });
    }
  }
  return specs;
}

/** Margins s(anchor, positive) − s(anchor, negative) of the triplets inside the space. */
export function tripletMargins(
  sim: Float64Array,
  options: { space: ConceptSpace; triplets: TrainingTriplets },
): { anchor: Int32Array; positive: Int32Array; negative: Int32Array; margin: Float64Array } {
  const { space, triplets } = options;
  const p = space.size;
  const a: number[] = [], pos: number[] = [], neg: number[] = [], margin: number[] = [];
  for (let i = 0; i < triplets.anchor.length; i++) {
    const la = space.local[triplets.anchor[i]];
    const lp = space.local[triplets.positive[i]];
    const ln = space.local[triplets.negative[i]];
    if (la < 0 || lp < 0 || ln < 0) continue;
    a.push(la);
    pos.push(lp);
    neg.push(ln);
    margin.push(sim[la * p + lp] - sim[la * p + ln]);
  }
  return {
    anchor: Int32Array.from(a),
    positive: Int32Array.from(pos),
    negative: Int32Array.from(neg),
    margin: Float64Array.from(margin),
  };
}

/** Triplet satisfaction (share with a positive margin) and mean margin for one triplet set. */
export function tripletMetrics(
  margins: ReturnType<typeof tripletMargins>,
  options: { size: number; subset: string; note?: string },
): MetricSpec[] {
  const { anchor, positive, negative, margin } = margins;
  const satisfied = margin.map((m) => (m > 0 ? 1 : 0));
  const items = new ItemWeights([anchor, positive, negative], {
    size: options.size,
    keepZeros: !allFinite(margin),
  });
  const mean = (x: Float64Array) => (cw: Float64Array) => {
    items.gather(cw);
    return items.mean(x);
  };
  const base = { group: "expanded" as const, subset: options.subset, note: options.note };
  return [
    {
      ...base,
      metric: "triplet_satisfaction",
      n: margin.length,
      evaluate: mean(satisfied),
    },
    {
      ...base,
      metric: "triplet_margin",
      n: margin.length,
      evaluate: mean(margin),
    },
  ];
}
