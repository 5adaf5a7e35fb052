/**
 * The THINGS files of a profile that stages read (concept list, norms, THINGSplus ratings,
 * SPoSE-49), by key: one place for their paths below the profile's THINGS folder, so stages do
 * not import each other to find them.
 *
 * @module
 */
import { join } from "node:path";
import type { Profile } from "../pipeline/profile.ts";
import { type ConceptIndex, readConceptIndex } from "./readers/mod.ts";

/** Input files of the THINGS human/metadata side, relative to the profile's things folder. */
export const THINGS_FILES = {
  conceptIds: "concepts/unique_id.txt",
  thingsConcepts: "concepts/things_concepts.tsv",
  categories: "thingsplus/Categories_final_20200131.tsv",
  properties: "thingsplus/objectProperties_animacy.csv",
  size: "thingsplus/size_fixed.csv",
  spose: "spose49/spose_embedding_49d_sorted.txt",
} as const;

/** Path of one THINGS file of the profile (`ctx`: anything with the profile, e.g. a stage's). */
export function thingsFile(
  ctx: { profile: Pick<Profile, "thingsDir"> },
  key: keyof typeof THINGS_FILES,
): string {
  return join(ctx.profile.thingsDir, THINGS_FILES[key]);
}

/** The canonical concept index of the profile. */
export function loadConcepts(ctx: { profile: Pick<Profile, "thingsDir"> }): Promise<ConceptIndex> {
  return readConceptIndex(thingsFile(ctx, "conceptIds"));
}
