import { strict as assert } from "node:assert";
import { readSposeEmbedding, readTriplets } from "../../src/data/readers/mod.ts";
import { oddOneOutAccuracy, tripletProbabilities } from "../../src/metrics/oddoneout.ts";
import { tripletDotProducts } from "../../src/metrics/triplet_dots.ts";
import type { Matrix, Triplets } from "../../src/metrics/types.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close, gamma, U64 } from "../_helpers/numeric.ts";

function mat(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

function trip(rows: [number, number, number][]): Triplets {
  return {
    a: Int32Array.from(rows, (r) => r[0]),
    b: Int32Array.from(rows, (r) => r[1]),
    odd: Int32Array.from(rows, (r) => r[2]),
    n: rows.length,
  };
}

const DATA = new URL("../../data/embedded/things/", import.meta.url);

Deno.test("oddOneOutAccuracy: hand-computed, a tie for the maximum counts as wrong", () => {
  // dots: s01 = 2, s02 = 1, s12 = 0, s03 = 2, s13 = 2, s23 = 1
  const e = mat([[1, 1], [2, 0], [0, 1], [1, 1]]);
  const t = trip([
    [0, 1, 2], // s01 = 2 > s02 = 1, s12 = 0 → correct
    [1, 2, 0], // s12 = 0 < s10 = 2 → wrong
    [0, 2, 1], // s02 = 1 < s01 = 2 → wrong
    [1, 3, 0], // s13 = s10 = s30 = 2 → three-way tie → wrong
    [0, 1, 3], // s01 = s03 = s13 = 2 → tie → wrong
    [0, 2, 3], // s02 = 1 < s03 = 2 → wrong
    [2, 1, 3], // s21 = 0 < s23 = 1, s13 = 2 → wrong
    [0, 1, 2], // again correct: ties are per triplet
    [2, 3, 1], // s23 = 1 < s31 = 2 → wrong
    [0, 3, 2], // s03 = 2 > s02 = 1, s32 = 1 → correct
  ]);
  for (const kernel of ["wasm", "js"] as const) {
    assert.deepEqual(oddOneOutAccuracy(e, t, { kernel }), {
      accuracy: 3 / 10,
      n: 10,
      correct: 3,
    });
    assert.deepEqual(
      [...tripletDotProducts(e, t, { kernel }).subarray(0, 6)],
      [2, 1, 0, 0, 2, 1],
    );
    const empty = oddOneOutAccuracy(e, trip([]), { kernel });
    assert.equal(empty.n, 0);
    assert.ok(Number.isNaN(empty.accuracy));
    // only the first n triplets count
    assert.equal(oddOneOutAccuracy(e, { ...t, n: 1 }, { kernel }).correct, 1);
    // a two-way tie: s(a,b) = s(a,odd) = 2 > s(b,odd) = 1 → wrong; (0,2,1): s02 = s01 → wrong;
    // with row 2 = (0, 5) instead there is no tie and (0,1,2) is correct
    const tie = mat([[2, 0], [1, 0], [1, 5]]);
    assert.equal(oddOneOutAccuracy(tie, trip([[0, 1, 2]]), { kernel }).correct, 0);
    assert.equal(oddOneOutAccuracy(tie, trip([[0, 2, 1]]), { kernel }).correct, 0);
    assert.equal(oddOneOutAccuracy(mat([[2, 0], [1, 0], [0, 5]]), trip([[0, 1, 2]])).correct, 1);
  }
});

Deno.test("tripletProbabilities: hand-computed softmax, no overflow", () => {
  const e = mat([[1, 0], [0, 1], [1, 1]]);
  const p = tripletProbabilities(e, trip([[0, 1, 2], [0, 2, 1]]));
  // (0,1,2): s01 = 0, s02 = 1, s12 = 1 → 1 / (1 + 2e)
  assert.ok(Math.abs(p[0] - 1 / (1 + 2 * Math.E)) < 1e-15);
  // (0,2,1): s02 = 1, s01 = 0, s21 = 1 → e / (e + 1 + e)
  assert.ok(Math.abs(p[1] - Math.E / (2 * Math.E + 1)) < 1e-15);
  const big = mat([[30, 0], [30, 0], [0, 30]]);
  const q = tripletProbabilities(big, trip([[0, 1, 2], [0, 2, 1]]));
  // s01 = 900, s02 = s12 = 0: e^900 overflows, the shifted form gives 1 and 0
  assert.ok(q[0] === 1 && q[1] === 0, `got ${q[0]}, ${q[1]}`);
});

Deno.test("oddOneOutAccuracy: bad indices throw", () => {
  const e = mat([[1, 0], [0, 1], [1, 1]]);
  assert.throws(() => oddOneOutAccuracy(e, trip([[0, 1, 3]])), /outside \[0, 3\)/);
  assert.throws(() => oddOneOutAccuracy(e, trip([[0, 0, 1]])), /repeats/);
  assert.throws(() => tripletProbabilities(e, trip([[-1, 1, 2]])), RangeError);
});

Deno.test("odd-one-out: both kernels match numpy on fresh random embeddings and triplets", async () => {
  await withSeed("oddoneout-vs-numpy", async (rng) => {
    const normal = () =>
      Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const rows = 50 + rng.int(200), n = 3000 + rng.int(3000);
    // every width mod 4 (the SIMD kernel has 4-, 2- and 1-column steps), plus a random one
    const widths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 49, 1 + rng.int(100)];
    const inputs: Record<string, { data: Float64Array | Int32Array; shape?: number[] }> = {};
    widths.forEach((d, w) => {
      inputs[`cont${w}`] = {
        data: Float64Array.from({ length: rows * d }, () => normal()),
        shape: [rows, d],
      };
    });
    // small integers: exact dot products with many ties
    inputs.ints = {
      data: Float64Array.from({ length: rows * 3 }, () => rng.int(3)),
      shape: [rows, 3],
    };
    const a = new Int32Array(n), b = new Int32Array(n), odd = new Int32Array(n);
    for (let t = 0; t < n; t++) {
      a[t] = rng.int(rows);
      do b[t] = rng.int(rows); while (b[t] === a[t]);
      do odd[t] = rng.int(rows); while (odd[t] === a[t] || odd[t] === b[t]);
    }
    Object.assign(inputs, { a: { data: a }, b: { data: b }, odd: { data: odd } });
    const names = [...widths.map((_, w) => `cont${w}`), "ints"];
    const want = await runPython<Record<string, number | number[]>>(
      `a, b, o = inp["a"], inp["b"], inp["odd"]
res = {}
for name in ${JSON.stringify(names)}:
    E = inp[name]
    sab = np.einsum("ij,ij->i", E[a], E[b]); sao = np.einsum("ij,ij->i", E[a], E[o])
    sbo = np.einsum("ij,ij->i", E[b], E[o])
    res[name + "_correct"] = int(np.sum((sab > sao) & (sab > sbo)))
    s = np.stack([sab, sao, sbo], 1)
    p = np.exp(s - s.max(1, keepdims=True))
    res[name + "_p"] = p[:, 0] / p.sum(1)
out(res)`,
      inputs,
    );
    const t: Triplets = { a, b, odd, n };
    for (const name of names) {
      const { data, shape } = inputs[name];
      const e: Matrix = { data: data as Float64Array, rows, cols: shape![1] };
      const model = tripletErrorModel(e, t, name === "ints");
      for (const kernel of ["wasm", "js"] as const) {
        const what = `${name} (d = ${e.cols}, ${kernel})`;
        const got = oddOneOutAccuracy(e, t, { kernel });
        // a triplet decided within the dot products' rounding may go either way
        const gap = Math.abs(got.correct - (want[`${name}_correct`] as number));
        assert.ok(gap <= model.undecided, `${what}: correct ${got.correct} vs numpy's (±${gap})`);
        assert.ok(model.undecided <= n / 100, `${what}: ${model.undecided} near-ties`);
        assert.equal(got.accuracy, got.correct / n);
        const p = tripletProbabilities(e, t, { kernel }), wp = want[`${name}_p`] as number[];
        assertFloat32Close(p, wp, {
          scale: 0,
          propagated: Float64Array.from(wp, (v, q) => v * model.relative[q]),
          terms: 1,
          label: `${what}: p vs numpy`,
          arithmetic: ["float64", "float64"],
        });
      }
    }
  });
});

/**
 * Float64 error model of the triplet dot products s_ab, s_ao, s_bo (d terms each, any order:
 * ours vs numpy's einsum) for two evaluations: each within 2γ(d)·Σ|x||y| =: Δ. A triplet whose
 * s_ab is within Δ of the larger other is undecided (may count either way); p = softmax(s)₁
 * moves by at most p·(2·max Δ + 2·P_ROUNDINGS·u). Integer embeddings are exact (no rounding).
 */
const P_ROUNDINGS = 8;

function tripletErrorModel(e: Matrix, t: Triplets, exact: boolean) {
  const d = e.cols;
  const dot = (i: number, j: number) => {
    let s = 0, m = 0;
    for (let k = 0; k < d; k++) {
      s += e.data[i * d + k] * e.data[j * d + k];
      m += Math.abs(e.data[i * d + k] * e.data[j * d + k]);
    }
    return { s, err: exact ? 0 : 2 * gamma(d, U64) * m };
  };
  let undecided = 0;
  const relative = new Float64Array(t.n);
  for (let q = 0; q < t.n; q++) {
    const ab = dot(t.a[q], t.b[q]), ao = dot(t.a[q], t.odd[q]), bo = dot(t.b[q], t.odd[q]);
    const other = ao.s > bo.s ? ao : bo;
    if (!exact && Math.abs(ab.s - other.s) <= ab.err + other.err) undecided++;
    relative[q] = 2 * Math.max(ab.err, ao.err, bo.err) + 2 * P_ROUNDINGS * U64;
  }
  return { undecided, relative };
}

Deno.test("odd-one-out: SPoSE-49 on the THINGS test triplets gives the published 64.0 %", async () => {
  const spose = await readSposeEmbedding(
    new URL("spose49/spose_embedding_49d_sorted.txt", DATA).pathname,
    { rows: 1854, cols: 49 },
  );
  const test = await readTriplets(new URL("triplets/thingsdata_test_10_ID.txt", DATA).pathname, {
    nConcepts: 1854,
  });
  const r = oddOneOutAccuracy(spose, test);
  assert.equal(r.n, 127304);
  assert.ok(Math.abs(100 * r.accuracy - 64.0) <= 0.1, `accuracy ${100 * r.accuracy} %`);
  const p = tripletProbabilities(spose, test);
  assert.ok(p.every((v) => v > 0 && v < 1));
});
