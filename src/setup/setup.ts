/**
 * The `setup` stage: obtain the raw data of a profile.
 *
 * Embedded profile: everything ships with the repository, nothing to do. THINGS profile: for each
 * file of {@link thingsSources}, keep it when present and verified, else download it (or take it
 * from `--from DIR`), verify its sha256, record it in `<dest>/SHA256SUMS`, and extract the image
 * archives. Every step prints one line; a re-run skips what is already in place.
 */
import { basename, join, resolve } from "node:path";
import { tempPathFor, writeFileAtomic } from "../io/atomic.ts";
import { InputError } from "../io/errors.ts";
import { formatBytes, freeBytes, requireFreeSpace } from "../io/disk.ts";
import { isMacMetadata } from "../io/files.ts";
import { sha256File } from "../io/hash.ts";
import { extractZip, listZip, type ZipEntry, type ZipProgress } from "../io/zip.ts";
import { displayPath, repoPath } from "../pipeline/paths.ts";
import { createProgress, type Progress } from "../pipeline/progress.ts";
import { DownloadError, downloadFile } from "./download.ts";
import { fetchOsfFileInfo, type OsfFileInfo } from "./osf.ts";
import {
  DEFAULT_BASES,
  githubUrls,
  type ImageChoice,
  IMAGES_DIR,
  type SourceBases,
  type SourceFile,
  thingsSources,
} from "./sources.ts";
import { readSha256Sums, writeSha256Sums } from "./sums.ts";

/** Options of {@link runSetup}. */
export interface SetupOptions {
  /** `embedded` (nothing to do) or `things`. */
  profile: "embedded" | "things";
  /** Destination folder (default `data/things` in the repository). */
  dest?: string;
  /** Image archives to fetch (default `things`). */
  images?: ImageChoice;
  /** Take files from this folder instead of the network. */
  from?: string;
  /** Password of the THINGS image archives (default the published one). */
  password?: string;
  /** OSF file ids replacing the default THINGS image archive(s). */
  osfIds?: string[];
  /** Re-check OSF metadata and re-extract archives even when recorded as done. */
  force?: boolean;
  /** Host base URLs (tests, mirrors); missing keys use the public hosts. */
  bases?: Partial<SourceBases>;
  /** `fetch` to use. */
  fetchImpl?: typeof fetch;
  /** Download retries after transient failures (default 5). */
  retries?: number;
  /** Base backoff delay in milliseconds (default 1000). */
  backoffMs?: number;
  /** The embedded bundle, source of derived files and license texts (default data/embedded/things). */
  bundleDir?: string;
  /** Replace the profile's file list (tests). */
  sources?: SourceFile[];
  /** Where step lines go (default console.log). */
  log?: (line: string) => void;
  /** Show progress lines (default: only on a terminal). */
  showProgress?: boolean;
}

/** What happened to one file. */
export interface SetupFileResult {
  /** Path under the destination. */
  path: string;
  /** Verified sha256. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** `present` (kept), `downloaded`, `copied` or `linked` (from `--from` or the bundle). */
  action: "present" | "downloaded" | "copied" | "linked";
}

/** What happened to one archive. */
export interface SetupExtractResult {
  /** Archive path under the destination. */
  archive: string;
  /** Folder it was extracted into, under the destination. */
  into: string;
  /** `extracted` now or already `present` from an earlier run. */
  action: "extracted" | "present";
  /** Files in the archive (written now plus already present). */
  files: number;
}

/** Summary of a setup run. */
export interface SetupReport {
  /** Profile set up. */
  profile: "embedded" | "things";
  /** Destination folder (absent for the embedded profile). */
  dest?: string;
  /** One entry per file. */
  files: SetupFileResult[];
  /** One entry per archive. */
  extracted: SetupExtractResult[];
}

/** Name of the checksum file written into the destination. */
export const SUMS_FILE = "SHA256SUMS";

/** Files above this size get a line before their (slow) sha256 check. */
const LARGE_FILE = 100e6;

interface Context {
  dest: string;
  bases: SourceBases;
  fetchImpl: typeof fetch;
  retries: number;
  backoffMs: number;
  bundleDir: string;
  from?: string;
  fromSums: Map<string, string>;
  sums: Map<string, string>;
  force: boolean;
  log: (line: string) => void;
  showProgress?: boolean;
}

/** Run the setup stage for a profile (see the module documentation). */
export async function runSetup(options: SetupOptions): Promise<SetupReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.profile === "embedded") {
    log(
      "setup: the embedded profile ships with the repository (data/embedded/); " +
        "nothing needs downloading.",
    );
    return { profile: "embedded", files: [], extracted: [] };
  }
  const dest = resolve(options.dest ?? repoPath("data/things"));
  const from = options.from !== undefined ? resolve(options.from) : undefined;
  if (from !== undefined) await requireDir(from);
  const sources = options.sources ?? thingsSources({
    images: options.images ?? "things",
    ...(options.osfIds ? { osfIds: options.osfIds } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  });
  await Deno.mkdir(dest, { recursive: true });
  const ctx: Context = {
    dest,
    bases: { ...DEFAULT_BASES, ...options.bases },
    fetchImpl: options.fetchImpl ?? fetch,
    retries: options.retries ?? 5,
    backoffMs: options.backoffMs ?? 1000,
    bundleDir: resolve(options.bundleDir ?? repoPath("data/embedded/things")),
    ...(from !== undefined ? { from } : {}),
    fromSums: from !== undefined ? await readSha256Sums(join(from, SUMS_FILE)) : new Map(),
    sums: await readSha256Sums(join(dest, SUMS_FILE)),
    force: options.force ?? false,
    log,
    ...(options.showProgress !== undefined ? { showProgress: options.showProgress } : {}),
  };
  log(
    `setup: THINGS profile into ${displayPath(dest)} (${sources.length} files; ` +
      `images: ${options.images ?? "things"}${from ? `; from ${displayPath(from)}` : ""})`,
  );

  const files: SetupFileResult[] = [];
  for (const source of sources) {
    const result = await obtainFile(source, ctx);
    ctx.sums.set(source.path, result.sha256);
    await writeSha256Sums(join(dest, SUMS_FILE), ctx.sums);
    files.push(result);
  }
  const extracted: SetupExtractResult[] = [];
  for (const source of sources) {
    if (source.extract) extracted.push(await extractArchive(source, ctx));
  }
  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.action, (counts.get(f.action) ?? 0) + 1);
  log(
    `setup: done — ${[...counts].map(([action, n]) => `${n} ${action}`).join(", ")}; ` +
      `checksums in ${displayPath(join(dest, SUMS_FILE))}`,
  );
  return { profile: "things", dest, files, extracted };
}

/**
 * The exact command to run next after a THINGS setup into `dest`: the pipeline when the THINGS
 * photos are in place (`<dest>/images/object_images/`), else the setup that fetches them.
 */
export async function nextStep(dest: string, options: { images: ImageChoice }): Promise<string> {
  const images = options.images;
  const dataDir = resolve(dest) === resolve(repoPath("data/things"))
    ? ""
    : ` --data-dir ${displayPath(dest)}`;
  const present = await Deno.stat(join(dest, IMAGES_DIR, "object_images")).then(
    (s) => s.isDirectory,
    () => false,
  );
  if (present) {
    return `setup: next: \`deno task all --profile things${dataDir}\`` +
      ` (or \`deno task all --profile things${dataDir} --dry-run\` to see the plan first)`;
  }
  return `setup: the pipeline trains on the THINGS photos, which this run did not fetch ` +
    `(--images ${images}); next: \`deno task setup --profile things --images things` +
    `${dataDir ? ` --dest ${displayPath(dest)}` : ""}\``;
}

/** Keep, download or copy one file, verified. */
async function obtainFile(source: SourceFile, ctx: Context): Promise<SetupFileResult> {
  const target = join(ctx.dest, source.path);
  let expected = source.sha256;
  if (expected === undefined && !ctx.force) expected = ctx.sums.get(source.path);
  if (expected === undefined && ctx.from !== undefined) {
    expected = ctx.fromSums.get(source.path) ?? ctx.fromSums.get(basename(source.path));
  }
  let osf: OsfFileInfo | undefined;
  const needsOsf = source.origin.kind === "osf" && source.sha256 === undefined && !ctx.from;

  const size = await fileSize(target);
  if (size !== undefined) {
    if (expected === undefined && needsOsf) {
      osf = await readOsf(source, ctx);
      expected = osf.sha256;
    }
    if (size > LARGE_FILE) {
      ctx.log(`  checking the sha256 of ${source.path} (${formatBytes(size)})`);
    }
    const found = await sha256File(target);
    if (expected === undefined || found === expected) {
      ctx.log(
        expected === undefined
          ? `✓ ${source.path}: present (no published sha256 to check against; recorded its hash)`
          : `✓ ${source.path}: present, sha256 verified`,
      );
      return { path: source.path, sha256: found, bytes: size, action: "present" };
    }
    ctx.log(
      `✗ ${source.path}: present but its sha256 ${found.slice(0, 12)}… is not the expected ` +
        `${expected.slice(0, 12)}…; replacing it`,
    );
    await Deno.remove(target);
  }

  if (source.origin.kind === "bundled") {
    const from = join(ctx.bundleDir, source.origin.path);
    ctx.log(`→ ${source.path}: copying from the embedded bundle ${displayPath(from)}`);
    return await copyVerified(from, target, source, expected, ctx, false);
  }
  if (ctx.from !== undefined) return await fromDir(source, target, ctx);
  if (source.origin.kind === "github") {
    return await downloadFirst(githubUrls(source.origin, ctx.bases), target, source, {
      ...(expected !== undefined ? { sha256: expected } : {}),
      ...(source.bytes !== undefined ? { bytes: source.bytes } : {}),
    }, ctx);
  }
  osf ??= await readOsf(source, ctx);
  const sha256 = osf.sha256 ?? expected;
  if (sha256 === undefined) {
    ctx.log(`  OSF publishes no sha256 for ${osf.name}; checking its size only`);
  }
  if (osf.size !== undefined) await checkRoomForArchive(source, target, osf.size, ctx);
  return await downloadFirst([osf.downloadUrl], target, source, {
    ...(sha256 !== undefined ? { sha256 } : {}),
    ...(osf.size !== undefined ? { bytes: osf.size } : {}),
  }, ctx);
}

async function readOsf(source: SourceFile, ctx: Context): Promise<OsfFileInfo> {
  if (source.origin.kind !== "osf") throw new Error(`${source.path} is not an OSF file`);
  const project = source.origin.project ? ` (project ${source.origin.project})` : "";
  ctx.log(`  reading OSF metadata of file ${source.origin.id}${project}`);
  const info = await fetchOsfFileInfo(source.origin.id, {
    bases: ctx.bases,
    fetchImpl: ctx.fetchImpl,
    retries: ctx.retries,
    backoffMs: ctx.backoffMs,
  });
  const sizeText = info.size !== undefined ? `, ${formatBytes(info.size)}` : "";
  const hashText = info.sha256 ? `, sha256 ${info.sha256.slice(0, 12)}…` : "";
  ctx.log(`  OSF: ${info.name}${sizeText}${hashText}`);
  return info;
}

/**
 * Before downloading an archive: room for the rest of the download and for its extraction
 * (JPEGs do not compress, so about the archive's size again).
 */
async function checkRoomForArchive(
  source: SourceFile,
  target: string,
  size: number,
  ctx: Context,
): Promise<void> {
  const partial = (await fileSize(`${target}.part`)) ?? 0;
  const download = Math.max(0, size - partial);
  const needed = download + (source.extract ? size : 0);
  ctx.log(
    `  disk: ${formatBytes(needed)} needed (${formatBytes(download)} download` +
      (source.extract ? ` + about ${formatBytes(size)} extracted` : "") +
      `), ${formatBytes(freeBytes(ctx.dest))} free in ${displayPath(ctx.dest)}`,
  );
  requireFreeSpace(ctx.dest, needed, {
    what: `${basename(source.path)} and its extraction`,
    hint: "Free some space, or set up into a bigger disk with `--dest DIR` " +
      "(then pass `--data-dir DIR` to the pipeline), or download the archive elsewhere and " +
      "use `--from DIR`.",
  });
}

/** Try each URL in turn (the next one after an HTTP 404), verifying size and sha256. */
async function downloadFirst(
  urls: string[],
  target: string,
  source: SourceFile,
  expect: { sha256?: string; bytes?: number },
  ctx: Context,
): Promise<SetupFileResult> {
  for (const [i, url] of urls.entries()) {
    ctx.log(`↓ ${source.path}: downloading ${url}`);
    try {
      const result = await downloadFile(url, target, {
        ...(expect.sha256 !== undefined ? { sha256: expect.sha256 } : {}),
        ...(expect.bytes !== undefined ? { expectedBytes: expect.bytes } : {}),
        fetchImpl: ctx.fetchImpl,
        retries: ctx.retries,
        backoffMs: ctx.backoffMs,
        label: `download ${basename(source.path)}`,
        log: (line) => ctx.log(`  ${line}`),
        ...(ctx.showProgress !== undefined ? { showProgress: ctx.showProgress } : {}),
      });
      const resumed = result.resumedFrom > 0
        ? `, resumed at ${formatBytes(result.resumedFrom)}`
        : "";
      ctx.log(
        `✓ ${source.path}: ${formatBytes(result.bytes)}${resumed}, ` +
          (expect.sha256 ? "sha256 verified" : `sha256 ${result.sha256.slice(0, 12)}… recorded`),
      );
      return {
        path: source.path,
        sha256: result.sha256,
        bytes: result.bytes,
        action: "downloaded",
      };
    } catch (error) {
      if (error instanceof DownloadError && error.status === 404 && i + 1 < urls.length) {
        ctx.log(`  not found there (HTTP 404); trying the next address`);
        continue;
      }
      throw error;
    }
  }
  throw new DownloadError(urls.join(", "), "no address given");
}

/** Take a file from `--from DIR`: look for it by its path, its name and its upstream name. */
async function fromDir(source: SourceFile, target: string, ctx: Context): Promise<SetupFileResult> {
  const dir = ctx.from!;
  const names = new Set([source.path, basename(source.path)]);
  if (source.origin.kind === "github") names.add(basename(source.origin.path));
  if (source.origin.kind === "osf") {
    names.add(source.origin.id);
    names.add(`${source.origin.id}.zip`);
  }
  for (const name of names) {
    const candidate = join(dir, name);
    if ((await fileSize(candidate)) === undefined) continue;
    const expected = source.sha256 ?? ctx.fromSums.get(name) ??
      ctx.fromSums.get(basename(name));
    ctx.log(`→ ${source.path}: taking ${displayPath(candidate)}`);
    if (expected === undefined) {
      ctx.log(
        `  no sha256 known offline for ${name} (a SHA256SUMS file in the folder would give one); ` +
          "recording its hash as found",
      );
    }
    return await copyVerified(candidate, target, source, expected, ctx, true);
  }
  throw new InputError({
    file: dir,
    expected: `${source.path} for the THINGS profile (looked for ${[...names].join(", ")})`,
    found: "none of these files",
  });
}

/** Verify `from` against `expected`, then link (or copy) it to `target` via a temporary file. */
async function copyVerified(
  from: string,
  target: string,
  source: SourceFile,
  expected: string | undefined,
  ctx: Context,
  tryLink: boolean,
): Promise<SetupFileResult> {
  const found = await sha256File(from);
  if (expected !== undefined && found !== expected) {
    throw new InputError({
      file: from,
      expected: `sha256 ${expected} (${source.path})`,
      found: `sha256 ${found}: the file is damaged or incomplete; replace it with a complete ` +
        "copy (or leave out --from to download it)",
    });
  }
  await Deno.mkdir(join(target, ".."), { recursive: true });
  const tmp = tempPathFor(target);
  let action: "linked" | "copied" = "copied";
  try {
    if (tryLink) {
      try {
        await Deno.link(from, tmp);
        action = "linked";
      } catch {
        await Deno.copyFile(from, tmp);
      }
    } else {
      await Deno.copyFile(from, tmp);
    }
    await Deno.rename(tmp, target);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  const bytes = (await Deno.stat(target)).size;
  const check = expected ? "verified" : "recorded";
  ctx.log(`✓ ${source.path}: ${formatBytes(bytes)} ${action}, sha256 ${check}`);
  return { path: source.path, sha256: found, bytes, action };
}

interface ExtractMarker {
  archive: string;
  sha256: string;
  files: number;
}

/** Extract an archive unless a marker says this exact archive was extracted before. */
async function extractArchive(source: SourceFile, ctx: Context): Promise<SetupExtractResult> {
  const extract = source.extract!;
  const archive = join(ctx.dest, source.path);
  const into = join(ctx.dest, extract.into);
  const markerPath = join(into, ".extracted", `${basename(source.path)}.json`);
  const sha256 = ctx.sums.get(source.path) ?? await sha256File(archive);
  const marker = await readMarker(markerPath);
  if (!ctx.force && marker?.sha256 === sha256) {
    ctx.log(`✓ ${source.path}: already extracted into ${extract.into}/ (${marker.files} files)`);
    return { archive: source.path, into: extract.into, action: "present", files: marker.files };
  }
  ctx.log(
    `⇣ ${source.path}: extracting into ${extract.into}/` +
      (extract.password !== undefined ? " (password-protected)" : ""),
  );
  const entries = await listZip(archive).catch(async (error) => {
    throw await damagedArchive(error, source, ctx);
  });
  const junk = entries.filter((e) => !isWanted(e)).length;
  const needed = await bytesToExtract(entries.filter(isWanted), into, ctx.force);
  requireFreeSpace(into, needed, {
    what: `extracting ${basename(source.path)}`,
    hint: "Free some space, or set up into a bigger disk with `--dest DIR` " +
      "(then pass `--data-dir DIR` to the pipeline).",
  });
  if (junk > 0) {
    ctx.log(`  skipping ${junk} macOS metadata entries (__MACOSX/, ._*, .DS_Store)`);
  }
  let progress: Progress | undefined;
  let shown = 0;
  const result = await extractZip(archive, into, {
    ...(extract.password !== undefined ? { password: extract.password } : {}),
    filter: isWanted,
    skipExisting: !ctx.force,
    onProgress: (p: ZipProgress) => {
      progress ??= createProgress(`extract ${basename(source.path)}`, p.bytesTotal, {
        unit: "bytes",
        ...(ctx.showProgress !== undefined ? { show: ctx.showProgress } : {}),
      });
      progress.tick(p.bytesDone - shown);
      shown = p.bytesDone;
    },
  }).catch(async (error) => {
    throw await damagedArchive(error, source, ctx);
  }).finally(() => progress?.done());
  const files = result.files + result.skipped;
  await writeFileAtomic(
    markerPath,
    JSON.stringify({ archive: source.path, sha256, files } satisfies ExtractMarker, null, 1) +
      "\n",
  );
  ctx.log(
    `✓ ${source.path}: ${result.files} files extracted` +
      (result.skipped ? `, ${result.skipped} already present` : "") +
      ` (${formatBytes(result.bytes)})`,
  );
  return { archive: source.path, into: extract.into, action: "extracted", files };
}

/**
 * An extraction error with what to do. A wrong password names the flag that gives the right
 * one. Any other error means a truncated or damaged archive: it is removed, with its line in
 * SHA256SUMS, so that the same command fetches it again. Files extracted before the error are
 * complete (each is written to a temporary file first) and are kept.
 */
async function damagedArchive(error: unknown, source: SourceFile, ctx: Context): Promise<unknown> {
  if (!(error instanceof InputError)) return error;
  let advice: string;
  if (/password/.test(error.message)) {
    advice = "the archive's password is wrong: pass the one in password_images.txt on OSF " +
      "jum2f with --password (setup uses the published one unless told otherwise)";
  } else {
    await Deno.remove(join(ctx.dest, source.path)).catch(() => {});
    ctx.sums.delete(source.path);
    await writeSha256Sums(join(ctx.dest, SUMS_FILE), ctx.sums);
    advice = `the archive is damaged or incomplete; setup removed it (and its checksum line): ` +
      "run the same command to fetch it again" +
      (ctx.from !== undefined ? ` (with --from, first replace the copy in ${ctx.from})` : "");
  }
  return new InputError({
    file: error.file,
    ...error.location,
    expected: error.expected,
    found: `${error.found} — ${advice}`,
  });
}

/** Entries worth extracting: everything but macOS metadata ({@link isMacMetadata}). */
function isWanted(entry: Pick<ZipEntry, "name">): boolean {
  return !isMacMetadata(entry.name);
}

/** Bytes an extraction will write: entries not already present with their size. */
async function bytesToExtract(entries: ZipEntry[], into: string, force: boolean) {
  let needed = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    if (!force && (await fileSize(join(into, entry.name))) === entry.uncompressedSize) continue;
    needed += entry.uncompressedSize;
  }
  return needed;
}

async function readMarker(path: string): Promise<ExtractMarker | undefined> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path));
    return typeof value?.sha256 === "string" && typeof value?.files === "number"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

async function requireDir(path: string): Promise<void> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch {
    throw new InputError({ file: path, expected: "a folder with downloaded files", found: "none" });
  }
  if (!stat.isDirectory) {
    throw new InputError({ file: path, expected: "a folder", found: "a file" });
  }
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const stat = await Deno.stat(path);
    return stat.isFile ? stat.size : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
