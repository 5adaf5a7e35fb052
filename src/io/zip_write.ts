/**
 * A streaming ZIP writer: entries go to a temporary file next to the archive as they are added
 * (only the central directory is kept in memory), and {@link ZipWriter.finish} renames the
 * finished archive into place, so a killed run never leaves a partial archive under its name.
 *
 * - Stored (method 0) and deflated (method 8) entries, directory entries (names ending in `/`).
 * - Traditional PKWARE encryption ("ZipCrypto", the cipher of `zipcrypto.ts` that the reader in
 *   `zip.ts` shares): a 12-byte encryption header of 11 random bytes (from a seeded generator when
 *   `seed` is given) and the CRC-32's high byte as check byte; no data descriptors.
 * - ZIP64 extra fields and end records whenever a size, an offset or the entry count exceeds the
 *   classic format (`zip64: "always"` writes them for every entry, like `zip -fz`).
 * - Fixed modification times (`date`) and a seed make the archive byte-identical across runs.
 *
 * @module
 */
import { deflateRawSync } from "node:zlib";
import { createRng, type Rng } from "../stats/random.ts";
import { tempPathFor } from "./atomic.ts";
import { isNoSpaceError, noSpaceError } from "./disk.ts";
import { describeValue, InputError } from "./errors.ts";
import { crc32 } from "./zip.ts";
import { EOCD_SIZE, FLAG, MAX16, MAX32, METHOD, SIG, ZIP64_EXTRA_ID } from "./zip_format.ts";
import { ZipCrypto, ZIPCRYPTO_HEADER_BYTES } from "./zipcrypto.ts";

/** How an entry's data are stored: `auto` deflates unless that does not make them smaller. */
export type ZipMethod = "auto" | "deflate" | "store";

/** Options of {@link ZipWriter.create}. */
export interface ZipWriterOptions {
  /** Encrypt every file entry with ZipCrypto and this password (a string is encoded as UTF-8). */
  password?: string | Uint8Array;
  /** Seed of the encryption headers' random bytes (default: cryptographically random). */
  seed?: number;
  /** Modification time of every entry (default: now); stored in MS-DOS format from UTC fields. */
  date?: Date;
  /** Default storage method of file entries (default `auto`). */
  method?: ZipMethod;
  /** Deflate level 1–9 (default 6). */
  level?: number;
  /** `auto` (default): ZIP64 records only where needed; `always`: for every entry and the end. */
  zip64?: "auto" | "always";
  /** Archive comment (ASCII). */
  comment?: string;
}

/** Options of {@link ZipWriter.addFile} and {@link ZipWriter.addDirectory}. */
export interface ZipEntryOptions {
  /** Modification time of this entry (default: the writer's `date`). */
  date?: Date;
  /** Storage method of this entry (default: the writer's `method`). */
  method?: ZipMethod;
  /** Encrypt this entry (default: true when the writer has a password). */
  encrypt?: boolean;
}

/** What {@link ZipWriter.finish} wrote. */
export interface ZipWriteResult {
  /** Path of the archive. */
  path: string;
  /** Size of the archive in bytes. */
  bytes: number;
  /** Entries written (files and directories). */
  entries: number;
  /** Whether ZIP64 end records were written. */
  zip64: boolean;
}

/** What the central directory needs to know about an entry written earlier. */
interface CentralRecord {
  name: Uint8Array;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
  directory: boolean;
}

/** Version "made by": Unix (3), spec 6.3 (external attributes hold Unix modes). */
const MADE_BY = (3 << 8) | 63;
const BUFFER_BYTES = 1 << 20;
const FILE_MODE = 0o100644;
const DIR_MODE = 0o040755;

/**
 * Writes a ZIP archive entry by entry. Create it with {@link ZipWriter.create}, add entries,
 * then {@link ZipWriter.finish}; `await using` (or {@link ZipWriter.abort}) removes the temporary
 * file of an unfinished archive.
 */
export class ZipWriter implements AsyncDisposable {
  /** Final path of the archive. */
  readonly path: string;
  readonly #tmp: string;
  readonly #file: Deno.FsFile;
  readonly #options: ZipWriterOptions;
  readonly #password?: Uint8Array;
  readonly #rng?: Rng;
  readonly #records: CentralRecord[] = [];
  readonly #names = new Set<string>();
  #buffer = new Uint8Array(BUFFER_BYTES);
  #buffered = 0;
  #offset = 0;
  #state: "open" | "finished" | "aborted" = "open";

  private constructor(path: string, tmp: string, file: Deno.FsFile, options: ZipWriterOptions) {
    this.path = path;
    this.#tmp = tmp;
    this.#file = file;
    this.#options = options;
    if (options.password !== undefined) {
      this.#password = typeof options.password === "string"
        ? new TextEncoder().encode(options.password)
        : options.password;
      if (options.seed !== undefined) this.#rng = createRng(options.seed, { label: "zipcrypto" });
    }
  }

  /** Start an archive that will be renamed to `path` by {@link ZipWriter.finish}. */
  static async create(path: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    const level = options.level ?? 6;
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(`deflate level must be an integer 1–9, got ${level}`);
    }
    const tmp = tempPathFor(path);
    const file = await Deno.open(tmp, { write: true, createNew: true });
    return new ZipWriter(path, tmp, file, options);
  }

  /** Bytes of the archive written so far (including buffered ones). */
  get bytesWritten(): number {
    return this.#offset;
  }

  /** Entries added so far. */
  get entryCount(): number {
    return this.#records.length;
  }

  /** Add a file entry with the given content (compressed and encrypted as configured). */
  async addFile(name: string, data: Uint8Array, options: ZipEntryOptions = {}): Promise<void> {
    this.#checkName(name, false);
    const crc = crc32(data);
    const method = options.method ?? this.#options.method ?? "auto";
    let stored: Uint8Array = data;
    let methodId: number = METHOD.stored;
    if (method !== "store" && data.length > 0) {
      const deflated = deflateRawSync(data, { level: this.#options.level ?? 6 });
      if (method === "deflate" || deflated.length < data.length) {
        stored = new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.byteLength);
        methodId = METHOD.deflated;
      }
    }
    const encrypt = options.encrypt ?? this.#password !== undefined;
    let flags = 0;
    let header: Uint8Array | undefined;
    if (encrypt) {
      if (this.#password === undefined) {
        throw new InputError({
          file: this.path,
          entry: name,
          expected: "a password in the writer's options (to encrypt this entry)",
          found: "none",
        });
      }
      flags |= FLAG.encrypted;
      const cipher = new ZipCrypto(this.#password);
      header = this.#randomBytes(ZIPCRYPTO_HEADER_BYTES);
      header[ZIPCRYPTO_HEADER_BYTES - 1] = crc >>> 24;
      cipher.encrypt(header);
      // Encrypt a copy: the caller's bytes (or the deflate output) stay untouched.
      stored = stored === data ? data.slice() : stored;
      cipher.encrypt(stored);
    }
    const compressedSize = stored.length + (header?.length ?? 0);
    await this.#writeEntry(name, {
      flags,
      method: methodId,
      crc,
      compressedSize,
      uncompressedSize: data.length,
      directory: false,
      date: options.date,
    }, header ? [header, stored] : [stored]);
  }

  /** Add a directory entry (`name` must end with `/`). */
  async addDirectory(name: string, options: Pick<ZipEntryOptions, "date"> = {}): Promise<void> {
    this.#checkName(name, true);
    await this.#writeEntry(name, {
      flags: 0,
      method: METHOD.stored,
      crc: 0,
      compressedSize: 0,
      uncompressedSize: 0,
      directory: true,
      date: options.date,
    }, []);
  }

  /** Write the central directory and end records, flush to disk and rename into place. */
  async finish(): Promise<ZipWriteResult> {
    this.#requireOpen();
    const always = this.#options.zip64 === "always";
    const cdOffset = this.#offset;
    for (const r of this.#records) await this.#write(centralHeader(r, always));
    const cdSize = this.#offset - cdOffset;
    const count = this.#records.length;
    const zip64 = always || count >= MAX16 || cdSize >= MAX32 || cdOffset >= MAX32;
    if (zip64) {
      const z64Offset = this.#offset;
      const rec = new DataView(new ArrayBuffer(56));
      rec.setUint32(0, SIG.zip64Eocd, true);
      setUint64(rec, 4, 44);
      rec.setUint16(12, MADE_BY, true);
      rec.setUint16(14, 45, true);
      setUint64(rec, 24, count);
      setUint64(rec, 32, count);
      setUint64(rec, 40, cdSize);
      setUint64(rec, 48, cdOffset);
      await this.#write(new Uint8Array(rec.buffer));
      const loc = new DataView(new ArrayBuffer(20));
      loc.setUint32(0, SIG.zip64Locator, true);
      setUint64(loc, 8, z64Offset);
      loc.setUint32(16, 1, true);
      await this.#write(new Uint8Array(loc.buffer));
    }
    const comment = new TextEncoder().encode(this.#options.comment ?? "");
    if (comment.length > MAX16) throw new RangeError("ZIP comment longer than 65535 bytes");
    const end = new DataView(new ArrayBuffer(EOCD_SIZE + comment.length));
    end.setUint32(0, SIG.eocd, true);
    end.setUint16(8, Math.min(count, MAX16), true);
    end.setUint16(10, Math.min(count, MAX16), true);
    end.setUint32(12, Math.min(cdSize, MAX32), true);
    end.setUint32(16, Math.min(cdOffset, MAX32), true);
    end.setUint16(20, comment.length, true);
    new Uint8Array(end.buffer).set(comment, EOCD_SIZE);
    await this.#write(new Uint8Array(end.buffer));
    await this.#flush();
    try {
      await this.#file.sync();
      this.#file.close();
      this.#state = "finished";
      await Deno.rename(this.#tmp, this.path);
    } catch (error) {
      if (this.#state === "open") {
        try {
          this.#file.close();
        } catch { /* already closed */ }
      }
      this.#state = "aborted";
      await Deno.remove(this.#tmp).catch(() => {});
      throw isNoSpaceError(error) ? noSpaceError(this.path, error) : error;
    }
    return { path: this.path, bytes: this.#offset, entries: count, zip64 };
  }

  /** Give up: close and delete the temporary file (no-op once finished). */
  async abort(): Promise<void> {
    if (this.#state !== "open") return;
    this.#state = "aborted";
    try {
      this.#file.close();
    } catch { /* already closed */ }
    await Deno.remove(this.#tmp).catch(() => {});
  }

  /** Abort an unfinished archive (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state !== "finished") await this.abort();
  }

  #requireOpen(): void {
    if (this.#state !== "open") throw new Error(`ZIP writer for ${this.path} is ${this.#state}`);
  }

  #checkName(name: string, directory: boolean): void {
    this.#requireOpen();
    let problem = "";
    if (name === "" || name === "/") problem = "an empty name";
    else if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) problem = "an absolute path";
    else if (name.includes("\\")) problem = "a backslash (ZIP names use /)";
    else if (name.split("/").includes("..")) problem = "a '..' segment";
    else if (name.includes("\0")) problem = "a NUL character";
    else if (directory !== name.endsWith("/")) {
      problem = directory ? "a directory name without a trailing /" : "a file name ending in /";
    } else if (this.#names.has(name)) problem = "a name added before";
    if (problem) {
      throw new InputError({
        file: this.path,
        entry: name,
        expected: "a unique relative entry name",
        found: `${describeValue(name)}: ${problem}`,
      });
    }
    this.#names.add(name);
  }

  #randomBytes(n: number): Uint8Array {
    const bytes = new Uint8Array(n);
    if (this.#rng) {
      for (let i = 0; i < n; i++) bytes[i] = this.#rng.int(256);
    } else {
      crypto.getRandomValues(bytes);
    }
    return bytes;
  }

  async #writeEntry(
    name: string,
    entry: Omit<CentralRecord, "name" | "time" | "date" | "offset"> & { date?: Date },
    data: Uint8Array[],
  ): Promise<void> {
    const nameBytes = new TextEncoder().encode(name);
    if (nameBytes.length > MAX16) {
      throw new InputError({
        file: this.path,
        entry: name.slice(0, 60),
        expected: "an entry name of at most 65535 bytes",
        found: `${nameBytes.length} bytes`,
      });
    }
    // deno-lint-ignore no-control-regex
    const utf8 = /[^\x00-\x7f]/.test(name) ? FLAG.utf8 : 0;
    const { time, date } = dosDateTime(entry.date ?? this.#options.date ?? new Date());
    const record: CentralRecord = {
      name: nameBytes,
      flags: entry.flags | utf8,
      method: entry.method,
      time,
      date,
      crc: entry.crc,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
      offset: this.#offset,
      directory: entry.directory,
    };
    await this.#write(localHeader(record, this.#options.zip64 === "always"));
    for (const chunk of data) await this.#write(chunk);
    this.#records.push(record);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    this.#offset += bytes.length;
    if (bytes.length >= BUFFER_BYTES) {
      await this.#flush();
      await this.#writeOut(bytes);
      return;
    }
    if (this.#buffered + bytes.length > BUFFER_BYTES) await this.#flush();
    this.#buffer.set(bytes, this.#buffered);
    this.#buffered += bytes.length;
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0) return;
    await this.#writeOut(this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
  }

  /** Write to the temporary file; a full disk aborts and is reported naming the archive. */
  async #writeOut(bytes: Uint8Array): Promise<void> {
    try {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    } catch (error) {
      if (!isNoSpaceError(error)) throw error;
      await this.abort();
      throw noSpaceError(this.path, error);
    }
  }
}

/** The local file header (with a ZIP64 extra field when the sizes need one or `always`). */
function localHeader(r: CentralRecord, always: boolean): Uint8Array {
  const zip64 = always || r.compressedSize >= MAX32 || r.uncompressedSize >= MAX32;
  const extraLength = zip64 ? 20 : 0;
  const view = new DataView(new ArrayBuffer(30 + r.name.length + extraLength));
  view.setUint32(0, SIG.local, true);
  view.setUint16(4, zip64 ? 45 : 20, true);
  view.setUint16(6, r.flags, true);
  view.setUint16(8, r.method, true);
  view.setUint16(10, r.time, true);
  view.setUint16(12, r.date, true);
  view.setUint32(14, r.crc, true);
  view.setUint32(18, zip64 ? MAX32 : r.compressedSize, true);
  view.setUint32(22, zip64 ? MAX32 : r.uncompressedSize, true);
  view.setUint16(26, r.name.length, true);
  view.setUint16(28, extraLength, true);
  new Uint8Array(view.buffer).set(r.name, 30);
  if (zip64) {
    const x = 30 + r.name.length;
    view.setUint16(x, ZIP64_EXTRA_ID, true);
    view.setUint16(x + 2, 16, true);
    setUint64(view, x + 4, r.uncompressedSize);
    setUint64(view, x + 12, r.compressedSize);
  }
  return new Uint8Array(view.buffer);
}

/** The central directory header; saturated fields move to a ZIP64 extra field, in spec order. */
function centralHeader(r: CentralRecord, always: boolean): Uint8Array {
  const big = [r.uncompressedSize, r.compressedSize, r.offset].map((v) => always || v >= MAX32);
  const extraValues = [r.uncompressedSize, r.compressedSize, r.offset].filter((_, i) => big[i]);
  const extraLength = extraValues.length > 0 ? 4 + 8 * extraValues.length : 0;
  const view = new DataView(new ArrayBuffer(46 + r.name.length + extraLength));
  view.setUint32(0, SIG.central, true);
  view.setUint16(4, MADE_BY, true);
  view.setUint16(6, extraLength > 0 ? 45 : 20, true);
  view.setUint16(8, r.flags, true);
  view.setUint16(10, r.method, true);
  view.setUint16(12, r.time, true);
  view.setUint16(14, r.date, true);
  view.setUint32(16, r.crc, true);
  view.setUint32(20, big[1] ? MAX32 : r.compressedSize, true);
  view.setUint32(24, big[0] ? MAX32 : r.uncompressedSize, true);
  view.setUint16(28, r.name.length, true);
  view.setUint16(30, extraLength, true);
  const mode = r.directory ? DIR_MODE : FILE_MODE;
  view.setUint32(38, ((mode << 16) | (r.directory ? 0x10 : 0)) >>> 0, true);
  view.setUint32(42, big[2] ? MAX32 : r.offset, true);
  new Uint8Array(view.buffer).set(r.name, 46);
  if (extraLength > 0) {
    let x = 46 + r.name.length;
    view.setUint16(x, ZIP64_EXTRA_ID, true);
    view.setUint16(x + 2, extraLength - 4, true);
    x += 4;
    for (const value of extraValues) {
      setUint64(view, x, value);
      x += 8;
    }
  }
  return new Uint8Array(view.buffer);
}

/** MS-DOS time and date of `d` from its UTC fields (clamped to 1980–2107, 2-second steps). */
export function dosDateTime(d: Date): { time: number; date: number } {
  const year = d.getUTCFullYear();
  if (!Number.isFinite(year) || year < 1980) return { time: 0, date: (1 << 5) | 1 };
  if (year > 2107) return { time: (23 << 11) | (59 << 5) | 29, date: (127 << 9) | (12 << 5) | 31 };
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function setUint64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / 4294967296), true);
}
