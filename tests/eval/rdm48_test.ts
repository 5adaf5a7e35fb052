/**
 * The external human RSA (RDM48): the metric against scipy on fresh random inputs, its coverage
 * note and the not-computable case, and SPoSE-49's value on the embedded data.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  type BehaviouralRdm,
  readBehaviouralRdm,
  readConceptIds,
  readIconsManifest,
} from "../../src/data/readers/mod.ts";
import { conceptSimilarity, rdm48Metrics } from "../../src/eval/benchmark/human.ts";
import { rdm48Files, readSposeModel } from "../../src/eval/benchmark/inputs.ts";
import { type ConceptSpace, conceptSpace } from "../../src/eval/benchmark/spec.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

/** A symmetric matrix with a zero diagonal from `f(i, j)` (i < j). */
function symmetric(n: number, f: (i: number, j: number) => number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = f(i, j);
  }
  return out;
}

function rdmOf(
  concept: number[],
  dissimilarity: Float64Array,
): { rdm48: BehaviouralRdm & { source: string } } {
  return {
    rdm48: {
      concept: Int32Array.from(concept),
      ids: concept.map((c) => `c${c}`),
      size: concept.length,
      dissimilarity,
      source: "/x/rdm/RDM48_triplet.mat",
    },
  };
}

Deno.test("rdm48Metrics: Spearman and Pearson of the covered pairs equal scipy's", async () => {
  await withSeed("rdm48 scipy", async (rng) => {
    const nCanonical = 40;
    // the space: 25 random canonical concepts; the RDM: 12 concepts, some outside the space
    const order = rng.shuffle(Array.from({ length: nCanonical }, (_, i) => i));
    const space = conceptSpace(order.slice(0, 25), nCanonical);
    const rdmConcepts = rng.shuffle(Array.from({ length: nCanonical }, (_, i) => i)).slice(0, 12);
    const covered = rdmConcepts.filter((c) => space.local[c] >= 0).length;
    const dissimilarity = symmetric(12, () => rng.next());
    const sim = symmetric(space.size, () => 2 * rng.next() - 1);
    for (let i = 0; i < space.size; i++) sim[i * space.size + i] = 1;
    const human = rdmOf(rdmConcepts, dissimilarity);
    if (covered < 3) return; // (rare) checked by the not-computable test
    const specs = rdm48Metrics(sim, { space, human });
    assert.deepEqual(specs.map((s) => `${s.metric}|${s.subset}|${s.group}`), [
      "rdm48_rsa_spearman|rdm48|core",
      "rdm48_rsa_pearson|rdm48|core",
    ]);
    const ones = new Float64Array(space.size).fill(1);
    const got = specs.map((s) => s.evaluate(ones));
    const want = await runPython<{ spearman: number; pearson: number; n: number }>(
      `
from scipy.stats import spearmanr, pearsonr
local, sim, rdm, d = inp["local"], inp["sim"], inp["rdm"], inp["d"]
rows = [k for k in range(len(rdm)) if local[rdm[k]] >= 0]
x, y = [], []
for u in range(len(rows)):
    for t in range(u + 1, len(rows)):
        x.append(sim[local[rdm[rows[u]]], local[rdm[rows[t]]]])
        y.append(1 - d[rows[u], rows[t]])
out({"spearman": spearmanr(x, y)[0], "pearson": pearsonr(x, y)[0], "n": len(x)})
`,
      {
        local: { data: space.local },
        sim: { data: sim, shape: [space.size, space.size] },
        rdm: { data: Int32Array.from(rdmConcepts) },
        d: { data: dissimilarity, shape: [12, 12] },
      },
    );
    assert.equal(specs[0].n, want.n);
    assert.equal(want.n, covered * (covered - 1) / 2);
    assert.ok(Math.abs(got[0] - want.spearman) < 1e-12, `spearman ${got[0]} vs ${want.spearman}`);
    assert.ok(Math.abs(got[1] - want.pearson) < 1e-12, `pearson ${got[1]} vs ${want.pearson}`);
    assert.equal(
      specs[0].note,
      `${covered} of the 12 RDM48 concepts in the benchmark's concept space`,
    );
    assert.equal(specs[0].source, "rdm/RDM48_triplet.mat");
    // the bootstrap re-evaluates under concept weights: dropping an uncovered concept changes
    // nothing, dropping a covered one changes the value
    const outside = Array.from(space.canonical).findIndex((c) => !rdmConcepts.includes(c));
    const w = Float64Array.from(ones);
    w[outside] = 0;
    assert.equal(specs[0].evaluate(w), got[0]);
  });
});

Deno.test("rdm48Metrics: coverage note; fewer than 3 covered concepts are not computable", () => {
  const nCanonical = 10;
  const dissimilarity = symmetric(5, (i, j) => (i + 1) * (j + 2) / 20);
  const human = rdmOf([9, 0, 4, 7, 2], dissimilarity);
  const simOf = (space: ConceptSpace) => symmetric(space.size, (i, j) => i - j);
  for (const [canonical, covered] of [[[1, 3, 5, 9, 4], 2], [[1, 3, 5, 6], 0], [[9], 1]] as const) {
    const space = conceptSpace(canonical, nCanonical);
    const specs = rdm48Metrics(simOf(space), { space, human, note: "ref" });
    assert.equal(specs.length, 2);
    for (const s of specs) {
      assert.equal(s.n, 0, "no pairs: the bench stage lists the metric as not computable");
      assert.ok(Number.isNaN(s.evaluate(new Float64Array(space.size).fill(1))));
      assert.equal(s.bootstrap, false);
      assert.equal(
        s.note,
        `ref; ${covered} of the 5 RDM48 concepts in the benchmark's concept space: not ` +
          "computable (at least 3 needed)",
      );
    }
  }
  // three covered concepts: three pairs, a value
  const space = conceptSpace([0, 4, 7, 8], nCanonical);
  const [spearman, pearson] = rdm48Metrics(simOf(space), { space, human });
  assert.equal(spearman.n, 3);
  assert.ok(Number.isFinite(pearson.evaluate(new Float64Array(space.size).fill(1))));
  assert.equal(spearman.note, "3 of the 5 RDM48 concepts in the benchmark's concept space");
});

Deno.test("SPoSE-49 RSA with the RDM48 triplet RDM on the embedded data (all 48 concepts, and those with icons)", async () => {
  const profile = resolveProfile("embedded");
  const ids = await readConceptIds(join(profile.thingsDir, "concepts/unique_id.txt"));
  const rdm = await readBehaviouralRdm({ ...rdm48Files(profile), conceptIds: ids });
  const spose = await readSposeModel(profile);
  const human = { rdm48: { ...rdm, source: rdm48Files(profile).matrix } };
  const rsa = (space: ConceptSpace) => {
    const sim = conceptSimilarity(spose, space);
    const [spearman, pearson] = rdm48Metrics(sim, { space, human });
    const ones = new Float64Array(space.size).fill(1);
    return { spearman: spearman.evaluate(ones), pearson: pearson.evaluate(ones), n: spearman.n };
  };
  const all = rsa(conceptSpace(rdm.concept, ids.length));
  console.log(
    `SPoSE-49 RDM48 RSA: spearman ${all.spearman.toFixed(3)}, pearson ${
      all.pearson.toFixed(3)
    } over 48 concepts (${all.n} pairs)`,
  );
  assert.equal(all.n, 48 * 47 / 2);
  assert.ok(all.spearman > 0.3, `clearly positive: ${all.spearman}`);
  assert.ok(all.pearson > 0.3, `clearly positive: ${all.pearson}`);
  // independent check: numpy dot products, scipy over the upper triangle
  const want = await runPython<[number, number]>(
    `
from scipy.stats import spearmanr, pearsonr
w, rows, d = inp["w"], inp["rows"], inp["d"]
s = w[rows] @ w[rows].T
iu = np.triu_indices(len(rows), 1)
out([spearmanr(s[iu], -d[iu])[0], pearsonr(s[iu], -d[iu])[0]])
`,
    {
      w: { data: spose.prototypes.vectors, shape: [ids.length, spose.prototypes.dim] },
      rows: { data: rdm.concept },
      d: { data: rdm.dissimilarity, shape: [48, 48] },
    },
  );
  assert.ok(Math.abs(all.spearman - want[0]) < 1e-12, `${all.spearman} vs scipy ${want[0]}`);
  assert.ok(Math.abs(all.pearson - want[1]) < 1e-12, `${all.pearson} vs scipy ${want[1]}`);

  // the embedded profile's benchmark covers only the RDM48 concepts with training icons
  const icons = await readIconsManifest(
    join(profile.imagesRoot, "manifest.csv"),
    { conceptIds: ids },
  );
  const train = new Set(profile.split.kind === "held-out-style" ? profile.split.trainFamilies : []);
  const withIcons = new Set(icons.filter((i) => train.has(i.family)).map((i) => i.conceptRow));
  const covered = Array.from(rdm.concept).filter((c) => withIcons.has(c));
  const sub = rsa(conceptSpace(covered, ids.length));
  console.log(
    `SPoSE-49 RDM48 RSA on the embedded profile's concepts with training icons: spearman ${
      sub.spearman.toFixed(3)
    }, pearson ${sub.pearson.toFixed(3)} over ${covered.length} of 48 concepts (${sub.n} pairs)`,
  );
  assert.equal(sub.n, covered.length * (covered.length - 1) / 2);
  assert.ok(covered.length >= 3, `${covered.length} covered concepts`);
});
