import { strict as assert } from "node:assert";
import { crossProductSimd, gramIntoSimd } from "../../src/metrics/product_simd.ts";
import { crossProduct, gramInto } from "../../src/metrics/similarity.ts";
import { simdSupported } from "../../src/metrics/wasm.ts";
import { randomMatrix } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";

/** Bit-for-bit equality (NaN, ±0 included). */
function assertSameBits(got: Float64Array, want: Float64Array, what: string) {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: entry ${i}: ${got[i]} vs ${want[i]}`);
  }
}

Deno.test("crossProductSimd and gramIntoSimd equal the JavaScript products bit for bit", async () => {
  assert.ok(simdSupported(), "this runtime has WebAssembly SIMD (else the JS products run)");
  await withSeed("product simd", (rng) => {
    // odd and even row counts on both sides, widths with and without a remainder; the last two
    // are wide enough for several column blocks of the cross product (a short last block, and an
    // odd m)
    const shapes = [
      [1, 1, 1],
      [2, 3, 5],
      [7, 4, 16],
      [9, 11, 33],
      [64, 45, 130],
      [5, 301, 4100],
      [6, 59, 9000],
    ];
    for (const [n, m, d] of shapes) {
      const a = randomMatrix(rng, n, d), b = randomMatrix(rng, m, d);
      // large and small magnitudes, so the order of the additions shows in the last bits
      a.data.forEach((v, i) => (a.data[i] = v * 10 ** (i % 7 - 3)));
      assertSameBits(crossProductSimd(a, b).data, crossProduct(a, b).data, `cross ${n}×${m}×${d}`);
      const want = new Float64Array(n * n), got = new Float64Array(n * n);
      const rangeWant = gramInto(a.data, want, { n, d });
      const rangeGot = gramIntoSimd(a.data, got, { n, d });
      assertSameBits(got, want, `gram ${n}×${d}`);
      assert.deepEqual(rangeGot, rangeWant);
    }
  });
  assert.throws(
    () =>
      crossProductSimd({ data: new Float64Array(6), rows: 2, cols: 3 }, {
        data: new Float64Array(4),
        rows: 2,
        cols: 2,
      }),
    /3 vs 2 columns/,
  );
  assert.equal(
    crossProductSimd({ data: new Float64Array(0), rows: 0, cols: 3 }, {
      data: new Float64Array(3),
      rows: 1,
      cols: 3,
    }).data.length,
    0,
  );
});
