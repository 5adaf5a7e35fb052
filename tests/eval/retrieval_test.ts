/**
 * Same-concept retrieval across designs, with galleries of one or several splits and the
 * query's own design left out, checked query by query against scikit-learn's average precision
 * and a numpy ranking on fresh random embeddings.
 */
import { strict as assert } from "node:assert";
import { retrievalMetrics } from "../../src/eval/benchmark/images.ts";
import { conceptSpace } from "../../src/eval/benchmark/spec.ts";
import { clusteredImageModel } from "../_helpers/image_model.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const SCRIPT = `
import numpy as np
from sklearn.metrics import average_precision_score
x, concept, split = inp["x"], inp["concept"].astype(int), inp["split"].astype(int)
design = inp["design"].astype(int)
gallery_splits = inp["gallery"].astype(int)
q_rows = np.where(split == 1)[0]
g_rows = np.where(np.isin(split, gallery_splits))[0]
x = x / np.linalg.norm(x, axis=1, keepdims=True)
res = []
for q in q_rows:
    g = g_rows[design[g_rows] != design[q]]
    s = x[g] @ x[q]
    rel = concept[g] == concept[q]
    if not rel.any():
        continue
    # rank of the first relevant image: descending similarity, ties by table row
    order = sorted(range(len(g)), key=lambda j: (-s[j], g[j]))
    first = next(r for r, j in enumerate(order) if rel[j]) + 1
    res.append([int(q), first, float(average_precision_score(rel, s))])
out(res)
`;

Deno.test("retrieval: first-relevant ranks and AP equal numpy / scikit-learn; the query's own design is never in its gallery", async () => {
  await withSeed("retrieval", async (rng) => {
    const nConcepts = 9;
    const dim = 6;
    // test images share a few design families with each other and, rarely, with train
    const draw = () =>
      clusteredImageModel(rng, {
        concepts: nConcepts,
        dim,
        images: (r) => 2 + r.int(5),
        split: (i, r) =>
          i === 0 ? "test" : r.next() < 0.3 ? "test" : r.next() < 0.5 ? "train" : "val",
        design: (s, r) => (s === "test" ? r.int(2) : r.next() < 0.2 ? r.int(2) : 2 + r.int(3)),
        spread: 0.6,
      });
    // redraw until every gallery has a relevant image for some query: a concept with test images
    // of both test designs (the test-only gallery; seed 7 drew none) and one with test and train
    const some = (want: (c: number) => boolean) =>
      Array.from({ length: nConcepts }, (_, c) => c).some(want);
    const usable = (m: ReturnType<typeof draw>) =>
      some((c) =>
        new Set(m.design.filter((_, i) => m.concept[i] === c && m.split[i] === "test")).size > 1
      ) &&
      some((c) =>
        m.split.some((s, i) => m.concept[i] === c && s === "test") &&
        m.split.some((s, i) => m.concept[i] === c && s === "train")
      );
    let drawn = draw();
    while (!usable(drawn)) drawn = draw();
    const { model, concept, split, design, vectors } = drawn;
    const space = conceptSpace(Array.from({ length: nConcepts }, (_, i) => i), nConcepts);
    const code: Record<string, number> = { test: 1, train: 2, val: 3 };
    const codes = Int32Array.from(split, (s) => code[s]);
    for (const gallery of [["test"], ["train"], ["train", "val"], ["test", "train", "val"]]) {
      const ours = retrievalMetrics(model, { space, split: "test", gallery });
      const reference = await runPython<[number, number, number][]>(SCRIPT, {
        x: { data: Float64Array.from(vectors), shape: [concept.length, dim] },
        concept: { data: Int32Array.from(concept) },
        split: { data: codes },
        design: { data: Int32Array.from(design) },
        gallery: { data: Int32Array.from(gallery, (s) => code[s]) },
      });
      assert.equal(ours.queries.length, reference.length, String(gallery));
      assert.ok(reference.length > 0);
      ours.queries.forEach((q, i) => {
        const [row, first, ap] = reference[i];
        assert.equal(q.row, row, String(gallery));
        assert.equal(q.firstRelevant, first, `${gallery} query ${row}`);
        assert.ok(
          Math.abs(q.averagePrecision - ap) < 1e-12,
          `${gallery} AP ${q.averagePrecision} vs ${ap}`,
        );
      });
      const r1 = ours.specs.find((s) => s.metric === "retrieval@1")!;
      assert.equal(r1.n, reference.length);
    }
  });
});
