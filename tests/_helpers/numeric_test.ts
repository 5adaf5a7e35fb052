/**
 * The float32 error-model comparison itself: real float32 reorderings of a sum pass, a
 * perturbation beyond the bound fails with a message that names it.
 */
import { strict as assert } from "node:assert";
import {
  absMatMul,
  assertFloat32Close,
  compareErrorModel,
  gamma,
  MIN_NORMAL32,
  relativeBound,
  U32,
  U64,
} from "./numeric.ts";
import { withSeed } from "./seed.ts";
import type { Rng } from "../../src/stats/random.ts";

const f = Math.fround;

/** Float32 values spread over six decades with both signs: sums cancel heavily. */
function spread(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * 10 ** (rng.next() * 6 - 3));
}

/** Σ x·y in float32, front to back, each product rounded. */
function sequential(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s = f(s + f(x[k] * y[k]));
  return s;
}

/** Back to front with fused multiply-adds (the float32 product is exact in float64). */
function reversedFma(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let k = x.length - 1; k >= 0; k--) s = f(s + x[k] * y[k]);
  return s;
}

/** Eight float32 lanes (k mod 8, as a SIMD kernel), then a pairwise reduction of the lanes. */
function lanes(x: Float32Array, y: Float32Array): number {
  const acc = new Float32Array(8);
  for (let k = 0; k < x.length; k++) acc[k % 8] = f(acc[k % 8] + f(x[k] * y[k]));
  for (let w = 4; w >= 1; w /= 2) for (let l = 0; l < w; l++) acc[l] = f(acc[l] + acc[l + w]);
  return acc[0];
}

/** Recursive pairwise summation in float32 (a tree reduction). */
function pairwise(x: Float32Array, y: Float32Array, lo = 0, hi = x.length): number {
  if (hi - lo === 1) return f(x[lo] * y[lo]);
  const mid = (lo + hi) >> 1;
  return f(pairwise(x, y, lo, mid) + pairwise(x, y, mid, hi));
}

Deno.test("gamma and the per-side bounds", () => {
  assert.equal(gamma(0), 0);
  assert.ok(Math.abs(gamma(100) - 100 * U32 / (1 - 100 * U32)) === 0);
  assert.ok(gamma(1000, U64) < 1000 * U64 * 1.000001);
  assert.throws(() => gamma(2 ** 24), RangeError);
  assert.equal(relativeBound("float32", 10), gamma(10));
  assert.ok(relativeBound("float64→float32", 10) > U32);
  assert.ok(relativeBound("float64", 10) < 1e-14);
});

Deno.test("assertFloat32Close: real float32 reorderings of a cancelling sum stay within the bound", async () => {
  await withSeed("error model reorderings", (rng) => {
    let worst = 0, differing = 0;
    for (const n of [1, 2, 7, 64, 129, 1000, 4608]) {
      for (let trial = 0; trial < 40; trial++) {
        const x = spread(rng, n), y = spread(rng, n);
        let exact = 0, scale = 0;
        for (let k = 0; k < n; k++) {
          exact += x[k] * y[k];
          scale += Math.abs(x[k] * y[k]);
        }
        const orders = [sequential(x, y), reversedFma(x, y), lanes(x, y), pairwise(x, y)];
        for (let a = 0; a < orders.length; a++) {
          // against the float64 sum (one float32 evaluation)
          const one = assertFloat32Close([orders[a]], [exact], {
            scale,
            terms: n,
            label: `order ${a} vs float64, n ${n}`,
            arithmetic: ["float32", "float64"],
          });
          worst = Math.max(worst, one.ratio);
          for (let b = a + 1; b < orders.length; b++) {
            const two = assertFloat32Close([orders[a]], [orders[b]], {
              scale,
              terms: n,
              label: `order ${a} vs ${b}, n ${n}`,
            });
            worst = Math.max(worst, two.ratio);
            if (orders[a] !== orders[b]) differing++;
          }
        }
      }
    }
    assert.ok(differing > 100, `the orders must actually differ (${differing} pairs did)`);
    assert.ok(worst <= 1 && worst > 0, `worst ratio ${worst}`);
  });
  // The point of the model: after cancellation "1e-5 of the result" is no bound at all.
  // 1 + 3e-8 − 1 is 0 front to back and 2⁻²⁴ back to front, both correct float32 evaluations.
  const x = Float32Array.of(1, 3e-8, -1), ones = Float32Array.of(1, 1, 1);
  const [front, back] = [sequential(x, ones), reversedFma(x, ones)];
  assert.equal(front, 0);
  assert.equal(back, 2 ** -24);
  assertFloat32Close([front], [back], { scale: 2 + 3e-8, terms: 3, label: "1 + 3e-8 − 1" });
});

Deno.test("assertFloat32Close: a float32 matrix product against float64, and a missing term fails", async () => {
  await withSeed("error model matmul", (rng) => {
    const m = 9, k = 300, n = 11;
    const a = spread(rng, m * k), b = spread(rng, k * n);
    const exact = new Float64Array(m * n), got = new Float32Array(m * n);
    const dropped = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, s32 = 0, biggest = 0;
        for (let p = 0; p < k; p++) {
          const t = a[i * k + p] * b[p * n + j];
          s += t;
          s32 = f(s32 + f(t));
          if (Math.abs(t) > Math.abs(biggest)) biggest = t;
        }
        exact[i * n + j] = s;
        got[i * n + j] = s32;
        dropped[i * n + j] = f(s32 - biggest);
      }
    }
    const model = { scale: absMatMul(a, b, m, k, n), terms: k, label: "matmul" };
    assertFloat32Close(got, exact, { ...model, arithmetic: ["float32", "float64"] });
    // a kernel that loses its largest term (a real bug) is far outside the bound
    const r = compareErrorModel(dropped, exact, { ...model, arithmetic: ["float32", "float64"] });
    assert.ok(r.ratio > 100, `a dropped term: ratio ${r.ratio}`);
  });
});

Deno.test("assertFloat32Close: a perturbation just beyond the bound fails and is described", () => {
  const expected = [1, -2, 3, 0];
  const scale = [10, 20, 3, 1];
  const model = { scale, terms: 50, label: "perturbed" };
  const bound = (i: number) => 2 * gamma(50) * scale[i] / (1 - gamma(50)) + 2 * 50 * MIN_NORMAL32;
  // 0.999 of the bound everywhere passes
  const inside = expected.map((v, i) => v + 0.999 * bound(i) * (i % 2 ? -1 : 1));
  assert.ok(assertFloat32Close(inside, expected, model).ratio < 1);
  // 1.01 of the bound at element 2 fails, naming the element, diff, bound and ratio
  const outside = expected.slice();
  outside[2] += 1.01 * bound(2);
  assert.throws(
    () => assertFloat32Close(outside, expected, model),
    (error: Error) => {
      assert.match(error.message, /^perturbed: element 2 of 4: /);
      assert.match(error.message, /\|diff\| \S+ > bound \S+ \(ratio 1\.01000;/);
      return true;
    },
  );
  // a documented constant widens the bound
  assert.ok(assertFloat32Close(outside, expected, { ...model, constant: 2 }).ratio < 0.51);
  // non-finite values: identical passes, anything else fails
  assertFloat32Close([NaN, Infinity], [NaN, Infinity], { scale: 1, terms: 1, label: "nan" });
  assert.throws(
    () => assertFloat32Close([NaN], [0], { scale: 1, terms: 1, label: "nan vs 0" }),
    /nan vs 0: element 0 of 1: NaN vs 0\.00000/,
  );
  assert.throws(() => assertFloat32Close([1], [1, 2], model), /perturbed: lengths differ/);
});
