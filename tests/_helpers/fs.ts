/** Small file-system helpers for tests. */

export { exists } from "../../src/io/files.ts";

/**
 * The smallest JPEG header the image-size reader accepts: SOI, an empty APP0 and a baseline
 * SOF0 frame of `width × height` (no image data).
 */
export function tinyJpegHeader(width: number, height: number): Uint8Array {
  return Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0,
    4,
    0,
    0,
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
}
