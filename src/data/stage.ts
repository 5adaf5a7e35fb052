/** The `data` stage: concepts, images and image splits as Arrow tables. */
import { stageMetadata } from "../pipeline/metadata.ts";
import * as aq from "arquero";
import { InputError } from "../io/errors.ts";
import { exists } from "../io/files.ts";
import { sha256Hex } from "../io/hash.ts";
import { displayPath, repoPath } from "../pipeline/paths.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { collectImages, type ImageRecord, listImageFiles, rehearsalMarkers } from "./images.ts";
import {
  type ConceptIndex,
  readObjectProperties,
  readSizeRatings,
  readThingsConcepts,
  readThingsplusCategories,
} from "./readers/mod.ts";
import { assignSplits } from "./splits.ts";
import { loadConcepts, THINGS_FILES, thingsFile } from "./things_files.ts";
import { type ConceptColumns, conceptsPath, writeConcepts } from "../tables/concepts.ts";
import { imagesPath, splitsPath, writeImages, writeSplits } from "../tables/images.ts";
import type { AuditExclusion } from "./audit/decisions.ts";

/** Options of the data stage. */
export interface DataOptions extends Record<string, unknown> {
  /** Keep only the first N concepts (canonical order) that have images; 0 = all. */
  limitConcepts: number;
  /** Skip unreadable images (listed in the table metadata) instead of failing. */
  skipBadImages: boolean;
}

/**
 * The concepts a `--limit-concepts N` run keeps: the first N (canonical order) that have images;
 * undefined (every concept) without the flag.
 */
async function conceptSelection(
  ctx: StageContext,
  { concepts, options }: { concepts: ConceptIndex; options: DataOptions },
): Promise<Set<string> | undefined> {
  if (options.limitConcepts <= 0) return undefined;
  const all = await collectImages(ctx.profile, concepts, {
    skipBadImages: options.skipBadImages,
  });
  const withImages = new Set(all.images.map((i) => i.uniqueID));
  return new Set(
    concepts.ids.filter((id) => withImages.has(id)).slice(0, options.limitConcepts),
  );
}

/** Images per split (arquero's group-by count), for the splits table's notes. */
function countSplits(splits: readonly string[]): Record<string, number> {
  const counts = aq.table({ split: splits }).groupby("split").count().objects() as {
    split: string;
    count: number;
  }[];
  return Object.fromEntries(counts.map((c) => [c.split, c.count]));
}

/** The data stage. */
export const dataStage: Stage<DataOptions> = {
  name: "data",
  modules: [import.meta.url],
  async inputs(ctx) {
    await requireProfileData(ctx);
    const files = [
      thingsFile(ctx, "conceptIds"),
      thingsFile(ctx, "thingsConcepts"),
      thingsFile(ctx, "categories"),
      thingsFile(ctx, "properties"),
      thingsFile(ctx, "size"),
    ];
    if (ctx.profile.imageManifest) files.push(ctx.profile.imageManifest);
    if (ctx.profile.imageAudit) {
      if (!(await exists(ctx.profile.imageAudit))) {
        throw new InputError({
          file: ctx.profile.imageAudit,
          expected: "the icon audit's decisions (uniqueID, image, decision, found_by, reason; " +
            "see `deno task audit:icons`)",
          found: "no file",
        });
      }
      files.push(ctx.profile.imageAudit);
    }
    files.push(...(await listImageFiles(ctx.profile.imagesRoot)));
    files.push(...(await rehearsalMarkers(ctx.profile.imagesRoot)));
    return files;
  },
  outputs(ctx) {
    return [conceptsPath(ctx.tables), imagesPath(ctx.tables), splitsPath(ctx.tables)];
  },
  async run(ctx, options) {
    const concepts = await loadConcepts(ctx);
    const inputs = await ctx.hasher.hashAll(await this.inputs(ctx, options));
    const meta = await stageMetadata(ctx, this, {
      stageOptions: options,
      inputs: keepTabular(inputs),
    });
    const selection = await conceptSelection(ctx, { concepts, options });
    const { images, skipped, excluded } = await collectImages(ctx.profile, concepts, {
      skipBadImages: options.skipBadImages,
      concepts: selection,
    });
    const audit = auditNote(ctx, excluded);
    const notes = {
      skipped_images: skipped,
      image_set_sha256: imageSetHash(images),
      ...(audit ? { audit } : {}),
    };
    await writeConcepts(ctx.tables, await conceptColumns(ctx, concepts, images), meta);
    await writeImages(ctx.tables, images, { ...meta, notes });
    const splits = assignSplits(images, ctx.profile.split, { seed: ctx.seed });
    const splitCounts = countSplits(splits);
    await writeSplits(ctx.tables, { images, splits }, {
      ...meta,
      notes: { policy: ctx.profile.split, counts: splitCounts },
    });
    const nConcepts = new Set(images.map((i) => i.uniqueID)).size;
    const splitText = ["train", "val", "test", "stress"].filter((s) => splitCounts[s])
      .map((s) => `${s} ${splitCounts[s]}`).join(", ");
    return `${concepts.size} concepts, ${images.length} images of ${nConcepts} concepts (${splitText})` +
      (skipped.length ? `, ${skipped.length} bad images skipped` : "") +
      (audit ? `, ${audit.summary}` : "");
  },
};

/**
 * What the profile's audit file left out, for images.arrow's metadata (`notes.audit`): the
 * file, a one-line summary and every excluded image with its decision and reason. Null when
 * the profile has no audit file.
 */
function auditNote(ctx: StageContext, excluded: AuditExclusion[]) {
  if (!ctx.profile.imageAudit) return null;
  const concepts = new Set(
    excluded.filter((e) => e.decision === "drop_concept").map((e) => e.uniqueID),
  );
  const images = excluded.filter((e) => e.decision === "drop_image").length;
  return {
    file: displayPath(ctx.profile.imageAudit),
    summary: `audit (${displayPath(ctx.profile.imageAudit)}) left out ${concepts.size} ` +
      `concepts and ${images} further images`,
    dropped_concepts: [...concepts],
    excluded: excluded.map((e) => ({
      image_id: e.imageId,
      uniqueID: e.uniqueID,
      decision: e.decision,
      reason: e.reason,
    })),
  };
}

/**
 * The THINGS profile needs `deno task setup --profile things` first: without its tabular files
 * or its photos, stop with the exact command to run.
 */
async function requireProfileData(ctx: StageContext): Promise<void> {
  if (ctx.profile.name !== "things") return;
  const dataDir = ctx.profile.thingsDir === repoPath("data/things")
    ? ""
    : ` --dest ${displayPath(ctx.profile.thingsDir)}`;
  const missing = [];
  for (const key of Object.keys(THINGS_FILES) as (keyof typeof THINGS_FILES)[]) {
    if (!(await exists(thingsFile(ctx, key)))) missing.push(THINGS_FILES[key]);
  }
  if (missing.length > 0) {
    throw new InputError({
      file: ctx.profile.thingsDir,
      expected: `the THINGS profile's files (run \`deno task setup --profile things${dataDir}\`)`,
      found: `${missing.length} missing, e.g. ${missing[0]}`,
    });
  }
  if ((await listImageFiles(ctx.profile.imagesRoot)).length === 0) {
    throw new InputError({
      file: ctx.profile.imagesRoot,
      expected: "the THINGS photos (run " +
        `\`deno task setup --profile things --images things${dataDir}\`)`,
      found: "no image files",
    });
  }
}

function keepTabular(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => !/\.(png|jpe?g)$/i.test(k)));
}

/** One hash over the image set (ids and file hashes): the key trunk caches use later. */
function imageSetHash(images: ImageRecord[]): string {
  return sha256Hex(images.map((i) => `${i.imageId}\t${i.sha256}`).join("\n"));
}

/** The columns of the 1,854-row concepts table (canonical order). */
async function conceptColumns(
  ctx: StageContext,
  concepts: ConceptIndex,
  images: ImageRecord[],
): Promise<ConceptColumns> {
  const things = await readThingsConcepts(thingsFile(ctx, "thingsConcepts"), {
    conceptIds: concepts,
  });
  const categories = await readThingsplusCategories(thingsFile(ctx, "categories"), {
    conceptIds: concepts,
  });
  const properties = await readObjectProperties(thingsFile(ctx, "properties"), {
    conceptIds: concepts,
  });
  const size = await readSizeRatings(thingsFile(ctx, "size"), { conceptIds: concepts });
  const n = concepts.size;
  const nImages = new Int32Array(n);
  for (const image of images) nImages[concepts.indexOf(image.uniqueID)]++;
  const k = categories.names.length;
  const categoryLists = Array.from({ length: n }, (_, i) => {
    const list: string[] = [];
    for (let c = 0; c < k; c++) if (categories.member[i * k + c]) list.push(categories.names[c]);
    return list;
  });
  const p = properties.names.length;
  return {
    ids: concepts.ids,
    word: things.map((t) => t.word),
    wordnetId: things.map((t) => t.wordnetId),
    wordnetSynset: things.map((t) => t.wordnetSynset),
    categories: categoryLists,
    bottomUpCategories: things.map((t) => t.bottomUpCategories),
    properties: properties.names.map((name, c) => ({
      name,
      mean: Float64Array.from({ length: n }, (_, i) => properties.mean[i * p + c]),
    })),
    sizeMean: size.meanSize,
    sizeMedian: size.medianSize,
    concreteness: things.map((t) => t.concreteness),
    percentKnown: things.map((t) => t.percentKnown),
    freqCoca: things.map((t) => t.frequencies.coca),
    freqBnc: things.map((t) => t.frequencies.bnc),
    freqSubtlex: things.map((t) => t.frequencies.subtlex),
    nImages,
  };
}
