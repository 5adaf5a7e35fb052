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
import { foldModel } from "../../src/models/fold.ts";
import { assertFloat32Close } from "../_helpers/numeric.ts";
import { assertFoldedMatches } from "../_helpers/network_error.ts";
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
  // against the backbone itself: the cache runs the folded backbone over the images in batches
  // of 32 (trunkActivations' default), so the same program on the same batches gives the same
  // bits (rows, images and preprocessing line up) ...
  const backbone = await loadBackbone("mobilenet_v2_035");
  const folded = foldModel(backbone.model);
  const paths = train.imagePaths.map((p) => join(profile.imagesRoot, p));
  for (let i = 0; i < paths.length; i += 32) {
    const batch = await loadImageBatch(paths.slice(i, i + 32), { size: 224, preprocess: "tf" });
    const want = tf.tidy(() =>
      folded.predict(tf.tensor4d(batch.data, [batch.data.length / (224 * 224 * 3), 224, 224, 3]))
        .dataSync()
    );
    want.forEach((v, k) => {
      if (emb.images.data[i * 1280 + k] !== v) {
        assert.fail(`row ${i + Math.floor(k / 1280)}: ${emb.images.data[i * 1280 + k]} vs ${v}`);
      }
    });
  }
  folded.dispose();
  // ... and the folded backbone equals its layer-by-layer predict (float32 error model, layer
  // group by layer group) on three of the images
  const rows = [0, 1, emb.images.rows - 1];
  const batch = await loadImageBatch(rows.map((r) => paths[r]), { size: 224, preprocess: "tf" });
  const x = tf.tensor4d(batch.data, [rows.length, 224, 224, 3]);
  assertFoldedMatches(backbone.model, (m) => foldModel(m), x, "teacher mobilenet_v2_035");
  x.dispose();
  backbone.file.dispose();
  // prototypes: mean of each concept's training images
  const c = train.imageConcept[train.rows.train[0]];
  const members = [...train.rows.train].filter((r) => train.imageConcept[r] === c);
  const mean = Array.from(
    { length: 1280 },
    (_, d) => members.reduce((s, r) => s + emb.images.data[r * 1280 + d], 0) / members.length,
  );
  const row = emb.prototypeRow[c];
  assert.ok(row >= 0);
  // a float64 mean of the same float32 features, stored as float32 (float32 error model)
  const meanAbs = Array.from(
    { length: 1280 },
    (_, d) =>
      members.reduce((s, r) => s + Math.abs(emb.images.data[r * 1280 + d]), 0) / members.length,
  );
  assertFloat32Close(emb.prototypes.data.subarray(row * 1280, (row + 1) * 1280), mean, {
    scale: meanAbs,
    terms: members.length + 1,
    label: "prototype = mean of the training images",
    arithmetic: ["float64→float32", "float64"],
  });
  // cached: the second call gives the same bytes
  const again = await backboneEmbeddings(ctx, train, options);
  assert.deepEqual(again.images.data, emb.images.data);
  await Deno.remove(out, { recursive: true });
});
