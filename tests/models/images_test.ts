import { PHOTOS } from "../_helpers/tasks.ts";
import { strict as assert } from "node:assert";
import { join } from "node:path";
import sharp from "sharp";
import { InputError } from "../../src/io/errors.ts";
import { decodeImage, loadImage, loadImageBatch, sizeOf } from "../../src/models/images.ts";
import {
  CAFFE_MEAN_BGR,
  preprocess,
  preprocessInPlace,
  unpreprocessInPlace,
} from "../../src/models/preprocess.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";

const CHELSEA = PHOTOS.chelsea;
const COFFEE = PHOTOS.coffee;

/** A PNG of `width × height` with `channels` channels, every pixel `pixel`. */
async function solidPng(
  width: number,
  height: number,
  pixel: number[],
): Promise<Uint8Array> {
  const channels = pixel.length as 1 | 2 | 3 | 4;
  const raw = new Uint8Array(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = pixel[i % channels];
  const png = await sharp(raw, { raw: { width, height, channels } }).png().toBuffer();
  return new Uint8Array(png);
}

Deno.test("preprocess: tf and caffe math on a hand-made pixel, and back", () => {
  const pixel = [10, 20, 30];
  const tf = preprocess(pixel, "tf");
  assert.deepEqual(
    Array.from(tf),
    [10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1].map(Math.fround),
  );
  const caffe = preprocess(pixel, "caffe");
  // RGB → BGR, minus the BGR means.
  assert.deepEqual(
    Array.from(caffe),
    [30 - CAFFE_MEAN_BGR[0], 20 - CAFFE_MEAN_BGR[1], 10 - CAFFE_MEAN_BGR[2]].map(Math.fround),
  );
  assert.deepEqual(Array.from(preprocess([0, 255, 127.5], "tf")), [-1, 1, 0]);
  assert.deepEqual(Array.from(preprocess(pixel, "none")), pixel);
  for (const mode of ["tf", "caffe"] as const) {
    const back = unpreprocessInPlace(preprocess(pixel, mode), mode);
    // float32 there and back: x/127.5 − 1 then (v + 1)·127.5 (caffe: x − mean, v + mean), four
    // roundings of terms up to |x| + 255 in magnitude
    assertFloat32Close(back, pixel, {
      scale: Array.from(pixel, (p) => Math.abs(p) + 255),
      terms: 4,
      label: `${mode}: preprocess and back`,
      arithmetic: ["float32", "float64"],
    });
  }
  assert.throws(() => preprocessInPlace(new Float32Array(4), "tf"), RangeError);
});

Deno.test("images: resize to the input size, RGB 0…255, preprocessing applied", async () => {
  const pixels = await decodeImage(CHELSEA, { size: 224 });
  assert.equal(pixels.length, 224 * 224 * 3);
  const floats = await loadImage(CHELSEA, { size: [32, 48] });
  assert.equal(floats.length, 32 * 48 * 3);
  let min = Infinity, max = -Infinity;
  for (const v of floats) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    assert.ok(Number.isInteger(v));
  }
  assert.ok(min >= 0 && max <= 255 && max - min > 100, `range ${min}…${max}`);
  const tf = await loadImage(CHELSEA, { size: 224, preprocess: "tf" });
  tf.forEach((v, i) => assert.equal(v, Math.fround(pixels[i] / 127.5 - 1)));
  assert.deepEqual(sizeOf(5), [5, 5]);
  assert.throws(() => sizeOf(0), RangeError);
});

Deno.test("images: flat colours survive resizing; alpha goes onto white; grey becomes RGB", async () => {
  const red = await decodeImage(await solidPng(10, 7, [200, 30, 60]), { size: 16 });
  for (let i = 0; i < red.length; i += 3) {
    assert.deepEqual([red[i], red[i + 1], red[i + 2]], [200, 30, 60]);
  }
  const clear = await decodeImage(await solidPng(9, 9, [0, 0, 0, 0]), { size: 4 });
  assert.ok(clear.every((v) => v === 255), "transparent pixels become white");
  const half = await decodeImage(await solidPng(9, 9, [0, 0, 0, 128]), { size: 4 });
  assert.ok(half.every((v) => Math.abs(v - 127) <= 1), `half-transparent black: ${half[0]}`);
  const grey = await decodeImage(await solidPng(5, 5, [77]), { size: 3 });
  assert.equal(grey.length, 27);
  assert.ok(grey.every((v) => v === 77));
  const greyAlpha = await decodeImage(await solidPng(5, 5, [77, 255]), { size: 3 });
  assert.ok(greyAlpha.every((v) => v === 77));
});

Deno.test("images: missing, empty and corrupt files throw InputError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = join(dir, "missing.png");
    await assert.rejects(decodeImage(missing, { size: 8 }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.file, missing);
      assert.match(error.message, /missing\.png.*no such file/);
      return true;
    });
    const empty = join(dir, "empty.jpg");
    await Deno.writeFile(empty, new Uint8Array());
    await assert.rejects(decodeImage(empty, { size: 8 }), /empty\.jpg.*empty file/);
    const garbage = join(dir, "garbage.png");
    await Deno.writeFile(garbage, new TextEncoder().encode("this is not an image at all"));
    await assert.rejects(decodeImage(garbage, { size: 8 }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /garbage\.png: expected an image sharp can decode/);
      return true;
    });
    const png = await Deno.readFile(CHELSEA);
    const truncated = join(dir, "truncated.png");
    await Deno.writeFile(truncated, png.subarray(0, png.length >> 1));
    await assert.rejects(loadImage(truncated, { size: 8 }), /truncated\.png: expected an image/);
    await assert.rejects(
      decodeImage(new Uint8Array([1, 2, 3]), { size: 8, name: "bytes.webp" }),
      /bytes\.webp/,
    );
    // In a batch, the first failing image (in path order) is reported.
    await assert.rejects(
      loadImageBatch([CHELSEA, garbage, missing], { size: 8, concurrency: 3 }),
      (error: unknown) => error instanceof InputError && error.file === garbage,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("images: batches keep path order whatever the decode order", async () => {
  const paths = [COFFEE, CHELSEA, COFFEE, CHELSEA, COFFEE];
  const batch = await loadImageBatch(paths, { size: 40, preprocess: "caffe", concurrency: 4 });
  assert.equal(batch.n, 5);
  assert.equal(batch.data.length, 5 * 40 * 40 * 3);
  assert.deepEqual([batch.height, batch.width], [40, 40]);
  const per = 40 * 40 * 3;
  const chelsea = await loadImage(CHELSEA, { size: 40, preprocess: "caffe" });
  const coffee = await loadImage(COFFEE, { size: 40, preprocess: "caffe" });
  paths.forEach((path, i) => {
    assert.deepEqual(
      batch.data.subarray(i * per, (i + 1) * per),
      path === CHELSEA ? chelsea : coffee,
    );
  });
  const serial = await loadImageBatch(paths, { size: 40, preprocess: "caffe", concurrency: 1 });
  assert.deepEqual(serial.data, batch.data);
  assert.equal((await loadImageBatch([], { size: 40 })).n, 0);
});
