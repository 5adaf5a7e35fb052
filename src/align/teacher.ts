/**
 * Teacher features straight from an ImageNet backbone (e.g. `--teacher resnet50` for AligNet on
 * the embedded default): every image's pooled features, computed once with the folded model and
 * cached like the trunk activations (key: backbone weights, feature layer, preprocessing and image
 * hashes), and their concept prototypes.
 *
 * @module
 */
import { join } from "node:path";
import { readImageHashes } from "../tables/images.ts";
import { BACKBONE_NAMES, type BackboneName, loadBackbone } from "../models/backbones.ts";
import type { StageContext } from "../pipeline/stage.ts";
import type { TrainData } from "../train/dataset.ts";
import { conceptPrototypes } from "../train/embedding_tables.ts";
import { trunkActivations } from "../train/trunk_cache.ts";
import type { ModelEmbeddings } from "./inputs.ts";

/** Whether a teacher name is a backbone (features computed from images) rather than a model. */
export function isBackboneTeacher(name: string): name is BackboneName {
  return (BACKBONE_NAMES as readonly string[]).includes(name);
}

/** Pooled backbone features of every image of `data` and their prototypes (cached). */
export async function backboneEmbeddings(
  ctx: StageContext,
  data: TrainData,
  options: { backbone: BackboneName; skipBadImages: boolean },
): Promise<ModelEmbeddings> {
  const imageHashes = await readImageHashes(ctx.tables);
  const backbone = await loadBackbone(options.backbone);
  try {
    // the "trunk" here is the whole feature extractor: cut at the pooled feature layer, so the
    // cache key (which names the cut) differs from the training trunk's
    const spec = { ...backbone.spec, boundary: backbone.spec.featureLayer };
    const acts = await trunkActivations({ ...backbone, spec }, backbone.model, {
      cacheDir: join(ctx.out, "cache", "features"),
      imageIds: data.imageIds,
      imageHashes,
      imagePaths: data.imagePaths.map((p) => join(ctx.profile.imagesRoot, p)),
      skipBadImages: options.skipBadImages,
      log: ctx.log,
    });
    const n = data.imageIds.length, dim = spec.featureDim;
    const features = acts.gather(Array.from({ length: n }, (_, r) => r));
    const p = conceptPrototypes({
      imageIds: data.imageIds,
      concept: data.imageConcept,
      conceptIds: data.conceptIds,
      split: data.imageSplit,
      features,
      dim,
    });
    const prototypeRow = new Int32Array(data.conceptIds.length).fill(-1);
    p.concepts.forEach((c, r) => (prototypeRow[c] = r));
    return {
      conceptIds: data.conceptIds,
      imageIds: data.imageIds,
      imageConcept: data.imageConcept,
      split: data.imageSplit,
      images: { data: Float64Array.from(features), rows: n, cols: dim },
      prototypes: { data: Float64Array.from(p.vec), rows: p.concepts.length, cols: dim },
      prototypeRow,
    };
  } finally {
    backbone.file.dispose();
  }
}
