/**
 * CRC-32 (IEEE 802.3, as used by ZIP, gzip and PNG) in plain JavaScript, with no runtime imports,
 * so browser code (the figure bundle's PNG encoder) can use it. `src/io/zip.ts` checks large
 * entries with Node's native `zlib.crc32` and uses {@link CRC_TABLE} for ZipCrypto's key updates.
 *
 * @module
 */

/** The byte table of the reflected polynomial 0xEDB88320. */
export const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes` (unsigned 32-bit integer). */
export function crc32Bytes(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
