/**
 * A local HTTP file server for the setup tests (127.0.0.1, random port, no network): serves files
 * by URL path with Range support and records every request, with switches to misbehave (cut the
 * connection half-way, ignore Range, corrupt a byte, answer 5xx).
 */

/** One recorded request. */
export interface SeenRequest {
  /** URL path. */
  path: string;
  /** The Range header, or null. */
  range: string | null;
}

/** How the server misbehaves; counters decrease as requests are served. */
export interface Misbehaviour {
  /** Close the connection half-way through the body for this many requests. */
  cutHalfway?: number;
  /** Answer 200 with the whole body even when a Range was asked for. */
  ignoreRange?: boolean;
  /** Flip one byte of every body sent (the hash will not match). */
  corrupt?: boolean;
  /** Answer HTTP 503 for this many requests. */
  fail503?: number;
}

/** A running test server. */
export interface TestServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4711`. */
  base: string;
  /** Requests seen so far. */
  requests: SeenRequest[];
  /** Change the misbehaviour. */
  misbehave: Misbehaviour;
  /** Stop the server and wait until it has finished. */
  close(): Promise<void>;
}

/** Resolves a URL path to bytes (or undefined for 404) or to a JSON value. */
export type Resolver = (
  path: string,
  base: string,
) => Promise<Uint8Array<ArrayBuffer> | { json: unknown } | undefined>;

/** Serve files from `root`: URL path `/a/b` → `root/a/b`. */
export function dirResolver(root: string): Resolver {
  return async (path) => {
    try {
      return await Deno.readFile(`${root}/${decodeURIComponent(path.replace(/^\/+/, ""))}`);
    } catch {
      return undefined;
    }
  };
}

/** Start a server on 127.0.0.1 with a random port. */
export async function startServer(
  resolve: Resolver,
  misbehave: Misbehaviour = {},
): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const controller = new AbortController();
  const state = { misbehave };
  let base = "";
  const { promise: listening, resolve: onListen } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: controller.signal,
    onListen: (addr) => onListen(addr),
    // A deliberately cut body surfaces here; answer quietly.
    onError: () => new Response("error", { status: 500 }),
  }, async (request) => {
    const path = new URL(request.url).pathname;
    const range = request.headers.get("range");
    requests.push({ path, range });
    const m = state.misbehave;
    if (m.fail503 && m.fail503 > 0) {
      m.fail503--;
      return new Response("busy", { status: 503 });
    }
    const found = await resolve(path, base);
    if (found === undefined) return new Response("not found", { status: 404 });
    if (!(found instanceof Uint8Array)) return Response.json(found.json);
    let bytes = found;
    if (m.corrupt && bytes.length > 0) {
      bytes = bytes.slice();
      bytes[bytes.length >> 1] ^= 0xff;
    }
    let status = 200;
    const headers: Record<string, string> = { "accept-ranges": "bytes" };
    let body = bytes;
    const match = range?.match(/^bytes=(\d+)-$/);
    if (match && !m.ignoreRange) {
      const start = Number(match[1]);
      if (start >= bytes.length) {
        return new Response(null, {
          status: 416,
          headers: { "content-range": `bytes */${bytes.length}` },
        });
      }
      status = 206;
      body = bytes.subarray(start);
      headers["content-range"] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    }
    headers["content-length"] = String(body.length);
    if (m.cutHalfway && m.cutHalfway > 0 && body.length > 1) {
      m.cutHalfway--;
      const half = body.subarray(0, body.length >> 1);
      const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(c) {
          c.enqueue(half);
        },
        async pull(c) {
          await new Promise((r) => setTimeout(r, 10));
          c.error(new Error("connection cut by the test server"));
        },
      });
      return new Response(stream, { status, headers });
    }
    return new Response(body, { status, headers });
  });
  const addr = await listening;
  base = `http://127.0.0.1:${addr.port}`;
  return {
    base,
    requests,
    get misbehave() {
      return state.misbehave;
    },
    set misbehave(value: Misbehaviour) {
      state.misbehave = value;
    },
    async close() {
      controller.abort();
      await server.finished;
    },
  };
}
