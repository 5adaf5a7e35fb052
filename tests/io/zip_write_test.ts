import { strict as assert } from "node:assert";
import { join } from "node:path";
import { InputError } from "../../src/io/errors.ts";
import { sha256Hex } from "../../src/io/hash.ts";
import { extractZip, listZip, readZipEntry } from "../../src/io/zip.ts";
import { dosDateTime, ZipWriter, type ZipWriterOptions } from "../../src/io/zip_write.ts";
import { createRng } from "../../src/stats/random.ts";
import { pythonBin } from "../_helpers/python.ts";

const DATE = new Date(Date.UTC(2019, 9, 15, 12, 34, 56));
const enc = new TextEncoder();

/** Text (compresses), random bytes (stored under `auto`), empty, a non-ASCII name, a directory. */
function sampleEntries(): { name: string; data?: Uint8Array }[] {
  const rng = createRng(3, { label: "zip-write-test" });
  const noise = new Uint8Array(70_000);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.int(256);
  return [
    { name: "object_images/" },
    { name: "object_images/aardvark/" },
    { name: "object_images/aardvark/aardvark_01b.jpg", data: noise },
    { name: "object_images/aardvark/notes.txt", data: enc.encode("aardvark ".repeat(2000)) },
    { name: "object_images/empty.txt", data: new Uint8Array(0) },
    { name: "object_images/crème brûlée.txt", data: enc.encode("dessert\n") },
  ];
}

async function writeSample(path: string, options: ZipWriterOptions): Promise<void> {
  await using zip = await ZipWriter.create(path, { date: DATE, ...options });
  for (const entry of sampleEntries()) {
    if (entry.data === undefined) await zip.addDirectory(entry.name);
    else await zip.addFile(entry.name, entry.data);
  }
  const result = await zip.finish();
  assert.equal(result.entries, 6);
  assert.equal(result.bytes, (await Deno.stat(path)).size);
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ht-zipw-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Python's zipfile reads every entry (with `pwd`); returns name → sha256 (null for dirs). */
async function pythonRead(path: string, password?: string): Promise<Record<string, unknown>> {
  const script = `
import hashlib, json, sys, zipfile
pwd = sys.argv[2].encode() if len(sys.argv) > 2 else None
with zipfile.ZipFile(sys.argv[1]) as z:
    if pwd is not None:
        z.setpassword(pwd)
    assert z.testzip() is None
    out = {}
    for info in z.infolist():
        out[info.filename] = None if info.is_dir() else hashlib.sha256(z.read(info, pwd=pwd)).hexdigest()
    print(json.dumps(out))
`;
  const output = await new Deno.Command(pythonBin(), {
    args: ["-c", script, path, ...(password !== undefined ? [password] : [])],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (!output.success) throw new Error(`python zipfile failed: ${decode(output.stderr)}`);
  return JSON.parse(decode(output.stdout));
}

function expectedHashes(): Record<string, string | null> {
  return Object.fromEntries(
    sampleEntries().map((e) => [e.name, e.data === undefined ? null : sha256Hex(e.data)]),
  );
}

async function hasUnzip(): Promise<boolean> {
  try {
    const out = await new Deno.Command("unzip", { args: ["-v"], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test("zip writer: round trip through the project's reader (plain and ZipCrypto)", async () => {
  await withTempDir(async (dir) => {
    for (const password of [undefined, "things4all"]) {
      const path = join(dir, `${password ?? "plain"}.zip`);
      await writeSample(path, { ...(password ? { password, seed: 7 } : {}) });
      const entries = await listZip(path);
      assert.deepEqual(entries.map((e) => e.name), sampleEntries().map((e) => e.name));
      for (const entry of entries) {
        assert.equal(entry.encrypted, password !== undefined && !entry.isDirectory, entry.name);
        assert.equal(entry.dosTime, dosDateTime(DATE).time);
        assert.equal(entry.dosDate, dosDateTime(DATE).date);
      }
      // Random bytes do not deflate: `auto` stores them; text is deflated.
      assert.equal(entries[2].method, 0);
      assert.equal(entries[3].method, 8);
      for (const sample of sampleEntries()) {
        if (!sample.data) continue;
        const read = await readZipEntry(path, sample.name, password ? { password } : {});
        assert.deepEqual(read, sample.data, sample.name);
      }
      const out = join(dir, `${password ?? "plain"}-out`);
      const result = await extractZip(path, out, password ? { password } : {});
      assert.equal(result.files, 4);
      assert.equal(result.directories, 2);
      assert.equal(
        await Deno.readTextFile(join(out, "object_images/crème brûlée.txt")),
        "dessert\n",
      );
    }
  });
});

Deno.test("zip writer: a wrong or missing password fails on the check byte", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "enc.zip");
    await writeSample(path, { password: "things4all", seed: 1 });
    const name = "object_images/aardvark/notes.txt";
    await assert.rejects(
      readZipEntry(path, name, { password: "wrong" }),
      (e: unknown) => e instanceof InputError && /wrong password|CRC|deflate/.test(e.message),
    );
    await assert.rejects(
      readZipEntry(path, name),
      (e: unknown) => e instanceof InputError && /no password given/.test(e.message),
    );
  });
});

Deno.test("zip writer: Python's zipfile reads the archives (plain, ZipCrypto, ZIP64)", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, ZipWriterOptions, string | undefined][] = [
      ["plain.zip", {}, undefined],
      ["enc.zip", { password: "things4all", seed: 7 }, "things4all"],
      ["z64.zip", { password: "pw", seed: 7, zip64: "always" }, "pw"],
      ["stored.zip", { method: "store" }, undefined],
    ];
    for (const [name, options, password] of cases) {
      const path = join(dir, name);
      await writeSample(path, options);
      assert.deepEqual(await pythonRead(path, password), expectedHashes(), name);
      if (options.zip64 === "always") {
        // Our reader follows the ZIP64 records too.
        const entries = await listZip(path);
        assert.deepEqual(entries.map((e) => e.name), sampleEntries().map((e) => e.name));
        const read = await readZipEntry(path, "object_images/aardvark/aardvark_01b.jpg", {
          password: "pw",
        });
        assert.equal(sha256Hex(read), expectedHashes()["object_images/aardvark/aardvark_01b.jpg"]);
      }
    }
  });
});

Deno.test("zip writer: Info-ZIP unzip -P extracts the same bytes", async () => {
  if (!(await hasUnzip())) {
    console.log("zip writer: unzip is not installed; skipping the Info-ZIP cross-check");
    return;
  }
  await withTempDir(async (dir) => {
    for (const zip64 of ["auto", "always"] as const) {
      const path = join(dir, `enc-${zip64}.zip`);
      await writeSample(path, { password: "things4all", seed: 9, zip64 });
      const out = join(dir, `out-${zip64}`);
      const result = await new Deno.Command("unzip", {
        args: ["-q", "-P", "things4all", path, "-d", out],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(result.success, new TextDecoder().decode(result.stderr));
      for (const sample of sampleEntries()) {
        if (!sample.data || /[^\x20-\x7e]/.test(sample.name)) continue;
        assert.deepEqual(await Deno.readFile(join(out, sample.name)), sample.data, sample.name);
      }
    }
  });
});

Deno.test("zip writer: same inputs and seed give the same bytes; another seed differs", async () => {
  await withTempDir(async (dir) => {
    await writeSample(join(dir, "a.zip"), { password: "things4all", seed: 7 });
    await writeSample(join(dir, "b.zip"), { password: "things4all", seed: 7 });
    await writeSample(join(dir, "c.zip"), { password: "things4all", seed: 8 });
    const [a, b, c] = await Promise.all(
      ["a", "b", "c"].map((n) => Deno.readFile(join(dir, `${n}.zip`))),
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(a.length, c.length);
  });
});

Deno.test("zip writer: atomic (no file until finish, temp removed on abort), bad names", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "x.zip");
    {
      await using zip = await ZipWriter.create(path, { date: DATE });
      await zip.addFile("a.txt", enc.encode("a"));
      assert.equal(zip.entryCount, 1);
      // Not there until finished; leaving the block aborts.
      assert.equal(await Deno.stat(path).then(() => true, () => false), false);
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    await using zip = await ZipWriter.create(path, { date: DATE });
    await zip.addFile("a.txt", enc.encode("a"));
    for (const bad of ["a.txt", "/abs", "../up", "dir", "c:\\x"]) {
      await assert.rejects(
        bad === "dir" ? zip.addDirectory(bad) : zip.addFile(bad, new Uint8Array(1)),
        (e: unknown) => e instanceof InputError && e.file === path,
        bad,
      );
    }
    await assert.rejects(
      zip.addFile("b.txt", new Uint8Array(1), { encrypt: true }),
      (e: unknown) => e instanceof InputError && /password/.test(e.message),
    );
    await zip.finish();
    assert.deepEqual((await listZip(path)).map((e) => e.name), ["a.txt"]);
  });
});

Deno.test("dosDateTime: UTC fields, clamped before 1980", () => {
  const { time, date } = dosDateTime(DATE);
  assert.equal(date >> 9, 2019 - 1980);
  assert.equal((date >> 5) & 15, 10);
  assert.equal(date & 31, 15);
  assert.equal(time >> 11, 12);
  assert.equal((time >> 5) & 63, 34);
  assert.equal((time & 31) * 2, 56);
  assert.deepEqual(dosDateTime(new Date(0)), { time: 0, date: 33 });
});
