/**
 * One HTTP request of the downloader (`download.ts`): ask for the bytes from an offset, check the
 * reply, and stream its body into the `.part` file (appending after a `206`).
 *
 * @module
 */
import { DownloadError, TransientError } from "./download_errors.ts";

/** Progress of the body: bytes on disk and the total when known (`start` on the first call). */
export type ReportProgress = (done: number, total: number | undefined, start?: boolean) => void;

/** What {@link requestOnce} did: wrote the body, or heard that the range is past the end. */
export interface RequestOutcome {
  /** `written`: the body is in the `.part` file; `range-not-satisfiable`: HTTP 416. */
  kind: "written" | "range-not-satisfiable";
  /** The file's size on the server, when it said. */
  total?: number;
}

/** The body of an accepted reply, from which byte it starts and the file's size when known. */
interface AcceptedBody {
  /** The body. */
  body: ReadableStream<Uint8Array>;
  /** Offset in the file of its first byte (0 unless a `206`). */
  start: number;
  /** The file's size, when the server said. */
  total: number | undefined;
}

/** One HTTP request; writes the body to `part` (appending after a 206). */
export async function requestOnce(
  fetchImpl: typeof fetch,
  url: string,
  part: string,
  offset: number,
  report: ReportProgress,
  log: (line: string) => void,
): Promise<RequestOutcome> {
  const response = await send(fetchImpl, url, offset);
  const refused = await checkStatus(response, url, offset);
  if (refused) return refused;
  const { body, start, total } = await acceptBody(response, url, offset, log);
  const done = await writeBody(body, part, { url, start, total, report });
  if (total !== undefined && done < total) {
    throw new TransientError(`transfer of ${url} ended early at ${done} of ${total} bytes`);
  }
  return { kind: "written", ...(total !== undefined ? { total } : {}) };
}

/** The request (a `Range` from `offset` when it is past 0); an unreachable server is transient. */
async function send(fetchImpl: typeof fetch, url: string, offset: number): Promise<Response> {
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  try {
    return await fetchImpl(url, { headers, redirect: "follow" });
  } catch (error) {
    throw new TransientError(`cannot reach ${url}: ${describe(error)}`, { cause: error });
  }
}

/**
 * The outcome of a `416` to a range request; undefined for a `200` or `206` with a body. Other
 * replies throw: 5xx, 408 and 429 a {@link TransientError}, the rest a {@link DownloadError}.
 */
async function checkStatus(
  response: Response,
  url: string,
  offset: number,
): Promise<RequestOutcome | undefined> {
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
  return undefined;
}

/**
 * Where the body of a `200` or `206` starts and the file's size: a `206` must start at `offset`;
 * a `200` starts again from byte 0.
 */
async function acceptBody(
  response: Response,
  url: string,
  offset: number,
  log: (line: string) => void,
): Promise<AcceptedBody> {
  const body = response.body as ReadableStream<Uint8Array>;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    if (!range || range.start !== offset) {
      await body.cancel();
      throw new DownloadError(
        url,
        `asked for bytes from ${offset}, server sent ${response.headers.get("content-range")}`,
        206,
      );
    }
    return { body, start: offset, total: range.total };
  }
  if (offset > 0) log(`server ignored the Range request; downloading ${url} from the start`);
  const length = response.headers.get("content-length");
  const total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  return { body, start: 0, total };
}

/**
 * Stream `body` into `part` (appended when `start` is past 0, else truncated), reporting
 * progress: the bytes on disk at the end. A broken connection is transient.
 */
async function writeBody(
  body: ReadableStream<Uint8Array>,
  part: string,
  { url, start, total, report }: {
    url: string;
    start: number;
    total: number | undefined;
    report: ReportProgress;
  },
): Promise<number> {
  const file = await Deno.open(
    part,
    start > 0 ? { write: true, append: true } : { write: true, create: true, truncate: true },
  );
  let done = start;
  const reader = body.getReader();
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
  return done;
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

/** Write all of `bytes` to `file`. */
async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/** An error's message, with its cause's. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
