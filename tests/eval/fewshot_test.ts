/**
 * Few-shot nearest-centroid top-1: the draws (deterministic, model-independent, without
 * replacement) and the scores, checked against a numpy implementation given the same draws on
 * fresh random embeddings.
 */
import { strict as assert } from "node:assert";
import { drawShots, fewShotMetrics } from "../../src/eval/benchmark/fewshot.ts";
import { conceptSpace } from "../../src/eval/benchmark/spec.ts";
import { clusteredImageModel } from "../_helpers/image_model.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const SCRIPT = `
import numpy as np
x, concept, split = inp["x"], inp["concept"].astype(int), inp["split"].astype(int)
shots = inp["shots"].astype(int)  # draws × concepts × n, -1 = no image
n_concepts = int(inp["n_concepts"][0])
test = np.where(split == 1)[0]
hits = np.zeros(len(test))
for d in range(shots.shape[0]):
    cent = np.zeros((n_concepts, x.shape[1]))
    present = np.zeros(n_concepts, bool)
    for c in range(n_concepts):
        rows = [r for r in shots[d, c] if r >= 0]
        if rows:
            v = x[rows].sum(axis=0)
            cent[c] = v / np.linalg.norm(v)
            present[c] = True
    s = x[test] @ cent.T
    for i, q in enumerate(test):
        truth = s[i, concept[q]]
        higher = np.sum(present & (s[i] > truth))
        hits[i] += present[concept[q]] and higher == 0
out((hits / shots.shape[0]).tolist())
`;

Deno.test("few-shot: draws are deterministic, model-independent subsets of each concept's training images", () => {
  const rows = [[0, 1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11, 12, 13, 14]];
  const a = drawShots(rows, { n: 5, draw: 0, seed: 7 });
  assert.deepEqual(a, drawShots(rows, { n: 5, draw: 0, seed: 7 }));
  assert.notDeepEqual(a, drawShots(rows, { n: 5, draw: 1, seed: 7 }));
  assert.deepEqual(a[1], [7, 8], "fewer than n: all of them");
  for (const [c, shots] of a.entries()) {
    assert.equal(new Set(shots).size, shots.length, "without replacement");
    assert.ok(shots.every((r) => rows[c].includes(r)));
    assert.equal(shots.length, Math.min(5, rows[c].length));
  }
});

Deno.test("few-shot: nearest-centroid top-1 per test image equals numpy on the same draws", async () => {
  await withSeed("fewshot", async (rng) => {
    const nConcepts = 12, dim = 8;
    const { model, concept, split, vectors } = clusteredImageModel(rng, {
      concepts: nConcepts,
      dim,
      images: (r) => 2 + r.int(8),
      split: (i, r) => (i < 2 ? "test" : r.next() < 0.15 ? "val" : "train"),
      spread: 0.9,
    });
    const space = conceptSpace(Array.from({ length: nConcepts }, (_, i) => i), nConcepts);
    const draws = 4;
    const specs = fewShotMetrics(model, { space, seed: 11, shots: [1, 3], draws });
    assert.deepEqual(specs.map((s) => s.metric), ["fewshot1_top1", "fewshot3_top1"]);
    const train: number[][] = Array.from({ length: nConcepts }, () => []);
    concept.forEach((c, r) => split[r] === "train" && train[c].push(r));
    const test = concept.flatMap((c, r) => (split[r] === "test" ? [c] : []));
    for (const [k, n] of [1, 3].entries()) {
      const shots = new Int32Array(draws * nConcepts * n).fill(-1);
      for (let d = 0; d < draws; d++) {
        drawShots(train, { n, draw: d, seed: 11 }).forEach((rows, c) =>
          rows.forEach((r, i) => (shots[(d * nConcepts + c) * n + i] = r))
        );
      }
      const expected = await runPython<number[]>(SCRIPT, {
        x: { data: Float64Array.from(vectors), shape: [concept.length, dim] },
        concept: { data: Int32Array.from(concept) },
        split: { data: Int32Array.from(split, (s) => (s === "test" ? 1 : s === "train" ? 2 : 3)) },
        shots: { data: shots, shape: [draws, nConcepts, n] },
        n_concepts: { data: Int32Array.of(nConcepts) },
      });
      const spec = specs[k];
      assert.equal(spec.n, expected.length);
      const mean = expected.reduce((s, v) => s + v, 0) / expected.length;
      const value = spec.evaluate(new Float64Array(nConcepts).fill(1));
      assert.ok(Math.abs(value - mean) < 1e-12, `${n}-shot: ${value} vs numpy ${mean}`);
      // per concept: the mean of its test images' scores
      for (let c = 0; c < nConcepts; c++) {
        const own = expected.filter((_, i) => test[i] === c);
        const want = own.reduce((s, v) => s + v, 0) / own.length;
        assert.ok(Math.abs(spec.perConcept![c] - want) < 1e-12, `concept ${c}`);
      }
    }
  });
});
