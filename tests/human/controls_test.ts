import { strict as assert } from "node:assert";
import { makeHumanPairs } from "../../src/human/pairs.ts";
import { shuffleMatrixLabels, shuffleTripletPartners } from "../../src/human/shuffle.ts";
import { deriveTrainingTriplets } from "../../src/human/triplets.ts";
import { createRng } from "../../src/stats/random.ts";

function randomSymmetric(n: number, seed: number) {
  const rng = createRng(seed);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    data[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) data[i * n + j] = data[j * n + i] = rng.next();
  }
  return { data, n };
}

function counts(values: ArrayLike<number>) {
  const m = new Map<number, number>();
  for (let i = 0; i < values.length; i++) m.set(values[i], (m.get(values[i]) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

Deno.test("pairs: every pair among the concepts once, split fractions, deterministic", () => {
  const matrix = randomSymmetric(30, 1);
  const concepts = [0, 2, 3, 5, 7, 8, 11, 13, 17, 19, 23, 29];
  const pairs = makeHumanPairs(matrix, concepts, { seed: 7 });
  const m = concepts.length;
  assert.equal(pairs.a.length, (m * (m - 1)) / 2);
  const seen = new Set<string>();
  for (let i = 0; i < pairs.a.length; i++) {
    assert.ok(pairs.a[i] < pairs.b[i]);
    assert.equal(pairs.similarity[i], matrix.data[pairs.a[i] * 30 + pairs.b[i]]);
    seen.add(`${pairs.a[i]},${pairs.b[i]}`);
  }
  assert.equal(seen.size, pairs.a.length);
  const nTest = pairs.split.filter((s) => s === "test").length;
  assert.equal(nTest, Math.round(0.1 * pairs.a.length));
  const again = makeHumanPairs(matrix, concepts, { seed: 7 });
  assert.deepEqual(again.split, pairs.split);
  const other = makeHumanPairs(matrix, concepts, { seed: 8 });
  assert.notDeepEqual(other.split, pairs.split);
  // concept-disjoint: a pair is in a split only when both concepts are in that concept set
  for (let i = 0; i < pairs.a.length; i++) {
    const sa = pairs.conceptSet.get(pairs.a[i]), sb = pairs.conceptSet.get(pairs.b[i]);
    assert.equal(pairs.splitDisjoint[i], sa === sb ? sa : "cross");
  }
  assert.throws(() => makeHumanPairs(matrix, [3, 2], { seed: 1 }), /increasing/);
});

Deno.test("triplets: from train pairs only, positive more similar than negative", () => {
  const matrix = randomSymmetric(40, 2);
  const concepts = Array.from({ length: 40 }, (_, i) => i);
  const pairs = makeHumanPairs(matrix, concepts, { seed: 3 });
  const train = new Set<string>();
  pairs.a.forEach((a, i) => {
    if (pairs.split[i] === "train") train.add(`${a},${pairs.b[i]}`);
  });
  const key = (x: number, y: number) => (x < y ? `${x},${y}` : `${y},${x}`);
  const t = deriveTrainingTriplets(pairs, { seed: 3, perAnchor: 5 });
  assert.ok(t.anchor.length > 100);
  for (let i = 0; i < t.anchor.length; i++) {
    assert.ok(train.has(key(t.anchor[i], t.positive[i])), "anchor-positive is a train pair");
    assert.ok(train.has(key(t.anchor[i], t.negative[i])), "anchor-negative is a train pair");
    assert.ok(t.simPositive[i] > t.simNegative[i]);
    assert.equal(t.simPositive[i], matrix.data[t.anchor[i] * 40 + t.positive[i]]);
  }
});

Deno.test("shuffled triplets: anchors and partner frequencies preserved, no collisions, human relation broken", () => {
  const matrix = randomSymmetric(40, 4);
  const pairs = makeHumanPairs(matrix, Array.from({ length: 40 }, (_, i) => i), { seed: 4 });
  const t = deriveTrainingTriplets(pairs, { seed: 4, perAnchor: 10 });
  const s = shuffleTripletPartners(t, { seed: 4 });
  assert.deepEqual([...s.anchor], [...t.anchor]);
  assert.deepEqual(counts(s.positive), counts(t.positive));
  assert.deepEqual(counts(s.negative), counts(t.negative));
  let unchanged = 0, humanOrder = 0;
  for (let i = 0; i < s.anchor.length; i++) {
    assert.notEqual(s.positive[i], s.anchor[i]);
    assert.notEqual(s.negative[i], s.anchor[i]);
    assert.notEqual(s.positive[i], s.negative[i]);
    if (s.positive[i] === t.positive[i] && s.negative[i] === t.negative[i]) unchanged++;
    if (
      matrix.data[s.anchor[i] * 40 + s.positive[i]] > matrix.data[s.anchor[i] * 40 + s.negative[i]]
    ) humanOrder++;
  }
  assert.ok(unchanged < 0.05 * s.anchor.length);
  // the original triplets all agree with the human order; the shuffled ones about half the time
  const share = humanOrder / s.anchor.length;
  assert.ok(share > 0.35 && share < 0.75, `share in human order ${share}`);
  assert.deepEqual(shuffleTripletPartners(t, { seed: 4 }), s);
});

Deno.test("shuffled matrix: a relabelling among concepts with images", () => {
  const n = 12;
  const matrix = randomSymmetric(n, 5);
  const concepts = [1, 2, 4, 6, 7, 9, 10];
  const { data, source } = shuffleMatrixLabels(matrix, concepts, { seed: 9 });
  assert.deepEqual([...source].filter((_, i) => !concepts.includes(i)), [0, 3, 5, 8, 11]);
  assert.deepEqual(concepts.map((c) => source[c]).sort((a, b) => a - b), concepts);
  assert.ok(concepts.some((c) => source[c] !== c));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      assert.equal(data[i * n + j], matrix.data[source[i] * n + source[j]]);
    }
  }
});
