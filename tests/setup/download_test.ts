import { exists } from "../_helpers/fs.ts";
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChecksumError, DownloadError, downloadFile } from "../../src/setup/download.ts";
import { sha256Hex } from "../../src/io/hash.ts";
import { dirResolver, startServer } from "./_server.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/setup/", import.meta.url));
const BLOB = await Deno.readFile(join(FIXTURES, "blob.bin"));
const BLOB_SHA = sha256Hex(BLOB);

Deno.test("download: normal download with sha256 check and progress", async () => {
  const server = await startServer(dirResolver(FIXTURES));
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "sub", "blob.bin");
    const seen: number[] = [];
    const result = await downloadFile(`${server.base}/blob.bin`, dest, {
      sha256: BLOB_SHA,
      expectedBytes: BLOB.length,
      onProgress: (done) => seen.push(done),
      backoffMs: 0,
    });
    assert.deepEqual(await Deno.readFile(dest), BLOB);
    assert.equal(result.sha256, BLOB_SHA);
    assert.equal(result.bytes, BLOB.length);
    assert.equal(result.resumedFrom, 0);
    assert.equal(seen.at(-1), BLOB.length);
    assert.equal(await exists(`${dest}.part`), false);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].range, null);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: hash mismatch names url, file and both hashes; nothing left", async () => {
  const server = await startServer(dirResolver(FIXTURES), { corrupt: true });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "blob.bin");
    const url = `${server.base}/blob.bin`;
    const error = await downloadFile(url, dest, { sha256: BLOB_SHA, backoffMs: 0 }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof ChecksumError, String(error));
    assert.match(error.message, new RegExp(BLOB_SHA));
    assert.ok(error.message.includes(url));
    assert.ok(error.message.includes(dest));
    const found = sha256Hex(
      (() => {
        const b = BLOB.slice();
        b[b.length >> 1] ^= 0xff;
        return b;
      })(),
    );
    assert.ok(error.message.includes(found), error.message);
    assert.equal(await exists(dest), false);
    assert.equal(await exists(`${dest}.part`), false);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: an interrupted transfer resumes with a Range request", async () => {
  const server = await startServer(dirResolver(FIXTURES), { cutHalfway: 1 });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "blob.bin");
    const url = `${server.base}/blob.bin`;
    // First call: no retries, so the cut surfaces and the .part stays behind.
    await assert.rejects(
      downloadFile(url, dest, { sha256: BLOB_SHA, retries: 0, backoffMs: 0 }),
      (e: unknown) => e instanceof DownloadError && e.message.includes(url),
    );
    const partSize = (await Deno.stat(`${dest}.part`)).size;
    assert.ok(partSize > 0 && partSize < BLOB.length, `part has ${partSize} bytes`);
    assert.equal(await exists(dest), false);
    // Second call resumes.
    const result = await downloadFile(url, dest, { sha256: BLOB_SHA, backoffMs: 0 });
    assert.equal(result.resumedFrom, partSize);
    assert.deepEqual(await Deno.readFile(dest), BLOB);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].range, `bytes=${partSize}-`);
    assert.equal(await exists(`${dest}.part`), false);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: retries within one call after a cut and after HTTP 503", async () => {
  const server = await startServer(dirResolver(FIXTURES), { fail503: 1, cutHalfway: 1 });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "blob.bin");
    const lines: string[] = [];
    const result = await downloadFile(`${server.base}/blob.bin`, dest, {
      sha256: BLOB_SHA,
      backoffMs: 0,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(await Deno.readFile(dest), BLOB);
    assert.equal(result.requests, 3);
    assert.equal(server.requests[0].range, null);
    assert.equal(server.requests[1].range, null);
    assert.match(server.requests[2].range ?? "", /^bytes=\d+-$/);
    assert.ok(lines.some((l) => l.includes("503")), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("retry")), lines.join("\n"));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: a server that ignores Range (200) restarts from byte 0", async () => {
  const server = await startServer(dirResolver(FIXTURES), { ignoreRange: true });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "blob.bin");
    // A stale .part with the right prefix but a wrong tail.
    const stale = BLOB.slice(0, 5000);
    stale[4999] ^= 0x55;
    await Deno.writeFile(`${dest}.part`, stale);
    const lines: string[] = [];
    const result = await downloadFile(`${server.base}/blob.bin`, dest, {
      sha256: BLOB_SHA,
      backoffMs: 0,
      log: (line) => lines.push(line),
    });
    assert.equal(server.requests[0].range, "bytes=5000-");
    assert.equal(server.requests.length, 1);
    assert.equal(result.resumedFrom, 5000);
    assert.deepEqual(await Deno.readFile(dest), BLOB);
    assert.ok(lines.some((l) => l.includes("ignored the Range")), lines.join("\n"));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: 416 with a complete .part verifies it; a corrupt one restarts", async () => {
  const server = await startServer(dirResolver(FIXTURES));
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "blob.bin");
    const url = `${server.base}/blob.bin`;
    await Deno.writeFile(`${dest}.part`, BLOB);
    await downloadFile(url, dest, { sha256: BLOB_SHA, backoffMs: 0 });
    assert.deepEqual(await Deno.readFile(dest), BLOB);
    assert.equal(server.requests.at(-1)?.range, `bytes=${BLOB.length}-`);

    // Same length, wrong content: the 416 check fails, the part is dropped and fetched again.
    const dest2 = join(dir, "blob2.bin");
    const bad = BLOB.slice();
    bad[10] ^= 1;
    await Deno.writeFile(`${dest2}.part`, bad);
    server.requests.length = 0;
    await downloadFile(url, dest2, { sha256: BLOB_SHA, backoffMs: 0 });
    assert.deepEqual(await Deno.readFile(dest2), BLOB);
    assert.deepEqual(server.requests.map((r) => r.range), [`bytes=${BLOB.length}-`, null]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: HTTP 404 is a clear error naming the URL, not retried", async () => {
  const server = await startServer(dirResolver(FIXTURES));
  const dir = await Deno.makeTempDir();
  try {
    const url = `${server.base}/missing.bin`;
    const dest = join(dir, "missing.bin");
    const error = await downloadFile(url, dest, { backoffMs: 0 }).then(() => undefined, (e) => e);
    assert.ok(error instanceof DownloadError);
    assert.equal(error.status, 404);
    assert.ok(error.message.includes(url), error.message);
    assert.match(error.message, /404/);
    assert.equal(server.requests.length, 1);
    assert.equal(await exists(dest), false);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: an unreachable server fails after the retries with the URL", async () => {
  // Take a free port, then close it so nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const dir = await Deno.makeTempDir();
  try {
    const url = `http://127.0.0.1:${port}/x.bin`;
    const error = await downloadFile(url, join(dir, "x.bin"), { retries: 2, backoffMs: 0 }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof DownloadError, String(error));
    assert.ok(error.message.includes(url));
    assert.match(error.message, /3 attempts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
