import { InputError } from "../io/errors.ts";

/** Pixel size and format of an image, read from its header. */
export interface ImageSize {
  width: number;
  height: number;
  format: "png" | "jpeg" | "webp";
}

/**
 * Width and height from the header of a PNG, JPEG or WebP file (no decoding). A file that is not
 * one of these, or is truncated before its size, raises an {@link InputError} naming the file.
 */
export function imageSize(bytes: Uint8Array, options: { file: string }): ImageSize {
  const { file } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (expected: string, found: string, offset?: number): never => {
    throw new InputError({ file, offset, expected, found });
  };
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(4) === 0x0d0a1a0a) {
    if (view.getUint32(12) !== 0x49484452) fail("PNG IHDR chunk", "another chunk", 12);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    if (width === 0 || height === 0) fail("non-zero PNG size", `${width}×${height}`, 16);
    return { width, height, format: "png" };
  }
  if (bytes.length >= 4 && view.getUint16(0) === 0xffd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) {
        fail("a JPEG marker (0xFF)", `0x${bytes[offset].toString(16)}`, offset);
      }
      const marker = bytes[offset + 1];
      if (marker === 0xff) {
        offset++;
        continue;
      }
      const length = view.getUint16(offset + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
        marker !== 0xcc;
      if (isSof) {
        return {
          height: view.getUint16(offset + 5),
          width: view.getUint16(offset + 7),
          format: "jpeg",
        };
      }
      offset += 2 + length;
    }
    return fail("a JPEG frame header (SOF)", "end of file", offset);
  }
  if (bytes.length >= 30 && view.getUint32(0) === 0x52494646 && view.getUint32(8) === 0x57454250) {
    const chunk = String.fromCharCode(...bytes.subarray(12, 16));
    if (chunk === "VP8X") {
      const w = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
      const h = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
      return { width: w, height: h, format: "webp" };
    }
    if (chunk === "VP8 ") {
      return {
        width: view.getUint16(26, true) & 0x3fff,
        height: view.getUint16(28, true) & 0x3fff,
        format: "webp",
      };
    }
    if (chunk === "VP8L") {
      const b = view.getUint32(21, true);
      return { width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1, format: "webp" };
    }
    return fail("a WebP VP8/VP8L/VP8X chunk", JSON.stringify(chunk), 12);
  }
  return fail(
    "a PNG, JPEG or WebP image",
    bytes.length < 24 ? `${bytes.length} bytes` : "unknown header",
    0,
  );
}
