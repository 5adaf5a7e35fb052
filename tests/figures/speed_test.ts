/**
 * The shortcuts behind the figure render times (perf/figures.ts): they must give what the plain
 * computation gives. Candidate-restricted similarities, the human similarity matrix at once, the
 * first seed per model, heatmaps sampled at the device resolution and built once, data URIs, and
 * image data URIs read once per file version.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { humanPairs } from "../../src/figures/common/human.ts";
import {
  dataUri,
  heatmapImage,
  pngDataUri,
  RASTER_SCALE,
} from "../../src/figures/common/raster.ts";
import { similaritiesTo, vectorSet } from "../../src/figures/common/vectors.ts";
import { firstSeeds } from "../../src/figures/data.ts";
import { createDocument, decodePng, imageDataHref } from "../../src/figures/render.ts";
import type { Row } from "../../src/figures/spec.ts";

Deno.test("similaritiesTo with include: the included items as without it, the rest NaN", () => {
  const rows: Row[] = Array.from({ length: 9 }, (_, i) => ({
    uniqueID: `c${i}`,
    vector_l2: Float32Array.from({ length: 6 }, (_, k) => Math.cos(i * 1.7 + k)),
  }));
  const set = vectorSet(rows);
  const all = similaritiesTo(set, 2);
  const some = similaritiesTo(set, 2, { include: (j) => j % 3 === 0 });
  all.forEach((s, j) => {
    if (j % 3 === 0) assert.equal(some[j], s);
    else assert.ok(Number.isNaN(some[j]));
  });
});

Deno.test("HumanPairs.matrix equals similarity() for every pair, NaN where unknown", () => {
  const rows: Row[] = [
    { a: 0, b: 1, a_uniqueID: "x", b_uniqueID: "y", similarity: 0.5, split: "train" },
    { a: 0, b: 2, a_uniqueID: "x", b_uniqueID: "z", similarity: 0.25, split: "test" },
    { a: 1, b: 2, a_uniqueID: "y", b_uniqueID: "z", similarity: null, split: "test" },
  ];
  const human = humanPairs({ human_pairs: rows });
  const ids = ["z", "unknown", "x", "y"];
  const m = human.matrix(ids);
  assert.equal(m.length, 16);
  ids.forEach((a, i) =>
    ids.forEach((b, j) => {
      const s = human.similarity(a, b);
      if (s === null) assert.ok(Number.isNaN(m[i * 4 + j]), `${a}–${b}`);
      else assert.equal(m[i * 4 + j], s);
    })
  );
  assert.equal(m[0 * 4 + 2], 0.25);
});

Deno.test("firstSeeds: the smallest seed of each model, null for models without one", () => {
  const rows: Row[] = [
    { model: "a", seed: 9 },
    { model: "a", seed: 9 },
    { model: "a", seed: 7 },
    { model: "b", seed: null },
    { model: "c", seed: 8 },
    { model: "a", seed: 8 },
  ];
  assert.deepEqual([...firstSeeds(rows)], [["a", 7], ["b", null], ["c", 8]]);
});

/** The pixels of a heatmap `<image>` (its palette PNG decoded). */
async function imagePixels(image: Element) {
  const href = image.getAttribute("href")!;
  const bytes = Uint8Array.from(atob(href.split(",")[1]), (c) => c.charCodeAt(0));
  return await decodePng(bytes);
}

Deno.test("heatmapImage: one pixel per cell up to the device resolution, centres beyond", async () => {
  const document = createDocument();
  const context = { document, width: 720 };
  const grey = (t: number) => {
    const v = Math.round(t * 255);
    return `rgb(${v}, ${v}, ${v})`;
  };
  const options = { interpolate: grey, domain: [0, 1] as [number, number], x: 0, y: 0 };
  // small matrix: every cell one pixel
  const small = Float64Array.from({ length: 12 }, (_, i) => i / 11);
  const one = await imagePixels(
    heatmapImage(context, { ...options, values: small, rows: 3, cols: 4, width: 40, height: 30 }),
  );
  assert.deepEqual([one.width, one.height], [4, 3]);
  // a 10 × 10 matrix drawn 3 CSS px wide and 2 high: 6 × 4 pixels, each the cell at its centre
  const n = 10;
  const big = Float64Array.from({ length: n * n }, (_, i) => i / (n * n - 1));
  const drawn = { width: 3, height: 2 };
  const image = await imagePixels(
    heatmapImage(context, { ...options, values: big, rows: n, cols: n, ...drawn }),
  );
  assert.deepEqual([image.width, image.height], [
    drawn.width * RASTER_SCALE,
    drawn.height * RASTER_SCALE,
  ]);
  for (let r = 0; r < image.height; r++) {
    for (let c = 0; c < image.width; c++) {
      const cell = Math.floor(((r + 0.5) * n) / image.height) * n +
        Math.floor(((c + 0.5) * n) / image.width);
      const expected = parseInt(
        /rgb\((\d+)/.exec(grey(Math.round(big[cell] * 254) / 254))![1],
      );
      assert.equal(image.data[(r * image.width + c) * 4], expected, `pixel ${r},${c}`);
    }
  }
  // built once per values and interpolator: the same href, a new element
  const again = heatmapImage(context, { ...options, values: big, rows: n, cols: n, ...drawn });
  const first = heatmapImage(context, { ...options, values: big, rows: n, cols: n, ...drawn });
  assert.equal(again.getAttribute("href"), first.getAttribute("href"));
  assert.notEqual(again, first);
});

Deno.test("dataUri: base64 of the bytes, with and without the runtime's toBase64", () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 37) % 256);
  const expected = `data:image/png;base64,${btoa(String.fromCharCode(...bytes.subarray(0, 5)))}`;
  assert.equal(pngDataUri(bytes.subarray(0, 5)), expected);
  const fallback = Object.assign(bytes.slice(), { toBase64: undefined });
  assert.equal(dataUri(fallback, "image/png"), dataUri(bytes, "image/png"));
});

Deno.test("imageDataHref: one read per file version; a changed file is read again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "figure-images-" });
  try {
    const path = join(dir, "icon.png");
    await Deno.writeFile(path, Uint8Array.of(1, 2, 3));
    const href = imageDataHref(dir);
    const first = href("icon.png");
    assert.equal(first, "data:image/png;base64,AQID");
    assert.equal(imageDataHref(dir)("icon.png"), first);
    await Deno.writeFile(path, Uint8Array.of(1, 2, 3, 4));
    assert.equal(href("icon.png"), "data:image/png;base64,AQIDBA==");
    assert.throws(() => href("missing.png"), /missing\.png: expected an image/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
