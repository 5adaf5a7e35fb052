import type { SplitPolicy } from "../pipeline/profile.ts";
import { createRng } from "../stats/random.ts";

/** Image split labels. `stress` = other drawing styles, never trained on (embedded profile). */
export type ImageSplit = "train" | "val" | "test" | "stress";

/** The minimal image record the split needs. */
export interface SplitImage {
  imageId: string;
  uniqueID: string;
  family: string;
}

/**
 * Assign every image a split, stratified per concept and deterministic for a seed.
 * - `held-out-style`: test = images of the test families, train = the training families minus
 *   a per-concept validation draw, stress = every other family.
 * - `stratified`: per concept, a seeded shuffle then `valFraction`/`testFraction` of the images
 *   (rounded, at least one each when the concept has ≥ 3 images); images of `heldOutFamilies`
 *   go to `stress` and are never trained on.
 * Images are processed in the given order; the result is in the same order.
 */
export function assignSplits(
  images: SplitImage[],
  policy: SplitPolicy,
  options: { seed: number },
): ImageSplit[] {
  const rng = createRng(options.seed, { label: "image-splits" });
  const out = new Array<ImageSplit>(images.length);
  const byConcept = new Map<string, number[]>();
  const candidates = (i: number) => {
    const list = byConcept.get(images[i].uniqueID);
    if (list) list.push(i);
    else byConcept.set(images[i].uniqueID, [i]);
  };
  if (policy.kind === "held-out-style") {
    const test = new Set(policy.testFamilies);
    const train = new Set(policy.trainFamilies);
    images.forEach((image, i) => {
      if (test.has(image.family)) out[i] = "test";
      else if (train.has(image.family)) {
        out[i] = "train";
        candidates(i);
      } else out[i] = "stress";
    });
    for (const indices of byConcept.values()) {
      if (indices.length < policy.minImagesForVal) continue;
      const nVal = Math.max(1, Math.round(policy.valFraction * indices.length));
      rng.shuffle(indices);
      for (const i of indices.slice(0, nVal)) out[i] = "val";
    }
    return out;
  }
  const heldOut = new Set(policy.heldOutFamilies ?? []);
  images.forEach((image, i) => {
    if (heldOut.has(image.family)) out[i] = "stress";
    else candidates(i);
  });
  for (const indices of byConcept.values()) {
    rng.shuffle(indices);
    const enough = indices.length >= 3;
    const nTest = enough ? Math.max(1, Math.round(policy.testFraction * indices.length)) : 0;
    const nVal = enough ? Math.max(1, Math.round(policy.valFraction * indices.length)) : 0;
    indices.forEach((imageIndex, rank) => {
      out[imageIndex] = rank < nTest ? "test" : rank < nTest + nVal ? "val" : "train";
    });
  }
  return out;
}
