/**
 * Image-level benchmark metrics (`src/eval/benchmark/images.ts`) on tiny hand-built models whose
 * cosines are exact (Pythagorean unit vectors), so every expected value is worked out by hand;
 * plus top-k accuracy and mean average precision against scikit-learn on fresh random inputs,
 * plain and under a bootstrap-style concept weighting.
 */
import { strict as assert } from "node:assert";
import {
  classificationMetrics,
  itemMetric,
  RETRIEVAL_K,
  retrievalMetrics,
} from "../../../src/eval/benchmark/images.ts";
import type { BenchModel } from "../../../src/eval/benchmark/inputs.ts";
import {
  conceptResamples,
  percentileInterval,
  resampleValues,
} from "../../../src/eval/benchmark/resamples.ts";
import { conceptSpace, type MetricSpec } from "../../../src/eval/benchmark/spec.ts";
import type { Rng } from "../../../src/stats/random.ts";
import { runPython } from "../../_helpers/python.ts";
import { gaussian } from "../../_helpers/random.ts";
import { withSeed } from "../../_helpers/seed.ts";

const ones = (n: number) => new Float64Array(n).fill(1);

function close(got: number, want: number, label: string, tol = 1e-12) {
  assert.ok(Math.abs(got - want) <= tol, `${label}: ${got} vs ${want}`);
}

function byName(specs: MetricSpec[], metric: string): MetricSpec {
  const s = specs.find((x) => x.metric === metric);
  assert.ok(s, `no ${metric} among ${specs.map((x) => x.metric)}`);
  return s;
}

/** An image model from rows of [concept, split, vector] and prototypes of [concept, vector]. */
function model(
  images: [number, string, number[]][],
  prototypes: [number, number[]][],
  design?: number[],
): BenchModel {
  const dim = prototypes[0][1].length;
  return {
    model: "m",
    seed: 1,
    similarity: "cosine",
    images: {
      concept: Int32Array.from(images, (r) => r[0]),
      split: images.map((r) => r[1]),
      vectors: Float64Array.from(images.flatMap((r) => r[2])),
      dim,
      ...(design ? { design: Int32Array.from(design) } : {}),
    },
    prototypes: {
      concept: Int32Array.from(prototypes, (p) => p[0]),
      vectors: Float64Array.from(prototypes.flatMap((p) => p[1])),
      dim,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// itemMetric

Deno.test("itemMetric: the plain value is the mean over items, n counts the items", () => {
  // scores 1, 0, 0.5, 1 → (1 + 0 + 0.5 + 1) / 4 = 0.625
  const spec = itemMetric(
    { metric: "top1", subset: "test", group: "core", note: "nb", source: "s" },
    { scores: Float64Array.of(1, 0, 0.5, 1), owner: Int32Array.of(0, 0, 2, 1), size: 4 },
  );
  assert.equal(spec.n, 4);
  assert.equal(spec.evaluate(ones(4)), 0.625);
  assert.deepEqual(
    [spec.metric, spec.subset, spec.group, spec.note, spec.source],
    ["top1", "test", "core", "nb", "s"],
  );
});

Deno.test("itemMetric: per-concept means, NaN for a concept without items", () => {
  // concept 0: (1 + 0) / 2; concept 1: 1; concept 2: 0.5; concept 3: no items
  const spec = itemMetric(
    { metric: "x", subset: "s", group: "core" },
    { scores: Float64Array.of(1, 0, 0.5, 1), owner: Int32Array.of(0, 0, 2, 1), size: 4 },
  );
  assert.deepEqual(Array.from(spec.perConcept!), [0.5, 1, 0.5, NaN]);
});

Deno.test("itemMetric: concept weights multiply each concept's items", () => {
  const spec = itemMetric(
    { metric: "x", subset: "s", group: "core" },
    { scores: Float64Array.of(1, 0, 0.5, 1), owner: Int32Array.of(0, 0, 2, 1), size: 4 },
  );
  // w = (1, 0, 2, 5): concept 0 once (1 + 0), concept 1 dropped, concept 2 twice (2 · 0.5),
  // concept 3 owns nothing → (1 + 0 + 1) / (1 + 1 + 2) = 0.5
  assert.equal(spec.evaluate(Float64Array.of(1, 0, 2, 5)), 0.5);
  // only concepts without items drawn: no weight at all → NaN
  assert.ok(Number.isNaN(spec.evaluate(Float64Array.of(0, 0, 0, 3))));
});

Deno.test("itemMetric: items need not be sorted by concept", () => {
  // owners 2, 0, 1, 0 (unsorted); w = (3, 1, 0): (3·0.2 + 1·0.6 + 3·0.4) / (3 + 1 + 3) = 2.4 / 7
  const spec = itemMetric(
    { metric: "x", subset: "s", group: "core" },
    { scores: Float64Array.of(1, 0.2, 0.6, 0.4), owner: Int32Array.of(2, 0, 1, 0), size: 3 },
  );
  close(spec.evaluate(Float64Array.of(3, 1, 0)), 2.4 / 7, "weighted");
  close(spec.evaluate(ones(3)), 2.2 / 4, "plain");
});

Deno.test("itemMetric: no items → n = 0 and NaN, NaN per concept", () => {
  const spec = itemMetric(
    { metric: "x", subset: "s", group: "core" },
    { scores: new Float64Array(0), owner: new Int32Array(0), size: 2 },
  );
  assert.equal(spec.n, 0);
  assert.ok(Number.isNaN(spec.evaluate(ones(2))));
  assert.deepEqual(Array.from(spec.perConcept!), [NaN, NaN]);
});

// ---------------------------------------------------------------------------------------------
// classificationMetrics

/**
 * Canonical concepts 0–5; the space is {0, 1, 2, 3, 5} (local 0–4), concept 4 is outside it.
 * Prototypes (rows deliberately out of canonical order): p0 = (1,0,0), p1 = (0,1,0),
 * p2 = (0,0,1), p3 = (0.6,0.8,0), p5 = (0,−1,0), p4 = (0,0.6,0.8) (outside the space).
 */
const S = Math.SQRT1_2;
const CLASSIFY = model(
  [
    [0, "test", [0.8, 0.6, 0]], // r0: p0 .8, p3 .96 higher → 1 above the truth
    [0, "test", [1, 0, 0]], // r1: p0 1, best → 0 above
    [1, "test", [0, 0.6, 0.8]], // r2: p1 .6, p2 .8 higher (p3 .48) → 1 above
    [2, "test", [0, 0, 1]], // r3: p2 1 → 0 above
    [2, "train", [0.6, 0.8, 0]], // train: not scored
    [3, "test", [0.8, 0.6, 0]], // r5: p3 .96 > p0 .8 → 0 above
    [4, "test", [0, 0, 1]], // concept outside the space: not scored
    [1, "test", [0, S, S]], // r7: p1 = p2 = √½ exactly, a tie → 0 strictly above
    [3, "test", [0, 0.6, 0.8]], // r8: p3 .48; p1 .6 and p2 .8 higher → 2 above
    [5, "train", [0, -1, 0]], // concept 5 has no test image
  ],
  [
    [5, [0, -1, 0]],
    [3, [0.6, 0.8, 0]],
    [4, [0, 0.6, 0.8]],
    [0, [1, 0, 0]],
    [2, [0, 0, 1]],
    [1, [0, 1, 0]],
  ],
);
const CLASSIFY_SPACE = conceptSpace([0, 1, 2, 3, 5], 6);

Deno.test("classificationMetrics: top-k of nearest-prototype classification (hand-computed)", () => {
  const specs = classificationMetrics(CLASSIFY, {
    space: CLASSIFY_SPACE,
    split: "test",
    ks: [1, 2, 3],
  });
  assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.group}|${s.n}`), [
    "top1|test|core|7",
    "top2|test|core|7",
    "top3|test|core|7",
  ]);
  // prototypes strictly above the truth per test image in the space: 1, 0, 1, 0, 0, 0, 2
  // top-1: 4 of 7 images (r1, r3, r5, r7); top-2: all but r8; top-3: all
  const w = ones(5);
  assert.equal(specs[0].evaluate(w), 4 / 7);
  assert.equal(specs[1].evaluate(w), 6 / 7);
  assert.equal(specs[2].evaluate(w), 1);
});

Deno.test("classificationMetrics: a tie with the true prototype counts as correct", () => {
  // only the tied image r7 (concept 1) and r2 (concept 1, wrong): drawing concept 1 alone
  // gives (1 + 0) / 2
  const [top1] = classificationMetrics(CLASSIFY, {
    space: CLASSIFY_SPACE,
    split: "test",
    ks: [1],
  });
  assert.equal(top1.evaluate(Float64Array.of(0, 1, 0, 0, 0)), 0.5);
});

Deno.test("classificationMetrics: per-concept top-1, NaN for a concept without test images", () => {
  const [top1] = classificationMetrics(CLASSIFY, {
    space: CLASSIFY_SPACE,
    split: "test",
    ks: [1],
  });
  // local concepts 0,1,2,3,5 → c0: (0 + 1)/2, c1: (0 + 1)/2, c2: 1, c3: (1 + 0)/2, c5: none
  assert.deepEqual(Array.from(top1.perConcept!), [0.5, 0.5, 1, 0.5, NaN]);
});

Deno.test("classificationMetrics: concept weights re-weight the images", () => {
  const [top1] = classificationMetrics(CLASSIFY, {
    space: CLASSIFY_SPACE,
    split: "test",
    ks: [1],
  });
  // w = (3, 1, 0, 0, 0): concept 0 thrice (0 + 1), concept 1 once (0 + 1) → (3 + 1) / (6 + 2)
  assert.equal(top1.evaluate(Float64Array.of(3, 1, 0, 0, 0)), 0.5);
  // only concept 5 (no test image) drawn → NaN
  assert.ok(Number.isNaN(top1.evaluate(Float64Array.of(0, 0, 0, 0, 4))));
});

Deno.test("classificationMetrics: an image's own concept competes with every prototype in the space, and only those", () => {
  // without concept 3 in the space, r0 (concept 0) is no longer beaten by p3: top-1 becomes
  // r0, r1, r3, r7 correct of r0, r1, r2, r3, r7 = 4/5 (r5, r8 belong to concept 3, not scored)
  const space = conceptSpace([0, 1, 2, 5], 6);
  const [top1] = classificationMetrics(CLASSIFY, { space, split: "test", ks: [1] });
  assert.equal(top1.n, 5);
  assert.equal(top1.evaluate(ones(4)), 4 / 5);
});

Deno.test("classificationMetrics: no images in the split, or no images at all → no metrics", () => {
  assert.deepEqual(
    classificationMetrics(CLASSIFY, { space: CLASSIFY_SPACE, split: "stress", ks: [1] }),
    [],
  );
  const spose: BenchModel = { ...CLASSIFY, images: undefined, similarity: "dot" };
  assert.deepEqual(
    classificationMetrics(spose, { space: CLASSIFY_SPACE, split: "test", ks: [1] }),
    [],
  );
});

Deno.test("classificationMetrics: a concept of the space without a prototype throws", () => {
  const space = conceptSpace([0, 1, 2, 3, 5], 7);
  const noProto = model([[0, "test", [1, 0]]], [[0, [1, 0]], [1, [0, 1]]]);
  assert.throws(
    () => classificationMetrics(noProto, { space, split: "test", ks: [1] }),
    /m: no vector for concept 2 of the benchmark/,
  );
});

Deno.test("classificationMetrics: the shared concept draws are deterministic and their interval is ordered", () => {
  const [top1] = classificationMetrics(CLASSIFY, {
    space: CLASSIFY_SPACE,
    split: "test",
    ks: [1],
  });
  const a = resampleValues(top1.evaluate, conceptResamples(5, { seed: 42, resamples: 200 }));
  const b = resampleValues(top1.evaluate, conceptResamples(5, { seed: 42, resamples: 200 }));
  assert.deepEqual(a, b, "same seed, same resampled values");
  // each resampled value is Σ m_c·(correct_c) / Σ m_c·(images_c), from the per-concept table
  const correct = [1, 1, 1, 1, 0], count = [2, 2, 1, 2, 0];
  const draws = conceptResamples(5, { seed: 42, resamples: 200 });
  draws.rows.forEach((m, r) => {
    const num = m.reduce((s, k, c) => s + k * correct[c], 0);
    const den = m.reduce((s, k, c) => s + k * count[c], 0);
    if (den === 0) assert.ok(Number.isNaN(a[r]));
    else close(a[r], num / den, `resample ${r}`);
  });
  const [lo, hi] = percentileInterval(a);
  assert.ok(0 <= lo && lo <= hi && hi <= 1, `[${lo}, ${hi}]`);
});

// ---------------------------------------------------------------------------------------------
// retrievalMetrics

/**
 * 2-D unit vectors with exact dot products. Space {0, 1, 2} of canonical 0–3 (concept 3 outside).
 * Queries: the test images r0 (c0), r1 (c1), r2 (c2, which has no gallery image).
 */
const RETRIEVE: [number, string, number[]][] = [
  [0, "test", [1, 0]], // r0
  [1, "test", [0, 1]], // r1
  [2, "test", [-1, 0]], // r2
  [0, "train", [0.96, 0.28]], // r3
  [1, "train", [0.8, 0.6]], // r4
  [0, "train", [0.6, 0.8]], // r5
  [3, "train", [1, 0]], // r6: outside the space (would be r0's exact match)
  [1, "val", [-0.6, 0.8]], // r7
  [0, "stress", [1, 0]], // r8: split not in the gallery
];
const PROTOS: [number, number[]][] = [[0, [1, 0]], [1, [0, 1]], [2, [-1, 0]], [3, [1, 0]]];
const RETRIEVE_SPACE = conceptSpace([0, 1, 2], 4);

Deno.test("retrievalMetrics: first-relevant ranks and AP per query (hand-computed)", () => {
  const { queries } = retrievalMetrics(model(RETRIEVE, PROTOS), {
    space: RETRIEVE_SPACE,
    split: "test",
    gallery: ["train", "val"],
  });
  // r0 = (1,0): gallery r3 .96 (c0), r4 .8 (c1), r5 .6 (c0), r7 −.6 (c1) → hits at ranks 1, 3:
  // AP = (1/1 + 2/3) / 2 = 5/6
  // r1 = (0,1): r5 .8 (c0) and r7 .8 (c1) tie, r5 first by table row; r4 .6 (c1), r3 .28 (c0)
  // → hits at ranks 2, 3: AP = (1/2 + 2/3) / 2 = 7/12
  // r2: concept 2 has no gallery image → left out
  assert.deepEqual(queries.map((q) => [q.row, q.concept, q.firstRelevant]), [[0, 0, 1], [
    1,
    1,
    2,
  ]]);
  close(queries[0].averagePrecision, 5 / 6, "AP r0");
  close(queries[1].averagePrecision, 7 / 12, "AP r1");
});

Deno.test("retrievalMetrics: retrieval@k and mAP specs average the queries", () => {
  const { specs } = retrievalMetrics(model(RETRIEVE, PROTOS), {
    space: RETRIEVE_SPACE,
    split: "test",
    gallery: ["train", "val"],
  });
  assert.deepEqual(specs.map((s) => s.metric), [
    ...Array.from({ length: RETRIEVAL_K }, (_, k) => `retrieval@${k + 1}`),
    "mAP",
  ]);
  assert.ok(specs.every((s) => s.n === 2 && s.subset === "test" && s.group === "core"));
  const w = ones(3);
  // first relevant ranks 1 and 2: retrieval@1 = 1/2, retrieval@k≥2 = 1
  assert.equal(byName(specs, "retrieval@1").evaluate(w), 0.5);
  assert.equal(byName(specs, "retrieval@2").evaluate(w), 1);
  assert.equal(byName(specs, "retrieval@10").evaluate(w), 1);
  // mAP = (5/6 + 7/12) / 2 = 17/24
  close(byName(specs, "mAP").evaluate(w), 17 / 24, "mAP");
  // per concept: c0 → r0, c1 → r1, c2 → no query
  assert.deepEqual(Array.from(byName(specs, "retrieval@1").perConcept!), [1, 0, NaN]);
  // concept weights (0, 2, 5): only r1's query counts → mAP 7/12
  close(byName(specs, "mAP").evaluate(Float64Array.of(0, 2, 5)), 7 / 12, "weighted mAP");
});

Deno.test("retrievalMetrics: a gallery split of other concepts only → every query left out, NaN", () => {
  // gallery = the test images themselves: each query's only other test images are other concepts
  const { specs, queries } = retrievalMetrics(model(RETRIEVE, PROTOS), {
    space: RETRIEVE_SPACE,
    split: "test",
    gallery: ["test"],
  });
  assert.equal(queries.length, 0);
  assert.equal(specs.length, RETRIEVAL_K + 1);
  for (const s of specs) {
    assert.equal(s.n, 0);
    assert.ok(Number.isNaN(s.evaluate(ones(3))), s.metric);
  }
});

Deno.test("retrievalMetrics: the query's own design is neither a hit nor a competitor", () => {
  // designs: r0 shares design 0 with r3 (c0), r1 shares design 1 with r5 (c0)
  const design = [0, 1, 2, 0, 3, 1, 4, 5, 6];
  const { queries, specs } = retrievalMetrics(model(RETRIEVE, PROTOS, design), {
    space: RETRIEVE_SPACE,
    split: "test",
    gallery: ["train", "val"],
  });
  // r0: r3 is gone → r4 .8 (c1), r5 .6 (c0), r7 → first hit at rank 2, AP = 1/2
  // r1: r5 is gone (and no longer wins the tie) → r7 .8 (c1), r4 .6 (c1) → ranks 1, 2, AP = 1
  assert.deepEqual(
    queries.map((q) => [q.row, q.firstRelevant, q.averagePrecision]),
    [[0, 2, 0.5], [1, 1, 1]],
  );
  assert.equal(byName(specs, "retrieval@1").evaluate(ones(3)), 0.5);
  assert.equal(byName(specs, "mAP").evaluate(ones(3)), 0.75);
});

Deno.test("retrievalMetrics: without a design column a query only misses itself", () => {
  // r0 queries a gallery of every train and test image: itself (1,0) is excluded, the other
  // test images r1 (0 with r0) and r2 (−1) are competitors of concepts 1, 2
  const { queries } = retrievalMetrics(model(RETRIEVE, PROTOS), {
    space: RETRIEVE_SPACE,
    split: "test",
    gallery: ["test", "train"],
  });
  // r0: r3 .96 (c0), r4 .8, r5 .6 (c0), r1 0, r2 −1 → ranks 1, 3: AP 5/6
  // r1: r5 .8 (c0), r4 .6 (c1), r3 .28, r0 0, r2 0 → first hit at 2, AP 1/2 (r7 is val)
  assert.deepEqual(queries.map((q) => [q.row, q.firstRelevant]), [[0, 1], [1, 2]]);
  close(queries[0].averagePrecision, 5 / 6, "AP r0");
  assert.equal(queries[1].averagePrecision, 0.5);
});

Deno.test("retrievalMetrics: a model without images → no specs, no queries", () => {
  const spose: BenchModel = { ...model(RETRIEVE, PROTOS), images: undefined };
  assert.deepEqual(
    retrievalMetrics(spose, { space: RETRIEVE_SPACE, split: "test", gallery: ["train"] }),
    { specs: [], queries: [] },
  );
});

// ---------------------------------------------------------------------------------------------
// cross-checks against scikit-learn on fresh random inputs

const SPLIT_CODE: Record<string, number> = { test: 1, train: 2, val: 3 };

/** Random unit-vector images (test / train / val) of `canonical` concepts with prototypes. */
function randomModel(rng: Rng, canonical: number, dim = 5) {
  const images: [number, string, number[]][] = [];
  const unit = () => {
    const v = Array.from({ length: dim }, () => gaussian(rng));
    const s = Math.hypot(...v);
    return v.map((x) => x / s);
  };
  const centres = Array.from({ length: canonical }, unit);
  for (let c = 0; c < canonical; c++) {
    const n = 1 + rng.int(5);
    for (let i = 0; i < n; i++) {
      const v = centres[c].map((x) => x + 1.2 * gaussian(rng) / Math.sqrt(dim));
      const s = Math.hypot(...v);
      images.push([c, ["test", "train", "val"][rng.int(3)], v.map((x) => x / s)]);
    }
  }
  // the image rows shuffled (not grouped by concept), prototypes in reverse canonical order
  const order = Array.from({ length: images.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const protos: [number, number[]][] = centres.map((v, c) => [c, v] as [number, number[]])
    .reverse();
  return model(order.map((i) => images[i]), protos);
}

/** A space of every concept but one random one, and random integer concept weights 0–2. */
function spaceWithoutOne(rng: Rng, canonical: number) {
  const out = rng.int(canonical);
  const space = conceptSpace(
    Array.from({ length: canonical }, (_, i) => i).filter((c) => c !== out),
    canonical,
  );
  return { space, w: Float64Array.from({ length: space.size }, () => rng.int(3)) };
}

Deno.test("classificationMetrics: top-k equals scikit-learn's top_k_accuracy_score, plain and concept-weighted", async () => {
  await withSeed("images top-k", async (rng) => {
    const canonical = 9;
    const m = randomModel(rng, canonical);
    const { space, w } = spaceWithoutOne(rng, canonical);
    const specs = classificationMetrics(m, { space, split: "test", ks: [1, 3] });
    const img = m.images!;
    const want = await runPython<{ n: number; plain: number[]; weighted: number[] | null }>(
      `
from sklearn.metrics import top_k_accuracy_score
x, c, t, local = inp["x"], inp["concept"], inp["test"], inp["local"]
p, w = inp["protos"], inp["w"]
keep = (t == 1) & (local[c] >= 0)
y = local[c[keep]]
space = np.where(local >= 0)[0]
# prototypes in local order (rows of p are canonical concepts in reverse)
P = p[::-1][space]
scores = x[keep] @ P.T
labels = np.arange(len(space))
res = {"n": int(keep.sum()), "plain": [], "weighted": None}
if len(y):
    res["plain"] = [top_k_accuracy_score(y, scores, k=k, labels=labels) for k in (1, 3)]
if w[y].sum() > 0:
    res["weighted"] = [top_k_accuracy_score(y, scores, k=k, labels=labels, sample_weight=w[y])
                       for k in (1, 3)]
out(res)
`,
      {
        x: { data: img.vectors, shape: [img.concept.length, img.dim] },
        concept: { data: img.concept },
        test: { data: Uint8Array.from(img.split, (s) => (s === "test" ? 1 : 0)) },
        local: { data: space.local },
        protos: { data: m.prototypes.vectors, shape: [canonical, m.prototypes.dim] },
        w: { data: w },
      },
    );
    if (want.n === 0) return assert.equal(specs.length, 0);
    specs.forEach((s, i) => {
      assert.equal(s.n, want.n);
      close(s.evaluate(ones(space.size)), want.plain[i], `${s.metric} plain`);
      if (want.weighted) close(s.evaluate(w), want.weighted[i], `${s.metric} weighted`);
      else assert.ok(Number.isNaN(s.evaluate(w)), "no weight on any test image");
    });
  });
});

Deno.test("retrievalMetrics: mAP equals scikit-learn's label-ranking AP, retrieval@k numpy's, plain and concept-weighted", async () => {
  await withSeed("images mAP", async (rng) => {
    const canonical = 8;
    const m = randomModel(rng, canonical);
    const { space, w } = spaceWithoutOne(rng, canonical);
    // gallery includes the test split itself: every query must skip exactly itself
    const { specs, queries } = retrievalMetrics(m, {
      space,
      split: "test",
      gallery: ["test", "train"],
    });
    const img = m.images!;
    const want = await runPython<
      { n: number; map: number[]; recall: number[][] }
    >(
      `
from sklearn.metrics import label_ranking_average_precision_score as lrap
x, c, split, local, w = inp["x"], inp["concept"], inp["split"], inp["local"], inp["w"]
inspace = local[c] >= 0
q_rows = np.where((split == 1) & inspace)[0]
g_rows = np.where(((split == 1) | (split == 2)) & inspace)[0]
Y, S, W, first = [], [], [], []
for q in q_rows:
    g = g_rows[g_rows != q]
    rel = c[g] == c[q]
    if not rel.any():
        continue
    s = x[g] @ x[q]
    Y.append(rel.astype(int)); S.append(s); W.append(w[local[c[q]]])
    first.append(1 + int((s > s[rel].max()).sum()))
Y, S, W, first = np.array(Y), np.array(S), np.array(W), np.array(first)
res = {"n": len(Y), "map": [], "recall": []}
if len(Y):
    res["map"] = [lrap(Y, S)] + ([lrap(Y, S, sample_weight=W)] if W.sum() > 0 else [])
    res["recall"] = [[float(np.mean(first <= k)) for k in range(1, 11)]] + (
        [[float(np.average(first <= k, weights=W)) for k in range(1, 11)]] if W.sum() > 0 else [])
out(res)
`,
      {
        x: { data: img.vectors, shape: [img.concept.length, img.dim] },
        concept: { data: img.concept },
        split: {
          data: Int32Array.from(img.split, (s) => SPLIT_CODE[s]),
        },
        local: { data: space.local },
        w: { data: w },
      },
    );
    assert.equal(queries.length, want.n);
    const mAP = byName(specs, "mAP");
    assert.equal(mAP.n, want.n);
    if (want.n === 0) return;
    assert.ok(queries.every((q) => q.firstRelevant >= 1));
    close(mAP.evaluate(ones(space.size)), want.map[0], "mAP plain");
    for (let k = 1; k <= RETRIEVAL_K; k++) {
      close(
        byName(specs, `retrieval@${k}`).evaluate(ones(space.size)),
        want.recall[0][k - 1],
        `@${k}`,
      );
    }
    if (want.map.length > 1) {
      close(mAP.evaluate(w), want.map[1], "mAP weighted");
      for (let k = 1; k <= RETRIEVAL_K; k++) {
        close(byName(specs, `retrieval@${k}`).evaluate(w), want.recall[1][k - 1], `@${k} weighted`);
      }
    }
  });
});
