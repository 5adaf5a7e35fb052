/**
 * Human-alignment benchmark metrics (`src/eval/benchmark/human.ts`) called directly on tiny
 * concept spaces whose values are worked out by hand; plus the RSA and human-pair correlations
 * against scipy on fresh random inputs with ties, plain and under a bootstrap-style concept
 * weighting.
 */
import { strict as assert } from "node:assert";
import {
  conceptSimilarity,
  humanPairMetrics,
  oddOneOutMetrics,
  rdm48Metrics,
  rsaMetrics,
  tripletMargins,
  tripletMetrics,
} from "../../../src/eval/benchmark/human.ts";
import type { BenchHuman, BenchModel } from "../../../src/eval/benchmark/inputs.ts";
import { conceptSpace, type MetricSpec } from "../../../src/eval/benchmark/spec.ts";
import type { TrainingTriplets } from "../../../src/human/triplets.ts";
import type { Rng } from "../../../src/stats/random.ts";
import { runPython } from "../../_helpers/python.ts";
import { withSeed } from "../../_helpers/seed.ts";

const ones = (n: number) => new Float64Array(n).fill(1);

function close(got: number, want: number, label: string, tol = 1e-12) {
  assert.ok(Math.abs(got - want) <= tol, `${label}: ${got} vs ${want}`);
}

function byName(specs: MetricSpec[], metric: string, subset?: string): MetricSpec {
  const s = specs.find((x) => x.metric === metric && (subset === undefined || x.subset === subset));
  assert.ok(s, `no ${metric} ${subset ?? ""} among ${specs.map((x) => `${x.metric}|${x.subset}`)}`);
  return s;
}

/** A symmetric p × p matrix from its diagonal and upper triangle {"i,j": value}. */
function symmetric(p: number, diag: number[], upper: Record<string, number>): Float64Array {
  const out = new Float64Array(p * p);
  diag.forEach((v, i) => (out[i * p + i] = v));
  for (const [key, v] of Object.entries(upper)) {
    const [i, j] = key.split(",").map(Number);
    out[i * p + j] = out[j * p + i] = v;
  }
  return out;
}

function triplets(rows: [number, number, number][]): TrainingTriplets {
  return {
    anchor: Int32Array.from(rows, (r) => r[0]),
    positive: Int32Array.from(rows, (r) => r[1]),
    negative: Int32Array.from(rows, (r) => r[2]),
    simPositive: new Float64Array(rows.length),
    simNegative: new Float64Array(rows.length),
  };
}

/** Human data with only the given parts filled in (the rest empty). */
function human(n: number, parts: Partial<BenchHuman>): BenchHuman {
  const empty = triplets([]);
  return {
    similarity: new Float64Array(n * n),
    pairs: {
      a: new Int32Array(0),
      b: new Int32Array(0),
      similarity: new Float64Array(0),
      split: [],
    },
    trainTriplets: empty,
    testTriplets: empty,
    oddOneOut: {
      a: new Int32Array(0),
      b: new Int32Array(0),
      odd: new Int32Array(0),
      n: 0,
      source: "/data/x/triplets.txt",
    },
    ceiling: { value: 0.7, source: "/data/x/nc.csv" },
    rdm48: {
      concept: new Int32Array(0),
      ids: [],
      size: 0,
      dissimilarity: new Float64Array(0),
      source: "/data/rdm/RDM48_triplet.mat",
    },
    ...parts,
  };
}

/** A concept-level model (dot similarity) from [canonical concept, vector] rows. */
function conceptModel(rows: [number, number[]][], name = "spose49"): BenchModel {
  return {
    model: name,
    seed: null,
    similarity: "dot",
    prototypes: {
      concept: Int32Array.from(rows, (r) => r[0]),
      vectors: Float64Array.from(rows.flatMap((r) => r[1])),
      dim: rows[0][1].length,
    },
  };
}

/** An image model: the prototypes as given, one dummy test image (its presence is what counts). */
function imageModel(rows: [number, number[]][]): BenchModel {
  const m = conceptModel(rows, "m");
  return {
    ...m,
    similarity: "cosine",
    images: {
      concept: Int32Array.of(rows[0][0]),
      split: ["test"],
      vectors: Float64Array.from(rows[0][1]),
      dim: rows[0][1].length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// conceptSimilarity

Deno.test("conceptSimilarity: dot products of the prototypes in the space's local order", () => {
  // canonical 0–4, space {1, 3, 4} → local 0, 1, 2; prototype rows out of order, concept 0 is
  // outside the space
  const model = conceptModel([[4, [0, 2]], [0, [9, 9]], [3, [1, 1]], [1, [3, 0]]]);
  const sim = conceptSimilarity(model, conceptSpace([4, 1, 3], 5));
  // p1 = (3,0), p3 = (1,1), p4 = (0,2): p1·p1 = 9, p1·p3 = 3, p1·p4 = 0, p3·p3 = 2, p3·p4 = 2,
  // p4·p4 = 4
  assert.deepEqual(Array.from(sim), [9, 3, 0, 3, 2, 2, 0, 2, 4]);
});

Deno.test("conceptSimilarity: a concept of the space without a prototype throws, naming it", () => {
  const model = conceptModel([[0, [1, 0]], [1, [0, 1]]], "glocal");
  assert.throws(
    () => conceptSimilarity(model, conceptSpace([0, 1, 2], 3)),
    /glocal: no vector for concept 2 of the benchmark/,
  );
});

// ---------------------------------------------------------------------------------------------
// humanPairMetrics

/**
 * Space {0, 1, 2, 3} of canonical 0–4 (concept 4 outside). Model similarity: s01 .8, s02 .3,
 * s03 .1, s12 .5, s13 .2, s23 .6. Human pairs: test (0,1) .9, (0,2) .5, (3,1) .1 (listed
 * b < a), (2,3) .5 (a tie with (0,2)), (0,4) .7 (outside the space); val (0,3) .4, (1,2) .2.
 */
const PAIR_SIM = symmetric(4, [1, 1, 1, 1], {
  "0,1": 0.8,
  "0,2": 0.3,
  "0,3": 0.1,
  "1,2": 0.5,
  "1,3": 0.2,
  "2,3": 0.6,
});
const PAIR_HUMAN = human(5, {
  pairs: {
    a: Int32Array.of(0, 0, 3, 2, 0, 0, 1),
    b: Int32Array.of(1, 2, 1, 3, 4, 3, 2),
    similarity: Float64Array.of(0.9, 0.5, 0.1, 0.5, 0.7, 0.4, 0.2),
    split: ["test", "test", "test", "test", "test", "val", "val"],
  },
});
const PAIR_SPACE = conceptSpace([0, 1, 2, 3], 5);

Deno.test("humanPairMetrics: Spearman of model vs human similarity on one split's pairs, with average ranks for ties", () => {
  const [test] = humanPairMetrics(PAIR_SIM, {
    space: PAIR_SPACE,
    human: PAIR_HUMAN,
    splits: ["test"],
  });
  // pairs 01, 02, 31, 23 (04 is outside): model .8 .3 .2 .6 → ranks 4 2 1 3;
  // human .9 .5 .1 .5 → ranks 4 2.5 1 2.5. Centred: (1.5, −.5, −1.5, .5) and (1.5, 0, −1.5, 0):
  // Σxy = 4.5, Σx² = 5, Σy² = 4.5 → ρ = 4.5 / √22.5 = √0.9
  assert.equal(test.n, 4);
  close(test.evaluate(ones(4)), Math.sqrt(0.9), "rho");
  assert.deepEqual([test.metric, test.subset, test.group], ["human_pair_rho", "test", "core"]);
  assert.equal(test.perConcept, undefined, "pairs are shared between concepts");
});

Deno.test("humanPairMetrics: one metric per split, in the order asked, each on its own pairs", () => {
  const specs = humanPairMetrics(PAIR_SIM, {
    space: PAIR_SPACE,
    human: PAIR_HUMAN,
    splits: ["val", "test"],
    note: "circular",
  });
  assert.deepEqual(specs.map((s) => `${s.subset}|${s.n}|${s.note}`), [
    "val|2|circular",
    "test|4|circular",
  ]);
  // val: model (s03 .1, s12 .5), human (.4, .2) → opposite orders, ρ = −1
  close(specs[0].evaluate(ones(4)), -1, "val rho");
});

Deno.test("humanPairMetrics: concept weights weigh each pair by the product of its concepts' weights, on the full-sample ranks", () => {
  const [test] = humanPairMetrics(PAIR_SIM, {
    space: PAIR_SPACE,
    human: PAIR_HUMAN,
    splits: ["test"],
  });
  // w = (2, 1, 1, 1): pair weights 01 → 2, 02 → 2, 31 → 1, 23 → 1 on ranks (4, 2, 1, 3) and
  // (4, 2.5, 1, 2.5). Weighted means 16/6 and 16.5/6; centred (4/3, −2/3, −5/3, 1/3) and
  // (1.25, −.25, −1.75, −.25): Σwxy = 6.5, Σwx² = 22/3, Σwy² = 6.375 → 6.5 / √46.75
  close(test.evaluate(Float64Array.of(2, 1, 1, 1)), 6.5 / Math.sqrt(46.75), "weighted rho");
  // dropping concept 1 leaves pairs 02 and 23 whose human ranks tie (2.5, 2.5) → NaN
  assert.ok(Number.isNaN(test.evaluate(Float64Array.of(1, 0, 1, 1))));
});

Deno.test("humanPairMetrics: a split without pairs in the space → n = 0 and NaN, no throw", () => {
  const [train] = humanPairMetrics(PAIR_SIM, {
    space: PAIR_SPACE,
    human: PAIR_HUMAN,
    splits: ["train"],
  });
  assert.equal(train.n, 0);
  assert.ok(Number.isNaN(train.evaluate(ones(4))));
});

// ---------------------------------------------------------------------------------------------
// rsaMetrics

/**
 * Space {0, 2, 3} of canonical 0–3 (local 0, 1, 2). Model (dot, SPoSE-like): self-similarities
 * 2, 3, 1; s01 = 1, s02 = 2, s12 = 0. Human (canonical): h02 = .7, h03 = .6, h23 = .2; concept 1
 * (outside the space) has decoy similarities .99.
 */
const RSA_SPACE = conceptSpace([0, 2, 3], 4);
const RSA_SIM = symmetric(3, [2, 3, 1], { "0,1": 1, "0,2": 2, "1,2": 0 });
const RSA_HUMAN = human(4, {
  similarity: symmetric(4, [1, 1, 1, 1], {
    "0,1": 0.99,
    "0,2": 0.7,
    "0,3": 0.6,
    "1,2": 0.99,
    "1,3": 0.99,
    "2,3": 0.2,
  }),
});

Deno.test("rsaMetrics: Spearman, Pearson, cosine of RDMs and Kendall τa over all pairs of the space (hand-computed)", () => {
  const specs = rsaMetrics(RSA_SIM, { space: RSA_SPACE, human: RSA_HUMAN, note: "nb" });
  assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.group}|${s.n}|${s.note}`), [
    "rsa_spearman|with_images|core|3|nb",
    "rsa_pearson|with_images|core|3|nb",
    "rsa_cosine|with_images|core|3|nb",
    "rsa_kendall_tau_a|with_images|core|3|nb",
  ]);
  const w = ones(3);
  // model x = (1, 2, 0), human y = (.7, .6, .2) over pairs 01, 02, 12
  // Spearman: ranks (2, 3, 1) and (3, 2, 1), centred (0, 1, −1), (1, 0, −1) → 1 / 2
  close(byName(specs, "rsa_spearman").evaluate(w), 0.5, "spearman");
  // Pearson: centred (0, 1, −1) and (.2, .1, −.3): Σxy = .4, Σx² = 2, Σy² = .14 → .4 / √.28
  close(byName(specs, "rsa_pearson").evaluate(w), 0.4 / Math.sqrt(0.28), "pearson");
  // cosine of dissimilarities: max self-similarity 3 − x = (2, 1, 3), 1 − y = (.3, .4, .8):
  // (.6 + .4 + 2.4) / (√14 · √.89)
  close(byName(specs, "rsa_cosine").evaluate(w), 3.4 / Math.sqrt(14 * 0.89), "cosine");
  // τa: pairs of items (01,02) discordant, (01,12) and (02,12) concordant → (2 − 1) / 3
  close(byName(specs, "rsa_kendall_tau_a").evaluate(w), 1 / 3, "tau-a");
});

Deno.test("rsaMetrics: Kendall τa does not correct for ties (τb would)", () => {
  // x = (1, 1, 0) (s01 = s02), y = (.7, .6, .2): (01,02) tied in x, the others concordant →
  // τa = 2 / 3 (τb = 2 / √6 would divide by the untied pairs)
  const sim = symmetric(3, [1, 1, 1], { "0,1": 1, "0,2": 1, "1,2": 0 });
  const tau = byName(rsaMetrics(sim, { space: RSA_SPACE, human: RSA_HUMAN }), "rsa_kendall_tau_a");
  close(tau.evaluate(ones(3)), 2 / 3, "tau-a");
});

Deno.test("rsaMetrics: concept weights move Spearman, Pearson and cosine; τa is value-only", () => {
  const specs = rsaMetrics(RSA_SIM, { space: RSA_SPACE, human: RSA_HUMAN });
  const w = Float64Array.of(2, 1, 1); // pair weights 01 → 2, 02 → 2, 12 → 1
  // Spearman on the full-sample ranks (2, 3, 1), (3, 2, 1): weighted means 2.2, 2.2; centred
  // (−.2, .8, −1.2), (.8, −.2, −1.2): Σwxy = .8, Σwx² = Σwy² = 2.8 → 2/7
  close(byName(specs, "rsa_spearman").evaluate(w), 2 / 7, "spearman");
  // Pearson: means 1.2, .56; centred (−.2, .8, −1.2), (.14, .04, −.36): Σwxy = .44,
  // Σwx² = 2.8, Σwy² = .172
  close(byName(specs, "rsa_pearson").evaluate(w), 0.44 / Math.sqrt(2.8 * 0.172), "pearson");
  // cosine (no centring): Σwxy = 2·.6 + 2·.4 + 2.4 = 4.4, Σwx² = 8 + 2 + 9, Σwy² = 1.14
  close(byName(specs, "rsa_cosine").evaluate(w), 4.4 / Math.sqrt(19 * 1.14), "cosine");
  const tau = byName(specs, "rsa_kendall_tau_a");
  assert.equal(tau.bootstrap, false);
  assert.equal(tau.evaluate(w), tau.evaluate(ones(3)));
  // only pair 01 left (concept 2 undrawn): a correlation of one item is NaN
  assert.ok(Number.isNaN(byName(specs, "rsa_pearson").evaluate(Float64Array.of(1, 1, 0))));
});

// ---------------------------------------------------------------------------------------------
// rdm48Metrics

Deno.test("rdm48Metrics: pairs of the covered concepts in local order against the negated dissimilarity (hand-computed)", () => {
  // space {0, 2, 3, 5} of canonical 0–9 (local 0–3); RDM rows: concepts 3, 9 (outside), 0, 2
  const space = conceptSpace([0, 2, 3, 5], 10);
  const d = symmetric(4, [0, 0, 0, 0], {
    "0,1": 0.9,
    "0,2": 0.2, // d(3, 0)
    "0,3": 0.6, // d(3, 2)
    "1,2": 0.1,
    "1,3": 0.3,
    "2,3": 0.4, // d(0, 2)
  });
  const rdm48 = {
    concept: Int32Array.of(3, 9, 0, 2),
    ids: ["c3", "c9", "c0", "c2"],
    size: 4,
    dissimilarity: d,
    source: "/data/things/rdm/RDM48_triplet.mat",
  };
  // model: s(0,2) = .9, s(0,3) = .5, s(2,3) = .3 (local 01, 02, 12); concept 5 (local 3) decoys
  const sim = symmetric(4, [1, 1, 1, 1], {
    "0,1": 0.9,
    "0,2": 0.5,
    "1,2": 0.3,
    "0,3": 0.7,
    "1,3": 0.8,
    "2,3": 0.1,
  });
  const [spearman, pearson] = rdm48Metrics(sim, { space, human: { rdm48 }, note: "ref" });
  assert.equal(spearman.n, 3);
  assert.equal(spearman.source, "rdm/RDM48_triplet.mat");
  assert.equal(spearman.note, "ref; 3 of the 4 RDM48 concepts in the benchmark's concept space");
  // x = (.9, .5, .3), y = −(.4, .2, .6): ranks (3, 2, 1) and (2, 3, 1) → Spearman 1/2
  close(spearman.evaluate(ones(4)), 0.5, "spearman");
  // Pearson: centred x (10, −2, −8)/30, y (0, 1, −1)/5 → (6/150) / (√336 / 150) = 6 / √336
  close(pearson.evaluate(ones(4)), 6 / Math.sqrt(336), "pearson");
});

// ---------------------------------------------------------------------------------------------
// oddOneOutMetrics

/**
 * Space {0, 1, 2, 3} of canonical 0–4. Similarity: s01 .9, s02 .2, s03 .5, s12 .4, s13 .9,
 * s23 .1. Triplets (a, b, odd): (0,1,2) right (.9 > .2, .4); (0,2,3) wrong (.2 < .5); (0,1,3)
 * wrong (s01 = s13 = .9, a tie); (0,3,2) right (.5 > .2, .1); (1,4,0) outside the space;
 * (1,3,2) right (.9 > .4, .1).
 */
const ODD_SPACE = conceptSpace([0, 1, 2, 3], 5);
const ODD_SIM = symmetric(4, [1, 1, 1, 1], {
  "0,1": 0.9,
  "0,2": 0.2,
  "0,3": 0.5,
  "1,2": 0.4,
  "1,3": 0.9,
  "2,3": 0.1,
});
const ODD_HUMAN = human(5, {
  oddOneOut: {
    a: Int32Array.of(0, 0, 0, 0, 1, 1),
    b: Int32Array.of(1, 2, 1, 3, 4, 3),
    odd: Int32Array.of(2, 3, 3, 2, 0, 2),
    n: 6,
    source: "/data/things/triplets/test.txt",
  },
});
const ODD_IMAGE_MODEL = imageModel([[0, [1]], [1, [1]], [2, [1]], [3, [1]], [4, [1]]]);

Deno.test("oddOneOutMetrics: accuracy over the triplets inside the space; a tie for the largest similarity is wrong", () => {
  const specs = oddOneOutMetrics(ODD_SIM, {
    space: ODD_SPACE,
    human: ODD_HUMAN,
    model: ODD_IMAGE_MODEL,
    note: "nb",
  });
  assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.n}|${s.source}|${s.note}`), [
    "oddoneout_accuracy|with_images|5|triplets/test.txt|nb",
    "oddoneout_normalised|with_images|5|triplets/test.txt|nb",
  ]);
  // right, wrong, wrong (tie), right, right → 3/5
  close(specs[0].evaluate(ones(4)), 3 / 5, "accuracy");
  // (3/5 − 1/3) / (.7 − 1/3) = (4/15) / (11/30) = 8/11
  close(specs[1].evaluate(ones(4)), 8 / 11, "normalised");
});

Deno.test("oddOneOutMetrics: concept weights weigh each triplet by the product of its three concepts' weights", () => {
  const [acc, norm] = oddOneOutMetrics(ODD_SIM, {
    space: ODD_SPACE,
    human: ODD_HUMAN,
    model: ODD_IMAGE_MODEL,
  });
  // w = (2, 1, 1, 1): triplet weights 2, 2, 2, 2, 1 for right, wrong, wrong, right, right →
  // (2 + 2 + 1) / 9
  const w = Float64Array.of(2, 1, 1, 1);
  close(acc.evaluate(w), 5 / 9, "weighted accuracy");
  close(norm.evaluate(w), (5 / 9 - 1 / 3) / (0.7 - 1 / 3), "weighted normalised");
  // concept 3 undrawn: only (0,1,2) is left, right → 1
  assert.equal(acc.evaluate(Float64Array.of(1, 1, 1, 0)), 1);
});

Deno.test("oddOneOutMetrics: a concept-level model covering every concept also gets the all-concept value", () => {
  // SPoSE-like: c0 (2,0), c1 (1,1), c2 (0,1), c3 (1,0), c4 (3,3); dots s01 2, s02 0, s03 2,
  // s04 6, s12 1, s13 1, s14 6, s23 0, s24 3, s34 3
  const model = conceptModel([[0, [2, 0]], [1, [1, 1]], [2, [0, 1]], [3, [1, 0]], [4, [3, 3]]]);
  const h = human(5, {
    oddOneOut: {
      // (0,1,2) right (2 > 0, 1); (0,2,3) wrong (0 < 2); (1,4,2) right (6 > 1, 3);
      // (0,4,3) right (6 > 2, 3); (2,3,0) wrong (s23 = s20 = 0 < s30 = 2)
      a: Int32Array.of(0, 0, 1, 0, 2),
      b: Int32Array.of(1, 2, 4, 4, 3),
      odd: Int32Array.of(2, 3, 2, 3, 0),
      n: 5,
      source: "/t/x.txt",
    },
  });
  const sim = conceptSimilarity(model, ODD_SPACE);
  const specs = oddOneOutMetrics(sim, { space: ODD_SPACE, human: h, model });
  assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.n}|${s.bootstrap}`), [
    "oddoneout_accuracy|with_images|3|undefined",
    "oddoneout_normalised|with_images|3|undefined",
    "oddoneout_accuracy|all_concepts|5|false",
    "oddoneout_normalised|all_concepts|5|false",
  ]);
  // inside the space {0..3}: (0,1,2), (0,2,3), (2,3,0) → 1/3, normalised 0
  close(specs[0].evaluate(ones(4)), 1 / 3, "with images");
  close(specs[1].evaluate(ones(4)), 0, "with images normalised");
  // every triplet: 3/5, normalised 8/11; value-only (weights ignored)
  close(specs[2].evaluate(Float64Array.of(0, 0, 0, 0)), 3 / 5, "all concepts");
  close(specs[3].evaluate(ones(4)), 8 / 11, "all concepts normalised");
  assert.equal(specs[2].note, "all 1,854 concepts; as deno task eval oddoneout");
  // the same model with its prototype rows in another order: the same values (each row is read
  // through its concept index, not its position)
  const reversed = conceptModel([[4, [3, 3]], [3, [1, 0]], [2, [0, 1]], [1, [1, 1]], [0, [2, 0]]]);
  const again = oddOneOutMetrics(conceptSimilarity(reversed, ODD_SPACE), {
    space: ODD_SPACE,
    human: h,
    model: reversed,
  });
  close(again[0].evaluate(ones(4)), 1 / 3, "with images, rows reversed");
  close(again[2].evaluate(ones(4)), 3 / 5, "all concepts, rows reversed");
});

Deno.test("oddOneOutMetrics: a concept-level model missing a concept gets no all-concept rows", () => {
  const model = conceptModel([[0, [2, 0]], [1, [1, 1]], [2, [0, 1]], [3, [1, 0]]], "glocal");
  const specs = oddOneOutMetrics(ODD_SIM, { space: ODD_SPACE, human: ODD_HUMAN, model });
  assert.deepEqual(specs.map((s) => s.subset), ["with_images", "with_images"]);
});

Deno.test("oddOneOutMetrics: no triplet inside the space → n = 0 and NaN", () => {
  const space = conceptSpace([2, 3, 4], 5); // every triplet above has 0 or 1
  const sim = symmetric(3, [1, 1, 1], { "0,1": 0.5, "0,2": 0.5, "1,2": 0.5 });
  const [acc, norm] = oddOneOutMetrics(sim, { space, human: ODD_HUMAN, model: ODD_IMAGE_MODEL });
  assert.equal(acc.n, 0);
  assert.ok(Number.isNaN(acc.evaluate(ones(3))));
  assert.ok(Number.isNaN(norm.evaluate(ones(3))));
});

// ---------------------------------------------------------------------------------------------
// tripletMargins and tripletMetrics

/**
 * Space {1, 2, 4, 5} of canonical 0–5 (local 0–3); local similarity as ODD_SIM. Triplets
 * (anchor, positive, negative), canonical → local: (1,2,4) → (0,1,2): .9 − .2 = .7;
 * (4,1,5) → (2,0,3): .2 − .1 = .1; (2,5,1) → (1,3,0): .9 − .9 = 0; (3,1,2): outside;
 * (5,2,4) → (3,1,2): .9 − .1 = .8; (1,0,2): outside; (4,5,1) → (2,3,0): .1 − .2 = −.1.
 */
const TRIPLET_SPACE = conceptSpace([1, 2, 4, 5], 6);
const TRIPLETS = triplets([
  [1, 2, 4],
  [4, 1, 5],
  [2, 5, 1],
  [3, 1, 2],
  [5, 2, 4],
  [1, 0, 2],
  [4, 5, 1],
]);

Deno.test("tripletMargins: s(anchor, positive) − s(anchor, negative) of the triplets inside the space, in local indices", () => {
  const m = tripletMargins(ODD_SIM, { space: TRIPLET_SPACE, triplets: TRIPLETS });
  assert.deepEqual(Array.from(m.anchor), [0, 2, 1, 3, 2]);
  assert.deepEqual(Array.from(m.positive), [1, 0, 3, 1, 3]);
  assert.deepEqual(Array.from(m.negative), [2, 3, 0, 2, 0]);
  [0.7, 0.1, 0, 0.8, -0.1].forEach((want, i) => close(m.margin[i], want, `margin ${i}`, 1e-15));
});

Deno.test("tripletMargins: no triplet inside the space → empty arrays", () => {
  const m = tripletMargins(ODD_SIM, {
    space: conceptSpace([0, 1, 3], 6),
    triplets: TRIPLETS,
  });
  assert.deepEqual([m.anchor.length, m.positive.length, m.negative.length, m.margin.length], [
    0,
    0,
    0,
    0,
  ]);
});

Deno.test("tripletMetrics: satisfaction is the share of positive margins (0 is not satisfied), margin their mean", () => {
  const m = tripletMargins(ODD_SIM, { space: TRIPLET_SPACE, triplets: TRIPLETS });
  const specs = tripletMetrics(m, { size: 4, subset: "train", note: "nb" });
  assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.group}|${s.n}|${s.note}`), [
    "triplet_satisfaction|train|expanded|5|nb",
    "triplet_margin|train|expanded|5|nb",
  ]);
  // margins .7, .1, 0, .8, −.1 → 3 of 5 positive; mean 1.5 / 5
  close(specs[0].evaluate(ones(4)), 0.6, "satisfaction");
  close(specs[1].evaluate(ones(4)), 0.3, "margin");
});

Deno.test("tripletMetrics: concept weights weigh each triplet by the product of its three concepts' weights", () => {
  const m = tripletMargins(ODD_SIM, { space: TRIPLET_SPACE, triplets: TRIPLETS });
  const [sat, margin] = tripletMetrics(m, { size: 4, subset: "test" });
  // w = (2, 1, 1, 1): every triplet but (3,1,2) touches local 0 → weights 2, 2, 2, 1, 2;
  // satisfied 1, 1, 0, 1, 0 → 5/9; margins → (1.4 + .2 + 0 + .8 − .2) / 9
  const w = Float64Array.of(2, 1, 1, 1);
  close(sat.evaluate(w), 5 / 9, "weighted satisfaction");
  close(margin.evaluate(w), 2.2 / 9, "weighted margin");
});

Deno.test("tripletMetrics: no triplets → n = 0 and NaN", () => {
  const m = tripletMargins(ODD_SIM, { space: conceptSpace([0, 1, 3], 6), triplets: TRIPLETS });
  for (const s of tripletMetrics(m, { size: 3, subset: "train" })) {
    assert.equal(s.n, 0);
    assert.ok(Number.isNaN(s.evaluate(ones(3))), s.metric);
  }
});

// ---------------------------------------------------------------------------------------------
// cross-checks against scipy on fresh random inputs

/** A random symmetric n × n matrix on a coarse grid (so values tie), diagonal `diag(i)`. */
function randomSymmetric(
  rng: Rng,
  n: number,
  diag: (i: number) => number,
): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = diag(i);
    for (let j = i + 1; j < n; j++) {
      out[i * n + j] = out[j * n + i] = Math.round(rng.next() * 8) / 8;
    }
  }
  return out;
}

const WEIGHTED_PY = `
from scipy.stats import rankdata
def wpearson(x, y, w):
    c = np.cov(x, y, aweights=w)
    return c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])
`;

Deno.test("rsaMetrics: Spearman, Pearson, cosine and τa equal scipy / numpy, plain and concept-weighted", async () => {
  await withSeed("rsa scipy", async (rng) => {
    const nCanonical = 14;
    const order = rng.shuffle(Array.from({ length: nCanonical }, (_, i) => i));
    const space = conceptSpace(order.slice(0, 9), nCanonical);
    const p = space.size;
    const sim = randomSymmetric(rng, p, () => 1 + rng.int(3));
    const h = randomSymmetric(rng, nCanonical, () => 1);
    const w = Float64Array.from({ length: p }, () => rng.int(3));
    for (let k = 0; k < 6; k++) w[space.local[order[k]]] ||= 1;
    const specs = rsaMetrics(sim, { space, human: human(nCanonical, { similarity: h }) });
    const want = await runPython<Record<string, number>>(
      WEIGHTED_PY + `
from scipy.stats import spearmanr, pearsonr
from scipy.spatial.distance import cosine
sim, h, canon, w = inp["sim"], inp["h"], inp["canon"], inp["w"]
iu = np.triu_indices(len(canon), 1)
x = sim[iu]
y = h[np.ix_(canon, canon)][iu]
pw = w[iu[0]] * w[iu[1]]
dx, dy = sim.diagonal().max() - x, 1 - y
sx, sy = np.sign(x[:, None] - x[None, :]), np.sign(y[:, None] - y[None, :])
n0 = len(x) * (len(x) - 1) / 2
out({
    "spearman": spearmanr(x, y)[0], "pearson": pearsonr(x, y)[0], "cosine": 1 - cosine(dx, dy),
    "tau_a": np.triu(sx * sy, 1).sum() / n0,
    "w_spearman": wpearson(rankdata(x), rankdata(y), pw), "w_pearson": wpearson(x, y, pw),
    "w_cosine": (pw * dx * dy).sum() / np.sqrt((pw * dx * dx).sum() * (pw * dy * dy).sum()),
})
`,
      {
        sim: { data: sim, shape: [p, p] },
        h: { data: h, shape: [nCanonical, nCanonical] },
        canon: { data: space.canonical },
        w: { data: w },
      },
    );
    const got = (metric: string, cw: Float64Array) => byName(specs, metric).evaluate(cw);
    assert.equal(specs[0].n, p * (p - 1) / 2);
    close(got("rsa_spearman", ones(p)), want.spearman, "spearman");
    close(got("rsa_pearson", ones(p)), want.pearson, "pearson");
    close(got("rsa_cosine", ones(p)), want.cosine, "cosine");
    close(got("rsa_kendall_tau_a", ones(p)), want.tau_a, "tau-a");
    close(got("rsa_spearman", w), want.w_spearman, "weighted spearman");
    close(got("rsa_pearson", w), want.w_pearson, "weighted pearson");
    close(got("rsa_cosine", w), want.w_cosine, "weighted cosine");
  });
});

Deno.test("humanPairMetrics: per-split Spearman equals scipy's spearmanr, plain and concept-weighted", async () => {
  await withSeed("human pairs scipy", async (rng) => {
    const nCanonical = 12;
    const order = rng.shuffle(Array.from({ length: nCanonical }, (_, i) => i));
    const space = conceptSpace(order.slice(0, 9), nCanonical);
    const p = space.size;
    const sim = randomSymmetric(rng, p, () => 1);
    // every canonical pair (some outside the space), in random order and orientation
    const pairs: [number, number][] = [];
    for (let i = 0; i < nCanonical; i++) {
      for (let j = i + 1; j < nCanonical; j++) pairs.push(rng.next() < 0.5 ? [i, j] : [j, i]);
    }
    rng.shuffle(pairs);
    const a = Int32Array.from(pairs, (q) => q[0]), b = Int32Array.from(pairs, (q) => q[1]);
    const similarity = Float64Array.from(pairs, () => Math.round(rng.next() * 6) / 6);
    const code = Int32Array.from(pairs, () => rng.int(3));
    const split = Array.from(code, (c) => ["train", "val", "test"][c]);
    const w = Float64Array.from({ length: p }, () => rng.int(3));
    for (let k = 0; k < 6; k++) w[space.local[order[k]]] ||= 1;
    const specs = humanPairMetrics(sim, {
      space,
      human: human(nCanonical, { pairs: { a, b, similarity, split } }),
      splits: ["test", "val"],
    });
    const want = await runPython<{ n: number; rho: number; w_rho: number }[]>(
      WEIGHTED_PY + `
from scipy.stats import spearmanr
sim, local, a, b, s, code, w = (inp[k] for k in ("sim", "local", "a", "b", "s", "code", "w"))
res = []
for c in (2, 1):
    keep = (code == c) & (local[a] >= 0) & (local[b] >= 0)
    la, lb = local[a[keep]], local[b[keep]]
    x, y = sim[la, lb], s[keep]
    res.append({"n": int(keep.sum()), "rho": spearmanr(x, y)[0],
                "w_rho": wpearson(rankdata(x), rankdata(y), w[la] * w[lb])})
out(res)
`,
      {
        sim: { data: sim, shape: [p, p] },
        local: { data: space.local },
        a: { data: a },
        b: { data: b },
        s: { data: similarity },
        code: { data: code },
        w: { data: w },
      },
    );
    specs.forEach((spec, i) => {
      assert.equal(spec.n, want[i].n, spec.subset);
      close(spec.evaluate(ones(p)), want[i].rho, `${spec.subset} rho`);
      close(spec.evaluate(w), want[i].w_rho, `${spec.subset} weighted rho`);
    });
  });
});
