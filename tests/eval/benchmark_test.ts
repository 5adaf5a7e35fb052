import { strict as assert } from "node:assert";
import {
  bootstrapPValue,
  compareModels,
  comparisonPairs,
  ComparisonTable,
  seedComparisons,
} from "../../src/eval/benchmark/comparisons.ts";
import type { BenchInputs, BenchModel } from "../../src/eval/benchmark/inputs.ts";
import { metricKey, runBenchmark } from "../../src/eval/benchmark/run.ts";
import { kendallTauA } from "../../src/metrics/correlation.ts";
import { rocAuc } from "../../src/metrics/auc.ts";
import { pearson } from "../../src/metrics/correlation.ts";
import { createRng, type Rng } from "../../src/stats/random.ts";
import {
  unitCounts,
  weightedAucSorted,
  weightedCosine,
  weightedMean,
  weightedPearson,
} from "../../src/stats/weighted.ts";
import { pairedBootstrap } from "../../src/stats/bootstrap.ts";
import { ItemWeights } from "../../src/eval/benchmark/kernels.ts";
import {
  conceptResamples,
  percentileInterval,
  resampleValues,
} from "../../src/eval/benchmark/resamples.ts";
import { argsort } from "../../src/metrics/rank.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";
import { pearsonBound } from "../_helpers/correlation_error.ts";

const N = 14; // canonical concepts; the first 12 have images
const P = 12;
const DIM = 5;

function unit(v: number[]): number[] {
  const s = Math.hypot(...v);
  return v.map((x) => x / s);
}

/** A world where human similarity is the cosine of hidden concept vectors. */
function world(rng: Rng) {
  const hidden = Array.from(
    { length: N },
    () => unit(Array.from({ length: DIM }, () => rng.next() - 0.5)),
  );
  const similarity = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      similarity[i * N + j] = hidden[i].reduce((s, x, k) => s + x * hidden[j][k], 0);
    }
  }
  return { hidden, similarity };
}

/** An image model whose images (3 test, 2 train per concept) sit at `vectors[c]` plus noise. */
function imageModel(
  name: string,
  vectors: number[][],
  options: { noise: number; rng: Rng; controlOf?: string },
): BenchModel {
  const concept: number[] = [], split: string[] = [], data: number[] = [];
  for (let c = 0; c < P; c++) {
    for (const s of ["train", "train", "test", "test", "test"]) {
      concept.push(c);
      split.push(s);
      data.push(...unit(vectors[c].map((x) => x + options.noise * (options.rng.next() - 0.5))));
    }
  }
  const protos: number[] = [];
  for (let c = 0; c < P; c++) protos.push(...unit(vectors[c]));
  return {
    model: name,
    seed: 7,
    similarity: "cosine",
    controlOf: options.controlOf ?? null,
    headTop1: null,
    images: {
      concept: Int32Array.from(concept),
      split,
      vectors: Float64Array.from(data),
      dim: DIM,
    },
    prototypes: {
      concept: Int32Array.from({ length: P }, (_, i) => i),
      vectors: Float64Array.from(protos),
      dim: DIM,
    },
  };
}

function inputs(rng: Rng, models: BenchModel[], similarity: Float64Array): BenchInputs {
  const a: number[] = [], b: number[] = [], s: number[] = [], split: string[] = [];
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      a.push(i);
      b.push(j);
      s.push(similarity[i * N + j]);
      split.push(["train", "val", "test"][(i + j) % 3]);
    }
  }
  // triplets consistent with the human similarity: (anchor, more similar, less similar)
  const anchor: number[] = [], pos: number[] = [], neg: number[] = [];
  for (let t = 0; t < 60; t++) {
    const x = rng.int(P), y = rng.int(P), z = rng.int(P);
    if (x === y || x === z || y === z) continue;
    const [p, q] = similarity[x * N + y] > similarity[x * N + z] ? [y, z] : [z, y];
    anchor.push(x);
    pos.push(p);
    neg.push(q);
  }
  const tri = {
    anchor: Int32Array.from(anchor),
    positive: Int32Array.from(pos),
    negative: Int32Array.from(neg),
    simPositive: new Float64Array(anchor.length),
    simNegative: new Float64Array(anchor.length),
  };
  // odd-one-out triplets where the kept pair is the most similar (plus two with a concept
  // lacking images, which the benchmark must leave out)
  const oa: number[] = [], ob: number[] = [], oo: number[] = [];
  for (let t = 0; t < 80; t++) {
    const x = rng.int(P), y = rng.int(P), z = rng.int(P);
    if (x === y || x === z || y === z) continue;
    const sxy = similarity[x * N + y], sxz = similarity[x * N + z], syz = similarity[y * N + z];
    if (sxy >= sxz && sxy >= syz) oa.push(x), ob.push(y), oo.push(z);
    else if (sxz >= syz) oa.push(x), ob.push(z), oo.push(y);
    else oa.push(y), ob.push(z), oo.push(x);
  }
  oa.push(12, 0);
  ob.push(1, 13);
  oo.push(2, 3);
  const props = Array.from({ length: N * 3 }, () => rng.next());
  // an RDM over six concepts, one of them (13) without images: dissimilarity 1 − similarity
  const rdmConcepts = [13, 0, 5, 3, 9, 1];
  const r = rdmConcepts.length;
  return {
    concepts: {
      ids: Array.from({ length: N }, (_, i) => `c${i}`),
      categories: Array.from({ length: N }, (_, i) => (i % 2 ? ["even"] : ["odd", "x"])),
      targetNames: ["property_a", "property_b", "size_mean"],
      targets: Float64Array.from(props),
    },
    human: {
      similarity,
      pairs: {
        a: Int32Array.from(a),
        b: Int32Array.from(b),
        similarity: Float64Array.from(s),
        split,
      },
      trainTriplets: tri,
      testTriplets: tri,
      oddOneOut: {
        a: Int32Array.from(oa),
        b: Int32Array.from(ob),
        odd: Int32Array.from(oo),
        n: oa.length,
        source: "x/triplets.txt",
      },
      ceiling: { value: 0.7, source: "x/nc.csv" },
      rdm48: {
        concept: Int32Array.from(rdmConcepts),
        ids: rdmConcepts.map((c) => `c${c}`),
        size: r,
        dissimilarity: Float64Array.from(
          { length: r * r },
          (_, k) =>
            k % (r + 1) === 0
              ? 0
              : 1 - similarity[rdmConcepts[Math.floor(k / r)] * N + rdmConcepts[k % r]],
        ),
        source: "x/rdm/RDM48_triplet.mat",
      },
    },
    models,
  };
}

function value(
  rows: ReturnType<typeof runBenchmark>["rows"],
  model: string,
  metric: string,
  subset: string,
) {
  const row = rows.find((r) => r.model === model && r.metric === metric && r.subset === subset);
  assert.ok(row, `${model} ${metric} ${subset}`);
  return row;
}

Deno.test("benchmark: a model with the human geometry scores 1 on every alignment metric", async () => {
  await withSeed("bench world", (rng) => {
    const { hidden, similarity } = world(rng);
    const human = imageModel("human_like", hidden, { noise: 0, rng });
    const noisy = imageModel(
      "noisy",
      hidden.map(() => Array.from({ length: DIM }, () => rng.next() - 0.5)),
      { noise: 0.01, rng },
    );
    const inp = inputs(rng, [human, noisy], similarity);
    const result = runBenchmark(inp, {
      groups: new Set(["core", "expanded"]),
      seed: 3,
      resamples: 50,
    });
    const rows = result.rows;
    assert.equal(result.space.size, P);
    for (
      const [metric, subset] of [
        ["top1", "test"],
        ["top5", "test"],
        ["retrieval@1", "test"],
        ["mAP", "test"],
        ["human_pair_rho", "test"],
        ["human_pair_rho", "val"],
        ["rsa_spearman", "with_images"],
        ["rsa_pearson", "with_images"],
        ["rsa_cosine", "with_images"],
        ["rsa_kendall_tau_a", "with_images"],
        ["oddoneout_accuracy", "with_images"],
        ["triplet_satisfaction", "train"],
        ["rdm48_rsa_spearman", "rdm48"],
        ["rdm48_rsa_pearson", "rdm48"],
      ]
    ) {
      const r = value(rows, "human_like", metric, subset);
      assert.ok(Math.abs(r.value - 1) < 1e-12, `${metric} ${subset} = ${r.value}`);
    }
    const odd = value(rows, "human_like", "oddoneout_accuracy", "with_images");
    assert.equal(
      odd.n,
      inp.human.oddOneOut.n - 2,
      "triplets touching concepts without images are left out",
    );
    assert.ok(
      Math.abs(
        value(rows, "human_like", "oddoneout_normalised", "with_images").value -
          1 / (0.7 - 1 / 3) * (2 / 3),
      ) < 1e-12,
    );
    // the RDM48 rows: the pairs of the five RDM concepts with images, the coverage in the note
    const rdm = value(rows, "human_like", "rdm48_rsa_spearman", "rdm48");
    assert.equal(rdm.n, 10);
    assert.equal(rdm.group, "core");
    assert.equal(rdm.source, "rdm/RDM48_triplet.mat");
    assert.match(rdm.note!, /^5 of the 6 RDM48 concepts in the benchmark's concept space$/);
    assert.ok(rdm.ci_low! <= rdm.value && rdm.value <= rdm.ci_high!);
    // intervals bracket the value; a random model is clearly worse on RSA
    const rsa = value(rows, "noisy", "rsa_spearman", "with_images");
    assert.ok(rsa.ci_low! <= rsa.value && rsa.value <= rsa.ci_high!);
    assert.ok(rsa.value < 0.9);
    assert.equal(value(rows, "human_like", "rsa_kendall_tau_a", "with_images").ci_low, null);
  });
});

Deno.test("comparisons: a control identical to its variant has delta 0 and p = 1", () => {
  const rng = createRng(5);
  const { hidden, similarity } = world(rng);
  const variant = imageModel("variant", hidden, { noise: 0.3, rng: createRng(1) });
  const control = imageModel("control", hidden, {
    noise: 0.3,
    rng: createRng(1),
    controlOf: "variant",
  });
  const base = imageModel(
    "baseline",
    hidden.map(() => Array.from({ length: DIM }, () => rng.next() - 0.5)),
    { noise: 0.3, rng },
  );
  const models = [base, variant, control];
  const result = runBenchmark(inputs(rng, models, similarity), {
    groups: new Set(["core", "expanded"]),
    seed: 3,
    resamples: 100,
  });
  const pairs = comparisonPairs(models);
  assert.deepEqual(pairs.map((p) => `${p.a}-${p.b}:${p.relation}`), [
    "variant-control:variant_vs_control",
    "variant-baseline:vs_baseline",
    "control-baseline:vs_baseline",
  ]);
  const rows = compareModels(result.details, pairs, { seed: 1, permutations: 2000 });
  const same = rows.filter((r) => r.relation === "variant_vs_control");
  assert.ok(same.length >= 8);
  assert.deepEqual(
    rows.filter((r) => r.metric === "rdm48_rsa_spearman").map((r) => `${r.model_a}-${r.model_b}`),
    ["variant-control", "variant-baseline", "control-baseline"],
    "the external RSA is compared for every pair",
  );
  for (const r of same) {
    assert.equal(r.delta, 0, r.metric);
    assert.equal(r.ci_low, 0);
    assert.equal(r.p, 1);
  }
  const rsa = rows.find((r) =>
    r.model_a === "variant" && r.model_b === "baseline" && r.metric === "rsa_spearman"
  )!;
  assert.ok(
    rsa.delta > 0 && rsa.ci_low > 0,
    `variant beats a random baseline on RSA: ${rsa.delta}`,
  );
  assert.ok(rows.every((r) => r.p_adj >= r.p));
  // built incrementally (models arriving in any order, pairs compared between arrivals) the
  // table is the same
  const table = new ComparisonTable(pairs, { seed: 1, permutations: 2000 });
  for (const d of [...result.details].reverse()) {
    table.add(d);
    table.step();
  }
  assert.deepEqual(table.rows(result.details), rows);
  // resamples pair up: the delta interval comes from aligned draws
  const dv = result.details.find((d) => d.model === "variant")!;
  const dc = result.details.find((d) => d.model === "control")!;
  assert.deepEqual(
    dv.resamples.get(metricKey("top1", "test")),
    dc.resamples.get(metricKey("top1", "test")),
  );
});

Deno.test("RDM48 with fewer than 3 concepts in the space: rows with n = 0 and no value, never compared", () => {
  const rng = createRng(11);
  const { hidden, similarity } = world(rng);
  const variant = imageModel("variant", hidden, { noise: 0.3, rng });
  const base = imageModel("baseline", hidden, { noise: 0.5, rng });
  const inp = inputs(rng, [base, variant], similarity);
  // only concepts 13 (no images) and 0 of the RDM stay: one concept in the space
  const keep = [13, 0];
  const r = inp.human.rdm48;
  inp.human.rdm48 = {
    ...r,
    concept: Int32Array.from(keep),
    ids: keep.map((c) => `c${c}`),
    size: 2,
    dissimilarity: Float64Array.from([0, 0.5, 0.5, 0]),
  };
  const result = runBenchmark(inp, { groups: new Set(["core"]), seed: 3, resamples: 20 });
  for (const model of ["baseline", "variant"]) {
    for (const metric of ["rdm48_rsa_spearman", "rdm48_rsa_pearson"]) {
      const row = value(result.rows, model, metric, "rdm48");
      assert.equal(row.n, 0);
      assert.ok(Number.isNaN(row.value));
      assert.equal(row.ci_low, null);
      assert.match(row.note!, /1 of the 2 RDM48 concepts .*: not computable/);
    }
  }
  const rows = compareModels(result.details, comparisonPairs([base, variant]), {
    seed: 1,
    permutations: 100,
  });
  assert.ok(rows.length > 0);
  assert.ok(!rows.some((row) => row.metric.startsWith("rdm48")));
});

Deno.test("weighted statistics: integer weights equal the replicated data; AUC vs scikit-learn", async () => {
  await withSeed("weighted", async (rng) => {
    const n = 60;
    const x = Float64Array.from({ length: n }, () => Math.round(rng.next() * 8));
    const y = Float64Array.from(x, (v) => v + rng.next() * 4);
    const labels = Uint8Array.from(x, (v) => (v + rng.next() * 6 > 7 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => rng.int(3));
    const rx: number[] = [], ry: number[] = [], rl: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < w[i]; k++) rx.push(x[i]), ry.push(y[i]), rl.push(labels[i]);
    }
    // float64 error model (tests/_helpers/correlation_error.ts): two evaluations of one Pearson
    const f64 = { scale: 0, terms: 1, arithmetic: ["float64", "float64"] as const };
    assertFloat32Close([weightedPearson(x, y, w)], [pearson(rx, ry)], {
      ...f64,
      propagated: pearsonBound(rx, ry),
      label: "weighted Pearson vs replicated",
    });
    const order = argsort(x);
    const auc = weightedAucSorted(
      Float64Array.from(order, (i) => x[i]),
      Uint8Array.from(order, (i) => labels[i]),
      Float64Array.from(order, (i) => w[i]),
    );
    // AUC: sums of integer weights (exact), then a few quotients and, for the trapezoids of
    // scikit-learn's curve, a sum of at most 2n non-negative terms
    const aucModel = { ...f64, propagated: 0, scale: auc, terms: 2 * n + 4 };
    assertFloat32Close([auc], [rocAuc(rx, rl)], {
      ...aucModel,
      label: "weighted AUC vs replicated",
    });
    const want = await runPython<number>(
      `from sklearn.metrics import roc_auc_score
out(roc_auc_score(inp["l"], inp["s"], sample_weight=inp["w"]))`,
      { l: { data: labels }, s: { data: x }, w: { data: w } },
    );
    assertFloat32Close([auc], [want], { ...aucModel, label: "weighted AUC vs scikit-learn" });
  });
});

Deno.test("kendallTauA: brute-force count on random data with ties", async () => {
  await withSeed("tau-a", async (rng) => {
    const n = 80;
    const x = Float64Array.from({ length: n }, () => rng.int(10));
    const y = Float64Array.from(x, (v) => v + rng.int(6));
    const want = await runPython<number>(
      `x, y = inp["x"], inp["y"]
n = len(x); s = 0
for i in range(n):
    for j in range(i + 1, n):
        s += np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
out(s / (n * (n - 1) / 2))`,
      { x: { data: x }, y: { data: y } },
    );
    // exact integer counts on both sides, then one quotient (and ours a few more roundings)
    const tau = kendallTauA(x, y);
    assertFloat32Close([tau], [want], {
      scale: Math.abs(want),
      terms: 4,
      label: "τa vs brute force",
      arithmetic: ["float64", "float64"],
    });
  });
});

Deno.test("comparisons over ≥ 3 training seeds: mean delta, interval over seeds, exact sign-flip p", () => {
  const detail = (model: string, seed: number, value: number) => ({
    model,
    seed,
    concepts: 10,
    resamples: new Map(),
    perConcept: new Map(),
    values: new Map([[metricKey("top1", "test"), value]]),
    retrieval: [],
    margins: [],
    targets: [],
  });
  const details = [7, 8, 9].flatMap((s, i) => [
    detail("variant", s, 0.6 + 0.01 * i + 0.02),
    detail("control", s, 0.6 + 0.01 * i),
  ]);
  const rows = seedComparisons(details, [{
    a: "variant",
    b: "control",
    relation: "variant_vs_control",
  }], {
    seed: 1,
  });
  assert.equal(rows.length, 1);
  const r = rows[0];
  assert.equal(r.seed, null);
  assert.equal(r.n_units, 3);
  assert.ok(Math.abs(r.delta - 0.02) < 1e-12);
  assert.ok(Math.abs(r.ci_low - 0.02) < 1e-12 && Math.abs(r.ci_high - 0.02) < 1e-12);
  assert.equal(r.p, 0.25, "2 of the 8 sign patterns are as extreme");
  // two seeds are not enough
  assert.equal(
    seedComparisons(details.slice(0, 4), [{ a: "variant", b: "control", relation: "x" }], {
      seed: 1,
    }).length,
    0,
  );
});

Deno.test("bootstrapPValue: Wald test with the bootstrap SE", () => {
  // resampled deltas with mean 2 and sample SD 1: p = 2·(1 − Φ(2)) = 0.0455
  const deltas = Float64Array.of(1, 3, 1, 3, 2, 2, 1, 3).map((v) => v);
  const sd = Math.sqrt([1, 3, 1, 3, 2, 2, 1, 3].reduce((s, v) => s + (v - 2) ** 2, 0) / 7);
  const p = bootstrapPValue(2 * sd, deltas);
  assert.ok(Math.abs(p - 0.04550026389635842) < 1e-9, `${p}`);
  assert.equal(bootstrapPValue(0, new Float64Array(5)), 1);
  assert.equal(bootstrapPValue(0.1, new Float64Array(5)), 0);
});

Deno.test("kernels: gathered statistics equal the full-list weighted statistics bit for bit", async () => {
  await withSeed("kernels", (rng) => {
    const size = 40;
    const draws = conceptResamples(size, { seed: rng.int(1000), resamples: 30 });
    const weightsOf = (owners: Int32Array[], cw: Float64Array) =>
      Float64Array.from(owners[0], (_, i) => owners.reduce((w, o) => w * cw[o[i]], 1));
    const pairsOf = (set: number[]) => {
      const a: number[] = [], b: number[] = [];
      set.forEach((c, u) => set.slice(u + 1).forEach((d) => (a.push(c), b.push(d))));
      return [Int32Array.from(a), Int32Array.from(b)];
    };
    const all = pairsOf(Array.from({ length: size }, (_, i) => i));
    const subset = pairsOf(
      Array.from({ length: size }, (_, i) => i).filter(() => rng.next() < 0.7),
    );
    const keep = all[0].map(() => (rng.next() < 0.3 ? 1 : 0));
    const sparse = all.map((o) => o.filter((_, i) => keep[i]));
    const shuffled = rng.shuffle(Int32Array.from(all[0], (_, i) => i));
    const unsorted = all.map((o) => Int32Array.from(shuffled, (i) => o[i]));
    const triplet = (n: number, sorted: boolean) => {
      const t = [0, 1, 2].map(() => Int32Array.from({ length: n }, () => rng.int(size)));
      if (sorted) t[0].sort();
      return t;
    };
    const owners: [string, Int32Array[]][] = [
      ["all pairs", all],
      ["all pairs of a subset", subset],
      ["a sorted share of the pairs", sparse],
      ["unsorted pairs", unsorted],
      ["sorted triplets", triplet(300, true)],
      ["unsorted triplets", triplet(300, false)],
      ["single owners", [Int32Array.from({ length: 200 }, () => rng.int(size)).sort()]],
    ];
    for (const [name, o] of owners) {
      const n = o[0].length;
      // ties in x (for the AUC runs and the ranks), and an infinite value for keepZeros
      const x = Float64Array.from({ length: n }, () => Math.round(rng.next() * 20) / 4).sort();
      const y = Float64Array.from(x, (v) => v + rng.next());
      const labels = Uint8Array.from(x, () => (rng.next() < 0.4 ? 1 : 0));
      const items = new ItemWeights(o, { size });
      const inf = Float64Array.from(x, (v, i) => (i === 3 ? Infinity : v));
      const kept = new ItemWeights(o, { size, keepZeros: true });
      for (const cw of [new Float64Array(size).fill(1), ...draws.rows]) {
        const w = weightsOf(o, cw);
        items.gather(cw);
        kept.gather(cw);
        const same = (got: number, want: number, what: string) =>
          assert.ok(Object.is(got, want), `${name} ${what}: ${got} vs ${want}`);
        same(items.mean(y), weightedMean(y, w), "mean");
        same(items.pearson(x, y), weightedPearson(x, y, w), "pearson");
        same(items.cosine(x, y), weightedCosine(x, y, w), "cosine");
        same(items.aucSorted(x, labels), weightedAucSorted(x, labels, w), "auc");
        same(kept.mean(inf), weightedMean(inf, w), "mean with ∞");
        same(kept.pearson(inf, y), weightedPearson(inf, y, w), "pearson with ∞");
      }
    }
  });
});

Deno.test("conceptResamples and percentileInterval: pairedBootstrap's draws and interval", async () => {
  await withSeed("resamples", (rng) => {
    const size = 25, seed = rng.int(10000);
    const x = Float64Array.from({ length: size }, () => rng.next());
    const stat = (w: Float64Array) => weightedMean(x, w);
    const draws = conceptResamples(size, { seed, resamples: 200 });
    const boot = pairedBootstrap((idx) => stat(unitCounts(idx, size)), {
      nUnits: size,
      seed,
      resamples: 200,
    });
    const values = resampleValues(stat, draws);
    assert.deepEqual(values, boot.resamples);
    assert.deepEqual(percentileInterval(values), boot.ci);
    assert.throws(() => percentileInterval(Float64Array.of(1, NaN, NaN)), /only 1 of 3/);
  });
});
