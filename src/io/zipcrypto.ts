/**
 * Traditional PKWARE encryption ("ZipCrypto", APPNOTE 6.1): the three-key stream cipher that the
 * ZIP reader (`zip.ts`) decrypts and the ZIP writer (`zip_write.ts`) encrypts
 * with. One key schedule serves both directions.
 *
 * ZipCrypto is weak (known-plaintext attacks recover the keys); the THINGS image archives use it
 * only to make readers acknowledge the image license, with a published password.
 *
 * @module
 */
import { CRC_TABLE } from "./crc32.ts";

/** Size of the encryption header that precedes every encrypted entry's data. */
export const ZIPCRYPTO_HEADER_BYTES = 12;

/** Keys-only pass (the password), decryption, encryption. */
const KEYS = 0;
const DECRYPT = 1;
const ENCRYPT = 2;

/** The cipher state of one entry: initialise with the password, then decrypt or encrypt. */
export class ZipCrypto {
  #k0 = 0x12345678;
  #k1 = 0x23456789;
  #k2 = 0x34567890;

  /** Start the key schedule with `password` (a string is encoded as UTF-8). */
  constructor(password: string | Uint8Array) {
    const bytes = typeof password === "string" ? new TextEncoder().encode(password) : password;
    this.#run(bytes, KEYS);
  }

  /** Decrypt `buf` in place, continuing the key stream. */
  decrypt(buf: Uint8Array): void {
    this.#run(buf, DECRYPT);
  }

  /** Encrypt `buf` in place, continuing the key stream. */
  encrypt(buf: Uint8Array): void {
    this.#run(buf, ENCRYPT);
  }

  /** The key update (over the plain bytes) and, unless `mode` is KEYS, the XOR with the stream. */
  #run(buf: Uint8Array, mode: number): void {
    let k0 = this.#k0;
    let k1 = this.#k1;
    let k2 = this.#k2;
    for (let i = 0; i < buf.length; i++) {
      let plain = buf[i];
      if (mode !== KEYS) {
        const t = (k2 | 2) & 0xffff;
        const stream = ((t * (t ^ 1)) >>> 8) & 0xff;
        if (mode === DECRYPT) {
          plain ^= stream;
          buf[i] = plain;
        } else {
          buf[i] = plain ^ stream;
        }
      }
      k0 = (CRC_TABLE[(k0 ^ plain) & 0xff] ^ (k0 >>> 8)) >>> 0;
      k1 = (Math.imul((k1 + (k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
      k2 = (CRC_TABLE[(k2 ^ (k1 >>> 24)) & 0xff] ^ (k2 >>> 8)) >>> 0;
    }
    this.#k0 = k0;
    this.#k1 = k1;
    this.#k2 = k2;
  }
}
