/** The `human` stage: human similarity matrix, pair splits, training triplets and controls. */
import { stageMetadata } from "../pipeline/metadata.ts";
import { displayPath } from "../pipeline/paths.ts";
import { InputError, NeedsStageError } from "../io/errors.ts";
import { loadConcepts, thingsFile } from "../data/things_files.ts";
import { readSposeEmbedding } from "../data/readers/mod.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { createProgress } from "../pipeline/progress.ts";
import { makeHumanPairs } from "./pairs.ts";
import { shuffleMatrixLabels, shuffleTripletPartners } from "./shuffle.ts";
import { humanSimilarityFromEmbedding } from "./similarity.ts";
import { conceptsPath, readConceptImageFlags } from "../tables/concepts.ts";
import { imagesPath } from "../tables/images.ts";
import { humanPairsPath, writeHumanPairs } from "../tables/human_pairs.ts";
import { similarityPath, writeSimilarity } from "../tables/human_similarity.ts";
import { type TripletIndices, tripletsPath, writeTriplets } from "../tables/triplets.ts";
import type { TableMetadata } from "../io/arrow.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { deriveTrainingTriplets, type TrainingTriplets } from "./triplets.ts";

/** Options of the human stage. */
export interface HumanOptions extends Record<string, unknown> {
  /** Share of validation pairs. */
  valFraction: number;
  /** Share of test pairs. */
  testFraction: number;
  /** Training triplets sampled per anchor concept. */
  tripletsPerAnchor: number;
}

/** Default options of the human stage. */
export const HUMAN_DEFAULTS: HumanOptions = {
  valFraction: 0.1,
  testFraction: 0.1,
  tripletsPerAnchor: 20,
};

/** Output tables of the human stage (their paths in a tables folder). */
export function humanTablePaths(tables: string): string[] {
  return [
    similarityPath(tables, TABLE.humanSimilarity),
    similarityPath(tables, TABLE.humanSimilarityShuffled),
    humanPairsPath(tables),
    tripletsPath(tables, TABLE.triplets),
    tripletsPath(tables, TABLE.tripletsShuffled),
  ];
}

/** The human stage. */
export const humanStage: Stage<HumanOptions> = {
  name: "human",
  modules: [import.meta.url],
  inputs(ctx) {
    return Promise.resolve([
      thingsFile(ctx, "conceptIds"),
      thingsFile(ctx, "spose"),
      conceptsPath(ctx.tables),
    ]);
  },
  outputs(ctx) {
    return humanTablePaths(ctx.tables);
  },
  async run(ctx, options) {
    const concepts = await loadConcepts(ctx);
    const spose = await readSposeEmbedding(thingsFile(ctx, "spose"), { rows: concepts.size });
    const hasImages = await conceptsWithImages(ctx, concepts.ids);
    const withImages = [...hasImages.keys()].filter((i) => hasImages[i]);
    const meta = await stageMetadata(ctx, this, { stageOptions: options });
    const matrix = await similarityMatrix(spose, concepts.size);
    const rows = { ids: concepts.ids, hasImages };
    await writeMatrices(ctx, { rows, matrix, withImages }, meta);
    const pairs = makeHumanPairs(matrix, withImages, {
      seed: ctx.seed,
      valFraction: options.valFraction,
      testFraction: options.testFraction,
    });
    await writeHumanPairs(ctx.tables, { ...pairs, ids: concepts.ids }, {
      ...meta,
      notes: {
        counts: countBy(pairs.split),
        counts_concept_disjoint: countBy(pairs.splitDisjoint),
      },
    });
    const triplets = deriveTrainingTriplets(pairs, {
      seed: ctx.seed,
      perAnchor: options.tripletsPerAnchor,
    });
    const control = shuffledTriplets(ctx, triplets, withImages.length);
    await writeTripletTables(ctx, { triplets, control, ids: concepts.ids, matrix }, meta);
    const n = concepts.size;
    return `${n}×${n} similarity, ${pairs.a.length} pairs among ${withImages.length} concepts ` +
      `(train ${countBy(pairs.split).train ?? 0}), ${triplets.anchor.length} training triplets`;
  },
};

/** The n×n human similarity matrix from the SPoSE embedding, with progress. */
async function similarityMatrix(
  spose: Parameters<typeof humanSimilarityFromEmbedding>[0],
  n: number,
): Promise<{ data: Float64Array; n: number }> {
  const progress = createProgress("human: similarity matrix", n, { unit: "rows" });
  const data = await humanSimilarityFromEmbedding(spose, {
    onProgress: (done: number) => progress.tick(done),
  });
  progress.done();
  return { data, n };
}

/** `human_similarity.arrow` and its shuffled-labels control. */
async function writeMatrices(
  ctx: StageContext,
  { rows, matrix, withImages }: {
    rows: { ids: readonly string[]; hasImages: boolean[] };
    matrix: { data: Float64Array; n: number };
    withImages: number[];
  },
  meta: TableMetadata,
): Promise<void> {
  await writeSimilarity(ctx.tables, { ...rows, data: matrix.data, name: TABLE.humanSimilarity }, {
    ...meta,
    notes: { formula: "Hebart 2020 triplet softmax over SPoSE-49 dot products, diagonal 1" },
  });
  const shuffled = shuffleMatrixLabels(matrix, withImages, { seed: ctx.seed });
  await writeSimilarity(
    ctx.tables,
    { ...rows, ...shuffled, name: TABLE.humanSimilarityShuffled },
    { ...meta, notes: { control: "concept labels permuted among the concepts with images" } },
  );
}

/** `triplets.arrow` and its shuffled control, with the similarities of their pairs. */
async function writeTripletTables(
  ctx: StageContext,
  t: {
    triplets: TrainingTriplets;
    control: TripletIndices;
    ids: readonly string[];
    matrix: { data: Float64Array; n: number };
  },
  meta: TableMetadata,
): Promise<void> {
  const { triplets, control, ids, matrix } = t;
  await writeTriplets(ctx.tables, { ...triplets, name: TABLE.triplets, ids, matrix }, {
    ...meta,
    notes: {
      derived_from: `train pairs of ${tableFile(TABLE.humanPairs)}`,
      n: triplets.anchor.length,
    },
  });
  await writeTriplets(ctx.tables, { ...control, name: TABLE.tripletsShuffled, ids, matrix }, {
    ...meta,
    notes: {
      control: "same anchors per row; positive and negative columns permuted across rows",
    },
  });
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/**
 * The `has_images` flag of every concept, from `concepts.arrow`, which must list the concepts in
 * the canonical order (else the `data` stage must run again).
 */
async function conceptsWithImages(
  ctx: StageContext,
  canonical: readonly string[],
): Promise<boolean[]> {
  const { ids, hasImages } = await readConceptImageFlags(ctx.tables);
  if (ids.length !== canonical.length || ids.some((id, i) => id !== canonical[i])) {
    throw new NeedsStageError(
      `${displayPath(conceptsPath(ctx.tables))} does not follow the canonical concept order`,
      "deno task data",
    );
  }
  return hasImages;
}

/**
 * The shuffled control of the training triplets; an input error when there are too few concepts
 * with images to permute the partners.
 */
function shuffledTriplets(
  ctx: StageContext,
  triplets: TrainingTriplets,
  concepts: number,
): ReturnType<typeof shuffleTripletPartners> {
  try {
    return shuffleTripletPartners(triplets, { seed: ctx.seed });
  } catch {
    throw new InputError({
      file: imagesPath(ctx.tables),
      expected: "images of enough concepts to build the shuffled triplet control (its " +
        "partners are permuted across rows without meeting their anchor; about 8 concepts or " +
        "more, e.g. --limit-concepts 8)",
      found: `${concepts} concepts with images, ${triplets.anchor.length} triplets`,
    });
  }
}
