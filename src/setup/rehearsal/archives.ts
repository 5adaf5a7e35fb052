/**
 * The two image archives of a rehearsal set, written in one pass over the concepts (each
 * concept's objects are loaded once): `images_THINGS.zip` (ZipCrypto, `object_images/<id>/
 * <id>_NNx.jpg`) and `images_THINGSplus-CC0.zip` (plain, `object_images_CC0/<id>.jpg`), both
 * with a `REHEARSAL.txt` note and macOS litter (`.DS_Store`, some `__MACOSX/._*` files). Images are rendered a few at a time
 * but written in a fixed order, so the archives are byte-identical for the same parameters.
 */
import { join } from "node:path";
import { ZipWriter } from "../../io/zip_write.ts";
import { createProgress } from "../../pipeline/progress.ts";
import { createRng, type Rng } from "../../stats/random.ts";
import { THINGS_IMAGES_ARCHIVES, THINGSPLUS_CC0_ARCHIVE } from "../sources.ts";
import type { RehearsalConcept } from "./concepts.ts";
import { appleDouble, appleDoubleName, dsStore, MACOSX_DIR, parentDirs } from "./litter.ts";
import { loadIcon, proceduralObject, type RgbaImage } from "./objects.ts";
import { rehearsalNote, type RehearsalParams } from "./params.ts";
import { renderImage } from "./render.ts";

/** Top folder of the THINGS archive. */
export const THINGS_DIR = "object_images/";
/** Top folder of the THINGSplus CC0 archive. */
export const CC0_DIR = "object_images_CC0/";
/** Modification time of every entry (fixed, so the bytes do not depend on the clock). */
export const ENTRY_DATE: Date = new Date(Date.UTC(2019, 9, 1, 12, 0, 0));
/** Share of images that get an AppleDouble `._` file. */
const LITTER_SHARE = 0.2;
/** Suffix letters of THINGS image names (`aardvark_01b.jpg`) and how often each is drawn. */
const LETTERS: readonly [string, number][] = [["b", 0.45], ["s", 0.35], ["n", 0.2]];

/** Options of {@link writeImageArchives}. */
export interface ImageArchivesOptions {
  /** Folder the archives go to (`<out>/downloads`). */
  downloadsDir: string;
  /** Images rendered at the same time (default 2). */
  concurrency?: number;
  /** Show the progress line (default: only on a terminal). */
  showProgress?: boolean;
}

/** One archive written. */
export interface ArchiveSummary {
  /** Path of the archive. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** Entries (files and directories, litter included). */
  entries: number;
  /** JPEG images in it. */
  images: number;
}

/** What {@link writeImageArchives} wrote. */
export interface ImageArchivesResult {
  /** `images_THINGS.zip`. */
  things: ArchiveSummary;
  /** `images_THINGSplus-CC0.zip`. */
  cc0: ArchiveSummary;
  /** Images rendered. */
  images: number;
  /** Seconds spent. */
  seconds: number;
}

/** One image to render and where it goes. */
interface Job {
  archive: "things" | "cc0";
  concept: number;
  /** Icon index (into the concept's interleaved icons) or -1 for the procedural object. */
  icon: number;
  name: string;
  label: string;
  litter: boolean;
  /** Last job of its concept (the concept's objects can be dropped after it). */
  last: boolean;
}

/** Name of THINGS image `index` (0-based) of concept `id`: `object_images/<id>/<id>_01b.jpg`. */
export function thingsImageName(id: string, image: { index: number; letter: string }): string {
  return `${THINGS_DIR}${id}/${id}_${String(image.index + 1).padStart(2, "0")}${image.letter}.jpg`;
}

/** Render and write both archives (see the module documentation). */
export async function writeImageArchives(
  concepts: readonly RehearsalConcept[],
  params: RehearsalParams,
  options: ImageArchivesOptions,
): Promise<ImageArchivesResult> {
  const start = performance.now();
  const jobs = planJobs(concepts, params);
  const thingsName = THINGS_IMAGES_ARCHIVES[0].name;
  const cc0Name = THINGSPLUS_CC0_ARCHIVE.name;
  await Deno.mkdir(options.downloadsDir, { recursive: true });
  await using things = new Archive(
    await ZipWriter.create(join(options.downloadsDir, thingsName), {
      password: params.password,
      seed: params.seed,
      date: ENTRY_DATE,
    }),
    createRng(params.seed, { label: "litter/things" }),
  );
  await using cc0 = new Archive(
    await ZipWriter.create(join(options.downloadsDir, cc0Name), { date: ENTRY_DATE }),
    createRng(params.seed, { label: "litter/cc0" }),
  );
  await writeArchiveHead(things, THINGS_DIR, rehearsalNote(params, thingsName));
  await writeArchiveHead(cc0, CC0_DIR, rehearsalNote(params, cc0Name));
  const counts = await writeImages(jobs, { concepts, params, options, things, cc0 });
  const thingsResult = await things.finish();
  const cc0Result = await cc0.finish();
  return {
    things: { ...thingsResult, images: counts.things },
    cc0: { ...cc0Result, images: counts.cc0 },
    images: jobs.length,
    seconds: (performance.now() - start) / 1000,
  };
}

/** The entries an archive starts with: its folder, `__MACOSX/`, the note and macOS litter. */
async function writeArchiveHead(archive: Archive, dir: string, note: string): Promise<void> {
  await archive.dir(dir);
  await archive.dir(MACOSX_DIR);
  await archive.file(appleDoubleName(dir), appleDouble());
  await archive.file(`${dir}REHEARSAL.txt`, new TextEncoder().encode(note));
  await archive.file(`${dir}.DS_Store`, dsStore());
  await archive.file(appleDoubleName(`${dir}.DS_Store`), appleDouble());
}

/** What {@link writeImages} renders from and writes to. */
interface ImagesTarget {
  /** The concepts. */
  concepts: readonly RehearsalConcept[];
  /** The rehearsal's parameters. */
  params: RehearsalParams;
  /** The options of {@link writeImageArchives}. */
  options: ImageArchivesOptions;
  /** `images_THINGS.zip`. */
  things: Archive;
  /** `images_THINGSplus-CC0.zip`. */
  cc0: Archive;
}

/**
 * Render the images a few at a time and write them in job order (a concept's objects are
 * dropped after its last image): the images written to each archive.
 */
async function writeImages(
  jobs: readonly Job[],
  target: ImagesTarget,
): Promise<{ things: number; cc0: number }> {
  const { concepts, params, options } = target;
  const objects = conceptObjects(concepts, params);
  const render = async (job: Job): Promise<Uint8Array> => {
    const object = await objects.of(job);
    const rng = createRng(params.seed, { label: job.label });
    const side = params.minSize + rng.int(params.maxSize - params.minSize + 1);
    return await renderImage(object, rng, { side, quality: params.quality });
  };
  const progress = createProgress("rehearsal images", jobs.length, {
    unit: "images",
    ...(options.showProgress !== undefined ? { show: options.showProgress } : {}),
  });
  const counts = { things: 0, cc0: 0 };
  try {
    await forEachInOrder(jobs, options.concurrency ?? 2, render, async (jpeg, job) => {
      const archive = job.archive === "things" ? target.things : target.cc0;
      const dir = job.name.slice(0, job.name.lastIndexOf("/") + 1);
      await archive.dir(dir);
      await archive.file(job.name, jpeg);
      if (job.litter) await archive.litter(job.name);
      counts[job.archive]++;
      progress.tick();
      if (job.last) objects.drop(job.concept);
    });
  } finally {
    progress.done();
  }
  return counts;
}

/** The objects images are rendered from, loaded once per concept and dropped after it. */
function conceptObjects(
  concepts: readonly RehearsalConcept[],
  params: RehearsalParams,
): { of: (job: Job) => Promise<RgbaImage>; drop: (concept: number) => void } {
  const objects = new Map<string, Promise<RgbaImage>>();
  const of = (job: Job): Promise<RgbaImage> => {
    const concept = concepts[job.concept];
    const key = job.icon < 0 ? `procedural:${concept.uniqueID}` : concept.icons[job.icon].path;
    let found = objects.get(key);
    if (!found) {
      found = job.icon < 0
        ? proceduralObject(concept.uniqueID, params.seed)
        : loadIcon(concept.icons[job.icon].path);
      objects.set(key, found);
    }
    return found;
  };
  const drop = (index: number) => {
    for (const key of [...objects.keys()]) {
      const concept = concepts[index];
      if (key === `procedural:${concept.uniqueID}` || concept.icons.some((i) => i.path === key)) {
        objects.delete(key);
      }
    }
  };
  return { of, drop };
}

/** Every image in archive order, with its name, icon, litter flag and generator label. */
function planJobs(concepts: readonly RehearsalConcept[], params: RehearsalParams): Job[] {
  const layout = createRng(params.seed, { label: "layout" });
  const jobs: Job[] = [];
  for (const [c, concept] of concepts.entries()) {
    const id = concept.uniqueID;
    const n = concept.icons.length;
    const offset = n > 0 ? layout.int(n) : 0;
    const icon = (k: number) => (n > 0 ? (offset + k) % n : -1);
    for (let j = 0; j < params.imagesPerConcept; j++) {
      jobs.push({
        archive: "things",
        concept: c,
        icon: icon(j),
        name: thingsImageName(id, { index: j, letter: pickLetter(layout) }),
        label: `things/${id}/${j}`,
        litter: layout.next() < LITTER_SHARE,
        last: false,
      });
    }
    jobs.push({
      archive: "cc0",
      concept: c,
      icon: icon(params.imagesPerConcept),
      name: `${CC0_DIR}${id}.jpg`,
      label: `cc0/${id}`,
      litter: layout.next() < LITTER_SHARE,
      last: true,
    });
  }
  return jobs;
}

function pickLetter(rng: Rng): string {
  let u = rng.next();
  for (const [letter, p] of LETTERS) {
    if (u < p) return letter;
    u -= p;
  }
  return LETTERS[0][0];
}

/** A ZIP writer that adds each folder entry once and AppleDouble litter with its folders. */
class Archive implements AsyncDisposable {
  readonly #zip: ZipWriter;
  readonly #rng: Rng;
  readonly #dirs = new Set<string>();

  constructor(zip: ZipWriter, rng: Rng) {
    this.#zip = zip;
    this.#rng = rng;
  }

  async dir(name: string): Promise<void> {
    for (const dir of parentDirs(`${name}x`)) {
      if (this.#dirs.has(dir)) continue;
      this.#dirs.add(dir);
      await this.#zip.addDirectory(dir);
    }
  }

  async file(name: string, data: Uint8Array): Promise<void> {
    await this.dir(name.slice(0, name.lastIndexOf("/") + 1));
    await this.#zip.addFile(name, data);
  }

  /** The `__MACOSX/…/._<name>` file of entry `name` (a quarantine attribute, like Safari's). */
  async litter(name: string): Promise<void> {
    const stamp = (0x5d000000 + this.#rng.int(0x01000000)).toString(16);
    await this.file(
      appleDoubleName(name),
      appleDouble({ "com.apple.quarantine": `0083;${stamp};Safari;` }),
    );
  }

  async finish(): Promise<{ path: string; bytes: number; entries: number }> {
    const result = await this.#zip.finish();
    return { path: result.path, bytes: result.bytes, entries: result.entries };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#zip.abort();
  }
}

/**
 * Run `work` on every item with up to `concurrency` in flight, and hand the results to `sink`
 * strictly in item order (one at a time).
 */
async function forEachInOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  sink: (result: R, item: T) => Promise<void>,
): Promise<void> {
  const pending = new Map<number, Promise<R>>();
  let next = 0;
  const launch = () => {
    while (next < items.length && pending.size < Math.max(1, concurrency)) {
      const promise = work(items[next]);
      promise.catch(() => {}); // awaited below in order; avoid an unhandled rejection meanwhile
      pending.set(next++, promise);
    }
  };
  for (let i = 0; i < items.length; i++) {
    launch();
    const result = await pending.get(i)!;
    pending.delete(i);
    launch();
    await sink(result, items[i]);
  }
}
