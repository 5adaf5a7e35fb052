import { strict as assert } from "node:assert";
import { readTriplets } from "../../src/data/readers/mod.ts";
import { noiseCeiling } from "../../src/metrics/ceiling.ts";
import type { Triplets } from "../../src/metrics/types.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";

function trip(rows: [number, number, number][]): Triplets {
  return {
    a: Int32Array.from(rows, (r) => r[0]),
    b: Int32Array.from(rows, (r) => r[1]),
    odd: Int32Array.from(rows, (r) => r[2]),
    n: rows.length,
  };
}

Deno.test("noiseCeiling: 2-triplet toy with permuted presentation orders", () => {
  const r = noiseCeiling(trip([
    // {3, 4, 5}: odd 3 once, odd 5 once → tie, share 1/2, mode reported as 3 (smallest)
    [5, 4, 3],
    // {0, 1, 2}: odd 2, 2, 0 in three different orders → mode 2, share 2/3
    [0, 1, 2],
    [4, 3, 5],
    [1, 0, 2],
    [2, 1, 0],
  ]));
  assert.equal(r.nTriplets, 2);
  assert.equal(r.nResponses, 5);
  assert.ok(Math.abs(r.noiseCeiling - (2 / 3 + 1 / 2) / 2) < 1e-15);
  assert.deepEqual([...r.groups.lo], [0, 3]);
  assert.deepEqual([...r.groups.mid], [1, 4]);
  assert.deepEqual([...r.groups.hi], [2, 5]);
  assert.deepEqual([...r.groups.mode], [2, 3]);
  assert.deepEqual([...r.groups.count], [3, 2]);
  assert.deepEqual([...r.groups.share], [2 / 3, 1 / 2]);
  // Grouping by ordered tuple would see five singletons (ceiling 1); by set it must not.
  assert.ok(r.noiseCeiling < 0.6);
  const none = noiseCeiling(trip([]));
  assert.ok(Number.isNaN(none.noiseCeiling));
  assert.equal(none.nTriplets, 0);
  assert.throws(() => noiseCeiling(trip([[1, 1, 2]])), /repeats/);
});

Deno.test("noiseCeiling: matches a Python implementation on fresh random responses", async () => {
  await withSeed("ceiling-vs-python", async (rng) => {
    const sets: number[][] = [];
    const nSets = 20 + rng.int(80);
    for (let s = 0; s < nSets; s++) {
      const c = new Set<number>();
      while (c.size < 3) c.add(rng.int(60));
      sets.push([...c]);
    }
    const rows: [number, number, number][] = [];
    for (const set of sets) {
      const bias = rng.next();
      const reps = 1 + rng.int(15);
      for (let r = 0; r < reps; r++) {
        const perm = rng.shuffle([...set]);
        // perm[2] is the odd one out; favour set[0] as odd with probability `bias`
        if (rng.next() < bias) {
          const at = perm.indexOf(set[0]);
          [perm[at], perm[2]] = [perm[2], perm[at]];
        }
        rows.push(perm as [number, number, number]);
      }
    }
    rng.shuffle(rows);
    const t = trip(rows);
    const want = await runPython<{ nc: number; groups: number }>(
      `from collections import Counter, defaultdict
groups = defaultdict(list)
for i, j, k in zip(inp["a"], inp["b"], inp["odd"]):
    groups[tuple(sorted((int(i), int(j), int(k))))].append(int(k))
shares = [Counter(v).most_common(1)[0][1] / len(v) for v in groups.values()]
out({"nc": float(np.mean(shares)), "groups": len(groups)})`,
      { a: { data: t.a }, b: { data: t.b }, odd: { data: t.odd } },
    );
    const got = noiseCeiling(t);
    assert.equal(got.nTriplets, want.groups);
    assert.equal(got.nResponses, rows.length);
    // float64 both sides: a mean of want.groups non-negative shares (each one quotient of counts)
    assertFloat32Close([got.noiseCeiling], [want.nc], {
      scale: want.nc,
      terms: want.groups + 2,
      label: "noise ceiling vs numpy",
      arithmetic: ["float64", "float64"],
    });
  });
});

Deno.test("noiseCeiling: the THINGS noise-ceiling responses give the published 67.22 %", async () => {
  const path =
    new URL("../../data/embedded/things/triplets/triplets_noiseceiling.csv", import.meta.url)
      .pathname;
  const t = await readTriplets(path, { nConcepts: 1854 });
  const r = noiseCeiling(t);
  assert.equal(r.nResponses, 20000);
  assert.equal(r.nTriplets, 1000);
  assert.ok(
    Math.abs(100 * r.noiseCeiling - 67.22) <= 0.1,
    `noise ceiling ${100 * r.noiseCeiling} %`,
  );
  // every group's share is at least 1/3 and the counts add up
  assert.equal(r.groups.count.reduce((s, c) => s + c, 0), 20000);
  assert.ok(r.groups.share.every((s) => s >= 1 / 3 && s <= 1));
});
