import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./src/models/backend.ts";
import { loadBackbone } from "./src/models/backbones.ts";
import { foldModel } from "./src/models/fold.ts";
await initBackend({ backend: "auto" });
for (const name of ["mobilenet_v2_035", "resnet50"] as const) {
  const bb = await loadBackbone(name);
  const f = foldModel(bb.model);
  const x = tf.randomNormal([16, 224, 224, 3]);
  const ref = bb.model.predict(x) as tf.Tensor; const got = f.predict(x);
  console.log(name, f.foldedBatchNorms, f.fusedActivations, f.passthroughLayers, "maxdiff", tf.max(tf.abs(tf.sub(ref, got))).dataSync()[0], "refmax", tf.max(ref).dataSync()[0], tf.memory().numTensors);
  for (const [nm, fn] of [["layers", (x: tf.Tensor) => bb.model.predict(x) as tf.Tensor], ["folded", (x: tf.Tensor) => f.predict(x)]] as const) {
    for (let w = 0; w < 2; w++) tf.tidy(() => fn(x).dataSync());
    const t = performance.now();
    for (let r = 0; r < 4; r++) tf.tidy(() => fn(x).dataSync());
    console.log(nm, "img/s", 64 / ((performance.now() - t) / 1000), tf.memory().numTensors);
  }
}
