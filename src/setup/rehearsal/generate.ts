/**
 * Generate a rehearsal set: the real tabular files, the two synthetic image archives,
 * `SHA256SUMS` and `rehearsal.json`, laid out like a `setup --from DIR` folder. An existing
 * finished set with the same parameters is kept (unless `force`).
 */
import { join, resolve } from "node:path";
import { removeStaleTemps } from "../../io/atomic.ts";
import { sha256File } from "../../io/hash.ts";
import { displayPath, repoPath } from "../../pipeline/paths.ts";
import { formatBytes, requireFreeSpace } from "../../io/disk.ts";
import { SUMS_FILE as SUMS } from "../setup.ts";
import { DOWNLOADS_DIR } from "../sources.ts";
import { writeSha256Sums } from "../sums.ts";
import { type ArchiveSummary, type ImageArchivesResult, writeImageArchives } from "./archives.ts";
import { type RehearsalConcept, selectConcepts } from "./concepts.ts";
import { MANIFEST_FILE, recordedParams, staleReason, writeManifest } from "./manifest.ts";
import { type RehearsalParams, resolveParams } from "./params.ts";
import { type CopiedFile, copyTabularFiles } from "./tabular.ts";

/** Options of {@link generateRehearsal}. */
export interface GenerateOptions {
  /** Regenerate even when a finished set with the same parameters is there. */
  force?: boolean;
  /** The embedded bundle (default `data/embedded/things`). */
  bundleDir?: string;
  /** The THINGS-icons set (default `data/embedded/things-icons`). */
  iconsDir?: string;
  /** Images rendered at the same time (default 2). */
  concurrency?: number;
  /** Where step lines go (default console.log). */
  log?: (line: string) => void;
  /** Show the progress line (default: only on a terminal). */
  showProgress?: boolean;
}

/** What {@link generateRehearsal} did. */
export interface GenerateResult {
  /** Absolute path of the rehearsal folder. */
  dir: string;
  /** `generated` now, or `present` from an earlier run with the same parameters. */
  action: "generated" | "present";
  /** The parameters. */
  params: RehearsalParams;
  /** Images rendered now (0 when present). */
  images: number;
  /** Seconds spent rendering and writing the archives (0 when present). */
  seconds: number;
  /** The archives (absent when present). */
  archives?: { things: ArchiveSummary; cc0: ArchiveSummary };
}

/** Generate (or keep) the rehearsal set in `outDir` for the given parameters. */
export async function generateRehearsal(
  outDir: string,
  params: Partial<RehearsalParams> = {},
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const p = resolveParams(params);
  const dir = resolve(outDir);
  const shown = displayPath(dir);
  const reason = await staleReason(dir, p);
  if (reason === undefined && !options.force) {
    log(
      `rehearsal: ${shown} already holds this set (seed ${p.seed}); nothing to do (--force redoes it)`,
    );
    return { dir, action: "present", params: p, images: 0, seconds: 0 };
  }
  log(
    `rehearsal: generating into ${shown} (${options.force ? "--force" : reason}): ` +
      `${p.concepts} concepts × ${p.imagesPerConcept} images + 1 CC0 image each, ` +
      `${p.minSize}–${p.maxSize} px, seed ${p.seed}`,
  );
  await clearFolder(dir, p);
  const { tabular, concepts } = await gatherInputs(dir, p, options, log);
  const archives = await renderArchives(dir, p, { concepts, options, log });
  await writeSumsAndManifest(dir, p, { tabular, concepts, archives, log });
  log(`rehearsal: done — ${shown} (${SUMS}, ${MANIFEST_FILE})`);
  return {
    dir,
    action: "generated",
    params: p,
    images: archives.images,
    seconds: archives.seconds,
    archives: { things: archives.things, cc0: archives.cc0 },
  };
}

/**
 * Make `downloads/` (with room for the archives) and unmark the folder as a finished set until
 * the new manifest is written; leftover temporary files go.
 */
async function clearFolder(dir: string, p: RehearsalParams): Promise<void> {
  await Deno.mkdir(join(dir, DOWNLOADS_DIR), { recursive: true });
  requireFreeSpace(dir, estimateBytes(p), {
    what: "the rehearsal archives",
    hint: "Choose a smaller set (--concepts, --images-per-concept, --max-size) or another --out.",
  });
  // Whatever was there is no longer a finished set until the new manifest is written.
  await Deno.remove(join(dir, MANIFEST_FILE)).catch(() => {});
  await removeStaleTemps(join(dir, DOWNLOADS_DIR));
}

/** The tabular files copied from the bundle (verified), and the concepts to draw. */
async function gatherInputs(
  dir: string,
  p: RehearsalParams,
  options: GenerateOptions,
  log: (line: string) => void,
): Promise<{ tabular: CopiedFile[]; concepts: RehearsalConcept[] }> {
  const bundleDir = resolve(options.bundleDir ?? repoPath("data/embedded/things"));
  const iconsDir = resolve(options.iconsDir ?? repoPath("data/embedded/things-icons"));
  const tabular = await copyTabularFiles(bundleDir, dir);
  log(`✓ ${tabular.length} tabular files copied from ${displayPath(bundleDir)}, sha256 verified`);

  const concepts = await selectConcepts(
    { bundleDir, iconsDir },
    p.conceptIds ? { ids: p.conceptIds } : { count: p.concepts },
  );
  const withIcons = concepts.filter((c) => c.icons.length > 0).length;
  log(
    `  ${concepts.length} concepts: ${withIcons} drawn from THINGS-icons, ` +
      `${concepts.length - withIcons} as procedural objects`,
  );
  return { tabular, concepts };
}

/** Render the images into the two archives, and say how fast. */
async function renderArchives(
  dir: string,
  p: RehearsalParams,
  { concepts, options, log }: {
    concepts: RehearsalConcept[];
    options: GenerateOptions;
    log: (line: string) => void;
  },
): Promise<ImageArchivesResult> {
  const archives = await writeImageArchives(concepts, p, {
    downloadsDir: join(dir, DOWNLOADS_DIR),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.showProgress !== undefined ? { showProgress: options.showProgress } : {}),
  });
  const rate = archives.images / Math.max(archives.seconds, 1e-9);
  log(
    `✓ ${archives.images} images in ${archives.seconds.toFixed(1)} s (${rate.toFixed(1)} images/s)`,
  );
  return archives;
}

/** `SHA256SUMS` of every file, then `rehearsal.json`, which marks the set finished. */
async function writeSumsAndManifest(
  dir: string,
  p: RehearsalParams,
  { tabular, concepts, archives, log }: {
    tabular: CopiedFile[];
    concepts: RehearsalConcept[];
    archives: ImageArchivesResult;
    log: (line: string) => void;
  },
): Promise<void> {
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const f of tabular) files[f.path] = { sha256: f.sha256, bytes: f.bytes };
  for (const archive of [archives.things, archives.cc0]) {
    const path = `${DOWNLOADS_DIR}/${archive.path.split(/[\\/]/).pop()}`;
    files[path] = { sha256: await sha256File(archive.path), bytes: archive.bytes };
    log(
      `✓ ${path}: ${formatBytes(archive.bytes)}, ${archive.images} images, ` +
        `${archive.entries} entries`,
    );
  }
  const sums = new Map(Object.entries(files).map(([path, f]) => [path, f.sha256]));
  await writeSha256Sums(join(dir, SUMS), sums);
  files[SUMS] = {
    sha256: await sha256File(join(dir, SUMS)),
    bytes: (await Deno.stat(join(dir, SUMS))).size,
  };
  await writeManifest(dir, {
    generator: "deno task rehearsal",
    params: recordedParams(p),
    concepts: concepts.map((c) => c.uniqueID),
    files,
  });
}

/**
 * A generous estimate of the archives' size: JPEGs of these images take about 0.11 bytes per
 * pixel at quality 85 (measured); twice that, at the mean side, plus the tabular files.
 */
export function estimateBytes(p: RehearsalParams): number {
  const side = (p.minSize + p.maxSize) / 2;
  const images = p.concepts * (p.imagesPerConcept + 1);
  return Math.round(images * side * side * 0.22 * (p.quality / 85)) + 10e6;
}
