/**
 * Constants of the ZIP file format (PKWARE APPNOTE) shared by the reader (`zip.ts`) and the
 * writer (`zip_write.ts`): record signatures, general-purpose flag bits, compression methods,
 * the ZIP64 extra field's id and the saturated field values that defer to ZIP64 records.
 *
 * @module
 */

/** Record signatures (read and written as little-endian 32-bit integers). */
export const SIG = {
  /** Local file header (`PK\3\4`). */
  local: 0x04034b50,
  /** Central directory file header (`PK\1\2`). */
  central: 0x02014b50,
  /** End-of-central-directory record (`PK\5\6`). */
  eocd: 0x06054b50,
  /** ZIP64 end-of-central-directory record (`PK\6\6`). */
  zip64Eocd: 0x06064b50,
  /** ZIP64 end-of-central-directory locator (`PK\6\7`). */
  zip64Locator: 0x07064b50,
} as const;

/** General-purpose flag bits of the local and central headers. */
export const FLAG = {
  /** Bit 0: the entry is encrypted. */
  encrypted: 0x0001,
  /** Bit 3: sizes and CRC-32 follow the data in a data descriptor. */
  dataDescriptor: 0x0008,
  /** Bit 6: strong encryption. */
  strongEncryption: 0x0040,
  /** Bit 11: the name (and comment) are UTF-8. */
  utf8: 0x0800,
} as const;

/** Compression method numbers. */
export const METHOD = {
  /** 0: stored. */
  stored: 0,
  /** 8: deflate. */
  deflated: 8,
  /** 99: WinZip AES encryption. */
  aes: 99,
} as const;

/** Size of the end-of-central-directory record without its comment, in bytes. */
export const EOCD_SIZE = 22;

/** Header id of the ZIP64 extended information extra field. */
export const ZIP64_EXTRA_ID = 0x0001;

/** Largest value of a 2-byte field; a saturated entry count defers to the ZIP64 end record. */
export const MAX16 = 0xffff;

/** Largest value of a 4-byte field; a saturated size or offset defers to ZIP64 fields. */
export const MAX32 = 0xffffffff;
