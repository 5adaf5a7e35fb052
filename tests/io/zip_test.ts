import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32Bytes } from "../../src/io/crc32.ts";
import { InputError } from "../../src/io/errors.ts";
import {
  crc32,
  extractZip,
  listZip,
  readZipEntry,
  type ZipProgress,
  ZipReader,
} from "../../src/io/zip.ts";
import { pythonBin } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";

const DIR = fileURLToPath(new URL("../fixtures/io/", import.meta.url));
const fixture = (name: string) => join(DIR, "zip", name);
const expected = JSON.parse(await Deno.readTextFile(join(DIR, "expected.json")));
const TEXT = expected["zip/text"] as { length: number; crc32: number; head: string };
const BINARY = expected["zip/binary"] as { length: number; crc32: number };

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => assert.fail("expected an InputError"), (e: unknown) => e);
  assert.ok(error instanceof InputError, String(error));
  return error;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ht-zip-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const rel = prefix + entry.name;
    if (entry.isDirectory) {
      names.push(rel + "/", ...(await listTree(join(dir, entry.name), rel + "/")));
    } else names.push(rel);
  }
  return names.sort();
}

Deno.test("crc32 matches zlib and chains with a seed", () => {
  const enc = new TextEncoder();
  assert.equal(crc32(enc.encode("hello")), 907060870);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const whole = crc32(enc.encode("hello world"));
  assert.equal(crc32(enc.encode(" world"), crc32(enc.encode("hello"))), whole);
});

Deno.test("listZip reads the central directory (deflated, stored, directory entries)", async () => {
  const entries = await listZip(fixture("mixed.zip"));
  assert.deepEqual(entries.map((e) => [e.name, e.method, e.isDirectory, e.encrypted]), [
    ["text.txt", 8, false, false],
    ["binary.bin", 0, false, false],
    ["sub/", 0, true, false],
    ["sub/nested.txt", 0, false, false],
  ]);
  assert.equal(entries[0].uncompressedSize, TEXT.length);
  assert.ok(entries[0].compressedSize < TEXT.length);
  assert.equal(entries[0].crc32, TEXT.crc32);
  assert.equal(entries[1].compressedSize, BINARY.length);
  assert.equal(entries[1].crc32, BINARY.crc32);
});

Deno.test("readZipEntry inflates and verifies entries", async () => {
  const text = await readZipEntry(fixture("mixed.zip"), "text.txt");
  assert.equal(text.length, TEXT.length);
  assert.equal(crc32(text), TEXT.crc32);
  assert.ok(new TextDecoder().decode(text).startsWith(TEXT.head));
  const binary = await readZipEntry(fixture("mixed.zip"), "binary.bin");
  assert.deepEqual(Array.from(binary.subarray(0, 4)), [0, 1, 2, 3]);
  assert.equal(crc32(binary), BINARY.crc32);
  const nested = await readZipEntry(fixture("mixed.zip"), "sub/nested.txt");
  assert.equal(new TextDecoder().decode(nested), "nested\n");
  const missing = await errorOf(readZipEntry(fixture("mixed.zip"), "nope.txt"));
  assert.match(missing.message, /mixed\.zip: entry nope\.txt: expected an entry of that name/);
});

Deno.test("ZipReader reads ZIP64 archives (Info-ZIP -fz and Python force_zip64)", async () => {
  await using zip = await ZipReader.open(fixture("zip64.zip"));
  assert.deepEqual(zip.entries.map((e) => e.name), ["text.txt", "binary.bin"]);
  assert.equal(crc32(await zip.read("text.txt")), TEXT.crc32);
  assert.equal(crc32(await zip.read(zip.get("binary.bin")!)), BINARY.crc32);
  const py = await readZipEntry(fixture("py_zip64.zip"), "text.txt");
  assert.equal(crc32(py), TEXT.crc32);
});

Deno.test("ZipCrypto entries decrypt with the password and fail clearly without it", async () => {
  const entries = await listZip(fixture("secret.zip"));
  assert.ok(entries.every((e) => e.encrypted));
  for (const [name, want] of [["text.txt", TEXT], ["binary.bin", BINARY]] as const) {
    const bytes = await readZipEntry(fixture("secret.zip"), name, { password: "secret" });
    assert.equal(bytes.length, want.length);
    assert.equal(crc32(bytes), want.crc32);
  }
  // Streamed with a data descriptor (flag bit 3): the check byte comes from the DOS time.
  const stream = await readZipEntry(fixture("secret_stream.zip"), "-", { password: "secret" });
  assert.equal(crc32(stream), TEXT.crc32);
  const asBytes = new TextEncoder().encode("secret");
  assert.equal(
    crc32(await readZipEntry(fixture("secret.zip"), "text.txt", { password: asBytes })),
    TEXT.crc32,
  );

  const wrong = await errorOf(
    readZipEntry(fixture("secret.zip"), "text.txt", { password: "Secret" }),
  );
  assert.match(wrong.message, /secret\.zip: entry text\.txt, byte \d+: .*wrong password/);
  const none = await errorOf(readZipEntry(fixture("secret.zip"), "binary.bin"));
  assert.match(none.message, /secret\.zip: entry binary\.bin, byte \d+: expected a password/);
});

Deno.test("AES-encrypted entries are rejected with a hint to use 7z", async () => {
  const error = await errorOf(readZipEntry(fixture("aes.zip"), "binary.bin", { password: "x" }));
  assert.match(error.message, /aes\.zip: entry binary\.bin, byte 0: .*AES.*7z x/);
});

Deno.test("extractZip streams entries to disk with progress, filter and skipExisting", async () => {
  await withTempDir(async (dir) => {
    const progress: ZipProgress[] = [];
    const result = await extractZip(fixture("mixed.zip"), join(dir, "out"), {
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(result, {
      files: 3,
      skipped: 0,
      directories: 1,
      bytes: TEXT.length + BINARY.length + 7,
    });
    assert.deepEqual(await listTree(join(dir, "out")), [
      "binary.bin",
      "sub/",
      "sub/nested.txt",
      "text.txt",
    ]);
    assert.equal(crc32(await Deno.readFile(join(dir, "out", "text.txt"))), TEXT.crc32);
    assert.equal(crc32(await Deno.readFile(join(dir, "out", "binary.bin"))), BINARY.crc32);
    const last = progress.at(-1)!;
    assert.equal(last.entriesDone, 4);
    assert.equal(last.entriesTotal, 4);
    assert.equal(last.bytesDone, last.bytesTotal);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i].bytesDone >= progress[i - 1].bytesDone, "progress is monotone");
    }

    const again = await extractZip(fixture("mixed.zip"), join(dir, "out"), { skipExisting: true });
    assert.equal(again.skipped, 3);
    assert.equal(again.files, 0);

    const filtered = await extractZip(fixture("secret.zip"), join(dir, "enc"), {
      password: "secret",
      filter: (e) => e.name.endsWith(".bin"),
    });
    assert.equal(filtered.files, 1);
    assert.deepEqual(await listTree(join(dir, "enc")), ["binary.bin"]);
    assert.equal(crc32(await Deno.readFile(join(dir, "enc", "binary.bin"))), BINARY.crc32);
  });
});

Deno.test("extractZip refuses zip-slip and absolute paths before writing anything", async () => {
  await withTempDir(async (dir) => {
    const slip = await errorOf(extractZip(fixture("slip.zip"), join(dir, "a")));
    assert.match(
      slip.message,
      /slip\.zip: entry \.\.\/evil\.txt, byte \d+: .*found a '\.\.' segment/,
    );
    const abs = await errorOf(extractZip(fixture("abs.zip"), join(dir, "b")));
    assert.match(
      abs.message,
      /abs\.zip: entry \/tmp\/evil\.txt, byte \d+: .*found an absolute path/,
    );
    assert.deepEqual(await listTree(dir), [], "nothing was written");
  });
});

Deno.test("extractZip leaves no partial files when an entry fails its CRC check", async () => {
  await withTempDir(async (dir) => {
    const error = await errorOf(extractZip(fixture("bad_crc.zip"), join(dir, "out")));
    assert.match(
      error.message,
      /bad_crc\.zip: entry binary\.bin, byte \d+: expected CRC-32 0x[0-9a-f]{8}/,
    );
    assert.deepEqual(await listTree(join(dir, "out")), []);
  });
});

Deno.test("malformed archives fail with the file and byte offset", async () => {
  const cases: [string, RegExp][] = [
    ["truncated.zip", /truncated\.zip: byte \d+: expected an end-of-central-directory record/],
    ["not_a_zip.zip", /not_a_zip\.zip: byte 104: expected an end-of-central-directory record/],
    ["bad_cd_size.zip", /bad_cd_size\.zip: byte \d+: expected a central directory of \d+ bytes/],
  ];
  for (const [name, pattern] of cases) {
    assert.match((await errorOf(listZip(fixture(name)))).message, pattern);
  }
  const local = await errorOf(readZipEntry(fixture("bad_local.zip"), "binary.bin"));
  assert.match(
    local.message,
    /bad_local\.zip: entry binary\.bin, byte 0: expected a local file header/,
  );
  const size = await errorOf(readZipEntry(fixture("bad_size.zip"), "binary.bin"));
  assert.match(
    size.message,
    /bad_size\.zip: entry binary\.bin, byte \d+: expected 1034 uncompressed bytes, found 1024 bytes/,
  );
  const crc = await errorOf(readZipEntry(fixture("bad_crc.zip"), "binary.bin"));
  assert.match(crc.message, /bad_crc\.zip: entry binary\.bin, byte 40: expected CRC-32/);
});

Deno.test("multi-chunk entries stream correctly (stored, deflated, ZipCrypto)", async () => {
  await withTempDir(async (dir) => {
    // 3 MiB of compressible but non-trivial data: spans several 1 MiB read chunks.
    const script = `
import zipfile, random
random.seed(1)
data = bytes(random.choice(b"abcdefgh") for _ in range(3 * 1024 * 1024 + 17))
open(${JSON.stringify(join(dir, "big.bin"))}, "wb").write(data)
with zipfile.ZipFile(${JSON.stringify(join(dir, "big.zip"))}, "w") as z:
    z.write(${JSON.stringify(join(dir, "big.bin"))}, "stored.bin", zipfile.ZIP_STORED)
    z.write(${JSON.stringify(join(dir, "big.bin"))}, "deflated.bin", zipfile.ZIP_DEFLATED)
`;
    const py = await new Deno.Command(pythonBin(), { args: ["-c", script] }).output();
    assert.ok(py.success, new TextDecoder().decode(py.stderr));
    const original = await Deno.readFile(join(dir, "big.bin"));
    const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    await using zip = await ZipReader.open(join(dir, "big.zip"));
    assert.ok(zip.get("deflated.bin")!.compressedSize > 1 << 20, "exercises the streaming inflate");
    for (const name of ["stored.bin", "deflated.bin"]) {
      assert.equal(digest(await zip.read(name)), digest(original), name);
    }
    let zipTool = true;
    try {
      const made = await new Deno.Command("zip", {
        args: ["-q", "-j", "-P", "pw", join(dir, "enc.zip"), join(dir, "big.bin")],
      }).output();
      assert.ok(made.success);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      zipTool = false;
      console.log("zip tool not installed: skipping the multi-chunk ZipCrypto check");
    }
    if (zipTool) {
      const result = await extractZip(join(dir, "enc.zip"), join(dir, "x"), { password: "pw" });
      assert.equal(result.bytes, original.length);
      assert.equal(digest(await Deno.readFile(join(dir, "x", "big.bin"))), digest(original));
    }
  });
});

Deno.test("crc32Bytes (plain JS, browser-safe) equals the check value and zlib's crc32 on random bytes", async () => {
  assert.equal(crc32Bytes(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32Bytes(new Uint8Array(0)), 0);
  await withSeed("crc32", (rng) => {
    for (const n of [1, 7, 1000, 65537]) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
      assert.equal(crc32Bytes(bytes), crc32(bytes), `${n} bytes`);
    }
  });
});
