import { strict as assert } from "node:assert";
import { assignSplits, type SplitImage } from "../../src/data/splits.ts";
import { imageSize } from "../../src/data/image_size.ts";
import { InputError } from "../../src/io/errors.ts";
import { tinyJpegHeader } from "../_helpers/fs.ts";

const policy = {
  kind: "held-out-style" as const,
  testFamilies: ["microsoft"],
  trainFamilies: ["google", "twitter", "openmoji", "emojione", "mozilla"],
  valFraction: 0.2,
  minImagesForVal: 3,
};

Deno.test("splits: held-out style, val per concept from training families, stress for others", () => {
  const images: SplitImage[] = [];
  for (const c of ["cat", "dog", "cup"]) {
    for (
      const f of [
        "microsoft",
        "microsoft",
        "google",
        "twitter",
        "openmoji",
        "emojione",
        "mozilla",
        "game-icons",
      ]
    ) {
      images.push({ imageId: `${c}/${f}${images.length}`, uniqueID: c, family: f });
    }
  }
  images.push({ imageId: "few/google", uniqueID: "few", family: "google" });
  images.push({ imageId: "few/twitter", uniqueID: "few", family: "twitter" });
  const splits = assignSplits(images, policy, { seed: 7 });
  images.forEach((im, i) => {
    if (im.family === "microsoft") assert.equal(splits[i], "test");
    else if (im.family === "game-icons") assert.equal(splits[i], "stress");
    else assert.ok(splits[i] === "train" || splits[i] === "val");
  });
  for (const c of ["cat", "dog", "cup"]) {
    assert.equal(images.filter((im, i) => im.uniqueID === c && splits[i] === "val").length, 1);
  }
  // a concept with fewer than 3 training images keeps them all for training
  assert.deepEqual(splits.slice(-2), ["train", "train"]);
  assert.deepEqual(assignSplits(images, policy, { seed: 7 }), splits);
});

Deno.test("splits: stratified per concept", () => {
  const images: SplitImage[] = [];
  for (let c = 0; c < 5; c++) {
    for (let k = 0; k < 12; k++) {
      images.push({ imageId: `${c}/${k}`, uniqueID: `c${c}`, family: "things" });
    }
  }
  const splits = assignSplits(images, { kind: "stratified", valFraction: 0.1, testFraction: 0.2 }, {
    seed: 1,
  });
  for (let c = 0; c < 5; c++) {
    const mine = splits.slice(c * 12, c * 12 + 12);
    assert.equal(mine.filter((s) => s === "test").length, 2);
    assert.equal(mine.filter((s) => s === "val").length, 1);
  }
});

Deno.test("image size: PNG and JPEG headers, clear error for other bytes", async () => {
  const png = await Deno.readFile(
    new URL("../../data/embedded/things-icons/images/abacus/game-icons.png", import.meta.url),
  );
  assert.deepEqual(imageSize(png, { file: "a.png" }), { width: 96, height: 96, format: "png" });
  const jpeg = tinyJpegHeader(300, 200);
  assert.deepEqual(imageSize(jpeg, { file: "a.jpg" }), { width: 300, height: 200, format: "jpeg" });
  assert.throws(
    () => imageSize(new TextEncoder().encode("hello, not an image at all!"), { file: "bad.png" }),
    (e: Error) =>
      e instanceof InputError &&
      /bad\.png: byte 0: expected a PNG, JPEG or WebP image/.test(e.message),
  );
  assert.throws(() => imageSize(png.subarray(0, 10), { file: "cut.png" }), /cut\.png/);
});
