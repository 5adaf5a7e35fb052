import { join, relative } from "node:path";
import { InputError } from "../io/errors.ts";
import { exists, isMacMetadata } from "../io/files.ts";
import { sha256Hex } from "../io/hash.ts";
import { listFiles } from "../pipeline/fingerprint.ts";
import { createProgress } from "../pipeline/progress.ts";
import type { Profile } from "../pipeline/profile.ts";
import { imageSize } from "./image_size.ts";
import { type ConceptIndex, readIconsManifest } from "./readers/mod.ts";
import { applyAudit, type AuditExclusion } from "./audit/decisions.ts";
import { loadAuditDecisions } from "./audit/run.ts";
import { iconImageId } from "./audit/flags.ts";

/** One image of the data set. */
export interface ImageRecord {
  /** Stable id: path below the images root without extension, e.g. `abacus/fluent-emoji`. */
  imageId: string;
  /** THINGS concept. */
  uniqueID: string;
  /** Path relative to the profile's images root. */
  path: string;
  /** Design family (embedded) or `things` / `thingsplus`. */
  family: string;
  /** Source set (embedded) or the photo collection. */
  source: string;
  /** Drawing style. */
  style: string;
  /** License of the image. */
  license: string;
  /** Attribution the license requires. */
  attribution: string;
  /** Pixel width. */
  width: number;
  /** Pixel height. */
  height: number;
  /** sha256 of the file. */
  sha256: string;
}

/** Options of {@link collectImages}. */
export interface CollectImagesOptions {
  /** Skip unreadable images instead of failing (they are returned in `skipped`). */
  skipBadImages?: boolean;
  /** Keep only images of these concepts (e.g. a `--limit-concepts` slice). */
  concepts?: Set<string>;
}

/** What {@link collectImages} found. */
export interface CollectedImages {
  /** The images, in manifest / path order. */
  images: ImageRecord[];
  /** Unreadable files skipped (with `skipBadImages`), with the reason. */
  skipped: { path: string; reason: string }[];
  /** Images the profile's audit file (`Profile.imageAudit`) leaves out, with its reason. */
  excluded: AuditExclusion[];
}

/**
 * Images of a profile, in manifest / path order, less those the profile's audit decisions
 * drop (returned in `excluded`), plus any skipped files with the reason.
 */
export async function collectImages(
  profile: Profile,
  concepts: ConceptIndex,
  options: CollectImagesOptions = {},
): Promise<CollectedImages> {
  let entries;
  let excluded: AuditExclusion[] = [];
  if (profile.imageManifest) {
    const manifest = await readIconsManifest(profile.imageManifest, { conceptIds: concepts });
    const audited = applyAudit(
      manifest.map((row) => ({ ...row, imageId: iconImageId(row) })),
      await loadAuditDecisions(profile, manifest),
    );
    excluded = audited.excluded;
    entries = audited.kept.map((row) => ({
      uniqueID: row.uniqueID,
      path: row.path,
      family: row.family,
      source: row.source,
      style: row.style,
      license: row.license,
      attribution: row.attribution,
    }));
  } else entries = await listThingsImages(profile.imagesRoot, concepts);
  const wanted = options.concepts
    ? entries.filter((e) => options.concepts!.has(e.uniqueID))
    : entries;
  const images: ImageRecord[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const progress = createProgress("data: reading images", wanted.length, { unit: "images" });
  for (const entry of wanted) {
    const file = join(profile.imagesRoot, entry.path);
    try {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(file);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          throw new InputError({
            file,
            expected: "an image file (listed in the manifest)",
            found: "no file",
          });
        }
        throw error;
      }
      const size = imageSize(bytes, { file });
      images.push({
        ...entry,
        imageId: entry.path.replace(/^images\//, "").replace(/\.[^./]+$/, ""),
        width: size.width,
        height: size.height,
        sha256: sha256Hex(bytes),
      });
    } catch (error) {
      if (!(options.skipBadImages && error instanceof InputError)) throw error;
      skipped.push({ path: entry.path, reason: error.message });
    }
    progress.tick();
  }
  progress.done();
  return { images, skipped, excluded };
}

/**
 * THINGS profile: images under `<root>/object_images/<uniqueID>/*.jpg` (THINGS) and
 * `<root>/THINGSplus-CC0/<uniqueID>.jpg`-style layouts; the concept is the folder name (or the
 * file stem for the flat CC0 set) and must be a known uniqueID.
 */
async function listThingsImages(root: string, concepts: ConceptIndex) {
  const files = await listImageFiles(root);
  if (files.length === 0) {
    throw new InputError({
      file: root,
      expected: "the THINGS photos (run `deno task setup --profile things`, which fetches " +
        "and extracts images_THINGS.zip)",
      found: "no image files",
    });
  }
  const rehearsal = await rehearsalFolders(root);
  return files.map((file) => {
    const path = relative(root, file);
    const parts = path.split("/");
    const uniqueID = thingsImageConcept(path, concepts);
    concepts.indexOf(uniqueID, { file });
    const cc0 = parts[0].toLowerCase().includes("plus") || parts[0].toLowerCase().includes("cc0");
    const family = cc0 ? "thingsplus-cc0" : "things";
    if (rehearsal.has(parts[0])) {
      return {
        uniqueID,
        path,
        family,
        source: `${cc0 ? "THINGSplus CC0" : "THINGS"} rehearsal (synthetic, deno task rehearsal)`,
        style: "synthetic composite",
        license: "licenses of the THINGS-icons set (data/embedded/things-icons/licenses/)",
        attribution: "composited from THINGS-icons (data/embedded/things-icons/ATTRIBUTION.md)",
      };
    }
    return {
      uniqueID,
      path,
      family,
      source: cc0 ? "THINGSplus CC0" : "THINGS",
      style: "photograph",
      license: cc0 ? "CC0-1.0" : "THINGS terms of use (research only, no redistribution)",
      attribution: cc0 ? "THINGSplus (Stoinski et al. 2023), CC0" : "THINGS (Hebart et al. 2019)",
    };
  });
}

/**
 * The concept of a THINGS image from its path below the images root: its folder when that is a
 * known concept (`object_images/abacus/abacus_01b.jpg`), else its file stem (the flat CC0 set:
 * `THINGSplus-CC0/abacus.jpg`). The caller checks the result is a known concept.
 */
export function thingsImageConcept(path: string, concepts: { has(id: string): boolean }): string {
  const parts = path.split("/");
  const folder = parts.length >= 2 ? parts[parts.length - 2] : "";
  const stem = parts[parts.length - 1].replace(/\.[^.]+$/, "");
  return concepts.has(folder) ? folder : stem;
}

/** Image files below `root` (`.jpg`, `.jpeg`, `.png`), without macOS metadata files. */
export async function listImageFiles(root: string): Promise<string[]> {
  const files = await listFiles(root, [".jpg", ".jpeg", ".png"]);
  return files.filter((file) => !isMacMetadata(relative(root, file)));
}

/** Marker file `deno task rehearsal` puts at the top of each synthetic image folder. */
export const REHEARSAL_MARKER = "REHEARSAL.txt";

/** Rehearsal marker files in the top-level folders of `root` (inputs of the data stage). */
export async function rehearsalMarkers(root: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      const marker = join(root, entry.name, REHEARSAL_MARKER);
      if (entry.isDirectory && (await exists(marker))) found.push(marker);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort();
}

/** Top-level folders of `root` that hold a rehearsal marker (synthetic images, not photos). */
async function rehearsalFolders(root: string): Promise<Set<string>> {
  return new Set((await rehearsalMarkers(root)).map((m) => relative(root, join(m, ".."))));
}
