/** The `human` stage: human similarity matrix, pair splits, training triplets and controls. */
import { stageMetadata } from "../pipeline/metadata.ts";
import { displayPath } from "../pipeline/paths.ts";
import { join } from "node:path";
import { InputError, NeedsStageError } from "../io/errors.ts";
import { readTable, writeTable } from "../io/arrow.ts";
import { loadConcepts, thingsFile } from "../data/stage.ts";
import { readSposeEmbedding } from "../data/readers/mod.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { createProgress } from "../pipeline/progress.ts";
import { makeHumanPairs } from "./pairs.ts";
import { shuffleMatrixLabels, shuffleTripletPartners } from "./shuffle.ts";
import { humanSimilarityFromEmbedding } from "./similarity.ts";
import { matrixTable, pairsTable, tripletTable } from "./tables.ts";
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

/** Output tables of the human stage. */
export const HUMAN_TABLES = [
  "human_similarity.arrow",
  "human_similarity_shuffled.arrow",
  "human_pairs.arrow",
  "triplets.arrow",
  "triplets_shuffled.arrow",
] as const;

/** The human stage. */
export const humanStage: Stage<HumanOptions> = {
  name: "human",
  modules: [import.meta.url],
  inputs(ctx) {
    return Promise.resolve([
      thingsFile(ctx, "conceptIds"),
      thingsFile(ctx, "spose"),
      join(ctx.tables, "concepts.arrow"),
    ]);
  },
  outputs(ctx) {
    return HUMAN_TABLES.map((f) => join(ctx.tables, f));
  },
  async run(ctx, options) {
    const concepts = await loadConcepts(ctx);
    const spose = await readSposeEmbedding(thingsFile(ctx, "spose"), { rows: concepts.size });
    const hasImages = await conceptsWithImages(ctx, concepts.ids);
    const withImages = [...hasImages.keys()].filter((i) => hasImages[i]);
    const n = concepts.size;
    const meta = await stageMetadata(ctx, this, { stageOptions: options });
    const progress = createProgress("human: similarity matrix", n, { unit: "rows" });
    const similarity = await humanSimilarityFromEmbedding(spose, {
      onProgress: (done: number) => progress.tick(done),
    });
    progress.done();
    const matrix = { data: similarity, n };
    const rows = { ids: concepts.ids, hasImages };
    await writeTable(join(ctx.tables, "human_similarity.arrow"), matrixTable(rows, similarity), {
      ...meta,
      notes: { formula: "Hebart 2020 triplet softmax over SPoSE-49 dot products, diagonal 1" },
    });
    const shuffled = shuffleMatrixLabels(matrix, withImages, { seed: ctx.seed });
    await writeTable(
      join(ctx.tables, "human_similarity_shuffled.arrow"),
      matrixTable(rows, shuffled.data, shuffled.source),
      { ...meta, notes: { control: "concept labels permuted among the concepts with images" } },
    );
    const pairs = makeHumanPairs(matrix, withImages, {
      seed: ctx.seed,
      valFraction: options.valFraction,
      testFraction: options.testFraction,
    });
    await writeTable(join(ctx.tables, "human_pairs.arrow"), pairsTable(concepts.ids, pairs), {
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
    await writeTable(
      join(ctx.tables, "triplets.arrow"),
      tripletTable(matrix, concepts.ids, triplets),
      {
        ...meta,
        notes: { derived_from: "train pairs of human_pairs.arrow", n: triplets.anchor.length },
      },
    );
    await writeTable(
      join(ctx.tables, "triplets_shuffled.arrow"),
      tripletTable(matrix, concepts.ids, control),
      {
        ...meta,
        notes: {
          control: "same anchors per row; positive and negative columns permuted across rows",
        },
      },
    );
    return `${n}×${n} similarity, ${pairs.a.length} pairs among ${withImages.length} concepts ` +
      `(train ${countBy(pairs.split).train ?? 0}), ${triplets.anchor.length} training triplets`;
  },
};

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
  const conceptTable = await readTable(join(ctx.tables, "concepts.arrow"), {
    require: ["uniqueID", "has_images"],
  });
  const ids = conceptTable.getChild("uniqueID")!.toArray() as string[];
  if (ids.length !== canonical.length || ids.some((id, i) => id !== canonical[i])) {
    throw new NeedsStageError(
      `${
        displayPath(join(ctx.tables, "concepts.arrow"))
      } does not follow the canonical concept order`,
      "deno task data",
    );
  }
  return conceptTable.getChild("has_images")!.toArray() as boolean[];
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
      file: join(ctx.tables, "images.arrow"),
      expected: "images of enough concepts to build the shuffled triplet control (its " +
        "partners are permuted across rows without meeting their anchor; about 8 concepts or " +
        "more, e.g. --limit-concepts 8)",
      found: `${concepts} concepts with images, ${triplets.anchor.length} triplets`,
    });
  }
}
