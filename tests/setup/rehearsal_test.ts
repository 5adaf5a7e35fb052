import { strict as assert } from "node:assert";
import { join } from "node:path";
import sharp from "sharp";
import { InputError } from "../../src/io/errors.ts";
import { sha256File } from "../../src/io/hash.ts";
import { listZip, readZipEntry, type ZipEntry } from "../../src/io/zip.ts";
import { generateRehearsal } from "../../src/setup/rehearsal/generate.ts";
import { appleDoubleName } from "../../src/setup/rehearsal/litter.ts";
import { MANIFEST_FILE } from "../../src/setup/rehearsal/manifest.ts";
import type { RehearsalParams } from "../../src/setup/rehearsal/params.ts";
import { startRehearsalServer } from "../../src/setup/rehearsal/serve.ts";
import { runSetup, SUMS_FILE } from "../../src/setup/setup.ts";
import {
  basesFromUrl,
  githubUrls,
  THINGS_IMAGES_ARCHIVES,
  THINGS_IMAGES_PASSWORD,
  thingsSources,
} from "../../src/setup/sources.ts";
import { parseSha256Sums } from "../../src/setup/sums.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

/** Three concepts with THINGS-icons and one without (a procedural object). */
const IDS = ["abacus", "airplane", "t-shirt", "aardvark"];
const TINY: Partial<RehearsalParams> = {
  conceptIds: IDS,
  imagesPerConcept: 3,
  minSize: 64,
  maxSize: 96,
  seed: 7,
};
const THINGS_ZIP = "downloads/images_THINGS.zip";
const CC0_ZIP = "downloads/images_THINGSplus-CC0.zip";
const THINGS_ID = THINGS_IMAGES_ARCHIVES[0].id;
const PASSWORD = { password: THINGS_IMAGES_PASSWORD };
const IMAGE_NAME = /^object_images\/([a-z0-9_-]+)\/\1_\d\d[a-z]\.jpg$/;
const quiet = { log: () => {}, showProgress: false };

const temps: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of temps) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* gone */ }
  }
});
async function tempDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ht-rehearsal-" });
  temps.push(dir);
  return dir;
}

/** The tiny set, generated once for the tests that only read it. */
let tiny: Promise<string> | undefined;
function tinySet(): Promise<string> {
  tiny ??= (async () => {
    const dir = await tempDir();
    const result = await generateRehearsal(dir, TINY, quiet);
    assert.equal(result.action, "generated");
    assert.equal(result.images, IDS.length * 4);
    return dir;
  })();
  return tiny;
}

function files(entries: ZipEntry[]): ZipEntry[] {
  return entries.filter((e) => !e.isDirectory);
}

Deno.test("rehearsal: layout of the THINGS archive (names, folders, encryption, litter)", async () => {
  const dir = await tinySet();
  const path = join(dir, THINGS_ZIP);
  const entries = await listZip(path);
  const names = entries.map((e) => e.name);
  const images = names.filter((n) => IMAGE_NAME.test(n));
  assert.equal(images.length, IDS.length * 3);
  for (const id of IDS) {
    assert.ok(names.includes(`object_images/${id}/`), id);
    const own = images.filter((n) => n.startsWith(`object_images/${id}/`));
    assert.deepEqual(own.map((n) => n.slice(-7, -5)), ["01", "02", "03"]);
  }
  assert.ok(files(entries).every((e) => e.encrypted), "every file entry is encrypted");
  const litter = names.filter((n) => n.startsWith("__MACOSX/"));
  assert.ok(litter.includes("__MACOSX/"));
  assert.ok(litter.includes("__MACOSX/object_images/._.DS_Store"));
  assert.ok(litter.includes("__MACOSX/._object_images"));
  assert.ok(names.includes("object_images/.DS_Store"));
  const stubs = litter.filter((n) => n.endsWith(".jpg"));
  for (const stub of stubs) {
    assert.ok(images.map(appleDoubleName).includes(stub), stub);
    const bytes = await readZipEntry(path, stub, PASSWORD);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x05, 0x16, 0x07]);
    assert.ok(bytes.length > 100 && bytes.length < 1000, `${bytes.length} bytes`);
  }
  const note = new TextDecoder().decode(
    await readZipEntry(path, "object_images/REHEARSAL.txt", PASSWORD),
  );
  assert.match(note, /SYNTHETIC REHEARSAL IMAGES/);
  assert.match(note, /deno task rehearsal/);
  assert.match(note, /things-icons/);
  assert.match(note, /seed: 7/);
  // Every name is a file, a folder of one, or litter: nothing else.
  for (const name of names) {
    assert.ok(
      IMAGE_NAME.test(name) || name.endsWith("/") || name.startsWith("__MACOSX/") ||
        name === "object_images/REHEARSAL.txt" || name === "object_images/.DS_Store",
      name,
    );
  }
});

Deno.test("rehearsal: images are square JPEGs in the size range; the password is needed", async () => {
  const dir = await tinySet();
  const path = join(dir, THINGS_ZIP);
  const images = (await listZip(path)).filter((e) => IMAGE_NAME.test(e.name));
  const sides = new Set<number>();
  for (const entry of images) {
    const meta = await sharp(await readZipEntry(path, entry.name, PASSWORD)).metadata();
    assert.equal(meta.format, "jpeg");
    assert.equal(meta.width, meta.height, entry.name);
    assert.ok(meta.width! >= 64 && meta.width! <= 96, `${entry.name}: ${meta.width}`);
    sides.add(meta.width!);
  }
  assert.ok(sides.size > 1, "sides vary");
  await assert.rejects(
    readZipEntry(path, images[0].name),
    (e: unknown) => e instanceof InputError && /no password given/.test(e.message),
  );
  await assert.rejects(
    readZipEntry(path, images[0].name, { password: "things4none" }),
    (e: unknown) => e instanceof InputError,
  );

  const cc0 = join(dir, CC0_ZIP);
  const entries = await listZip(cc0);
  assert.ok(entries.every((e) => !e.encrypted));
  const flat = entries.filter((e) => /^object_images_CC0\/[^/]+\.jpg$/.test(e.name));
  assert.deepEqual(
    flat.map((e) => e.name).sort(),
    IDS.map((id) => `object_images_CC0/${id}.jpg`).sort(),
  );
  assert.ok(entries.some((e) => e.name === "object_images_CC0/REHEARSAL.txt"));
  assert.ok(entries.some((e) => e.name.startsWith("__MACOSX/object_images_CC0/")));
  for (const entry of flat) {
    const meta = await sharp(await readZipEntry(cc0, entry.name)).metadata();
    assert.equal(meta.width, meta.height);
  }
});

Deno.test("rehearsal: real tabular files, SHA256SUMS over everything, manifest", async () => {
  const dir = await tinySet();
  const sums = parseSha256Sums(await Deno.readTextFile(join(dir, SUMS_FILE)));
  const sources = thingsSources({ images: "all" });
  assert.deepEqual([...sums.keys()].sort(), sources.map((s) => s.path).sort());
  for (const [path, hash] of sums) assert.equal(await sha256File(join(dir, path)), hash, path);
  for (const source of sources) {
    if (source.sha256) assert.equal(sums.get(source.path), source.sha256, source.path);
  }
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST_FILE)));
  assert.deepEqual(manifest.concepts, IDS);
  assert.equal(manifest.params.seed, 7);
  assert.equal(manifest.files[THINGS_ZIP].sha256, sums.get(THINGS_ZIP));
});

Deno.test("rehearsal: same seed → identical bytes; another seed → other images; re-run skips", async () => {
  const first = await tinySet();
  const again = await tempDir();
  await generateRehearsal(again, TINY, quiet);
  for (const archive of [THINGS_ZIP, CC0_ZIP]) {
    assert.deepEqual(
      await Deno.readFile(join(again, archive)),
      await Deno.readFile(join(first, archive)),
      archive,
    );
  }
  const other = await tempDir();
  await generateRehearsal(other, { ...TINY, seed: 8 }, quiet);
  for (const id of IDS) {
    const name = `object_images_CC0/${id}.jpg`;
    assert.notDeepEqual(
      await readZipEntry(join(other, CC0_ZIP), name),
      await readZipEntry(join(first, CC0_ZIP), name),
      name,
    );
  }
  const lines: string[] = [];
  const kept = await generateRehearsal(again, TINY, { ...quiet, log: (l) => lines.push(l) });
  assert.equal(kept.action, "present");
  assert.match(lines.join("\n"), /already holds this set/);
  const changed = await generateRehearsal(again, { ...TINY, imagesPerConcept: 2 }, quiet);
  assert.equal(changed.action, "generated");
  assert.equal(changed.archives?.things.images, IDS.length * 2);
});

Deno.test("rehearsal server: GitHub and OSF routes, redirect, Range, HEAD, 404/416", async () => {
  const dir = await tinySet();
  const server = await startRehearsalServer(dir, { interruptOnce: false });
  try {
    const bases = basesFromUrl(server.base);
    const unique = thingsSources().find((s) => s.path === "concepts/unique_id.txt")!;
    if (unique.origin.kind !== "github") throw new Error("unique_id.txt is a GitHub file");
    const expected = await Deno.readFile(join(dir, unique.path));
    for (const url of githubUrls(unique.origin, bases)) {
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), expected);
    }
    const missing = await fetch(`${server.base}/raw/nobody/nothing/abc/x.txt`);
    await missing.body?.cancel();
    assert.equal(missing.status, 404);

    const meta = await (await fetch(`${bases.osfApi}/files/${THINGS_ID}/`)).json();
    const stat = await Deno.stat(join(dir, THINGS_ZIP));
    assert.equal(meta.data.attributes.name, "images_THINGS.zip");
    assert.equal(meta.data.attributes.kind, "file");
    assert.equal(meta.data.attributes.size, stat.size);
    assert.equal(meta.data.attributes.extra.hashes.sha256, await sha256File(join(dir, THINGS_ZIP)));
    assert.equal(meta.data.links.download, `${bases.osfDownload}/${THINGS_ID}/`);
    const unknown = await fetch(`${bases.osfApi}/files/zzzzz/`);
    assert.equal(unknown.status, 404);
    assert.ok(Array.isArray((await unknown.json()).errors));

    const redirect = await fetch(meta.data.links.download, { redirect: "manual" });
    await redirect.body?.cancel();
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get("location")!;
    assert.equal(location, `${server.base}/files/${THINGS_ID}/images_THINGS.zip`);

    const head = await fetch(location, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(stat.size));
    assert.equal(head.headers.get("accept-ranges"), "bytes");
    const whole = await Deno.readFile(join(dir, THINGS_ZIP));
    const tail = await fetch(location, { headers: { range: "bytes=1000-" } });
    assert.equal(tail.status, 206);
    assert.equal(tail.headers.get("content-range"), `bytes 1000-${stat.size - 1}/${stat.size}`);
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), whole.subarray(1000));
    const past = await fetch(location, { headers: { range: `bytes=${stat.size}-` } });
    await past.body?.cancel();
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${stat.size}`);
    assert.ok(server.requests.some((r) => r.range === "bytes=1000-" && r.status === 206));
  } finally {
    await server.close();
  }
});

Deno.test("rehearsal server + runSetup: download, resume after the cut, verify, extract", async () => {
  const dir = await tinySet();
  const dest = await tempDir();
  const server = await startRehearsalServer(dir);
  try {
    const lines: string[] = [];
    const report = await runSetup({
      profile: "things",
      dest,
      images: "all",
      bases: basesFromUrl(server.base),
      retries: 2,
      backoffMs: 1,
      showProgress: false,
      log: (line) => lines.push(line),
    });
    const download = `/files/${THINGS_ID}/images_THINGS.zip`;
    const tries = server.requests.filter((r) => r.path === download);
    assert.equal(tries[0].range, null, "the first download asks for everything");
    assert.ok(tries.some((r) => r.range !== null && r.status === 206), "then resumes");
    assert.ok(server.requests.some((r) => r.path.startsWith("/raw/")));
    for (const archive of [THINGS_ZIP, CC0_ZIP]) {
      assert.deepEqual(
        await Deno.readFile(join(dest, archive)),
        await Deno.readFile(join(dir, archive)),
      );
    }
    const bundled = new Set(
      thingsSources({ images: "all" }).filter((s) => s.origin.kind === "bundled").map((s) =>
        s.path
      ),
    );
    for (const file of report.files) {
      assert.equal(file.action, bundled.has(file.path) ? "copied" : "downloaded", file.path);
    }
    const sums = parseSha256Sums(await Deno.readTextFile(join(dest, SUMS_FILE)));
    const mine = parseSha256Sums(await Deno.readTextFile(join(dir, SUMS_FILE)));
    assert.deepEqual(sums, mine);
    // Extraction: every image; no macOS litter (setup skips __MACOSX/, ._* and .DS_Store).
    const images = (await listZip(join(dir, THINGS_ZIP))).filter((e) => IMAGE_NAME.test(e.name));
    for (const image of images) {
      assert.deepEqual(
        await Deno.readFile(join(dest, "images", image.name)),
        await readZipEntry(join(dir, THINGS_ZIP), image.name, PASSWORD),
        image.name,
      );
    }
    for (const id of IDS) {
      assert.ok((await Deno.stat(join(dest, "images/object_images_CC0", `${id}.jpg`))).isFile);
    }
    const found: string[] = [];
    const walk = async (path: string) => {
      for await (const entry of Deno.readDir(path)) {
        found.push(join(path, entry.name));
        if (entry.isDirectory) await walk(join(path, entry.name));
      }
    };
    await walk(join(dest, "images"));
    assert.deepEqual(
      found.filter((p) => p.includes("__MACOSX") || /\/\._/.test(p) || p.endsWith(".DS_Store")),
      [],
    );
  } finally {
    await server.close();
  }
});

Deno.test("rehearsal task: --help, bad flags, a tiny run and --serve until SIGINT", async () => {
  const help = await runTaskCli("rehearsal", ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /deno task rehearsal/);
  assert.match(help.stdout, /--images-per-concept VALUE/);
  assert.match(help.stdout, /--serve/);
  for (
    const [args, message] of [
      [["--min-size", "10"], /--min-size must be an integer from 32/],
      [["--concepts", "abc"], /--concepts must be an integer/],
      [["--min-size", "90", "--max-size", "80"], /--min-size 90 is larger than --max-size 80/],
      [["--bogus"], /Unknown option '--bogus'/],
      [["--port", "70000"], /--port must be 0–65535/],
    ] as const
  ) {
    const bad = await runTaskCli("rehearsal", [...args, "--out", join(await tempDir(), "x")]);
    assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
  const unknown = await runTaskCli("rehearsal", [
    "--ids",
    "abacus,not_a_concept",
    "--out",
    await tempDir(),
  ]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /not_a_concept/);

  const out = await tempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tasks/rehearsal.ts",
      "--ids",
      "abacus,aardvark",
      "--images-per-concept",
      "2",
      "--min-size",
      "48",
      "--max-size",
      "64",
      "--out",
      out,
      "--serve",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/--from-url (http:\/\/127\.0\.0\.1:\d+)/.test(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  const base = text.match(/--from-url (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  try {
    assert.ok(base, text);
    assert.match(text, /6 images in/);
    const meta = await (await fetch(`${base}/osf/v2/files/wb36u/`)).json();
    assert.equal(meta.data.attributes.name, "images_THINGSplus-CC0.zip");
  } finally {
    child.kill("SIGINT");
    const rest = (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })();
    const status = await child.status;
    await rest;
    await child.stderr.cancel();
    assert.equal(status.code, 0);
  }
});
