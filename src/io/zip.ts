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
import { EOCD_SIZE, FLAG, MAX16, MAX32, METHOD, SIG, ZIP64_EXTRA_ID } from "./zip_format.ts";
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

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    if (utf8Flag) return new TextDecoder("utf-8").decode(bytes);
    let s = "";
    for (const b of bytes) s += b < 128 ? String.fromCharCode(b) : CP437_HIGH[b - 128];
    return s;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

function getUint64(view: DataView, offset: number): number {
  const value = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 4294967296;
  return value;
}

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
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
    const fail = (offset: number, expected: string, found: string): never => {
      throw new InputError({ ...where, offset, expected, found });
    };
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
      if (options.password === undefined) {
        fail(position, "a password (the entry is encrypted with ZipCrypto)", "no password given");
      }
      if (remaining < ZIPCRYPTO_HEADER_BYTES) {
        fail(position, "a 12-byte encryption header", `${remaining} bytes`);
      }
      cipher = new ZipCrypto(options.password!);
      const head = await readAt(this.#handle, position, ZIPCRYPTO_HEADER_BYTES);
      cipher.decrypt(head);
      const check = e.flags & FLAG.dataDescriptor ? (e.dosTime >>> 8) & 0xff : e.crc32 >>> 24;
      if (head[11] !== check) {
        fail(
          position,
          `the correct password (encryption header check byte ${hex(check, 2)})`,
          `check byte ${hex(head[11], 2)}: wrong password`,
        );
      }
      position += ZIPCRYPTO_HEADER_BYTES;
      remaining -= ZIPCRYPTO_HEADER_BYTES;
    }
    const dataStart = position;
    const handle = this.#handle;
    async function* source(): AsyncGenerator<Uint8Array> {
      while (remaining > 0) {
        const n = Math.min(CHUNK, remaining);
        const buf = await readAt(handle, position, n);
        if (buf.length < n) {
          fail(position + buf.length, `${n} more bytes of entry data`, "end of file");
        }
        cipher?.decrypt(buf);
        position += n;
        remaining -= n;
        yield buf;
      }
    }
    const hint = e.encrypted ? " (wrong password?)" : "";
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
    if (e.method === METHOD.stored) {
      for await (const chunk of source()) await consume(chunk);
    } else if (remaining <= CHUNK && e.uncompressedSize <= SMALL_INFLATE) {
      // Small entry: one read and a synchronous inflate (much cheaper than a stream per entry).
      let compressed: Uint8Array | undefined;
      for await (const chunk of source()) compressed = chunk;
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
    if (size !== e.uncompressedSize) {
      fail(dataStart, `${e.uncompressedSize} uncompressed bytes`, `${size} bytes${hint}`);
    }
    if (crc !== e.crc32) {
      fail(dataStart, `CRC-32 ${hex(e.crc32, 8)}`, `CRC-32 ${hex(crc, 8)}${hint}`);
    }
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

async function readCentralDirectory(
  path: string,
  handle: FileHandle,
  size: number,
): Promise<{ entries: ZipEntry[]; comment: string }> {
  const fail = (offset: number, expected: string, found: string): never => {
    throw new InputError({ file: path, offset, expected, found });
  };
  if (size < EOCD_SIZE) {
    fail(0, "a ZIP archive of at least 22 bytes", `${size} bytes`);
  }
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX16);
  const tail = await readAt(handle, tailStart, size - tailStart);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (
      tv.getUint32(i, true) === SIG.eocd &&
      i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tail.length
    ) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    fail(
      size,
      "an end-of-central-directory record (PK\\5\\6) in the last 65557 bytes",
      "none (not a ZIP archive, or truncated)",
    );
  }
  const eocdOffset = tailStart + at;
  const disk = tv.getUint16(at + 4, true);
  const cdDisk = tv.getUint16(at + 6, true);
  let count = tv.getUint16(at + 10, true);
  let cdSize = tv.getUint32(at + 12, true);
  let cdOffset = tv.getUint32(at + 16, true);
  const comment = decodeName(tail.subarray(at + 22, at + 22 + tv.getUint16(at + 20, true)), false);
  let cdLimit = eocdOffset;
  // ZIP64: a locator right before the EOCD points to the ZIP64 end-of-central-directory record.
  if (at >= 20 && tv.getUint32(at - 20, true) === SIG.zip64Locator) {
    const z64Offset = getUint64(tv, at - 20 + 8);
    const rec = await readAt(handle, z64Offset, 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rec.length < 56 || rv.getUint32(0, true) !== SIG.zip64Eocd) {
      fail(
        z64Offset,
        "a ZIP64 end-of-central-directory record (PK\\6\\6)",
        rec.length < 56 ? "end of file" : hex(rv.getUint32(0, true), 8),
      );
    }
    count = getUint64(rv, 32);
    cdSize = getUint64(rv, 40);
    cdOffset = getUint64(rv, 48);
    cdLimit = z64Offset;
  } else if (disk !== 0 || cdDisk !== 0) {
    fail(eocdOffset, "a single-volume archive", `disk ${disk} of a split archive`);
  }
  if (cdOffset + cdSize > cdLimit) {
    fail(
      eocdOffset,
      `a central directory of ${cdSize} bytes at byte ${cdOffset}, before byte ${cdLimit}`,
      `it would end at byte ${cdOffset + cdSize} (truncated or corrupt archive)`,
    );
  }
  const cd = await readAt(handle, cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let index = 0; index < count; index++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== SIG.central) {
      fail(
        cdOffset + p,
        `central directory header ${index + 1} of ${count} (PK\\1\\2)`,
        p + 46 > cd.length ? "end of the central directory" : hex(cv.getUint32(p, true), 8),
      );
    }
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const dosTime = cv.getUint16(p + 12, true);
    const dosDate = cv.getUint16(p + 14, true);
    const crc = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let uncompressedSize = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) {
      fail(
        cdOffset + p,
        `${end - p} bytes of central directory header`,
        "end of the central directory",
      );
    }
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLength), (flags & FLAG.utf8) !== 0);
    // ZIP64 extended information: 8-byte values for the fields saturated at 0xffffffff.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = cv.getUint16(x, true);
      const len = cv.getUint16(x + 2, true);
      if (id === ZIP64_EXTRA_ID) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) {
            fail(cdOffset + x, "a complete ZIP64 extra field", `${len} bytes`);
          }
          const v = getUint64(cv, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === MAX32) uncompressedSize = take();
        if (compressedSize === MAX32) compressedSize = take();
        if (localHeaderOffset === MAX32) localHeaderOffset = take();
      }
      x += 4 + len;
    }
    for (const v of [uncompressedSize, compressedSize, localHeaderOffset]) {
      if (!Number.isSafeInteger(v)) fail(cdOffset + p, "sizes and offsets below 2^53", String(v));
    }
    entries.push({
      name,
      method,
      compressedSize,
      uncompressedSize,
      crc32: crc,
      encrypted: (flags & FLAG.encrypted) !== 0,
      flags,
      isDirectory: name.endsWith("/"),
      localHeaderOffset,
      dosTime,
      dosDate,
    });
    p = end;
  }
  return { entries, comment };
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
