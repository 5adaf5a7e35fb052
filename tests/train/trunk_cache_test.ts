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

await initBackend({ log: false });

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
