/**
 * A local HTTP file server for the setup tests (127.0.0.1, random port, no network): serves files
 * by URL path with Range support and records every request, with switches to misbehave (cut the
 * connection half-way, ignore Range, corrupt a byte, answer 5xx). The Range and streaming logic is
 * the rehearsal server's (`rangeResponse` in src/setup/rehearsal/serve.ts).
 */
import { bytesSource, rangeResponse } from "../../src/setup/rehearsal/serve.ts";

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
    const cutHalfway = (m.cutHalfway ?? 0) > 0 && bytes.length > 1;
    if (cutHalfway) m.cutHalfway!--;
    return rangeResponse(request, bytesSource(bytes), {
      cutHalfway,
      ...(m.ignoreRange ? { ignoreRange: true } : {}),
    });
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
