import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readGlocalTransform } from "../../src/io/npz.ts";
import { readNpy } from "../../src/io/npy.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

const THINGS = join(REPO_ROOT, "data/embedded/things");

Deno.test("shipped VICE embedding: float32 1,854 × 42, non-negative (as in MANIFEST.md)", async () => {
  const vice = await readNpy(join(THINGS, "vice/vice_things_final_embedding.npy"));
  assert.deepEqual(vice.shape, [1854, 42]);
  assert.ok(vice.data instanceof Float32Array);
  let min = Infinity, max = -Infinity;
  for (const v of vice.data as Float32Array) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min >= 0, `min ${min}`);
  assert.ok(Math.abs(max - 2.53) < 0.01, `max ${max}`);
});

Deno.test("shipped gLocal transforms: ResNet-18 512×512 with bias, CLIP ViT-L/14 768×768 without", async () => {
  const r18 = await readGlocalTransform(join(THINGS, "glocal/resnet18_avgpool_transform.npz"));
  assert.equal(r18.dim, 512);
  assert.equal(r18.weights.length, 512 * 512);
  assert.ok(Number.isFinite(r18.mean) && r18.std > 0);
  assert.equal(r18.bias?.length, 512);
  const clip = await readGlocalTransform(join(THINGS, "glocal/clip_ViT-L-14_visual_transform.npz"));
  assert.equal(clip.dim, 768);
  assert.equal(clip.weights.length, 768 * 768);
  assert.equal(clip.bias, undefined);
});
