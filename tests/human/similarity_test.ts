import { strict as assert } from "node:assert";
import { readSposeEmbedding } from "../../src/data/readers/mod.ts";
import { humanSimilarityFromEmbedding } from "../../src/human/similarity.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, gamma, U64 } from "../_helpers/numeric.ts";

/** Straightforward numpy version of the formula (all i, j, k at once; small n only). */
const NUMPY_RSM = `
def rsm(W):
    S = W @ W.T
    n = S.shape[0]
    # softmax over the three pair similarities of every (i, j, k), shifted for safety
    a, b, c = S[:, :, None], S[:, None, :], S[None, :, :]   # S_ij, S_ik, S_jk
    m = np.maximum(np.maximum(a, b), c)
    P = np.exp(a - m) / (np.exp(a - m) + np.exp(b - m) + np.exp(c - m))
    idx = np.arange(n)
    P[idx, :, idx] = 0   # k = i
    P[:, idx, idx] = 0   # k = j
    R = P.sum(2) / (n - 2)
    R[idx, idx] = 1
    return R
`;

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/**
 * Float64 error model of the RSM, R_ij = Σ_k softmax(S_ij, S_ik, S_jk)₁ / (n − 2) with
 * S = W·Wᵀ, for two evaluations by different kernels (ours, numpy's BLAS; WASM vs JS): every S
 * is a d-term dot product, within 2γ(d)·Σ|w_i||w_j| =: D at most between the two; the softmax
 * term P moves by at most P·(2D + 2·RSM_ROUNDINGS·u) (its logit and the log-sum-exp each by D,
 * plus the exps, sums and quotient of both evaluations); the sum over k adds 2γ(n)·R_ij.
 * Returns the bound per entry of `rows` (all rows by default), as `propagated` allowances.
 */
const RSM_ROUNDINGS = 8;

function rsmBound(
  w: Matrix,
  r: ArrayLike<number>,
  rows: ArrayLike<number> = Int32Array.from({ length: w.rows }, (_, i) => i),
): Float64Array {
  const { rows: n, cols: d } = w;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += w.data[i * d + k] ** 2;
    maxAbs = Math.max(maxAbs, s); // Σ|w_i||w_j| ≤ max_i ‖w_i‖² (Cauchy–Schwarz)
  }
  const D = 2 * gamma(d, U64) * maxAbs;
  const relative = 2 * D + 2 * RSM_ROUNDINGS * U64 + 2 * gamma(n, U64);
  const out = new Float64Array(rows.length * n);
  Array.from(rows).forEach((i, q) => {
    for (let j = 0; j < n; j++) out[q * n + j] = i === j ? 0 : relative * r[i * n + j];
  });
  return out;
}

/** `got` (rows × n) within {@link rsmBound} of `want`. */
function assertRsmClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: Float64Array,
  label: string,
) {
  assertFloat32Close(got, want, {
    scale: 0,
    propagated: bound,
    terms: 1,
    label,
    arithmetic: ["float64", "float64"],
  });
}

Deno.test("human similarity: hand-computed n = 3 and n = 4", async () => {
  // rows: S01 = 0, S02 = 1, S12 = 1 (n = 3: one k per pair)
  const w: Matrix = { data: Float64Array.from([1, 0, 0, 1, 1, 1]), rows: 3, cols: 2 };
  const r = await humanSimilarityFromEmbedding(w);
  const e = Math.E;
  assertClose(
    r,
    [
      1,
      1 / (1 + 2 * e),
      e / (1 + 2 * e),
      1 / (1 + 2 * e),
      1,
      e / (1 + 2 * e),
      e / (1 + 2 * e),
      e / (1 + 2 * e),
      1,
    ],
    1e-15,
    "n=3",
  );
  // n = 4, W = identity rows plus a zero row: S_ij = 0 off the diagonal → every term 1/3
  const z: Matrix = {
    data: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
    rows: 4,
    cols: 3,
  };
  const q = await humanSimilarityFromEmbedding(z);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(q[i * 4 + j] - (i === j ? 1 : 1 / 3)) < 1e-15);
  }
  await assert.rejects(() =>
    humanSimilarityFromEmbedding({ data: new Float64Array(4), rows: 2, cols: 2 })
  );
});

Deno.test("human similarity: matches numpy on a fresh random 30×5 nonnegative embedding", async () => {
  await withSeed("human-rsm-vs-numpy", async (rng) => {
    const n = 30, d = 5;
    const data = Float64Array.from({ length: n * d }, () => rng.next() * 1.5);
    // a second embedding with a spread of S above the fast kernel's limit (exp inside the loop)
    const wide = Float64Array.from({ length: n * d }, () => rng.next() * 20);
    const want = await runPython<{ r: number[][]; wide: number[][]; spread: number }>(
      NUMPY_RSM + `
out({"r": rsm(inp["w"]), "wide": rsm(inp["wide"]), "spread": float(np.ptp(inp["wide"] @ inp["wide"].T))})`,
      { w: { data, shape: [n, d] }, wide: { data: wide, shape: [n, d] } },
    );
    const bound = rsmBound({ data, rows: n, cols: d }, want.r.flat());
    for (const kernel of ["wasm", "js"] as const) {
      const got = await humanSimilarityFromEmbedding({ data, rows: n, cols: d }, { kernel });
      assertRsmClose(got, want.r.flat(), bound, `rsm (${kernel}) vs numpy`);
    }
    assert.ok(want.spread > 300, `spread ${want.spread} should exercise the safe kernel`);
    const gotWide = await humanSimilarityFromEmbedding({ data: wide, rows: n, cols: d });
    const wideBound = rsmBound({ data: wide, rows: n, cols: d }, want.wide.flat());
    assertRsmClose(gotWide, want.wide.flat(), wideBound, "rsm (wide spread) vs numpy");
  });
});

Deno.test("human similarity: bit-identical for 0–3 workers per kernel; kernels agree", async () => {
  await withSeed("human-rsm-workers", async (rng) => {
    const n = 260 + rng.int(60), d = 1 + rng.int(8);
    const emb: Matrix = {
      data: Float64Array.from({ length: n * d }, () => rng.next() * 2),
      rows: n,
      cols: d,
    };
    const refs: Float64Array[] = [];
    for (const kernel of ["wasm", "js"] as const) {
      const ref = await humanSimilarityFromEmbedding(emb, { workers: 0, kernel });
      refs.push(ref);
      for (const workers of [1, 2, 3]) {
        let last = 0, total = 0;
        const got = await humanSimilarityFromEmbedding(emb, {
          workers,
          kernel,
          onProgress: (done, all) => {
            assert.ok(done > last);
            last = done;
            total = all;
          },
        });
        assert.equal(total, (n * (n - 1)) / 2);
        assert.equal(last, total, `${kernel}, ${workers} workers: progress`);
        for (let t = 0; t < n * n; t++) {
          if (!Object.is(got[t], ref[t])) {
            assert.fail(`${kernel}, ${workers} workers: entry ${t} ${got[t]} vs ${ref[t]}`);
          }
        }
      }
    }
    assertRsmClose(refs[0], refs[1], rsmBound(emb, refs[1]), "wasm vs js");
  });
});

Deno.test("human similarity: SPoSE-49 for all 1,854 concepts (invariants and rows vs numpy)", async () => {
  const path = new URL(
    "../../data/embedded/things/spose49/spose_embedding_49d_sorted.txt",
    import.meta.url,
  ).pathname;
  const w = await readSposeEmbedding(path, { rows: 1854, cols: 49 });
  const n = w.rows;
  const r = await humanSimilarityFromEmbedding(w);
  // symmetric, diagonal 1, entries in (0, 1); the three choice probabilities of every triple
  // sum to 1, so Σ_{i<j} RSM_ij = C(n, 3) / (n − 2) = n(n − 1)/6
  let sum = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(r[i * n + i], 1);
    for (let j = i + 1; j < n; j++) {
      const v = r[i * n + j];
      if (!(v > 0 && v < 1 && v === r[j * n + i])) assert.fail(`entry (${i}, ${j}) = ${v}`);
      sum += v;
    }
  }
  assert.ok(Math.abs(sum - (n * (n - 1)) / 6) < 1e-6 * sum, `sum ${sum}`);
  const rows = Int32Array.from([0, 1, 917, 1853]);
  const want = await runPython<number[][]>(
    `W, rows = inp["w"], inp["rows"]
S = W @ W.T
n = S.shape[0]
res = []
for i in rows:
    m = np.maximum(S[i][:, None], np.maximum(S[i][None, :], S))     # over (j, k)
    e = np.exp(S[i][:, None] - m)
    P = e / (e + np.exp(S[i][None, :] - m) + np.exp(S - m))       # S_ij, S_ik, S_jk
    P[:, i] = 0
    P[np.arange(n), np.arange(n)] = 0
    row = P.sum(1) / (n - 2)
    row[i] = 1
    res.append(row)
out(res)`,
    { w: { data: w.data, shape: [n, w.cols] }, rows: { data: rows } },
  );
  const bound = rsmBound(w, r, rows);
  rows.forEach((i, q) =>
    assertRsmClose(
      r.subarray(i * n, i * n + n),
      want[q],
      bound.subarray(q * n, q * n + n),
      `row ${i} vs numpy`,
    )
  );
});
