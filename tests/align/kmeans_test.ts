import { strict as assert } from "node:assert";
import { elbowK, kmeans } from "../../src/align/kmeans.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import type { Rng } from "../../src/stats/random.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, gamma, U64 } from "../_helpers/numeric.ts";

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
    // float64 error model: scikit-learn computes ‖x‖² − 2x·c + ‖c‖² with BLAS (any order), so a
    // squared distance is certain only to γ(2d + 3)·(‖x‖² + 2|x|·|c| + ‖c‖²) per evaluation; a
    // row whose two nearest centres are closer than that (two evaluations) may go either way.
    // Every other row must have the same label; the inertia sums n such distances.
    const dist = (i: number, c: number) => {
      let sq = 0, mag = 0;
      for (let e = 0; e < d; e++) {
        const xv = x.data[i * d + e], cv = r.centers[c * d + e];
        sq += (xv - cv) ** 2;
        mag += xv * xv + 2 * Math.abs(xv * cv) + cv * cv;
      }
      return { sq, err: 2 * gamma(2 * d + 3, U64) * mag };
    };
    let scale = 0, ties = 0, tieSlack = 0;
    for (let i = 0; i < n; i++) {
      const all = Array.from({ length: k }, (_, c) => dist(i, c));
      const order = [...all.keys()].sort((a, b) => all[a].sq - all[b].sq);
      const [best, next] = [all[order[0]], all[order[1]]];
      scale += all[r.labels[i]].err / (2 * gamma(2 * d + 3, U64));
      if (next.sq - best.sq <= best.err + next.err) {
        ties++;
        tieSlack += next.sq - best.sq;
      } else {
        assert.equal(r.labels[i], want.labels[i], `row ${i}: label`);
      }
    }
    assert.ok(ties <= 2, `${ties} rows tied within rounding: the comparison says little`);
    assertFloat32Close([r.inertia], [want.inertia], {
      scale,
      propagated: tieSlack,
      terms: n + 2 * d + 3,
      label: "inertia vs scikit-learn",
      arithmetic: ["float64", "float64"],
    });
  });
});

Deno.test("kmeans: invalid k is refused", () => {
  const x: Matrix = { data: new Float64Array(6), rows: 3, cols: 2 };
  assert.throws(() => kmeans(x, { k: 4, seed: 1 }), /k = 4 for 3 rows/);
});
