/**
 * A loopback HTTP server (127.0.0.1 only) that serves a rehearsal folder the way GitHub and OSF
 * serve the real files, under the URL scheme of `basesFromUrl(base)`:
 *
 * - `GET /raw/<owner>/<repo>/<commit>/<path>` and `/github/<owner>/<repo>/raw/<commit>/<path>`:
 *   the tabular file whose upstream address that is (from `thingsSources`); 404 otherwise.
 * - `GET /osf/v2/files/<id>/`: OSF API JSON (name, kind, size, sha256, download link) of the two
 *   image archives; a 404 JSON error for other ids.
 * - `GET /osf/download/<id>/`: 302 to `/files/<id>/<name>` (as osf.io redirects to
 *   files.osf.io), which streams the archive from disk with `Range: bytes=N-` (206), 416 past
 *   the end, and HEAD.
 * - Misbehaviour: the first full GET of `images_THINGS.zip` is cut off half-way (a connection
 *   error), so clients must resume with a Range request (`interruptOnce: false` turns it off).
 *
 * {@link rangeResponse} with {@link fileSource} / {@link bytesSource} is the Range and streaming
 * logic, shared with the setup tests' local server.
 */
import { join } from "node:path";
import { sha256File } from "../../io/hash.ts";
import { parseSha256Sums } from "../sums.ts";
import { DOWNLOADS_DIR, THINGS_IMAGES_ARCHIVES, thingsSources } from "../sources.ts";

/** Bytes a response can stream: its size, and a stream of the half-open range [start, end). */
export interface ByteSource {
  /** Size in bytes. */
  size: number;
  /** A fresh stream of bytes `start` (inclusive) to `end` (exclusive). */
  stream(start: number, end: number): ReadableStream<Uint8Array<ArrayBuffer>>;
}

/** Options of {@link rangeResponse}. */
export interface RangeResponseOptions {
  /** Answer 200 with the whole body even when a Range was asked for. */
  ignoreRange?: boolean;
  /** Send half of the body, then fail the connection. */
  cutHalfway?: boolean;
  /** Extra response headers (e.g. content-type). */
  headers?: Record<string, string>;
}

const CHUNK = 1 << 16;

/** A {@link ByteSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array<ArrayBuffer>): ByteSource {
  return {
    size: bytes.length,
    stream(start, end) {
      return new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          if (end > start) controller.enqueue(bytes.slice(start, end));
          controller.close();
        },
      });
    },
  };
}

/**
 * A {@link ByteSource} over a file, streamed from disk (opened and positioned per request,
 * read in 64 KiB chunks); undefined when `path` is not a file.
 */
export async function fileSource(path: string): Promise<ByteSource | undefined> {
  let size: number;
  try {
    const stat = await Deno.stat(path);
    if (!stat.isFile) return undefined;
    size = stat.size;
  } catch {
    return undefined;
  }
  return {
    size,
    stream(start, end) {
      let file: Deno.FsFile | undefined;
      let position = start;
      const close = () => {
        try {
          file?.close();
        } catch { /* closed */ }
        file = undefined;
      };
      return new ReadableStream<Uint8Array<ArrayBuffer>>({
        async start() {
          file = await Deno.open(path, { read: true });
          await file.seek(start, Deno.SeekMode.Start);
        },
        async pull(controller) {
          const want = Math.min(CHUNK, end - position);
          if (want <= 0 || !file) {
            close();
            controller.close();
            return;
          }
          const buffer = new Uint8Array(want);
          const got = await file.read(buffer);
          if (got === null) {
            close();
            controller.error(new Error(`${path} ended at byte ${position} of ${end}`));
            return;
          }
          position += got;
          controller.enqueue(buffer.subarray(0, got));
        },
        cancel() {
          close();
        },
      });
    },
  };
}

/**
 * Answer a GET or HEAD for `source`: 200 with the whole body, or for `Range: bytes=N-` /
 * `bytes=N-M` a 206 with `content-range`; 416 (with `content-range: bytes *\/size`) when N is
 * past the end. Always `accept-ranges: bytes` and `content-length`.
 */
export function rangeResponse(
  request: Request,
  source: ByteSource,
  options: RangeResponseOptions = {},
): Response {
  const size = source.size;
  const headers: Record<string, string> = { "accept-ranges": "bytes", ...options.headers };
  let status = 200;
  let start = 0;
  let end = size;
  const match = request.headers.get("range")?.match(/^bytes=(\d+)-(\d*)$/);
  if (match && !options.ignoreRange) {
    start = Number(match[1]);
    if (start >= size) {
      return new Response(null, { status: 416, headers: { "content-range": `bytes */${size}` } });
    }
    if (match[2] !== "") end = Math.min(size, Number(match[2]) + 1);
    if (end <= start) {
      return new Response(null, { status: 416, headers: { "content-range": `bytes */${size}` } });
    }
    status = 206;
    headers["content-range"] = `bytes ${start}-${end - 1}/${size}`;
  }
  headers["content-length"] = String(end - start);
  if (request.method === "HEAD") return new Response(null, { status, headers });
  let body = source.stream(start, end);
  if (options.cutHalfway && end - start > 1) body = cutAfter(body, (end - start) >> 1);
  return new Response(body, { status, headers });
}

/** Pass the first `limit` bytes of `stream` through, then fail it (a dropped connection). */
function cutAfter(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  limit: number,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  let sent = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      if (sent >= limit) {
        await reader.cancel().catch(() => {});
        // A short pause lets the bytes sent so far reach the client before the cut.
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.error(new Error("connection cut by the rehearsal server"));
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      const part = value.subarray(0, limit - sent);
      sent += part.length;
      controller.enqueue(part);
    },
    cancel() {
      return reader.cancel();
    },
  });
}

/** One request the server answered. */
export interface ServedRequest {
  /** HTTP method. */
  method: string;
  /** URL path. */
  path: string;
  /** The Range header, or null. */
  range: string | null;
  /** HTTP status sent. */
  status: number;
}

/** Options of {@link startRehearsalServer}. */
export interface RehearsalServerOptions {
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** Cut off the first full GET of `images_THINGS.zip` half-way (default true). */
  interruptOnce?: boolean;
  /** Called with one line per request (default: nothing). */
  log?: (line: string) => void;
}

/** A running rehearsal server. */
export interface RehearsalServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4711` (for `basesFromUrl`). */
  base: string;
  /** Requests answered so far (for tests). */
  requests: ServedRequest[];
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stop the server and wait until it has finished. */
  close(): Promise<void>;
}

/** An OSF archive the server knows. */
interface OsfFile {
  id: string;
  name: string;
  path: string;
}

/** What the handler serves, and whether the first full GET of an archive is still to be cut. */
interface RehearsalSite {
  /** Local file of each GitHub path (`raw/...` and `github/.../raw/...`). */
  github: Map<string, string>;
  /** The OSF archives by id. */
  osf: Map<string, OsfFile>;
  /** The sha256 of an archive (from `SHA256SUMS`, else hashed once). */
  sha256Of: (file: OsfFile) => Promise<string>;
  /** The archive whose first full GET is cut off. */
  interruptId: string;
  /** Whether that cut is still to come. */
  interrupt: boolean;
}

/**
 * The request handler of the rehearsal server for folder `root` (see the module documentation);
 * `record` receives every answered request.
 */
export function rehearsalHandler(
  root: string,
  options: { interruptOnce?: boolean; record?: (request: ServedRequest) => void } = {},
): (request: Request) => Promise<Response> {
  const site: RehearsalSite = {
    ...rehearsalFiles(root),
    sha256Of: archiveHasher(root),
    interruptId: THINGS_IMAGES_ARCHIVES[0].id,
    interrupt: options.interruptOnce ?? true,
  };
  return async (request) => {
    const url = new URL(request.url);
    const response = await route(site, request, url);
    options.record?.({
      method: request.method,
      path: url.pathname,
      range: request.headers.get("range"),
      status: response.status,
    });
    return response;
  };
}

/** The files of the rehearsal folder `root` under their GitHub paths and OSF ids. */
function rehearsalFiles(root: string): Pick<RehearsalSite, "github" | "osf"> {
  const github = new Map<string, string>();
  const osf = new Map<string, OsfFile>();
  for (const source of thingsSources({ images: "all" })) {
    if (source.origin.kind === "github") {
      const { repo, commit, path } = source.origin;
      github.set(`raw/${repo}/${commit}/${path}`, join(root, source.path));
      github.set(`github/${repo}/raw/${commit}/${path}`, join(root, source.path));
    } else if (source.origin.kind === "osf") {
      const name = source.path.slice(source.path.lastIndexOf("/") + 1);
      osf.set(source.origin.id, { id: source.origin.id, name, path: join(root, source.path) });
    }
  }
  return { github, osf };
}

/** The sha256 of an archive: its line in `root/SHA256SUMS`, else its hash (computed once). */
function archiveHasher(root: string): (file: OsfFile) => Promise<string> {
  const hashes = new Map<string, Promise<string>>();
  return (file: OsfFile): Promise<string> => {
    let found = hashes.get(file.path);
    if (!found) {
      found = (async () => {
        const sums = await Deno.readTextFile(join(root, "SHA256SUMS")).then(
          parseSha256Sums,
          () => new Map<string, string>(),
        );
        return sums.get(`${DOWNLOADS_DIR}/${file.name}`) ?? await sha256File(file.path);
      })();
      hashes.set(file.path, found);
    }
    return found;
  };
}

/** Answer one request (see the module documentation). */
async function route(site: RehearsalSite, request: Request, url: URL): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return notFound();
  }
  const local = site.github.get(path.replace(/^\/+/, ""));
  if (local !== undefined) {
    const source = await fileSource(local);
    return source
      ? rangeResponse(request, source, { headers: { "content-type": "text/plain" } })
      : notFound();
  }
  let match = path.match(/^\/osf\/v2\/files\/([^/]+)\/?$/);
  if (match) return await osfApiFile(site, match[1], url.origin);
  match = path.match(/^\/osf\/download\/([^/]+)\/?$/);
  if (match) {
    const file = site.osf.get(match[1]);
    if (!file) return notFound();
    const location = `${url.origin}/files/${file.id}/${encodeURIComponent(file.name)}`;
    return new Response(null, { status: 302, headers: { location } });
  }
  match = path.match(/^\/files\/([^/]+)\/([^/]+)$/);
  if (match) return await archiveFile(site, request, match[1], match[2]);
  return notFound();
}

/** `GET /osf/v2/files/<id>/`: the archive's OSF record, or OSF's 404 JSON. */
async function osfApiFile(site: RehearsalSite, id: string, origin: string): Promise<Response> {
  const file = site.osf.get(id);
  const stat = file ? await Deno.stat(file.path).catch(() => undefined) : undefined;
  if (!file || !stat?.isFile) {
    return Response.json(
      { errors: [{ detail: "Not found." }], meta: { version: "2.20" } },
      { status: 404 },
    );
  }
  return Response.json(osfRecord(file, stat.size, await site.sha256Of(file), origin));
}

/** `GET /files/<id>/<name>`: the archive from disk (its first full GET cut off, once). */
async function archiveFile(
  site: RehearsalSite,
  request: Request,
  id: string,
  name: string,
): Promise<Response> {
  const file = site.osf.get(id);
  const source = file && file.name === name ? await fileSource(file.path) : undefined;
  if (!file || !source) return notFound();
  const cut = site.interrupt && file.id === site.interruptId && request.method === "GET" &&
    !request.headers.has("range");
  if (cut) site.interrupt = false;
  return rangeResponse(request, source, {
    cutHalfway: cut,
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${file.name}"`,
    },
  });
}

/** OSF API v2 `files` record of an archive, shaped like api.osf.io's. */
function osfRecord(file: OsfFile, size: number, sha256: string, origin: string): unknown {
  return {
    data: {
      id: file.id,
      type: "files",
      attributes: {
        guid: /^[a-z0-9]{5}$/.test(file.id) ? file.id : null,
        kind: "file",
        name: file.name,
        path: `/${file.id}`,
        materialized_path: `/${file.name}`,
        provider: "osfstorage",
        size,
        extra: { hashes: { sha256 } },
      },
      links: {
        download: `${origin}/osf/download/${file.id}/`,
        self: `${origin}/osf/v2/files/${file.id}/`,
      },
    },
    meta: { version: "2.20" },
  };
}

function notFound(): Response {
  return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
}

/** Serve the rehearsal folder `root` on 127.0.0.1 (see the module documentation). */
export async function startRehearsalServer(
  root: string,
  options: RehearsalServerOptions = {},
): Promise<RehearsalServer> {
  const requests: ServedRequest[] = [];
  const handler = rehearsalHandler(root, {
    interruptOnce: options.interruptOnce ?? true,
    record: (r) => {
      requests.push(r);
      options.log?.(
        `${r.method} ${r.path}${r.range ? ` (${r.range})` : ""} → ${r.status}`,
      );
    },
  });
  const controller = new AbortController();
  const { promise: listening, resolve: onListen } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    signal: controller.signal,
    onListen: (addr) => onListen(addr),
    // A deliberately cut body surfaces here; answer quietly.
    onError: () => new Response("error", { status: 500 }),
  }, handler);
  const addr = await listening;
  return {
    base: `http://127.0.0.1:${addr.port}`,
    requests,
    finished: server.finished,
    async close() {
      controller.abort();
      await server.finished;
    },
  };
}
