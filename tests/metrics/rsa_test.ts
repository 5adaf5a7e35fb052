import { strict as assert } from "node:assert";
import { compareSimilarityMatrices, rsa } from "../../src/metrics/rsa.ts";
import { dotSimilarity, similarityMatrix, upperTriangle } from "../../src/metrics/similarity.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, gamma, U64 } from "../_helpers/numeric.ts";
import {
  kendallBound,
  nearTies,
  pearsonBound,
  spearmanBound,
} from "../_helpers/correlation_error.ts";
import { similarityScales } from "../_helpers/similarity_error.ts";

function mat(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

Deno.test("rsa: hand-computed cases and errors", () => {
  const a = mat([[1, 0], [0, 2], [3, 4], [1, 1]]);
  const same = rsa(a, a);
  assert.equal(same.nPairs, 6);
  assert.ok(Math.abs(same.rho - 1) < 1e-15);
  // Scaling a row changes dot products but not cosines.
  const b = mat([[2, 0], [0, 2], [3, 4], [1, 1]]);
  assert.ok(Math.abs(rsa(a, b, { similarity: "cosine", compare: "pearson" }).rho - 1) < 1e-12);
  // dot upper triangles: a (0, 3, 1, 8, 2, 7) vs b (0, 6, 2, 8, 2, 7): sorted by a, b is
  // non-decreasing with one tied pair → 14 concordant of 15, tau-b = 14 / sqrt(15 · 14)
  const r = compareSimilarityMatrices(dotSimilarity(a), dotSimilarity(b), { compare: "kendall" });
  assert.equal(r.nPairs, 6);
  assert.ok(Math.abs(r.rho - Math.sqrt(14 / 15)) < 1e-15);
  assert.throws(() => rsa(a, mat([[1], [2], [3]])), /rows/);
  assert.throws(
    () => compareSimilarityMatrices(dotSimilarity(a), dotSimilarity(mat([[1], [2], [3]]))),
    /shapes differ/,
  );
});

Deno.test("rsa: matches scipy for every similarity × comparison on fresh random inputs", async () => {
  await withSeed("rsa-vs-scipy", async (rng) => {
    const rows = 15 + rng.int(30);
    // ≥ 3 columns: with 2, every row correlation is ±1 up to rounding (ties decided by noise)
    const ca = 3 + rng.int(8), cb = 3 + rng.int(8);
    const a = Float64Array.from({ length: rows * ca }, () => rng.next() * 2 - 0.5);
    // b partly shares a's structure; integer values add ties to the dot similarities
    const b = Float64Array.from(
      { length: rows * cb },
      (_, t) => rng.int(3) + (t % cb < ca ? a[Math.floor(t / cb) * ca + (t % cb)] : 0),
    );
    const want = await runPython<Record<string, number>>(
      `from scipy import stats
a, b = inp["a"], inp["b"]
def sim(x, kind):
    if kind == "dot": return x @ x.T
    if kind == "cosine":
        z = x / np.linalg.norm(x, axis=1, keepdims=True); return z @ z.T
    return np.corrcoef(x)
iu = np.triu_indices(a.shape[0], 1)
res = {}
for kind in ["dot", "cosine", "correlation"]:
    x, y = sim(a, kind)[iu], sim(b, kind)[iu]
    res[kind + "/spearman"] = stats.spearmanr(x, y)[0]
    res[kind + "/pearson"] = stats.pearsonr(x, y)[0]
    res[kind + "/kendall"] = stats.kendalltau(x, y)[0]
out(res)`,
      { a: { data: a, shape: [rows, ca] }, b: { data: b, shape: [rows, cb] } },
    );
    const A: Matrix = { data: a, rows, cols: ca }, B: Matrix = { data: b, rows, cols: cb };
    const [sa, sb] = [similarityScales(A), similarityScales(B)];
    const kinds = { dot: "dot", cosine: "cos", correlation: "corr" } as const;
    for (const similarity of ["dot", "cosine", "correlation"] as const) {
      // the similarities themselves differ between ours and numpy's (float64 error model,
      // tests/_helpers/similarity_error.ts): per pair within 2γ(terms)·scale
      const k = kinds[similarity];
      const diff = (s: ReturnType<typeof similarityScales>) =>
        upperTriangle({ data: s[k], rows, cols: rows }).map((v) => 2 * gamma(s.terms[k], U64) * v);
      const [x, y] = [
        similarityMatrix(A, { kind: similarity }),
        similarityMatrix(B, { kind: similarity }),
      ]
        .map((m) => upperTriangle(m));
      const [dx, dy] = [diff(sa), diff(sb)];
      const ties = nearTies(x, dx) + nearTies(y, dy);
      assert.ok(ties <= x.length / 100, `${similarity}: ${ties} near-ties`);
      for (const compare of ["spearman", "pearson", "kendall"] as const) {
        const got = rsa(A, B, { similarity, compare });
        assert.equal(got.nPairs, (rows * (rows - 1)) / 2);
        const bound = compare === "pearson"
          ? pearsonBound(x, y, dx, dy)
          : compare === "spearman"
          ? spearmanBound(x, y, ties)
          : kendallBound(got.rho, x.length, ties);
        assertFloat32Close([got.rho], [want[`${similarity}/${compare}`]], {
          scale: 0,
          propagated: bound,
          terms: 1,
          label: `${similarity}/${compare} vs scipy`,
          arithmetic: ["float64", "float64"],
        });
      }
    }
  });
});
