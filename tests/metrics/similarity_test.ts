import { strict as assert } from "node:assert";
import {
  correlationSimilarity,
  cosineDissimilarity,
  cosineSimilarity,
  crossProduct,
  dotSimilarity,
  similarityMatrix,
  upperTriangle,
} from "../../src/metrics/similarity.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";
import { similarityScales } from "../_helpers/similarity_error.ts";

function mat(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      assert.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
    }
  }
}

Deno.test("similarity: hand-computed dot, cosine, correlation and upper triangle", () => {
  const e = mat([[1, 0], [0, 2], [3, 4]]);
  const dot = dotSimilarity(e);
  assert.deepEqual([...dot.data], [1, 0, 3, 0, 4, 8, 3, 8, 25]);
  assert.deepEqual([...upperTriangle(dot)], [0, 3, 8]);
  assert.deepEqual([...upperTriangle(dot, { k: 0 })], [1, 0, 3, 4, 8, 25]);
  assert.deepEqual([...upperTriangle(dot, { k: 2 })], [3]);
  assertClose(cosineSimilarity(e).data, [1, 0, 0.6, 0, 1, 0.8, 0.6, 0.8, 1], 1e-15, "cosine");
  // rows centred: (0.5, −0.5), (−1, 1), (−0.5, 0.5) → correlations ±1
  assertClose(correlationSimilarity(e).data, [1, -1, -1, -1, 1, 1, -1, 1, 1], 1e-15, "corr");
  assert.deepEqual(similarityMatrix(e), dot);
  assert.deepEqual(similarityMatrix(e, { kind: "cosine" }), cosineSimilarity(e));
});

Deno.test("similarity: zero and constant rows give 0; shape errors throw", () => {
  const e = mat([[0, 0, 0], [1, 2, 3], [2, 2, 2]]);
  const cos = cosineSimilarity(e);
  assert.deepEqual([cos.data[0], cos.data[1], cos.data[3]], [0, 0, 0]);
  const corr = correlationSimilarity(e);
  assert.deepEqual([corr.data[2 * 3], corr.data[2 * 3 + 1], corr.data[2 * 3 + 2]], [0, 0, 0]);
  assert.throws(() => upperTriangle({ data: new Float64Array(6), rows: 2, cols: 3 }), /square/);
  assert.throws(() => dotSimilarity({ data: new Float64Array(5), rows: 2, cols: 3 }), RangeError);
  // @ts-expect-error: unknown kind
  assert.throws(() => similarityMatrix(e, { kind: "euclid" }), /unknown kind/);
  assert.equal(upperTriangle(dotSimilarity(mat([[1]]))).length, 0);
});

Deno.test("similarity: matches numpy on a fresh random embedding", async () => {
  await withSeed("similarity-vs-numpy", async (rng) => {
    const rows = 20 + rng.int(40), cols = 1 + rng.int(12);
    const data = Float64Array.from({ length: rows * cols }, () => (rng.next() - 0.3) * 5);
    const e: Matrix = { data, rows, cols };
    const want = await runPython<Record<string, number[][] | number[]>>(
      `x = inp["x"]
dot = x @ x.T
z = x / np.linalg.norm(x, axis=1, keepdims=True)
c = x - x.mean(1, keepdims=True)
n = x.shape[0]
corr = np.corrcoef(x) if x.shape[1] > 1 else np.zeros((n, n))
out({"dot": dot, "cos": z @ z.T, "corr": corr, "triu": dot[np.triu_indices(n, 1)],
     "triu0": dot[np.triu_indices(n, 0)], "triu3": dot[np.triu_indices(n, 3)]})`,
      { x: { data, shape: [rows, cols] } },
    );
    const flat = (v: number[][] | number[]) => (v as number[][]).flat();
    const scales = similarityScales(e);
    const f64 = { arithmetic: ["float64", "float64"] as const };
    const check = (got: ArrayLike<number>, w: ArrayLike<number>, kind: "dot" | "cos" | "corr") =>
      assertFloat32Close(got, w, {
        ...f64,
        scale: scales[kind],
        terms: scales.terms[kind],
        label: `${kind} vs numpy`,
      });
    check(dotSimilarity(e).data, flat(want.dot), "dot");
    check(cosineSimilarity(e).data, flat(want.cos), "cos");
    if (cols > 1) check(correlationSimilarity(e).data, flat(want.corr), "corr");
    // the upper triangles pick the same entries (dot products: cols terms each)
    const dot = dotSimilarity(e);
    const dotScale = { data: scales.dot, rows, cols: rows };
    for (const [k, w] of [[1, want.triu], [0, want.triu0], [3, want.triu3]] as const) {
      assertFloat32Close(upperTriangle(dot, { k }), w as number[], {
        ...f64,
        scale: upperTriangle(dotScale, { k }),
        terms: cols,
        label: `triu k=${k} vs numpy`,
      });
    }
  });
});

Deno.test("crossProduct: blocked kernel equals naive dot products at every edge shape", async () => {
  await withSeed("crossProduct", (rng) => {
    for (const [n, m, d] of [[1, 1, 1], [3, 5, 7], [2, 4, 3], [5, 9, 13], [4, 8, 1]]) {
      const a = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
      const b = Float64Array.from({ length: m * d }, () => rng.next() - 0.5);
      const got = crossProduct({ data: a, rows: n, cols: d }, { data: b, rows: m, cols: d });
      assert.equal(got.rows, n);
      assert.equal(got.cols, m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
          assert.equal(got.data[i * m + j], s, `${n}×${m}×${d} at (${i}, ${j})`);
        }
      }
    }
  });
  assert.throws(
    () =>
      crossProduct({ data: new Float64Array(6), rows: 2, cols: 3 }, {
        data: new Float64Array(4),
        rows: 2,
        cols: 2,
      }),
    /3 vs 2 columns/,
  );
});

Deno.test("cosineDissimilarity: 1 − cosine, zero diagonal", () => {
  const m = cosineDissimilarity({ data: Float64Array.of(1, 0, 0, 2, 1, 1), rows: 3, cols: 2 });
  const c = Math.SQRT1_2;
  const want = [0, 1, 1 - c, 1, 0, 1 - c, 1 - c, 1 - c, 0];
  want.forEach((w, i) => assert.ok(Math.abs(m.data[i] - w) < 1e-15, `${i}: ${m.data[i]} vs ${w}`));
});
