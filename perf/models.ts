/**
 * Model benchmark against PyTorch (Debian python3-torch 1.13 + torchvision, 2 threads) in the
 * same run, same model, batch and resolution:
 *
 *   (1) ResNet-50 @224 inference, images/s;
 *   (2) the seed's baseline schedule (head epochs, then layer4 epochs) end to end on a fixed
 *       image subset: ours computes the frozen trunk once (trunk cache) and trains from it; the
 *       PyTorch peer recomputes the trunk every epoch, as the seed's script does.
 *
 * Needs the ResNet-50 weights (`deno task setup --model resnet50`) and the native backend
 * (`deno task setup:tf`). Usage: deno task perf:models [--images 64] [--batch 16] [--epochs 2]
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backendInfo, initBackend } from "../src/models/backend.ts";
import { cpuIdentity } from "../src/models/onednn.ts";
import { foldModel } from "../src/models/fold.ts";
import { loadImageBatch } from "../src/models/images.ts";
import { validateTrainConfig } from "../src/train/config.ts";
import type { TrainData } from "../src/train/dataset.ts";
import { buildNetwork, loadSplitBackbone } from "../src/train/network.ts";
import { trainModel } from "../src/train/trainer.ts";
import { trunkActivations } from "../src/train/trunk_cache.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    images: { type: "string", default: "64" },
    batch: { type: "string", default: "16" },
    epochs: { type: "string", default: "2" },
    "infer-reps": { type: "string", default: "3" },
  },
});
const n = Number(args.values.images), batch = Number(args.values.batch);
const epochs = Number(args.values.epochs), inferReps = Number(args.values["infer-reps"]);

await initBackend({ backend: "auto" });
const info = backendInfo();

// a fixed subset: the first images of the embedded set, 4 per concept
const root = new URL("../data/embedded/things-icons/images/", import.meta.url).pathname;
const concepts = [...Deno.readDirSync(root)].map((e) => e.name).sort().slice(0, Math.ceil(n / 4));
const paths: string[] = [];
const labels: number[] = [];
concepts.forEach((c, k) => {
  for (const f of [...Deno.readDirSync(join(root, c))].map((e) => e.name).sort().slice(0, 4)) {
    if (paths.length < n) {
      paths.push(join(root, c, f));
      labels.push(k);
    }
  }
});
const classes = concepts.length;
const pixels = await loadImageBatch(paths, { size: 224, preprocess: "caffe" });

// (1) inference: layer by layer (`model.predict`) and folded (BatchNorm folded into the convs,
// activations fused; what the trunk cache and `backbone classify` run)
const { backbone } = await loadSplitBackbone("resnet50");
const folded = foldModel(backbone.model);
const x = tf.tensor4d(pixels.data, [n, 224, 224, 3]);
/** Best throughput over `inferReps` timed passes (the machine is shared; the best pass is the
 * least disturbed one, as in Python's timeit), after one warm-up batch. */
function imagesPerSecond(run: (x: tf.Tensor) => tf.Tensor): number {
  tf.tidy(() => run(x.slice(0, batch)).dataSync()); // warm-up
  let best = 0;
  for (let r = 0; r < inferReps; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i += batch) {
      tf.tidy(() => run(x.slice(i, Math.min(batch, n - i))).dataSync());
    }
    best = Math.max(best, n / ((performance.now() - start) / 1000));
  }
  return best;
}
const layersInfer = imagesPerSecond((b) => backbone.model.predict(b) as tf.Tensor);
const oursInfer = imagesPerSecond((b) => folded.predict(b));
folded.dispose();
x.dispose();

// (2) the baseline schedule from the trunk cache (cache computation included in the time)
const rows = Int32Array.from({ length: n }, (_, i) => i);
const data: TrainData = {
  conceptIds: concepts,
  imageConcept: Int32Array.from(labels),
  imageIds: paths,
  imagePaths: paths,
  imageSplit: paths.map(() => "train"),
  imageClass: Int32Array.from(labels),
  classConcept: Int32Array.from({ length: classes }, (_, i) => i),
  conceptClass: Int32Array.from({ length: classes }, (_, i) => i),
  rows: { train: rows, val: rows, test: new Int32Array(0), stress: new Int32Array(0) },
};
const config = validateTrainConfig({
  name: "bench",
  description: "benchmark schedule",
  init: "imagenet",
  sampler: { kind: "shuffle", batchSize: batch },
  stages: [
    { name: "head", trainable: "head", epochs, learningRate: 3e-3 },
    { name: "top", trainable: "top+head", epochs, learningRate: 3e-4 },
  ],
  loss: { ce: 1, triplet: 0, matrix: 0 },
  earlyStopping: { patience: 1000 },
}, { file: "bench" });
const dir = await Deno.makeTempDir({ prefix: "ht-perf-" });
const t = performance.now();
const split = await loadSplitBackbone("resnet50");
const trunk = await trunkActivations(split.backbone, split.trunk, {
  cacheDir: dir,
  imageIds: paths,
  imageHashes: paths,
  imagePaths: paths,
  batchSize: batch,
});
const net = await buildNetwork("resnet50", { nClasses: classes, seed: 7 });
const result = await trainModel({
  config,
  seed: 7,
  data,
  trunk,
  net,
  checkpointDir: dir,
  resume: false,
});
const oursTrainS = (performance.now() - t) / 1000;
const trainedImages = n * 2 * epochs;
await Deno.remove(dir, { recursive: true });

// the PyTorch peer on the same pixels and labels
const tmp = await Deno.makeTempDir({ prefix: "ht-perf-peer-" });
await Deno.writeFile(join(tmp, "pixels.bin"), new Uint8Array(pixels.data.buffer));
await Deno.writeFile(join(tmp, "labels.bin"), new Uint8Array(Int32Array.from(labels).buffer));
const spec = {
  n,
  size: 224,
  classes,
  batch,
  threads: 2,
  headEpochs: epochs,
  topEpochs: epochs,
  inferReps,
  pixels: join(tmp, "pixels.bin"),
  labels: join(tmp, "labels.bin"),
};
const peerRun = await new Deno.Command("/usr/bin/python3", {
  args: [new URL("./models_peer.py", import.meta.url).pathname, JSON.stringify(spec)],
  stdout: "piped",
  stderr: "piped",
}).output();
await Deno.remove(tmp, { recursive: true });
if (!peerRun.success) {
  console.error(new TextDecoder().decode(peerRun.stderr));
  throw new Error("PyTorch peer failed (install python3-torch python3-torchvision)");
}
const peer = JSON.parse(new TextDecoder().decode(peerRun.stdout).trim().split("\n").at(-1)!);

const rowsOut = [
  [
    "ResNet-50 @224 inference, folded (img/s)",
    oursInfer,
    peer.infer_ips,
    oursInfer / peer.infer_ips,
  ],
  [
    "ResNet-50 @224 inference, layer by layer (img/s)",
    layersInfer,
    peer.infer_ips,
    layersInfer / peer.infer_ips,
  ],
  [
    `baseline schedule, ${n} images × (${epochs} head + ${epochs} layer4) epochs (img/s)`,
    trainedImages / oursTrainS,
    peer.train_ips,
    trainedImages / oursTrainS / peer.train_ips,
  ],
] as const;
const cpu = await cpuIdentity();
console.log(
  `CPU: ${cpu.model}, ${cpu.isa}, ${navigator.hardwareConcurrency} threads, cache topology ${cpu.cache}`,
);
console.log(
  `ours: ${info.name} (TF ${info.tensorflow ?? "-"}, tfjs ${info.tfjs}, ${
    info.onednn === undefined ? "oneDNN n/a" : `oneDNN ${info.onednn ? "on" : "off"}`
  }${info.onednnReason ? `: ${info.onednnReason}` : ""}); peer: PyTorch ${peer.torch}, ` +
    `torchvision ${peer.torchvision}, ${peer.threads} threads; batch ${batch}`,
);
console.log(
  `${"task".padEnd(62)} ${"ours".padStart(8)} ${"peer".padStart(8)} ${"ours/peer".padStart(10)}`,
);
for (const [name, ours, theirs, ratio] of rowsOut) {
  console.log(
    `${name.padEnd(62)} ${ours.toFixed(2).padStart(8)} ${theirs.toFixed(2).padStart(8)} ${
      ratio.toFixed(2).padStart(10)
    }×`,
  );
}
console.log(
  `ours: trunk cache ${trunk.seconds.toFixed(1)}s of ${oursTrainS.toFixed(1)}s; final train top-1 ${
    result.log.at(-1)!.train_top1.toFixed(3)
  }`,
);
