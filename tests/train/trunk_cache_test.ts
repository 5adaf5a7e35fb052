/**
 * Trunk cache: computed once and reused (same key → same bytes), keyed by the image set; an
 * image that fails to decode names its file, or is skipped (zeros) and listed with skipBadImages.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { loadSplitBackbone } from "../../src/train/network.ts";
import { trunkActivations } from "../../src/train/trunk_cache.ts";
import { initBackend } from "../../src/models/backend.ts";
import { ROOT } from "../_helpers/tasks.ts";
import { oneDnnForcedUnsafe } from "../_helpers/onednn.ts";
import { exists } from "../../src/io/files.ts";
import { modelJsonPath } from "../../src/models/backbones.ts";

await initBackend({ log: false });
const HAVE_RESNET = await exists(modelJsonPath("resnet50"));
const ONEDNN_UNSAFE = await oneDnnForcedUnsafe();

const IMAGES = ["abacus/game-icons.png", "airplane/openclipart.png", "anchor/openclipart.png"].map((
  p,
) => join(ROOT, "data/embedded/things-icons/images", p));

Deno.test("trunk cache: computed once, then read back identically; bad images named or skipped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-trunk-" });
  const { backbone, trunk } = await loadSplitBackbone("mobilenet_v2_035");
  const options = {
    cacheDir: dir,
    imageIds: ["a", "b", "c"],
    imageHashes: ["1", "2", "3"],
    imagePaths: IMAGES,
  };
  const first = await trunkActivations(backbone, trunk, options);
  assert.equal(first.hit, false);
  assert.deepEqual(first.shape, [7, 7, 56]);
  const all = [0, 1, 2];
  const firstData = first.gather(all);
  assert.equal(firstData.length, 3 * 7 * 7 * 56);
  const second = await trunkActivations(backbone, trunk, options);
  assert.equal(second.hit, true);
  assert.equal(second.key, first.key);
  assert.deepEqual(second.gather(all), firstData);
  // past the memory limit the rows are read from the cache file, with the same values
  const onDisk = await trunkActivations(backbone, trunk, { ...options, memoryLimitBytes: 0 });
  assert.equal(onDisk.hit, true);
  assert.deepEqual(onDisk.gather([2, 0]), second.gather([2, 0]));
  assert.throws(() => onDisk.gather([3]), /outside/);
  // another image set is another key
  const other = await trunkActivations(backbone, trunk, {
    ...options,
    imageHashes: ["1", "2", "4"],
  });
  assert.notEqual(other.key, first.key);

  // a PNG whose header is fine but whose data is cut off
  const bytes = await Deno.readFile(IMAGES[1]);
  const broken = join(dir, "broken.png");
  await Deno.writeFile(broken, bytes.subarray(0, 60));
  const paths = [IMAGES[0], broken, IMAGES[2]];
  const badOptions = { ...options, imageHashes: ["1", "x", "3"], imagePaths: paths };
  await assert.rejects(trunkActivations(backbone, trunk, badOptions), /broken\.png/);
  const skipped = await trunkActivations(backbone, trunk, { ...badOptions, skipBadImages: true });
  assert.equal(skipped.bad.length, 1);
  assert.equal(skipped.bad[0].row, 1);
  assert.match(skipped.bad[0].reason, /broken\.png/);
  const per = 7 * 7 * 56;
  assert.ok(skipped.gather([1]).every((v) => v === 0));
  assert.deepEqual(skipped.gather([0]), firstData.subarray(0, per));
  await Deno.remove(dir, { recursive: true });
});

/** float16 vs float32 caches of one backbone over the icons: values, bytes, features. */
async function checkFloat16(name: "mobilenet_v2_035" | "resnet50"): Promise<void> {
  const { buildNetwork } = await import("../../src/train/network.ts");
  const { topFeatures } = await import("../../src/train/trainer.ts");
  const dir = await Deno.makeTempDir({ prefix: "ht-trunk16-" });
  const { backbone, trunk } = await loadSplitBackbone(name);
  const options = {
    cacheDir: dir,
    imageIds: ["a", "b", "c"],
    imageHashes: ["1", "2", "3"],
    imagePaths: IMAGES,
  };
  const f32 = await trunkActivations(backbone, trunk, options);
  const f16 = await trunkActivations(backbone, trunk, { ...options, storage: "float16" });
  assert.notEqual(f16.key, f32.key, "the storage is part of the key");
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  const size = (ext: string) => Deno.statSync(join(dir, files.find((f) => f.endsWith(ext))!)).size;
  assert.equal(size(".f16") * 2, size(".f32"));
  const rows = [0, 1, 2];
  const a = f32.gather(rows);
  const b = f16.gather(rows);
  assert.deepEqual(b, Float32Array.from(new Float16Array(a)), "float16 rounding of each value");
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]) >= 2 ** -14) worst = Math.max(worst, Math.abs(b[i] - a[i]) / Math.abs(a[i]));
  }
  assert.ok(worst <= 2 ** -11, `${name}: relative error ${worst} within half a float16 ulp`);
  // read back from the file (past the memory limit) the same way
  const onDisk = await trunkActivations(backbone, trunk, {
    ...options,
    storage: "float16",
    memoryLimitBytes: 0,
  });
  assert.equal(onDisk.hit, true);
  assert.deepEqual(onDisk.gather([2, 0]), f16.gather([2, 0]));
  // what training and embedding see: the top's features agree to 1e-3 of their scale
  const net = await buildNetwork(name, { nClasses: 3, seed: 7 });
  const x32 = await topFeatures(net, f32, rows);
  const x16 = await topFeatures(net, f16, rows);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < x32.length; i++) {
    scale = Math.max(scale, Math.abs(x32[i]));
    diff = Math.max(diff, Math.abs(x16[i] - x32[i]));
  }
  assert.ok(diff <= 1e-3 * scale, `${name}: features differ by ${diff} at scale ${scale}`);
  trunk.dispose();
  await Deno.remove(dir, { recursive: true });
}

Deno.test("trunk cache, float16 storage (MobileNetV2): half the bytes, each value the float16 rounding, features equal to 1e-3", async () => {
  await checkFloat16("mobilenet_v2_035");
});

Deno.test({
  name: "trunk cache, float16 storage (ResNet-50, the THINGS profile's): features equal to 1e-3",
  ignore: !HAVE_RESNET || ONEDNN_UNSAFE !== undefined,
  fn: () => checkFloat16("resnet50"),
});
