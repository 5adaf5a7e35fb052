import { strict as assert } from "node:assert";
import { median } from "../../src/stats/median.ts";

Deno.test("median: odd and even counts, unsorted input left as it is, empty → NaN", () => {
  const values = [5, 1, 4, 2, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 4, 2, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median(Float32Array.of(-1)), -1);
  assert.ok(Number.isNaN(median([])));
});
