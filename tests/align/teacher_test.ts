/**
 * AligNet's backbone teacher: pooled features computed from the images equal the backbone's own
 * predictions, prototypes are the training-image means, and the second call reads the cache.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { backboneEmbeddings, isBackboneTeacher } from "../../src/align/teacher.ts";
import { loadBackbone } from "../../src/models/backbones.ts";
import { initBackend } from "../../src/models/backend.ts";
import { loadImageBatch } from "../../src/models/images.ts";
import { createContext } from "../../src/pipeline/stage.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { loadTrainData } from "../../src/train/dataset.ts";
import { maxRelDiff } from "../_helpers/numeric.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

await initBackend({ log: false });

Deno.test("backbone teacher: features equal the backbone's predictions; prototypes are train means; cached", async () => {
  assert.ok(isBackboneTeacher("resnet50") && !isBackboneTeacher("imagenet"));
  const out = await Deno.makeTempDir({ prefix: "ht-teacher-" });
  const data = await runTaskCli("data", ["--limit-concepts", "4", "--out", out]);
  assert.equal(data.code, 0, data.stderr);
  const profile = resolveProfile("embedded");
  const ctx = await createContext(profile, { out, seed: 7 });
  const train = await loadTrainData(ctx.tables);
  const options = { backbone: "mobilenet_v2_035" as const, skipBadImages: false };
  const emb = await backboneEmbeddings(ctx, train, options);
  assert.equal(emb.images.rows, train.imageIds.length);
  assert.equal(emb.images.cols, 1280);
  // against the backbone's own forward pass on three of the images
  const backbone = await loadBackbone("mobilenet_v2_035");
  const rows = [0, 1, emb.images.rows - 1];
  const batch = await loadImageBatch(
    rows.map((r) => join(profile.imagesRoot, train.imagePaths[r])),
    {
      size: 224,
      preprocess: "tf",
    },
  );
  const expected = tf.tidy(() =>
    backbone.model.predict(tf.tensor4d(batch.data, [rows.length, 224, 224, 3])) as tf.Tensor
  );
  const want = expected.dataSync();
  expected.dispose();
  backbone.file.dispose();
  const got = rows.flatMap((r) => Array.from(emb.images.data.subarray(r * 1280, (r + 1) * 1280)));
  assert.ok(maxRelDiff(got, want) < 1e-3, `max rel diff ${maxRelDiff(got, want)}`);
  // prototypes: mean of each concept's training images
  const c = train.imageConcept[train.rows.train[0]];
  const members = [...train.rows.train].filter((r) => train.imageConcept[r] === c);
  const mean = Array.from(
    { length: 1280 },
    (_, d) => members.reduce((s, r) => s + emb.images.data[r * 1280 + d], 0) / members.length,
  );
  const row = emb.prototypeRow[c];
  assert.ok(row >= 0);
  assert.ok(maxRelDiff(emb.prototypes.data.subarray(row * 1280, (row + 1) * 1280), mean) < 1e-5);
  // cached: the second call gives the same bytes
  const again = await backboneEmbeddings(ctx, train, options);
  assert.deepEqual(again.images.data, emb.images.data);
  await Deno.remove(out, { recursive: true });
});
