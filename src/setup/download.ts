/**
 * Resumable, verified HTTP downloads.
 *
 * A download streams into `<dest>.part`, which is kept between runs: the next run asks the server
 * for the rest with `Range: bytes=N-`. The file is renamed to `dest` only when it is complete and
 * its sha256 (when given) matches, so `dest` never holds a partial or corrupt file.
 */
import { basename, dirname } from "node:path";
import { InputError } from "../io/errors.ts";
import { sha256File } from "../io/hash.ts";
import { createProgress, type Progress } from "../pipeline/progress.ts";

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected lowercase hex sha256; a mismatch deletes the `.part` file and throws. */
  sha256?: string;
  /** Expected size in bytes (a larger `.part` is discarded, an equal one is verified as is). */
  expectedBytes?: number;
  /** Called after every chunk with bytes on disk and the total when known. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Retries after transient failures (connection errors, HTTP 5xx/408/429); default 5. */
  retries?: number;
  /** Base delay of the exponential backoff in milliseconds (default 1000, capped at 30 s). */
  backoffMs?: number;
  /** `fetch` to use (tests, proxies); default the global `fetch`. */
  fetchImpl?: typeof fetch;
  /** Label of the progress line (default: the file name). */
  label?: string;
  /** Show the progress line: default only when stderr is a terminal. */
  showProgress?: boolean;
  /** Called with one line whenever the downloader does something worth saying (resume, retry). */
  log?: (line: string) => void;
}

/** What {@link downloadFile} did. */
export interface DownloadResult {
  /** Final path (`dest`). */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** Hex sha256 of the final file. */
  sha256: string;
  /** Bytes already present in `.part` when the first request was made (0 = fresh download). */
  resumedFrom: number;
  /** HTTP requests made. */
  requests: number;
}

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

/** A failure worth retrying: network error or HTTP 5xx/408/429. */
class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientError";
  }
}

/**
 * Download `url` to `dest`, resuming a `.part` left by an earlier run, retrying transient failures
 * with exponential backoff, and verifying size and sha256 before renaming into place.
 *
 * - `206 Partial Content` to a Range request: append to the `.part`.
 * - `200 OK` to a Range request (server ignores ranges): start again from byte 0.
 * - `416 Range Not Satisfiable`: the `.part` is complete (verified) or corrupt (deleted, restart).
 * - other 4xx: {@link DownloadError} naming the URL, not retried.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const retries = options.retries ?? 5;
  const baseDelay = options.backoffMs ?? 1000;
  const log = options.log ?? (() => {});
  const expectedHash = options.sha256?.toLowerCase();
  const part = `${dest}.part`;
  await Deno.mkdir(dirname(dest), { recursive: true });

  let failures = 0;
  let requests = 0;
  let resumedFrom = -1;
  let progress: Progress | undefined;
  let progressCount = 0;
  // The progress line counts the bytes of this run (rate and ETA stay honest after a resume).
  const report = (done: number, total: number | undefined, start = false) => {
    options.onProgress?.(done, total);
    if (start) {
      progress ??= total === undefined ? undefined : createProgress(
        options.label ?? basename(dest),
        total - done,
        {
          unit: "bytes",
          ...(options.showProgress !== undefined ? { show: options.showProgress } : {}),
        },
      );
      progressCount = done;
      return;
    }
    progress?.tick(done - progressCount);
    progressCount = done;
  };

  try {
    while (true) {
      let offset = await fileSize(part);
      if (options.expectedBytes !== undefined && offset > options.expectedBytes) {
        const name = basename(part);
        log(`${name} is larger than the expected ${options.expectedBytes} bytes; discarding it`);
        await removeIfExists(part);
        offset = 0;
      }
      if (resumedFrom < 0) resumedFrom = offset;
      if (options.expectedBytes !== undefined && offset === options.expectedBytes && offset > 0) {
        // Complete from an earlier run that stopped before the rename.
        if (await finishIfValid(part, dest, expectedHash, options.expectedBytes)) {
          return await result(dest, resumedFrom, requests);
        }
        await removeIfExists(part);
        continue;
      }
      try {
        requests++;
        const outcome = await requestOnce(fetchImpl, url, part, offset, report, log);
        if (outcome.kind === "range-not-satisfiable") {
          // The part is either complete or does not match the server's file.
          const size = options.expectedBytes ?? outcome.total;
          if (await finishIfValid(part, dest, expectedHash, size)) {
            return await result(dest, resumedFrom, requests);
          }
          log(`${basename(part)} does not match the server's file; starting again`);
          await removeIfExists(part);
          if (++failures > retries) {
            throw new DownloadError(url, "server refuses the byte range of the partial file", 416);
          }
          continue;
        }
        await finishOrThrow(url, part, dest, expectedHash, options.expectedBytes);
        return await result(dest, resumedFrom, requests);
      } catch (error) {
        if (!(error instanceof TransientError) || failures >= retries) {
          if (error instanceof TransientError) {
            throw new DownloadError(
              url,
              `${error.message} (gave up after ${failures + 1} attempts; run again to resume)`,
            );
          }
          throw error;
        }
        const delay = Math.min(baseDelay * 2 ** failures, 30_000);
        failures++;
        log(`${error.message}; retry ${failures}/${retries} in ${(delay / 1000).toFixed(1)}s`);
        await sleep(delay);
      }
    }
  } finally {
    progress?.done();
  }
}

/** One HTTP request; writes the body to `part` (appending after a 206). */
async function requestOnce(
  fetchImpl: typeof fetch,
  url: string,
  part: string,
  offset: number,
  report: (done: number, total: number | undefined, start?: boolean) => void,
  log: (line: string) => void,
): Promise<{ kind: "written" | "range-not-satisfiable"; total?: number }> {
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, redirect: "follow" });
  } catch (error) {
    throw new TransientError(`cannot reach ${url}: ${describe(error)}`, { cause: error });
  }
  const status = response.status;
  if (status === 416) {
    await response.body?.cancel();
    if (offset === 0) throw new DownloadError(url, "HTTP 416 Range Not Satisfiable", 416);
    const total = response.headers.get("content-range")?.match(/^bytes\s+\*\/(\d+)$/i)?.[1];
    return { kind: "range-not-satisfiable", ...(total ? { total: Number(total) } : {}) };
  }
  if (status >= 500 || status === 408 || status === 429) {
    await response.body?.cancel();
    throw new TransientError(`${url} answered HTTP ${status} ${response.statusText}`.trimEnd());
  }
  if (status !== 200 && status !== 206) {
    await response.body?.cancel();
    throw new DownloadError(url, `HTTP ${status} ${response.statusText}`.trimEnd(), status);
  }
  if (!response.body) throw new DownloadError(url, `HTTP ${status} without a body`, status);

  let start = 0;
  let total: number | undefined;
  if (status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    if (!range || range.start !== offset) {
      await response.body.cancel();
      throw new DownloadError(
        url,
        `asked for bytes from ${offset}, server sent ${response.headers.get("content-range")}`,
        206,
      );
    }
    start = offset;
    total = range.total;
  } else {
    if (offset > 0) log(`server ignored the Range request; downloading ${url} from the start`);
    const length = response.headers.get("content-length");
    total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  }

  const file = await Deno.open(
    part,
    start > 0 ? { write: true, append: true } : { write: true, create: true, truncate: true },
  );
  let done = start;
  const reader = response.body.getReader();
  try {
    report(done, total, true);
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new TransientError(
          `connection to ${url} lost after ${done} bytes: ${describe(error)}`,
          { cause: error },
        );
      }
      if (chunk.done) break;
      await writeAll(file, chunk.value);
      done += chunk.value.length;
      report(done, total);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    file.close();
  }
  if (total !== undefined && done < total) {
    throw new TransientError(`transfer of ${url} ended early at ${done} of ${total} bytes`);
  }
  return { kind: "written", ...(total !== undefined ? { total } : {}) };
}

/**
 * Verify a `.part` believed complete and rename it; false when it does not verify or nothing is
 * known to verify it against (the caller then starts again).
 */
async function finishIfValid(
  part: string,
  dest: string,
  expectedHash: string | undefined,
  expectedBytes: number | undefined,
): Promise<boolean> {
  const size = await fileSize(part);
  if (size === 0) return false;
  if (expectedBytes !== undefined && size !== expectedBytes) return false;
  if (expectedHash !== undefined && (await sha256File(part)) !== expectedHash) return false;
  if (expectedHash === undefined && expectedBytes === undefined) return false;
  await Deno.rename(part, dest);
  return true;
}

/** Verify a freshly written `.part` and rename it, or delete it and throw. */
async function finishOrThrow(
  url: string,
  part: string,
  dest: string,
  expectedHash: string | undefined,
  expectedBytes: number | undefined,
): Promise<void> {
  const size = await fileSize(part);
  if (expectedBytes !== undefined && size !== expectedBytes) {
    await removeIfExists(part);
    throw new InputError({
      file: dest,
      expected: `${expectedBytes} bytes (downloaded from ${url})`,
      found: `${size} bytes; the partial file was deleted, run again to re-download`,
    });
  }
  if (expectedHash !== undefined) {
    const found = await sha256File(part);
    if (found !== expectedHash) {
      await removeIfExists(part);
      throw new ChecksumError(url, dest, expectedHash, found);
    }
  }
  await Deno.rename(part, dest);
}

async function result(dest: string, resumedFrom: number, requests: number) {
  const stat = await Deno.stat(dest);
  return {
    path: dest,
    bytes: stat.size,
    sha256: await sha256File(dest),
    resumedFrom: Math.max(0, resumedFrom),
    requests,
  };
}

/** Parse `bytes start-end/total` (total may be `*`). */
export function parseContentRange(
  value: string | null,
): { start: number; end: number; total?: number } | undefined {
  const match = value?.match(/^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i);
  if (!match) return undefined;
  return {
    start: Number(match[1]),
    end: Number(match[2]),
    ...(match[3] !== "*" ? { total: Number(match[3]) } : {}),
  };
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

async function removeIfExists(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
