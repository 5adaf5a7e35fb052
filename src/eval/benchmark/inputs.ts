/**
 * Everything the benchmark reads: the pipeline's tables (concepts, human similarity, pairs,
 * training triplets, models, embeddings) and the human files of the profile (THINGS test
 * triplets, the noise-ceiling file, SPoSE-49, the 48-object behavioural RDM).
 *
 * @module
 */
import { join } from "node:path";
import { readConceptMatrix } from "../../data/embedding_file.ts";
import {
  type BehaviouralRdm,
  RDM48_FILES,
  readBehaviouralRdm,
  readConceptIndex,
  readTriplets,
} from "../../data/readers/mod.ts";
import { deriveTrainingTriplets, type TrainingTriplets } from "../../human/triplets.ts";
import { InputError } from "../../io/errors.ts";
import { noiseCeiling } from "../../metrics/ceiling.ts";
import type { Triplets } from "../../metrics/types.ts";
import { SPOSE49 } from "../../models/registry.ts";
import type { Profile } from "../../pipeline/profile.ts";
import { alignedRegistries, readAlignedModels } from "../../tables/aligned.ts";
import { type ConceptAttributes, readConceptAttributes } from "../../tables/concepts.ts";
import {
  readImageEmbeddings,
  readPrototypeConcepts,
  readPrototypes,
} from "../../tables/embeddings.ts";
import { readHumanPairs } from "../../tables/human_pairs.ts";
import { readSimilarity } from "../../tables/human_similarity.ts";
import { imagesPath, readImageFamilies } from "../../tables/images.ts";
import { type ListedModel, readModelRows } from "../../tables/models.ts";
import { embeddingTable, prototypesTable, TABLE, tableFile } from "../../tables/names.ts";
import { seedStem, tablePath } from "../../tables/paths.ts";
import { readTrainingTriplets } from "../../tables/triplets.ts";
import { thingsFile } from "../../data/things_files.ts";

/** Concept metadata used by the transfer benchmarks (canonical order, 1,854 rows). */
export type BenchConcepts = ConceptAttributes;

/** One model's vectors, at concept level (prototypes) and, for image models, per image. */
export interface BenchModel {
  /** Model name (`spose49` for the human reference row). */
  model: string;
  /** Training seed (null for the reference row). */
  seed: number | null;
  /** How concept similarity is computed: cosine for image models, dot for SPoSE. */
  similarity: "cosine" | "dot";
  /** Concept vectors: canonical concept index of each row, and the vectors (rows × dim). */
  prototypes: { concept: Int32Array; vectors: Float64Array; dim: number };
  /**
   * Image vectors (L2-normalised), with concept, split and design group per image (see
   * {@link imageDesigns}; absent: every image its own design); absent for SPoSE.
   */
  images?: {
    concept: Int32Array;
    split: string[];
    vectors: Float64Array;
    dim: number;
    design?: Int32Array;
  };
  /** Test top-1 of the model's own classification head, from models.arrow. */
  headTop1?: number | null;
  /** Matched variant for a control (models.arrow `control_of`). */
  controlOf?: string | null;
}

/** Human data of the benchmark. */
export interface BenchHuman {
  /** Human similarity matrix, 1,854 × 1,854 row-major. */
  similarity: Float64Array;
  /** Human pairs among concepts with images, with their split. */
  pairs: { a: Int32Array; b: Int32Array; similarity: Float64Array; split: string[] };
  /** Training triplets (from train pairs; triplets.arrow). */
  trainTriplets: TrainingTriplets;
  /** Held-out triplets derived the same way from the test pairs (seeded). */
  testTriplets: TrainingTriplets;
  /** THINGS odd-one-out test triplets of the profile, and their file. */
  oddOneOut: Triplets & { source: string };
  /** Noise ceiling of the repeated-triplet file, and its file. */
  ceiling: { value: number; source: string };
  /**
   * The 48-object behavioural RDM (Hebart et al. 2020, fully sampled triplets; independent of
   * SPoSE): canonical concept of each row, dissimilarities (48 × 48 row-major), and its file.
   */
  rdm48: BehaviouralRdm & { source: string };
}

/** The RDM48 files of a profile: the matrix and its row order (in the profile's THINGS folder). */
export function rdm48Files(profile: Profile): { matrix: string; order: string } {
  return {
    matrix: join(profile.thingsDir, RDM48_FILES.matrix),
    order: join(profile.thingsDir, RDM48_FILES.order),
  };
}

/** All inputs of the benchmark. */
export interface BenchInputs {
  concepts: BenchConcepts;
  human: BenchHuman;
  models: BenchModel[];
}

/** Canonical index of every uniqueID of a column (the error names the table and row). */
function conceptIndices(
  ids: readonly string[],
  options: { index: Map<string, number>; file: string },
): Int32Array {
  return Int32Array.from({ length: ids.length }, (_, r) => {
    const id = String(ids[r]);
    const c = options.index.get(id);
    if (c === undefined) {
      throw new InputError({
        file: options.file,
        row: r + 1,
        expected: `a uniqueID of ${tableFile(TABLE.concepts)}`,
        found: id,
      });
    }
    return c;
  });
}

/**
 * The concepts every image model of models.arrow has a prototype for (canonical indices), read
 * from the prototype tables only.
 */
export async function prototypeConcepts(
  tables: string,
  options: { primarySeed: number; conceptIds: readonly string[] },
): Promise<number[] | undefined> {
  const index = new Map(options.conceptIds.map((id, i) => [id, i]));
  let common: Set<number> | undefined;
  for (const m of await readModelList(tables)) {
    const stem = seedStem(m.model, m.seed, options.primarySeed);
    const file = tablePath(tables, prototypesTable(stem));
    const has = new Set(conceptIndices(await readPrototypeConcepts(file), { index, file }));
    common = common ? new Set([...common].filter((c) => has.has(c))) : has;
  }
  return common ? [...common].sort((a, b) => a - b) : undefined;
}

/**
 * Read the human side: similarity, pairs, training and test triplets, odd-one-out, ceiling,
 * RDM48 (`conceptIds`: the canonical concept list, concepts.arrow's uniqueIDs).
 */
export async function readHuman(
  tables: string,
  options: { profile: Profile; seed: number; conceptIds: readonly string[] },
): Promise<BenchHuman> {
  const nConcepts = options.conceptIds.length;
  const similarity = (await readSimilarity(tables)).data;
  const pairs = await readHumanPairs(tables);
  const trainTriplets = await readTrainingTriplets(tables);
  // the same sampler on the held-out test pairs (it reads the pairs marked "train")
  const testTriplets = deriveTrainingTriplets(
    { ...pairs, split: pairs.split.map((s) => (s === "test" ? "train" : "other")) },
    { seed: options.seed },
  );
  const source = options.profile.testTriplets;
  const odd = await readTriplets(source, { nConcepts, format: "zero-based" });
  const ceilingFile = join(options.profile.thingsDir, "triplets/triplets_noiseceiling.csv");
  const nc = noiseCeiling(
    await readTriplets(ceilingFile, { nConcepts, format: "noise-ceiling" }),
  );
  const rdmFiles = rdm48Files(options.profile);
  const rdm48 = await readBehaviouralRdm({ ...rdmFiles, conceptIds: options.conceptIds });
  return {
    similarity,
    pairs,
    trainTriplets,
    testTriplets,
    oddOneOut: { a: odd.a, b: odd.b, odd: odd.odd, n: odd.n, source },
    ceiling: { value: nc.noiseCeiling, source: ceilingFile },
    rdm48: { ...rdm48, source: rdmFiles.matrix },
  };
}

/** Options of {@link loadBenchInputs}. */
export interface LoadBenchOptions {
  /** The data profile (human files). */
  profile: Profile;
  /** The pipeline's primary seed (names the embedding tables) and the triplet sampler's seed. */
  seed: number;
  /** Extra concept-level models (e.g. gLocal/AligNet) already loaded. */
  extra?: BenchModel[];
  /** Load only the models whose key (`model|seed`, `spose49|null`) passes (default all). */
  select?: (key: string) => boolean;
}

/** Key of a model in a benchmark run: `model|seed`. */
export function modelKey(model: { model: string; seed: number | null }): string {
  return `${model.model}|${model.seed}`;
}

/** The image models listed in models.arrow and the aligned registries, each seed a row. */
export async function readModelList(
  tables: string,
): Promise<ListedModel[]> {
  const list = await readModelRows(tables);
  // models registered by the alignment stages (gLocal, AligNet…), when they ran
  for (const file of await alignedRegistries(tables)) list.push(...await readAlignedModels(file));
  return list;
}

/** Image families that are photographs: every photo is its own design. */
export const PHOTO_FAMILIES: readonly string[] = ["things", "thingsplus-cc0"];

/**
 * The design group of every image of `images.arrow`, by image id: one group per design family
 * for drawn images (the emoji sets, clip art; the three Fluent renderings of Microsoft's emoji
 * are one family), one group per image for photos ({@link PHOTO_FAMILIES}). Retrieval never
 * counts an image of the query's own design as relevant or as a competitor.
 */
export async function imageDesigns(tables: string): Promise<Map<string, number>> {
  const file = imagesPath(tables);
  // read once per file version: every model of a run (and of a worker) asks for the same table
  const stat = await Deno.stat(file).catch(() => undefined);
  const version = stat ? `${file}|${stat.mtime?.getTime()}|${stat.size}` : undefined;
  const cached = version === undefined ? undefined : designCache.get(version);
  if (cached) return cached;
  const designs = await readDesigns(tables);
  if (version !== undefined) designCache.set(version, designs);
  return designs;
}

/** {@link imageDesigns} by file version. */
const designCache = new Map<string, Map<string, number>>();

async function readDesigns(tables: string): Promise<Map<string, number>> {
  const { ids, families } = await readImageFamilies(tables);
  const groups = new Map<string, number>();
  const out = new Map<string, number>();
  ids.forEach((id, i) => {
    const family = String(families[i]);
    if (PHOTO_FAMILIES.includes(family)) {
      out.set(id, -1 - i);
    } else {
      if (!groups.has(family)) groups.set(family, groups.size);
      out.set(id, groups.get(family)!);
    }
  });
  return out;
}

/** The design group of each row of an embedding table (see {@link imageDesigns}). */
function designColumn(
  ids: readonly string[],
  designs: Map<string, number>,
  file: string,
): Int32Array {
  return Int32Array.from(ids, (id, row) => {
    const d = designs.get(String(id));
    if (d === undefined) {
      throw new InputError({
        file,
        row: row + 1,
        expected: `an image_id of ${
          tableFile(TABLE.images)
        } (rerun \`deno task embed\` after \`deno task data\`)`,
        found: `"${id}"`,
      });
    }
    return d;
  });
}

/** Read one image model's embeddings and prototypes. */
export async function readImageModel(
  tables: string,
  options: {
    model: string;
    seed: number;
    primarySeed: number;
    index: Map<string, number>;
    headTop1?: number | null;
    controlOf?: string | null;
    /** Design groups by image id (default: read from images.arrow). */
    designs?: Map<string, number>;
  },
): Promise<BenchModel> {
  const stem = seedStem(options.model, options.seed, options.primarySeed);
  const imgFile = tablePath(tables, embeddingTable(stem));
  const protoFile = tablePath(tables, prototypesTable(stem));
  const img = await readImageEmbeddings(imgFile, "vector_l2");
  const designs = options.designs ?? await imageDesigns(tables);
  const proto = await readPrototypes(protoFile, "vector_l2");
  return {
    model: options.model,
    seed: options.seed,
    similarity: "cosine",
    headTop1: options.headTop1 ?? null,
    controlOf: options.controlOf ?? null,
    images: {
      concept: conceptIndices(img.uniqueIDs, { index: options.index, file: imgFile }),
      split: img.split,
      vectors: img.vectors,
      dim: img.dim,
      design: designColumn(img.imageIds, designs, imgFile),
    },
    prototypes: {
      concept: conceptIndices(proto.uniqueIDs, { index: options.index, file: protoFile }),
      vectors: proto.vectors,
      dim: proto.dim,
    },
  };
}

/** The SPoSE-49 human embedding as the reference row (all 1,854 concepts, dot similarity). */
export async function readSposeModel(profile: Profile): Promise<BenchModel> {
  const file = thingsFile({ profile }, "spose");
  const index = await readConceptIndex(thingsFile({ profile }, "conceptIds"));
  const m = await readConceptMatrix(file, index);
  return {
    model: SPOSE49,
    seed: null,
    similarity: "dot",
    prototypes: {
      concept: Int32Array.from({ length: m.matrix.rows }, (_, i) => i),
      vectors: m.matrix.data,
      dim: m.matrix.cols,
    },
  };
}

/** Load the benchmark's inputs from `tables` (every model in models.arrow, plus SPoSE). */
export async function loadBenchInputs(
  tables: string,
  options: LoadBenchOptions,
): Promise<BenchInputs> {
  const concepts = await readConceptAttributes(tables);
  const index = new Map(concepts.ids.map((id, i) => [id, i]));
  const human = await readHuman(tables, {
    profile: options.profile,
    seed: options.seed,
    conceptIds: concepts.ids,
  });
  const select = options.select ?? (() => true);
  const models: BenchModel[] = [];
  for (const row of await readModelList(tables)) {
    if (!select(modelKey(row))) continue;
    models.push(
      await readImageModel(tables, { ...row, primarySeed: options.seed, index }),
    );
  }
  models.push(...(options.extra ?? []).filter((m) => select(modelKey(m))));
  if (select(modelKey({ model: SPOSE49, seed: null }))) {
    models.push(await readSposeModel(options.profile));
  }
  return { concepts, human, models };
}
