/**
 * Training data from the pipeline's tables: image rows with their concept, class and split;
 * training triplets; and the human similarity matrix with its train-pair mask.
 */
import { readConceptIds } from "../tables/concepts.ts";
import { readPairSplits } from "../tables/human_pairs.ts";
import { readSimilarity, type SimilarityTable } from "../tables/human_similarity.ts";
import { readImageFiles, readImageSplits } from "../tables/images.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import type { TripletIndices } from "../tables/triplets.ts";

/** Images, classes and splits for training and embedding. */
export interface TrainData {
  /** uniqueIDs in canonical order (all 1,854). */
  conceptIds: string[];
  /** Concept index of every image row. */
  imageConcept: Int32Array;
  /** Image ids, in images.arrow order. */
  imageIds: string[];
  /** Paths relative to the images root. */
  imagePaths: string[];
  /** Split of every image row. */
  imageSplit: string[];
  /** Class index (0…C−1) of every image row, −1 when its concept has no training image. */
  imageClass: Int32Array;
  /** Concept index of every class (classes = concepts with ≥ 1 training image, canonical order). */
  classConcept: Int32Array;
  /** Class of every concept, −1 when none. */
  conceptClass: Int32Array;
  /** Image rows of each split. */
  rows: { train: Int32Array; val: Int32Array; test: Int32Array; stress: Int32Array };
}

/** Read images.arrow, splits.arrow and concepts.arrow into {@link TrainData}. */
export async function loadTrainData(tables: string): Promise<TrainData> {
  const images = await readImageFiles(tables);
  const conceptIds = await readConceptIds(tables);
  const conceptIndex = new Map(conceptIds.map((id, i) => [id, i]));
  const imageIds = images.ids;
  const imageSplit = await readImageSplits(tables, imageIds);
  const imageConcept = Int32Array.from(images.concepts, (id) => {
    const c = conceptIndex.get(id);
    if (c === undefined) throw new Error(`${tableFile(TABLE.images)}: unknown concept ${id}`);
    return c;
  });
  const conceptClass = new Int32Array(conceptIds.length).fill(-1);
  imageConcept.forEach((c, r) => {
    if (imageSplit[r] === "train") conceptClass[c] = 0;
  });
  const classConcept: number[] = [];
  conceptClass.forEach((v, c) => {
    if (v === 0) {
      conceptClass[c] = classConcept.length;
      classConcept.push(c);
    }
  });
  const rowsOf = (split: string) =>
    Int32Array.from(imageSplit.flatMap((s, r) => (s === split ? [r] : [])));
  return {
    conceptIds,
    imageConcept,
    imageIds,
    imagePaths: images.paths,
    imageSplit,
    imageClass: Int32Array.from(imageConcept, (c) => conceptClass[c]),
    classConcept: Int32Array.from(classConcept),
    conceptClass,
    rows: {
      train: rowsOf("train"),
      val: rowsOf("val"),
      test: rowsOf("test"),
      stress: rowsOf("stress"),
    },
  };
}

/** Training triplets in canonical concept indices, as `triplets.arrow` holds them. */
export type TripletRows = TripletIndices;

/** The human similarity matrix (n×n) and a mask of the pairs in the train split. */
export interface HumanMatrix {
  /** n×n similarities (row-major). */
  data: Float64Array;
  /** Number of concepts. */
  n: number;
  /** 1 where (i, j) is a train pair of human_pairs.arrow (symmetric). */
  trainMask: Uint8Array;
}

/** Read a human similarity table and the train-pair mask from human_pairs.arrow. */
export async function loadHumanMatrix(
  tables: string,
  name: SimilarityTable,
): Promise<HumanMatrix> {
  const { data, n } = await readSimilarity(tables, name);
  const { a, b, split } = await readPairSplits(tables);
  const trainMask = new Uint8Array(n * n);
  for (let p = 0; p < a.length; p++) {
    if (split[p] === "train") trainMask[a[p] * n + b[p]] = trainMask[b[p] * n + a[p]] = 1;
  }
  return { data, n, trainMask };
}
