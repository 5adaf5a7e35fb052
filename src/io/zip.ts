/**
 * A streaming ZIP reader with random access to the archive (multi-GB archives are never read
 * into memory): end-of-central-directory and ZIP64 records, stored and deflated entries,
 * traditional PKWARE ("ZipCrypto") decryption, CRC-32 verification and safe extraction.
 *
 * AES-encrypted entries (method 99) and other compression methods are rejected with an
 * {@link InputError} that suggests `7z x`.
 *
 * @module
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { crc32 as nativeCrc32, createInflateRaw, inflateRawSync } from "node:zlib";
import { tempPathFor } from "./atomic.ts";
import { describeValue, InputError } from "./errors.ts";
import { hex, readAt, readCentralDirectory, type ZipFail } from "./zip_directory.ts";
import { FLAG, METHOD, SIG } from "./zip_format.ts";
import { ZipCrypto, ZIPCRYPTO_HEADER_BYTES } from "./zipcrypto.ts";

/** One entry of a ZIP archive, from its central directory. */
export interface ZipEntry {
  /** Path inside the archive (`/`-separated; directories end with `/`). */
  name: string;
  /** Compression method: 0 stored, 8 deflate, 99 AES (unsupported), … */
  method: number;
  /** Size of the stored data in bytes (including a 12-byte ZipCrypto header). */
  compressedSize: number;
  /** Size of the entry once extracted, in bytes. */
  uncompressedSize: number;
  /** CRC-32 of the extracted data (unsigned). */
  crc32: number;
  /** Whether the entry is encrypted (general-purpose flag bit 0). */
  encrypted: boolean;
  /** The general-purpose bit flags. */
  flags: number;
  /** Whether the entry is a directory (name ends with `/`). */
  isDirectory: boolean;
  /** Byte offset of the entry's local file header in the archive. */
  localHeaderOffset: number;
  /** Raw MS-DOS modification time (used by the ZipCrypto check byte with data descriptors). */
  dosTime: number;
  /** Raw MS-DOS modification date. */
  dosDate: number;
}

/** Options for reading an entry. */
export interface ZipReadOptions {
  /** Password of ZipCrypto-encrypted entries (a string is encoded as UTF-8). */
  password?: string | Uint8Array;
}

/** Progress reported by {@link extractZip}. */
export interface ZipProgress {
  /** Entry being extracted. */
  entry: string;
  /** Entries finished (extracted or skipped) so far. */
  entriesDone: number;
  /** Entries to extract in total (after the filter). */
  entriesTotal: number;
  /** Uncompressed bytes written or skipped so far. */
  bytesDone: number;
  /** Uncompressed bytes to extract in total. */
  bytesTotal: number;
}

/** Options of {@link extractZip}. */
export interface ExtractZipOptions extends ZipReadOptions {
  /** Called after each chunk written and after each entry. */
  onProgress?: (progress: ZipProgress) => void;
  /** Extract only entries for which this returns true. */
  filter?: (entry: ZipEntry) => boolean;
  /** Skip files that already exist with the entry's size (resume an interrupted run). */
  skipExisting?: boolean;
}

/** Summary returned by {@link extractZip}. */
export interface ExtractResult {
  /** Files written. */
  files: number;
  /** Files skipped because they already existed (with `skipExisting`). */
  skipped: number;
  /** Directories created from directory entries. */
  directories: number;
  /** Uncompressed bytes written. */
  bytes: number;
}

const CHUNK = 1 << 20;
/** Entries up to this uncompressed size (and one chunk compressed) are inflated in one call. */
const SMALL_INFLATE = 16 << 20;

/**
 * CRC-32 (IEEE, as used by ZIP and gzip) of `bytes`, continuing from `seed` (the CRC of the
 * preceding bytes; 0 to start). Returns an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, seed = 0): number {
  return nativeCrc32(bytes, seed) >>> 0;
}

/**
 * An open ZIP archive: the central directory is parsed on {@link ZipReader.open}; entries are
 * read on demand with positional reads on the file handle. Close it with {@link ZipReader.close}
 * (or `await using`).
 */
export class ZipReader implements AsyncDisposable {
  /** Path of the archive. */
  readonly path: string;
  /** Size of the archive in bytes. */
  readonly size: number;
  /** Entries in central-directory order. */
  readonly entries: ZipEntry[];
  /** The archive comment. */
  readonly comment: string;
  #handle: FileHandle;
  #byName: Map<string, ZipEntry>;

  private constructor(
    path: string,
    handle: FileHandle,
    size: number,
    entries: ZipEntry[],
    comment: string,
  ) {
    this.path = path;
    this.#handle = handle;
    this.size = size;
    this.entries = entries;
    this.comment = comment;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Open an archive and parse its central directory. */
  static async open(path: string): Promise<ZipReader> {
    const handle = await open(path, "r");
    try {
      const size = (await handle.stat()).size;
      const { entries, comment } = await readCentralDirectory(path, handle, size);
      return new ZipReader(path, handle, size, entries, comment);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The entry called `name`, or undefined. */
  get(name: string): ZipEntry | undefined {
    return this.#byName.get(name);
  }

  /** Read an entry (by name or entry object) into memory; verifies size and CRC-32. */
  async read(entry: ZipEntry | string, options: ZipReadOptions = {}): Promise<Uint8Array> {
    const e = this.#resolve(entry);
    const out = new Uint8Array(e.uncompressedSize);
    let pos = 0;
    await this.stream(e, (chunk) => {
      out.set(chunk, pos);
      pos += chunk.length;
    }, options);
    return out;
  }

  /**
   * Stream an entry's uncompressed bytes to `sink`, chunk by chunk (each chunk is a fresh
   * buffer the sink may keep). Verifies the size and CRC-32 after the last chunk and throws an
   * {@link InputError} on a mismatch, a wrong password or corrupt data.
   */
  async stream(
    entry: ZipEntry | string,
    sink: (chunk: Uint8Array) => void | Promise<void>,
    options: ZipReadOptions = {},
  ): Promise<void> {
    const e = this.#resolve(entry);
    const where = { file: this.path, entry: e.name };
    const fail: ZipFail = (offset, expected, found) => {
      throw new InputError({ ...where, offset, expected, found });
    };
    checkMethod(e, fail);
    const data = await this.#entryData(e, options, fail);
    const hint = e.encrypted ? " (wrong password?)" : "";
    const checked = checkedSink(e, data.start, sink, fail);
    await decodeEntry(e, data, checked.consume, { hint, fail });
    checked.verify(hint);
  }

  /**
   * Where the entry's (compressed) data starts and how long it is, past a ZipCrypto header
   * checked against the password.
   */
  async #entryData(e: ZipEntry, options: ZipReadOptions, fail: ZipFail): Promise<EntryData> {
    let position = await this.#dataOffset(e);
    let remaining = e.compressedSize;
    if (position + remaining > this.size) {
      fail(
        position,
        `${remaining} bytes of entry data`,
        `${Math.max(0, this.size - position)} bytes before the end of the file (truncated archive)`,
      );
    }
    let cipher: ZipCrypto | undefined;
    if (e.encrypted) {
      cipher = await openCipher(this.#handle, e, { position, remaining, options, fail });
      position += ZIPCRYPTO_HEADER_BYTES;
      remaining -= ZIPCRYPTO_HEADER_BYTES;
    }
    return { handle: this.#handle, position, remaining, cipher, start: position };
  }

  /** Close the file handle. */
  async close(): Promise<void> {
    await this.#handle.close();
  }

  /** Close the file handle (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #resolve(entry: ZipEntry | string): ZipEntry {
    if (typeof entry !== "string") return entry;
    const found = this.#byName.get(entry);
    if (!found) {
      throw new InputError({
        file: this.path,
        entry,
        expected: "an entry of that name",
        found: `none among ${this.entries.length} entries`,
      });
    }
    return found;
  }

  async #dataOffset(e: ZipEntry): Promise<number> {
    const head = await readAt(this.#handle, e.localHeaderOffset, 30);
    const where = { file: this.path, entry: e.name, offset: e.localHeaderOffset };
    if (head.length < 30) {
      throw new InputError({
        ...where,
        expected: "a 30-byte local file header",
        found: `${head.length} bytes before the end of the file (truncated archive)`,
      });
    }
    const view = new DataView(head.buffer);
    if (view.getUint32(0, true) !== SIG.local) {
      throw new InputError({
        ...where,
        expected: "a local file header (signature PK\\3\\4)",
        found: hex(view.getUint32(0, true), 8),
      });
    }
    return e.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  }
}

/** The data of an entry being read: where the next chunk starts and how much is left. */
interface EntryData {
  /** The archive. */
  handle: FileHandle;
  /** Offset of the next chunk. */
  position: number;
  /** Bytes still to read. */
  remaining: number;
  /** The ZipCrypto state of an encrypted entry. */
  cipher: ZipCrypto | undefined;
  /** Offset of the data (past an encryption header). */
  start: number;
}

/** Reject AES/strong encryption and compression methods other than stored and deflate. */
function checkMethod(e: ZipEntry, fail: ZipFail): void {
  if (e.method === METHOD.aes || e.flags & FLAG.strongEncryption) {
    fail(
      e.localHeaderOffset,
      "no encryption or traditional PKWARE (ZipCrypto) encryption",
      "AES/strong encryption, which this reader does not support (extract with `7z x -p<password> archive.zip`)",
    );
  }
  if (e.method !== METHOD.stored && e.method !== METHOD.deflated) {
    fail(
      e.localHeaderOffset,
      "compression method 0 (stored) or 8 (deflate)",
      `method ${e.method}, which this reader does not support (extract with \`7z x archive.zip\`)`,
    );
  }
}

/** The ZipCrypto state after the 12-byte header at `position`, whose check byte must match. */
async function openCipher(
  handle: FileHandle,
  e: ZipEntry,
  { position, remaining, options, fail }: {
    position: number;
    remaining: number;
    options: ZipReadOptions;
    fail: ZipFail;
  },
): Promise<ZipCrypto> {
  if (options.password === undefined) {
    fail(position, "a password (the entry is encrypted with ZipCrypto)", "no password given");
  }
  if (remaining < ZIPCRYPTO_HEADER_BYTES) {
    fail(position, "a 12-byte encryption header", `${remaining} bytes`);
  }
  const cipher = new ZipCrypto(options.password!);
  const head = await readAt(handle, position, ZIPCRYPTO_HEADER_BYTES);
  cipher.decrypt(head);
  const check = e.flags & FLAG.dataDescriptor ? (e.dosTime >>> 8) & 0xff : e.crc32 >>> 24;
  if (head[11] !== check) {
    fail(
      position,
      `the correct password (encryption header check byte ${hex(check, 2)})`,
      `check byte ${hex(head[11], 2)}: wrong password`,
    );
  }
  return cipher;
}

/** The entry's data in chunks of up to 1 MiB, decrypted. */
async function* readChunks(data: EntryData, fail: ZipFail): AsyncGenerator<Uint8Array> {
  while (data.remaining > 0) {
    const n = Math.min(CHUNK, data.remaining);
    const buf = await readAt(data.handle, data.position, n);
    if (buf.length < n) {
      fail(data.position + buf.length, `${n} more bytes of entry data`, "end of file");
    }
    data.cipher?.decrypt(buf);
    data.position += n;
    data.remaining -= n;
    yield buf;
  }
}

/**
 * `sink` behind a count of the bytes and their CRC-32 (no more than the entry's size); `verify`
 * checks both once the last chunk is in.
 */
function checkedSink(
  e: ZipEntry,
  dataStart: number,
  sink: (chunk: Uint8Array) => void | Promise<void>,
  fail: ZipFail,
): { consume: (chunk: Uint8Array) => Promise<void>; verify: (hint: string) => void } {
  let crc = 0;
  let size = 0;
  const consume = async (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > e.uncompressedSize) {
      fail(dataStart, `${e.uncompressedSize} uncompressed bytes`, `more than that`);
    }
    crc = crc32(chunk, crc);
    await sink(chunk);
  };
  const verify = (hint: string) => {
    if (size !== e.uncompressedSize) {
      fail(dataStart, `${e.uncompressedSize} uncompressed bytes`, `${size} bytes${hint}`);
    }
    if (crc !== e.crc32) {
      fail(dataStart, `CRC-32 ${hex(e.crc32, 8)}`, `CRC-32 ${hex(crc, 8)}${hint}`);
    }
  };
  return { consume, verify };
}

/**
 * Hand the entry's uncompressed bytes to `consume`: stored data as read; a small deflated entry
 * in one synchronous inflate; a larger one through a streaming inflate.
 */
async function decodeEntry(
  e: ZipEntry,
  data: EntryData,
  consume: (chunk: Uint8Array) => Promise<void>,
  { hint, fail }: { hint: string; fail: ZipFail },
): Promise<void> {
  const dataStart = data.start;
  if (e.method === METHOD.stored) {
    for await (const chunk of readChunks(data, fail)) await consume(chunk);
  } else if (data.remaining <= CHUNK && e.uncompressedSize <= SMALL_INFLATE) {
    // Small entry: one read and a synchronous inflate (much cheaper than a stream per entry).
    let compressed: Uint8Array | undefined;
    for await (const chunk of readChunks(data, fail)) compressed = chunk;
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(compressed ?? new Uint8Array(0), {
        maxOutputLength: e.uncompressedSize + 1,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail(dataStart, "valid deflate data", `${describeValue(message)}${hint}`);
    }
    await consume(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength));
  } else {
    try {
      const source = () => readChunks(data, fail);
      await pipeline(source, createInflateRaw(), async (inflated: AsyncIterable<Uint8Array>) => {
        for await (const chunk of inflated) {
          await consume(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
      });
    } catch (error) {
      if (error instanceof InputError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      fail(dataStart, "valid deflate data", `${describeValue(message)}${hint}`);
    }
  }
}

/** List the entries of a ZIP archive (from its central directory). */
export async function listZip(path: string): Promise<ZipEntry[]> {
  await using zip = await ZipReader.open(path);
  return zip.entries;
}

/** Read one entry of a ZIP archive into memory (verifying its CRC-32). */
export async function readZipEntry(
  path: string,
  name: string,
  options: ZipReadOptions = {},
): Promise<Uint8Array> {
  await using zip = await ZipReader.open(path);
  return await zip.read(name, options);
}

/**
 * Why `name` is not a safe relative path (absolute, drive letter, `..` segment, NUL), or
 * undefined when it is safe to extract under a destination directory.
 */
function unsafePathReason(name: string): string | undefined {
  const parts = name.split(/[\\/]/).filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 && !name.endsWith("/")) return "an empty file name";
  if (name.includes("\0")) return "a NUL character";
  if (/^[\\/]/.test(name)) return "an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "a drive letter";
  if (name.split(/[\\/]/).includes("..")) return "a '..' segment (zip-slip)";
  return undefined;
}

/**
 * Extract a ZIP archive into `destDir`, streaming each entry to a temporary file that is
 * renamed into place once its size and CRC-32 are verified (a killed run leaves no partial
 * files, only `*.tmp-*` files). Entry names are checked first: absolute paths, drive letters and
 * `..` segments (zip-slip) make the whole extraction fail before anything is written.
 */
export async function extractZip(
  zipPath: string,
  destDir: string,
  options: ExtractZipOptions = {},
): Promise<ExtractResult> {
  await using zip = await ZipReader.open(zipPath);
  const selected = options.filter ? zip.entries.filter(options.filter) : zip.entries;
  for (const entry of selected) {
    const reason = unsafePathReason(entry.name);
    if (reason) {
      throw new InputError({
        file: zipPath,
        entry: entry.name,
        offset: entry.localHeaderOffset,
        expected: "a relative path inside the destination directory",
        found: reason,
      });
    }
  }
  const root = resolve(destDir);
  await Deno.mkdir(root, { recursive: true });
  const result: ExtractResult = { files: 0, skipped: 0, directories: 0, bytes: 0 };
  const progress: ZipProgress = {
    entry: "",
    entriesDone: 0,
    entriesTotal: selected.length,
    bytesDone: 0,
    bytesTotal: selected.reduce((sum, e) => sum + e.uncompressedSize, 0),
  };
  const report = () => options.onProgress?.({ ...progress });
  for (const entry of selected) {
    progress.entry = entry.name;
    const target = join(root, ...entry.name.split(/[\\/]/).filter((s) => s !== "" && s !== "."));
    if (target !== root && !target.startsWith(root + sep)) {
      throw new InputError({
        file: zipPath,
        entry: entry.name,
        expected: "a path inside the destination directory",
        found: describeValue(target),
      });
    }
    if (entry.isDirectory) {
      await Deno.mkdir(target, { recursive: true });
      result.directories++;
    } else if (options.skipExisting && (await fileSize(target)) === entry.uncompressedSize) {
      result.skipped++;
      progress.bytesDone += entry.uncompressedSize;
    } else {
      await Deno.mkdir(join(target, ".."), { recursive: true });
      const tmp = tempPathFor(target);
      const file = await Deno.open(tmp, { write: true, createNew: true });
      try {
        await zip.stream(entry, async (chunk) => {
          let written = 0;
          while (written < chunk.length) written += await file.write(chunk.subarray(written));
          progress.bytesDone += chunk.length;
          result.bytes += chunk.length;
          report();
        }, options);
        file.close();
        await Deno.rename(tmp, target);
      } catch (error) {
        try {
          file.close();
        } catch { /* already closed */ }
        await Deno.remove(tmp).catch(() => {});
        throw error;
      }
      result.files++;
    }
    progress.entriesDone++;
    report();
  }
  return result;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info.size : undefined;
  } catch {
    return undefined;
  }
}
