/**
 * The central directory of a ZIP archive (`zip.ts`): the end-of-central-directory record (and
 * its ZIP64 counterpart), then one header per entry, with ZIP64 extended sizes and offsets.
 * Also the positional reads and small helpers the reader shares.
 *
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import { InputError } from "./errors.ts";
import type { ZipEntry } from "./zip.ts";
import { EOCD_SIZE, FLAG, MAX16, MAX32, SIG, ZIP64_EXTRA_ID } from "./zip_format.ts";

/** Throws an {@link InputError} at a byte offset of the archive. */
export type ZipFail = (offset: number, expected: string, found: string) => never;

/** Where the central directory is, from the end-of-central-directory record. */
interface EndRecord {
  /** Entries. */
  count: number;
  /** Size of the central directory in bytes. */
  cdSize: number;
  /** Its offset in the archive. */
  cdOffset: number;
  /** The archive comment. */
  comment: string;
}

/** Parse the central directory of the archive at `path` (open as `handle`, `size` bytes). */
export async function readCentralDirectory(
  path: string,
  handle: FileHandle,
  size: number,
): Promise<{ entries: ZipEntry[]; comment: string }> {
  const fail: ZipFail = (offset, expected, found) => {
    throw new InputError({ file: path, offset, expected, found });
  };
  const { count, cdSize, cdOffset, comment } = await readEndRecord(handle, size, fail);
  const cd = await readAt(handle, cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let index = 0; index < count; index++) {
    const { entry, end } = centralHeader(cv, p, { index, count, cdOffset, fail });
    entries.push(entry);
    p = end;
  }
  return { entries, comment };
}

/**
 * Find the end-of-central-directory record in the last 64 KiB (and the ZIP64 record it points
 * to) and check that the central directory lies before it.
 */
async function readEndRecord(handle: FileHandle, size: number, fail: ZipFail): Promise<EndRecord> {
  if (size < EOCD_SIZE) {
    fail(0, "a ZIP archive of at least 22 bytes", `${size} bytes`);
  }
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX16);
  const tail = await readAt(handle, tailStart, size - tailStart);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const at = findEndRecord(tv);
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
    ({ count, cdSize, cdOffset } = await readZip64EndRecord(handle, z64Offset, fail));
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
  return { count, cdSize, cdOffset, comment };
}

/** Offset in `tail` of the last end-of-central-directory record whose comment fits; -1: none. */
function findEndRecord(tv: DataView): number {
  for (let i = tv.byteLength - EOCD_SIZE; i >= 0; i--) {
    if (
      tv.getUint32(i, true) === SIG.eocd &&
      i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tv.byteLength
    ) {
      return i;
    }
  }
  return -1;
}

/** The entry count, size and offset of the central directory from the ZIP64 EOCD record. */
async function readZip64EndRecord(
  handle: FileHandle,
  z64Offset: number,
  fail: ZipFail,
): Promise<Pick<EndRecord, "count" | "cdSize" | "cdOffset">> {
  const rec = await readAt(handle, z64Offset, 56);
  const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  if (rec.length < 56 || rv.getUint32(0, true) !== SIG.zip64Eocd) {
    fail(
      z64Offset,
      "a ZIP64 end-of-central-directory record (PK\\6\\6)",
      rec.length < 56 ? "end of file" : hex(rv.getUint32(0, true), 8),
    );
  }
  return { count: getUint64(rv, 32), cdSize: getUint64(rv, 40), cdOffset: getUint64(rv, 48) };
}

/** The central directory header at `p` of `cv`: its entry and where the next header starts. */
function centralHeader(
  cv: DataView,
  p: number,
  { index, count, cdOffset, fail }: {
    index: number;
    count: number;
    cdOffset: number;
    fail: ZipFail;
  },
): { entry: ZipEntry; end: number } {
  if (p + 46 > cv.byteLength || cv.getUint32(p, true) !== SIG.central) {
    fail(
      cdOffset + p,
      `central directory header ${index + 1} of ${count} (PK\\1\\2)`,
      p + 46 > cv.byteLength ? "end of the central directory" : hex(cv.getUint32(p, true), 8),
    );
  }
  const flags = cv.getUint16(p + 8, true);
  const method = cv.getUint16(p + 10, true);
  const dosTime = cv.getUint16(p + 12, true);
  const dosDate = cv.getUint16(p + 14, true);
  const crc = cv.getUint32(p + 16, true);
  const nameLength = cv.getUint16(p + 28, true);
  const extraLength = cv.getUint16(p + 30, true);
  const commentLength = cv.getUint16(p + 32, true);
  const end = p + 46 + nameLength + extraLength + commentLength;
  if (end > cv.byteLength) {
    fail(
      cdOffset + p,
      `${end - p} bytes of central directory header`,
      "end of the central directory",
    );
  }
  const nameBytes = new Uint8Array(cv.buffer, cv.byteOffset + p + 46, nameLength);
  const name = decodeName(nameBytes, (flags & FLAG.utf8) !== 0);
  const sizes = zip64Sizes(cv, p, { cdOffset, fail });
  for (const v of [sizes.uncompressedSize, sizes.compressedSize, sizes.localHeaderOffset]) {
    if (!Number.isSafeInteger(v)) fail(cdOffset + p, "sizes and offsets below 2^53", String(v));
  }
  const entry: ZipEntry = {
    name,
    method,
    compressedSize: sizes.compressedSize,
    uncompressedSize: sizes.uncompressedSize,
    crc32: crc,
    encrypted: (flags & FLAG.encrypted) !== 0,
    flags,
    isDirectory: name.endsWith("/"),
    localHeaderOffset: sizes.localHeaderOffset,
    dosTime,
    dosDate,
  };
  return { entry, end };
}

/**
 * The sizes and local header offset of the header at `p`: ZIP64 extended information gives
 * 8-byte values for the fields saturated at 0xffffffff.
 */
function zip64Sizes(
  cv: DataView,
  p: number,
  { cdOffset, fail }: { cdOffset: number; fail: ZipFail },
): Pick<ZipEntry, "compressedSize" | "uncompressedSize" | "localHeaderOffset"> {
  let compressedSize = cv.getUint32(p + 20, true);
  let uncompressedSize = cv.getUint32(p + 24, true);
  let localHeaderOffset = cv.getUint32(p + 42, true);
  let x = p + 46 + cv.getUint16(p + 28, true);
  const extraEnd = x + cv.getUint16(p + 30, true);
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
  return { compressedSize, uncompressedSize, localHeaderOffset };
}

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** A name or comment: UTF-8 when it decodes as such (or is flagged so), else CP437. */
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

/** Up to `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** A little-endian unsigned 64-bit integer (exact below 2^53). */
function getUint64(view: DataView, offset: number): number {
  const value = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 4294967296;
  return value;
}

/** `0x` and `n` in hex, zero-padded to `digits`. */
export function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}
