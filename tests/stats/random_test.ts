import { strict as assert } from "node:assert";
import { createRng } from "../../src/stats/random.ts";

Deno.test("rng: deterministic per seed and label, uniform enough", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8), d = createRng(7, { label: "x" });
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => d.next()), xs);
  const counts = new Array(10).fill(0);
  const r = createRng(1);
  for (let i = 0; i < 100000; i++) counts[r.int(10)]++;
  for (const k of counts) assert.ok(Math.abs(k - 10000) < 500, `bucket ${k}`);
  const perm = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...perm].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.throws(() => r.int(0), RangeError);
});
