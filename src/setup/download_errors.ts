/**
 * The errors of the downloader (`download.ts`): a permanent failure, a checksum mismatch, and a
 * transient failure that is retried.
 *
 * @module
 */
import { InputError } from "../io/errors.ts";

/** A permanent HTTP failure (4xx other than 408/429, or a malformed reply); not retried. */
export class DownloadError extends Error {
  /** The URL that failed. */
  readonly url: string;
  /** HTTP status, when the server answered. */
  readonly status?: number;

  /** Build from the URL, a message and the HTTP status. */
  constructor(url: string, message: string, status?: number) {
    super(`download failed: ${url}: ${message}`);
    this.name = "DownloadError";
    this.url = url;
    this.status = status;
  }
}

/** A downloaded file whose sha256 differs from the expected one (the `.part` is deleted). */
export class ChecksumError extends InputError {
  /** Where the file came from. */
  readonly url: string;

  /** Build from the URL, the destination file and the two hashes. */
  constructor(url: string, file: string, expected: string, found: string) {
    super({
      file,
      expected: `sha256 ${expected} (downloaded from ${url})`,
      found: `sha256 ${found}; the partial file was deleted, run again to re-download`,
    });
    this.name = "ChecksumError";
    this.url = url;
  }
}

/** A failure worth retrying: network error or HTTP 5xx/408/429 (internal to the downloader). */
export class TransientError extends Error {
  /** Build from a message and the error that caused it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientError";
  }
}
