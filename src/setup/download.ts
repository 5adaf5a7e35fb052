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
import { ChecksumError, DownloadError, TransientError } from "./download_errors.ts";
import { type ReportProgress, requestOnce } from "./download_request.ts";

export { ChecksumError, DownloadError } from "./download_errors.ts";
export { parseContentRange } from "./download_request.ts";

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
  const state: DownloadState = {
    url,
    dest,
    part: `${dest}.part`,
    options,
    fetchImpl: options.fetchImpl ?? fetch,
    retries: options.retries ?? 5,
    baseDelay: options.backoffMs ?? 1000,
    log: options.log ?? (() => {}),
    expectedHash: options.sha256?.toLowerCase(),
    failures: 0,
    requests: 0,
    resumedFrom: -1,
  };
  await Deno.mkdir(dirname(dest), { recursive: true });
  const progress = progressLine(dest, options);
  try {
    while (true) {
      const done = await attempt(state, progress.report);
      if (done) return done;
    }
  } finally {
    progress.finish();
  }
}

/** One download's settings and counters, shared by its attempts. */
interface DownloadState {
  /** The URL. */
  url: string;
  /** The final path. */
  dest: string;
  /** The partial file (`<dest>.part`). */
  part: string;
  /** The options as given. */
  options: DownloadOptions;
  /** `fetch` to use. */
  fetchImpl: typeof fetch;
  /** Retries allowed after transient failures. */
  retries: number;
  /** Base delay of the backoff (ms). */
  baseDelay: number;
  /** Lines about what the downloader does. */
  log: (line: string) => void;
  /** Expected lowercase sha256, if any. */
  expectedHash: string | undefined;
  /** Failures so far (transient ones, and refused byte ranges). */
  failures: number;
  /** HTTP requests so far. */
  requests: number;
  /** Bytes in `.part` before the first request (-1 until then). */
  resumedFrom: number;
}

/**
 * The progress callback and the progress line: the line counts the bytes of this run (rate and
 * ETA stay honest after a resume).
 */
function progressLine(
  dest: string,
  options: DownloadOptions,
): { report: ReportProgress; finish: () => void } {
  let progress: Progress | undefined;
  let progressCount = 0;
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
  return { report, finish: () => progress?.done() };
}

/**
 * One attempt: finish a `.part` complete from an earlier run, else one request. The result when
 * the file is in place; undefined to try again (after a backoff when the request failed).
 */
async function attempt(
  state: DownloadState,
  report: ReportProgress,
): Promise<DownloadResult | undefined> {
  const { url, part, dest, expectedHash, log } = state;
  const expectedBytes = state.options.expectedBytes;
  const offset = await partSize(state);
  if (state.resumedFrom < 0) state.resumedFrom = offset;
  if (expectedBytes !== undefined && offset === expectedBytes && offset > 0) {
    // Complete from an earlier run that stopped before the rename.
    if (await finishIfValid(part, dest, expectedHash, expectedBytes)) {
      return await result(dest, state.resumedFrom, state.requests);
    }
    await removeIfExists(part);
    return undefined;
  }
  try {
    state.requests++;
    const outcome = await requestOnce(state.fetchImpl, url, part, offset, report, log);
    if (outcome.kind === "range-not-satisfiable") return await afterRangeRefused(state, outcome);
    await finishOrThrow(url, part, dest, expectedHash, expectedBytes);
    return await result(dest, state.resumedFrom, state.requests);
  } catch (error) {
    await backOffOrThrow(state, error);
    return undefined;
  }
}

/** Bytes in the `.part` file; one larger than the expected size is discarded (0). */
async function partSize(state: DownloadState): Promise<number> {
  const { part, options } = state;
  const offset = await fileSize(part);
  if (options.expectedBytes !== undefined && offset > options.expectedBytes) {
    const name = basename(part);
    state.log(`${name} is larger than the expected ${options.expectedBytes} bytes; discarding it`);
    await removeIfExists(part);
    return 0;
  }
  return offset;
}

/**
 * After a `416`: the `.part` is either complete (verified and renamed: the result) or does not
 * match the server's file (deleted: undefined, to start again, up to the retries).
 */
async function afterRangeRefused(
  state: DownloadState,
  outcome: { total?: number },
): Promise<DownloadResult | undefined> {
  const { url, part, dest } = state;
  const size = state.options.expectedBytes ?? outcome.total;
  if (await finishIfValid(part, dest, state.expectedHash, size)) {
    return await result(dest, state.resumedFrom, state.requests);
  }
  state.log(`${basename(part)} does not match the server's file; starting again`);
  await removeIfExists(part);
  if (++state.failures > state.retries) {
    throw new DownloadError(url, "server refuses the byte range of the partial file", 416);
  }
  return undefined;
}

/**
 * Wait before the next attempt after a transient failure (exponential backoff, capped at 30 s);
 * rethrow any other error, or a transient one once the retries are used up.
 */
async function backOffOrThrow(state: DownloadState, error: unknown): Promise<void> {
  const { failures, retries } = state;
  if (!(error instanceof TransientError) || failures >= retries) {
    if (error instanceof TransientError) {
      throw new DownloadError(
        state.url,
        `${error.message} (gave up after ${failures + 1} attempts; run again to resume)`,
      );
    }
    throw error;
  }
  const delay = Math.min(state.baseDelay * 2 ** failures, 30_000);
  state.failures++;
  state.log(
    `${error.message}; retry ${state.failures}/${retries} in ${(delay / 1000).toFixed(1)}s`,
  );
  await sleep(delay);
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
