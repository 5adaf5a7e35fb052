/**
 * The cost model of `deno task perf:scale` (src/pipeline/cost.ts): least squares against
 * numpy.polyfit on fresh random inputs, extrapolation of known costs, and the schedule
 * arithmetic for the real THINGS numbers, checked against the split and sampler code itself.
 */
import { strict as assert } from "node:assert";
import { assignSplits, type SplitImage } from "../../src/data/splits.ts";
import {
  assessFit,
  costX,
  evenCounts,
  expectedDistinct,
  extrapolate,
  fitCost,
  fitLinear,
  formatCell,
  formatFit,
  renderTable,
  scheduleEpochs,
  scheduleWork,
  stratifiedCounts,
  THINGS,
  thingsEpochSizes,
  thingsSplits,
  trainedRowsPerEpoch,
} from "../../src/pipeline/cost.ts";
import { loadTrainConfig, type SamplerConfig } from "../../src/train/config.ts";
import type { TrainData } from "../../src/train/dataset.ts";
import { epochBatches } from "../../src/train/sampler.ts";
import { effectiveConfig } from "../../src/train/schedule.ts";
import { runPython } from "../_helpers/python.ts";
import { gaussian } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";

function close(actual: number, expected: number, rel: number, what: string): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (±${tol})`);
}

Deno.test("fitLinear: intercept, slope and R² equal numpy.polyfit's on fresh random data", async () => {
  await withSeed("cost-polyfit", async (rng) => {
    for (const scale of [1, 1e3, 1e9]) {
      const n = 3 + rng.int(10);
      const x = Float64Array.from({ length: n }, () => (0.1 + rng.next()) * scale);
      const a = gaussian(rng) * 10, b = gaussian(rng) / scale;
      const y = Float64Array.from(x, (v) => a + b * v + gaussian(rng) * 0.5);
      const py = await runPython<{ b: number; a: number; r2: number; seB: number }>(
        `
b, a = np.polyfit(inp["x"], inp["y"], 1)
res = inp["y"] - (a + b * inp["x"])
r2 = 1 - (res ** 2).sum() / ((inp["y"] - inp["y"].mean()) ** 2).sum()
_, cov = np.polyfit(inp["x"], inp["y"], 1, cov="unscaled")
se_b = np.sqrt(cov[0, 0] * (res ** 2).sum() / (len(inp["x"]) - 2))
out({"a": a, "b": b, "r2": r2, "seB": se_b})
`,
        { x: { data: x }, y: { data: y } },
      );
      const fit = fitLinear([...x], [...y]);
      assert.equal(fit.n, n);
      assert.equal(fit.proportional, false);
      close(fit.a, py.a, 1e-9, `a (scale ${scale})`);
      close(fit.b * scale, py.b * scale, 1e-9, `b (scale ${scale})`);
      close(fit.r2, py.r2, 1e-9, `R² (scale ${scale})`);
      close(fit.seB * scale, py.seB * scale, 1e-7, `SE of the slope (scale ${scale})`);
    }
  });
});

Deno.test("fitLinear: an exact line has R² 1; one distinct x goes through the origin; bad input throws", () => {
  const exact = fitLinear([1, 2, 3, 4], [5, 7, 9, 11]);
  close(exact.a, 3, 1e-12, "a");
  close(exact.b, 2, 1e-12, "b");
  assert.equal(exact.r2, 1);
  const one = fitLinear([10, 10], [4, 6]);
  assert.deepEqual(one, { a: 0, b: 0.5, r2: NaN, seB: NaN, n: 2, proportional: true });
  assert.throws(() => fitLinear([], []), /no points/);
  assert.throws(() => fitLinear([1, 2], [1]), /2 x but 1 y/);
});

Deno.test("extrapolate: a known linear cost is carried to THINGS exactly; powers, caps, no growth", () => {
  // 2.5 s fixed + 70 ms per image, measured at 192, 384 and 768 images
  const time = (images: number) => 2.5 + 0.07 * images;
  const cost = fitCost([192, 384, 768].map((size) => ({ size, value: time(size) })), {
    size: "images",
  });
  close(extrapolate(cost, THINGS.images), time(THINGS.images), 1e-9, "26,107 images");
  assert.equal(formatFit(cost, "seconds"), "2.50 s + 70.0 ms/image");
  const judged = assessFit(cost, THINGS.images);
  assert.equal(judged.poor, false);
  close(judged.factor, THINGS.images / 768, 1e-12, "factor");
  assert.deepEqual(judged.notes, []);

  // a cubic cost (GWOT): 1 s + 1 µs per concept³
  const cubic = (n: number) => 1 + 1e-6 * n ** 3;
  const gw = fitCost([24, 48, 96].map((size) => ({ size, value: cubic(size) })), {
    size: "concepts",
    power: 3,
  });
  close(extrapolate(gw, THINGS.concepts), cubic(THINGS.concepts), 1e-9, "1,854 concepts³");
  assert.deepEqual(assessFit(gw, THINGS.concepts).notes, ["far extrapolation ×7,203"]);

  // memory of a cache that stops growing above 1,000 images
  const capped = fitCost([200, 400, 800].map((size) => ({ size, value: 1e8 + 1e6 * size })), {
    size: "images",
    capAt: 1000,
  });
  close(extrapolate(capped, THINGS.images), 1e8 + 1e9, 1e-9, "capped");
  assert.equal(costX({ size: "images", capAt: 1000, power: 2 }, 5000), 1e6);
  assert.match(assessFit(capped, THINGS.images).notes.join(), /size capped at 1,000/);

  // noise only (negative slope): the mean, never negative
  const flat = fitCost([{ size: 10, value: 2.1 }, { size: 20, value: 1.9 }, {
    size: 40,
    value: 2.0,
  }], { size: "concepts" });
  close(extrapolate(flat, THINGS.concepts), 2.0, 1e-12, "constant");
  assert.match(assessFit(flat, THINGS.concepts).notes.join(), /no growth measured/);

  // a poor fit where the slope matters is flagged
  const noisy = fitCost([
    { size: 10, value: 1 },
    { size: 20, value: 9 },
    { size: 30, value: 2 },
    { size: 40, value: 12 },
  ], { size: "images" });
  const verdict = assessFit(noisy, 100);
  assert.equal(verdict.poor, true);
  assert.match(verdict.notes.join(), /poor fit \(R² 0\.\d\d\)/);

  // one size: proportional, said so
  const single = fitCost([{ size: 100, value: 5 }], { size: "images" });
  close(extrapolate(single, 1000), 50, 1e-12, "proportional");
  assert.match(assessFit(single, 1000).notes.join(), /one size/);
});

Deno.test("THINGS splits: the arithmetic equals src/data/splits.ts on the same per-concept counts", async () => {
  await withSeed("cost-splits", (rng) => {
    const perConcept = Array.from({ length: 60 }, () => 1 + rng.int(30));
    const images: SplitImage[] = perConcept.flatMap((n, c) =>
      Array.from(
        { length: n },
        (_, k) => ({ imageId: `c${c}-${k}`, uniqueID: `c${c}`, family: "things" }),
      )
    );
    const splits = assignSplits(images, {
      kind: "stratified",
      valFraction: 0.1,
      testFraction: 0.1,
    }, { seed: 7 });
    const counted = {
      train: splits.filter((s) => s === "train").length,
      val: splits.filter((s) => s === "val").length,
      test: splits.filter((s) => s === "test").length,
    };
    const expected = stratifiedCounts(perConcept);
    assert.deepEqual(
      { train: expected.train, val: expected.val, test: expected.test },
      counted,
    );
    assert.equal(expected.images, images.length);
  });
  const things = thingsSplits();
  assert.deepEqual(evenCounts(10, 4), [3, 3, 2, 2]);
  assert.deepEqual(things, {
    images: 26_107,
    concepts: 1_854,
    train: 22_097, // 1,703 concepts × 12 + 151 × 11
    val: 2_005, // 1,703 × 1 + 151 × 2 (round(1.5) = 2)
    test: 2_005,
  });
});

Deno.test("schedule arithmetic: epochs × training images of every config on the real THINGS numbers", async () => {
  const sizes = thingsEpochSizes();
  assert.deepEqual(sizes, { train: 22_097, concepts: 1_854, triplets: 37_080 });
  const config = async (model: string) => effectiveConfig(await loadTrainConfig(model), "things");

  const baseline = await config("baseline");
  assert.deepEqual(scheduleEpochs(baseline), { head: 20, top: 8 });
  assert.deepEqual(scheduleWork(baseline, sizes), {
    rowsPerEpoch: 22_097,
    head: 20 * 22_097,
    top: 8 * 22_097,
  });
  for (
    const model of ["fixed_prototype_triplets", "fixed_prototype_control", "high_pressure_triplets"]
  ) {
    assert.deepEqual(scheduleWork(await config(model), sizes), {
      rowsPerEpoch: 22_097,
      head: 0,
      top: 4 * 22_097,
    }, model);
  }
  for (const model of ["joint_matrix_alignment", "matrix_control"]) {
    assert.deepEqual(scheduleWork(await config(model), sizes).top, 12 * 22_097, model);
  }
  // batch prototypes: the things profile's 1,200 batches (⌈37,080 / 8⌉ = 4,635 uncapped) of
  // 2 images of each of the ~23.86 distinct concepts of 8 triplets
  const batch = await config("batch_prototype_triplets");
  const rows = trainedRowsPerEpoch(batch, sizes);
  close(rows, 1_200 * 2 * 1_854 * (1 - (1 - 3 / 1_854) ** 8), 1e-12, "batch-prototype rows");
  assert.ok(rows > 57_200 && rows < 57_600, `${rows}`);
  assert.equal(scheduleWork(batch, sizes).top, rows);
  // --max-train-batches caps every sampler
  const capped = effectiveConfig(await loadTrainConfig("baseline"), "things", {
    maxTrainBatches: 2,
  });
  assert.equal(trainedRowsPerEpoch(capped, sizes), 128);
  close(expectedDistinct(1, 5), 1, 1e-12, "one value");
  close(expectedDistinct(1e9, 24), 24, 1e-6, "no collisions");
  close(expectedDistinct(1e9, 8, 3), 24, 1e-6, "no collisions between triplets");
  close(expectedDistinct(3, 8, 3), 3, 1e-12, "every value");
});

Deno.test("trainedRowsPerEpoch: what the samplers of src/train/sampler.ts draw", async () => {
  await withSeed("cost-sampler", (rng) => {
    const concepts = 40 + rng.int(40);
    const imageConcept: number[] = [];
    for (let c = 0; c < concepts; c++) {
      for (let k = 0; k < 3 + rng.int(6); k++) imageConcept.push(c);
    }
    const train = Int32Array.from(imageConcept.keys());
    const data = {
      imageConcept: Int32Array.from(imageConcept),
      rows: { train, val: new Int32Array(), test: new Int32Array(), stress: new Int32Array() },
    } as unknown as TrainData;
    const nTriplets = 20 * concepts;
    const triplets = {
      anchor: new Int32Array(nTriplets),
      positive: new Int32Array(nTriplets),
      negative: new Int32Array(nTriplets),
    };
    for (let i = 0; i < nTriplets; i++) {
      const [a, p, n] = rng.shuffle(Array.from({ length: concepts }, (_, c) => c)).slice(0, 3);
      triplets.anchor[i] = a;
      triplets.positive[i] = p;
      triplets.negative[i] = n;
    }
    const sizes = { train: train.length, concepts, triplets: nTriplets };
    const drawn = (sampler: SamplerConfig, maxBatchesPerEpoch?: number) =>
      epochBatches(data, sampler, { seed: 7, epoch: 0, triplets }).slice(0, maxBatchesPerEpoch)
        .reduce((s, b) => s + b.rows.length, 0);
    const stages = [{ trainable: "top+head" as const, epochs: 1 }];
    for (
      const sampler of [
        { kind: "shuffle", batchSize: 64 },
        { kind: "concepts", conceptsPerBatch: 32, imagesPerConcept: 2 },
      ] as SamplerConfig[]
    ) {
      assert.equal(trainedRowsPerEpoch({ sampler, stages }, sizes), drawn(sampler), sampler.kind);
    }
    const shuffle: SamplerConfig = { kind: "shuffle", batchSize: 16 };
    assert.equal(
      trainedRowsPerEpoch({ sampler: shuffle, stages, maxBatchesPerEpoch: 3 }, sizes),
      drawn(shuffle, 3),
    );
    // triplet-concepts: the expected count for triplets of uniform concepts (2.1 % off at worst
    // over 300 seeds)
    const triplet: SamplerConfig = {
      kind: "triplet-concepts",
      tripletsPerBatch: 8,
      imagesPerConcept: 2,
      maxBatches: 1_200,
    };
    close(
      trainedRowsPerEpoch({ sampler: triplet, stages }, sizes),
      drawn(triplet),
      0.04,
      "triplets",
    );
  });
});

Deno.test("formatting: cells say measured or extrapolated; tables align as text and Markdown", () => {
  assert.equal(formatCell(12.34, { unit: "seconds", kind: "measured" }), "12.3 s (m)");
  assert.equal(formatCell(7384, { unit: "seconds", kind: "extrapolated" }), "2h03m (e)");
  assert.equal(formatCell(2.5e9, { unit: "bytes", kind: "extrapolated" }), "2.50 GB (e)");
  assert.equal(formatCell(undefined, { unit: "bytes", kind: "measured" }), "—");
  const md = renderTable(["stage", "time"], [["a|b", "1 s"], ["data", "12.3 s"]], {
    markdown: true,
  });
  assert.equal(
    md,
    "| stage | time   |\n| ----- | ------ |\n| a\\|b  | 1 s    |\n| data  | 12.3 s |",
  );
  const text = renderTable(["stage", "time"], [["data", "1 s"]]);
  assert.equal(text, "stage  time\n─────  ────\ndata   1 s");
});
