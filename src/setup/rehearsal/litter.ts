/**
 * macOS litter like the real THINGS archives carry (made with the Finder's "Compress"):
 * `__MACOSX/<dir>/._<name>` AppleDouble files that hold a file's Finder info and extended
 * attributes. Setup must skip them; the rehearsal archives include some so it is tested.
 */

/** Top folder of the AppleDouble entries. */
export const MACOSX_DIR = "__MACOSX/";

/** The AppleDouble entry name of an archive entry: `a/b.jpg` → `__MACOSX/a/._b.jpg`. */
export function appleDoubleName(entry: string): string {
  const trimmed = entry.replace(/\/$/, "");
  const slash = trimmed.lastIndexOf("/");
  return `${MACOSX_DIR}${trimmed.slice(0, slash + 1)}._${trimmed.slice(slash + 1)}`;
}

/** The folders (with trailing `/`) above an AppleDouble name, outermost first. */
export function parentDirs(name: string): string[] {
  const parts = name.split("/").slice(0, -1);
  return parts.map((_, i) => `${parts.slice(0, i + 1).join("/")}/`);
}

const MAGIC = 0x00051607;
const VERSION = 0x00020000;
const FINDER_INFO = 9;
const RESOURCE_FORK = 2;
const HEADER = 26 + 2 * 12;
const ATTR_HEADER = 36;
const BLANK_FORK = "This resource fork intentionally left blank   ";

/**
 * An AppleDouble file (version 2, "Mac OS X" filler) with a Finder-info entry that carries an
 * `ATTR` block of extended attributes (`name` → UTF-8 value), and an empty resource fork: what
 * macOS writes next to a file when it zips it. A few hundred bytes starting 00 05 16 07.
 */
export function appleDouble(attributes: Record<string, string> = {}): Uint8Array {
  const enc = new TextEncoder();
  const attrs = Object.entries(attributes).map(([name, value]) => ({
    name: enc.encode(`${name}\0`),
    value: enc.encode(value),
  }));
  // Finder info (32 bytes) + 2 bytes padding, then the ATTR header at offset 84.
  const attrStart = HEADER + 32 + 2;
  let entriesBytes = 0;
  for (const a of attrs) entriesBytes += align4(11 + a.name.length);
  const dataStart = attrStart + ATTR_HEADER + entriesBytes;
  const dataLength = attrs.reduce((sum, a) => sum + a.value.length, 0);
  const totalSize = dataStart + dataLength;
  const forkLength = 256 + 30 + BLANK_FORK.length;
  const bytes = new Uint8Array(totalSize + forkLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, VERSION);
  bytes.set(enc.encode("Mac OS X        "), 8);
  view.setUint16(24, 2);
  view.setUint32(26, FINDER_INFO);
  view.setUint32(30, HEADER);
  view.setUint32(34, totalSize - HEADER);
  view.setUint32(38, RESOURCE_FORK);
  view.setUint32(42, totalSize);
  view.setUint32(46, forkLength);
  // ATTR header: magic, debug tag, total size, data start, data length, 3 reserved, flags, count.
  bytes.set(enc.encode("ATTR"), attrStart);
  view.setUint32(attrStart + 8, totalSize);
  view.setUint32(attrStart + 12, dataStart);
  view.setUint32(attrStart + 16, dataLength);
  view.setUint16(attrStart + 34, attrs.length);
  let entry = attrStart + ATTR_HEADER;
  let data = dataStart;
  for (const a of attrs) {
    view.setUint32(entry, data);
    view.setUint32(entry + 4, a.value.length);
    view.setUint8(entry + 10, a.name.length);
    bytes.set(a.name, entry + 11);
    bytes.set(a.value, data);
    entry += align4(11 + a.name.length);
    data += a.value.length;
  }
  // The empty resource fork: a 256-byte header (data and map offsets), then its map.
  const fork = totalSize;
  view.setUint32(fork, 256);
  view.setUint32(fork + 4, 256);
  view.setUint32(fork + 12, 30 + BLANK_FORK.length);
  bytes.set(enc.encode(BLANK_FORK), fork + 16);
  return bytes;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * A `.DS_Store` file as the Finder leaves in folders (the `Bud1` buddy-allocator header, no
 * records): 4 zero-padded kB in the real ones, here the 512-byte minimum.
 */
export function dsStore(): Uint8Array {
  const bytes = new Uint8Array(512);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 1);
  bytes.set(new TextEncoder().encode("Bud1"), 4);
  view.setUint32(8, 32);
  view.setUint32(12, 32);
  view.setUint32(16, 32);
  return bytes;
}
