import { strict as assert } from "node:assert";
import { elbowK, kmeans } from "../../src/align/kmeans.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import type { Rng } from "../../src/stats/random.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

function blobs(rng: Rng, centers: number[][], perBlob: number, spread: number): Matrix {
  const d = centers[0].length;
  const data: number[] = [];
  for (const c of centers) {
    for (let i = 0; i < perBlob; i++) data.push(...c.map((v) => v + spread * (rng.next() - 0.5)));
  }
  return { data: Float64Array.from(data), rows: centers.length * perBlob, cols: d };
}

Deno.test("kmeans: separated blobs are recovered exactly; the elbow is at the true k", async () => {
  await withSeed("kmeans blobs", (rng) => {
    const truth = [[0, 0], [10, 0], [0, 10], [10, 10]];
    const x = blobs(rng, truth, 25, 1);
    const r = kmeans(x, { k: 4, seed: 1 });
    // every blob is one cluster
    for (let b = 0; b < 4; b++) {
      const labels = new Set(Array.from(r.labels.subarray(b * 25, (b + 1) * 25)));
      assert.equal(labels.size, 1, `blob ${b}`);
    }
    assert.equal(new Set(r.labels).size, 4);
    const curve = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => ({
      k,
      inertia: kmeans(x, { k, seed: 2 }).inertia,
    }));
    assert.equal(elbowK(curve), 4);
  });
});

Deno.test("kmeans: final inertia and labels equal scikit-learn's Lloyd from the same start", async () => {
  await withSeed("kmeans sklearn", async (rng) => {
    const n = 300, d = 5, k = 6;
    const x: Matrix = {
      data: Float64Array.from({ length: n * d }, () => rng.next() * 4 + (rng.next() < 0.5 ? 0 : 3)),
      rows: n,
      cols: d,
    };
    const r = kmeans(x, { k, seed: rng.int(1000) });
    const want = await runPython<{ inertia: number; labels: number[] }>(
      `from sklearn.cluster import KMeans
m = KMeans(n_clusters=${k}, init=inp["init"], n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(inp["x"])
out({"inertia": m.inertia_, "labels": m.labels_})`,
      { x: { data: x.data, shape: [n, d] }, init: { data: r.initialCenters, shape: [k, d] } },
    );
    assert.ok(
      Math.abs(r.inertia - want.inertia) / want.inertia < 1e-10,
      `${r.inertia} vs ${want.inertia}`,
    );
    assert.deepEqual(Array.from(r.labels), want.labels);
  });
});

Deno.test("kmeans: invalid k is refused", () => {
  const x: Matrix = { data: new Float64Array(6), rows: 3, cols: 2 };
  assert.throws(() => kmeans(x, { k: 4, seed: 1 }), /k = 4 for 3 rows/);
});
