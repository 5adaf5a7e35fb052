/**
 * `deno task backbone classify|info [--model NAME] [--backend B] [IMAGE…]`: inspect the ImageNet
 * backbones — ImageNet top-k of images (ResNet-50), or layers, parameters, boundary and features
 * (see `--help`).
 */
import * as tf from "@tensorflow/tfjs";
import {
  BACKBONE_NAMES,
  type BackboneInfo,
  BACKBONES,
  classifyImages,
  describeBackbone,
  loadBackbone,
} from "../src/models/backbones.ts";
import {
  BACKEND_REQUESTS,
  type BackendRequest,
  BackendUnavailableError,
  initBackend,
} from "../src/models/backend.ts";
import {
  intFlag,
  type ParsedArgs,
  runTask,
  type TaskSpec,
  UsageError,
} from "../src/pipeline/cli.ts";

/** The `backbone` task's command line. */
export const BACKBONE_SPEC: TaskSpec = {
  name: "backbone",
  summary: "Inspect the ImageNet backbones: `classify` prints the ImageNet top-k of images " +
    "(ResNet-50, which has its classifier head); `info` prints layers, parameters, the " +
    "trunk/top boundary and the feature layer.",
  usage: "classify|info [options] [IMAGE...]",
  flags: {
    model: {
      type: "string",
      choices: BACKBONE_NAMES,
      description: "backbone (default: resnet50 for classify, mobilenet_v2_035 for info)",
    },
    backend: {
      type: "string",
      default: "auto",
      choices: BACKEND_REQUESTS,
      description: "TF.js backend",
    },
    k: { type: "string", default: "5", description: "classes shown per image (classify)" },
    batch: { type: "string", default: "8", description: "images per forward pass (classify)" },
    "models-dir": {
      type: "string",
      description: "folder of the backbone models (default data/models)",
    },
    json: { type: "boolean", default: false, description: "print JSON instead of text" },
  },
  epilog: [
    "Examples:",
    "  deno task backbone classify tests/fixtures/photos/chelsea.png tests/fixtures/photos/coffee.png",
    "  deno task backbone info --model resnet50",
    "",
    "ResNet-50 needs `deno task setup --model resnet50` (part of `--profile things`) once;",
    "MobileNetV2 ships with the repository. Images are stretched to 224×224 (antialiased",
    "bilinear) and preprocessed as the backbone expects (ResNet-50: RGB→BGR, minus the ImageNet",
    "means; MobileNetV2: x/127.5 − 1).",
  ].join("\n"),
};

/** Main function of `deno task backbone` for `runTask`. */
export async function backboneMain(parsed: ParsedArgs): Promise<void> {
  const [command, ...images] = parsed.positionals;
  if (command !== "classify" && command !== "info") {
    throw new UsageError(
      command === undefined
        ? "missing command: classify or info"
        : `unknown command "${command}" (classify or info)`,
    );
  }
  const name = typeof parsed.values.model === "string"
    ? parsed.values.model
    : command === "classify"
    ? "resnet50"
    : "mobilenet_v2_035";
  const root = typeof parsed.values["models-dir"] === "string"
    ? parsed.values["models-dir"]
    : undefined;
  const json = parsed.values.json === true;
  if (command === "classify") {
    if (images.length === 0) throw new UsageError("classify needs at least one IMAGE");
    if (!BACKBONES[name as keyof typeof BACKBONES].classifierLayer) {
      throw new UsageError(`--model ${name} has no ImageNet classifier head; use resnet50`);
    }
  } else if (images.length > 0) {
    throw new UsageError(`info takes no IMAGE arguments (got "${images[0]}")`);
  }
  const k = intFlag(parsed, "k") ?? 5;
  const batchSize = intFlag(parsed, "batch") ?? 8;
  if (k < 1 || k > 1000) throw new UsageError("--k must be between 1 and 1000");
  if (batchSize < 1) throw new UsageError("--batch must be at least 1");

  try {
    await initBackend({ backend: String(parsed.values.backend) as BackendRequest });
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      console.error(`backbone: ${error.message}`);
      Deno.exit(2);
    }
    throw error;
  }
  const backbone = await loadBackbone(name, root !== undefined ? { root } : {});

  if (command === "info") {
    const info = describeBackbone(backbone, root !== undefined ? { root } : {});
    console.log(json ? JSON.stringify(info, null, 2) : formatInfo(info));
    return;
  }
  const started = performance.now();
  const predictions = await classifyImages(backbone, images, {
    k,
    batchSize,
    ...(root !== undefined ? { root } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    console.log(JSON.stringify(
      images.map((image, i) => ({ image, top: predictions[i] })),
      null,
      2,
    ));
  } else {
    for (const [i, image] of images.entries()) {
      console.log(image);
      for (const [rank, p] of predictions[i].entries()) {
        const percent = `${(p.probability * 100).toFixed(1)}%`.padStart(6);
        console.log(`  ${rank + 1}. ${percent}  ${p.name} (${p.index})`);
      }
    }
  }
  console.error(
    `backbone: ${images.length} image(s) in ${seconds.toFixed(1)} s on ${tf.getBackend()}`,
  );
}

/** Text form of {@link BackboneInfo}. */
function formatInfo(info: BackboneInfo): string {
  const m = (n: number) => `${(n / 1e6).toFixed(2)} M`;
  const top = info.topLayers;
  const topList = top.length > 8
    ? `${top.slice(0, 4).join(", ")}, … ${top.slice(-3).join(", ")}`
    : top.join(", ");
  return [
    `${info.name}: ${info.title}`,
    `  file          ${info.path}`,
    `  source        ${info.source}`,
    `  input         ${info.inputShape.join("×")}, preprocessing "${info.preprocess}"`,
    `  layers        ${info.layers} (feature model), ${m(info.params)} parameters`,
    `  features      ${info.featureLayer}, ${info.featureDim}-d`,
    `  boundary      ${info.boundary}${info.boundaryAlias ? ` (= ${info.boundaryAlias})` : ""}` +
    `, ${info.boundaryShape.join("×")}: ${info.boundaryNote}`,
    `  trunk         ${info.trunkLayers} layers, ${m(info.trunkParams)} parameters (frozen)`,
    `  top           ${top.length} layers, ${m(info.topParams)} parameters ` +
    `(${m(info.topTrainableParams)} trainable): ${topList}`,
    info.classifier
      ? `  classifier    ${info.classifier.layer}, ${info.classifier.classes} ImageNet classes`
      : "  classifier    none (no top)",
  ].join("\n");
}

if (import.meta.main) await runTask(BACKBONE_SPEC, backboneMain);
