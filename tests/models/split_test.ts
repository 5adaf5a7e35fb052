import { oneDnnForcedUnsafe } from "../_helpers/onednn.ts";
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { exists } from "../_helpers/fs.ts";
import { initBackend } from "../../src/models/backend.ts";
import { loadBackbone, modelJsonPath } from "../../src/models/backbones.ts";
import { layersAfter, splitAt, SplitError } from "../../src/models/split.ts";

const RESNET_JSON = modelJsonPath("resnet50");
const HAVE_RESNET = await exists(RESNET_JSON);
// The fastest backend here (native TensorFlow, else wasm, else cpu): ResNet-50 takes seconds per
// image on the pure-JS cpu backend. Test modules run in their own isolates.
await initBackend({ backend: "auto", log: false });
// oneDNN forced on where it crashes: ResNet-50 would kill the test run (see onednn_test.ts).
const ONEDNN_UNSAFE = await oneDnnForcedUnsafe();

/**
 * top(trunk(x)) runs exactly the layers of the full model, in the same order, on the same shapes
 * and the same backend: the same kernels on the same inputs, so the values are bit-identical by
 * construction (no float32 tolerance: a reordering here would be a bug in the split).
 */
function assertIdentical(got: tf.Tensor, want: tf.Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, what);
  const a = got.dataSync(), b = want.dataSync();
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

/** Names of the trainable weights of the layers listed after `boundary`. */
function trainableAfter(model: tf.LayersModel, boundary: string): string[] {
  return layersAfter(model, boundary).flatMap((l) => l.trainableWeights.map((w) => w.originalName));
}

/** The split's weights: top = exactly the layers after the boundary, trunk = the rest. */
function checkWeights(model: tf.LayersModel, boundary: string): void {
  const { trunk, top, topLayers } = splitAt(model, boundary);
  const topNames = top.trainableWeights.map((w) => w.originalName);
  assert.deepEqual(new Set(topNames), new Set(trainableAfter(model, boundary)));
  assert.equal(topNames.length, new Set(topNames).size);
  assert.deepEqual(
    topLayers.map((l) => l.name),
    layersAfter(model, boundary).map((l) => l.name),
  );
  const trunkNames = new Set(trunk.weights.map((w) => w.originalName));
  for (const w of top.weights) assert.ok(!trunkNames.has(w.originalName), w.originalName);
  assert.equal(trunk.weights.length + top.weights.length, model.weights.length);
}

Deno.test("split: a residual toy model — valid and crossing boundaries", () => {
  const input = tf.input({ shape: [4, 4, 2], name: "toy_in" });
  const a = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: "toy_a" })
    .apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", name: "toy_b" })
    .apply(a) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "toy_add" }).apply([a, b]) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "toy_c" }).apply(
    sum,
  ) as tf.SymbolicTensor;
  const d = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "toy_d" }).apply(
    c,
  ) as tf.SymbolicTensor;
  const sum2 = tf.layers.add({ name: "toy_add2" }).apply([c, d]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "toy_pool" }).apply(
    sum2,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled, name: "toy" });
  const x = tf.randomNormal([3, 4, 4, 2], 0, 1, "float32", 5);
  const full = model.predict(x) as tf.Tensor;
  for (const boundary of ["toy_a", "toy_add", "toy_c"]) {
    const { trunk, top } = splitAt(model, boundary);
    const y = top.predict(trunk.predict(x) as tf.Tensor) as tf.Tensor;
    assertIdentical(y, full, boundary);
    checkWeights(model, boundary);
  }
  // toy_b: the add also needs toy_a's output, which does not pass through toy_b.
  assert.throws(() => splitAt(model, "toy_b"), (error: unknown) => {
    assert.ok(error instanceof SplitError);
    assert.match(error.message, /"toy_add" also takes "toy_a".*crosses/);
    return true;
  });
  assert.throws(() => splitAt(model, "toy_d"), /"toy_add2" also takes "toy_c"/);
  assert.throws(() => splitAt(model, "nope"), /no layer "nope"/);
  tf.dispose([x, full]);
});

Deno.test("split: MobileNetV2 at block_15_add — top(trunk(x)) = full(x), top = layers after", async () => {
  const { model, spec } = await loadBackbone("mobilenet_v2_035");
  assert.equal(spec.boundary, "block_15_add");
  const { trunk, top, topLayers, boundaryShape } = splitAt(model, spec.boundary);
  assert.deepEqual(boundaryShape, [null, ...spec.boundaryShape]);
  assert.deepEqual(topLayers.map((l) => l.name), [
    "block_16_expand",
    "block_16_expand_BN",
    "block_16_expand_relu",
    "block_16_depthwise",
    "block_16_depthwise_BN",
    "block_16_depthwise_relu",
    "block_16_project",
    "block_16_project_BN",
    "Conv_1",
    "Conv_1_bn",
    "out_relu",
    "avg_pool",
  ]);
  const x = tf.randomUniform([2, 224, 224, 3], -1, 1, "float32", 7);
  const full = model.predict(x) as tf.Tensor;
  const mid = trunk.predict(x) as tf.Tensor;
  const y = top.predict(mid) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 1280]);
  assertIdentical(y, full, "top(trunk(x))");
  checkWeights(model, spec.boundary);
  // Cutting inside the last residual block would leave its skip branch behind.
  assert.throws(
    () => splitAt(model, "block_15_project_BN"),
    /"block_15_add" also takes "block_14_add"/,
  );
  tf.dispose([x, full, mid, y]);
});

Deno.test({
  name: ONEDNN_UNSAFE
    ? `split: ResNet-50 — SKIPPED in this process: ${ONEDNN_UNSAFE}`
    : HAVE_RESNET
    ? "split: ResNet-50 at activation_39 (conv4_block6_out) — top(boundary) = full features"
    : `split: ResNet-50 — SKIPPED: ${RESNET_JSON} is missing (deno task setup --model resnet50)`,
  ignore: !HAVE_RESNET || ONEDNN_UNSAFE !== undefined,
  fn: async () => {
    const { model, spec } = await loadBackbone("resnet50");
    const { top, topLayers, boundaryShape } = splitAt(model, spec.boundary);
    assert.deepEqual(boundaryShape, [null, 14, 14, 1024]);
    assert.equal(topLayers[0].name, "res5a_branch2a");
    assert.equal(topLayers.at(-1)!.name, "avg_pool");
    checkWeights(model, spec.boundary);
    // One forward pass gives both the boundary activations and the full model's features
    // (the pure-JS backend needs seconds per image).
    const both = tf.model({
      inputs: model.inputs,
      outputs: [
        model.getLayer(spec.boundary).getOutputAt(0) as tf.SymbolicTensor,
        model.outputs[0],
      ],
    });
    const x = tf.randomUniform([1, 224, 224, 3], -120, 150, "float32", 11);
    const [mid, full] = both.predict(x) as tf.Tensor[];
    const y = top.predict(mid) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 2048]);
    assertIdentical(y, full, "top(boundary)");
    // A conv5 block's skip branch crosses any cut inside it.
    assert.throws(() => splitAt(model, "bn5b_branch2c"), /"add_14" also takes "activation_42"/);
    tf.dispose([x, mid, full, y]);
    model.dispose();
  },
});
