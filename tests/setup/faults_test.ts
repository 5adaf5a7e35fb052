/**
 * What goes wrong with real archives, rehearsed: a wrong password, a truncated archive, a full
 * disk and a corrupt JPEG inside a zip each end with one clear message naming the file and what
 * to do, and leave no half-written file or table behind.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { exists } from "../../src/io/files.ts";
import { listZip, readZipEntry } from "../../src/io/zip.ts";
import { ZipWriter } from "../../src/io/zip_write.ts";
import { generateRehearsal } from "../../src/setup/rehearsal/generate.ts";
import { THINGS_IMAGES_PASSWORD } from "../../src/setup/sources.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

/** Eight concepts with THINGS-icons and one without (enough for the shuffled controls). */
const IDS = [
  "abacus",
  "accordion",
  "airplane",
  "ambulance",
  "anchor",
  "apple",
  "axe",
  "t-shirt",
  "aardvark",
];

/** A tiny rehearsal set as a `--from` folder, without SHA256SUMS (nothing known offline). */
async function fromDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ht-faults-" });
  await generateRehearsal(dir, {
    conceptIds: IDS,
    imagesPerConcept: 3,
    minSize: 64,
    maxSize: 96,
    seed: 7,
  }, { log: () => {}, showProgress: false });
  await Deno.remove(join(dir, "SHA256SUMS"));
  return dir;
}

function setupArgs(from: string, dest: string): string[] {
  return ["--profile", "things", "--from", from, "--dest", dest, "--model", "none"];
}

/** No temporary or partial files anywhere below `dir`. */
async function assertNoTemps(dir: string): Promise<void> {
  for await (const path of walk(dir)) {
    assert.ok(!/\.tmp-|\.part$/.test(path), `left behind: ${path}`);
  }
}

/** Number of entries in a folder. */
async function count(dir: string): Promise<number> {
  return (await Array.fromAsync(Deno.readDir(dir))).length;
}

async function* walk(dir: string): AsyncGenerator<string> {
  if (!(await exists(dir))) return;
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}

Deno.test("faults: a wrong password names the archive and the --password flag; the archive is kept", async () => {
  const from = await fromDir();
  const dest = await Deno.makeTempDir();
  const r = await runTaskCli("setup", [...setupArgs(from, dest), "--password", "wrong"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /images_THINGS\.zip: entry object_images\/[^,]+, byte \d+/);
  assert.match(r.stderr, /wrong password/);
  assert.match(r.stderr, /pass the one in password_images\.txt on OSF jum2f with --password/);
  assert.ok(await exists(join(dest, "downloads/images_THINGS.zip")), "a good archive is kept");
  assert.equal(await exists(join(dest, "images/object_images/abacus")), false);
  await assertNoTemps(dest);
  // the right password then extracts it
  const ok = await runTaskCli("setup", setupArgs(from, dest));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(await count(join(dest, "images/object_images/abacus")), 3);
  await Deno.remove(from, { recursive: true });
  await Deno.remove(dest, { recursive: true });
});

Deno.test("faults: a truncated archive is named, removed with its checksum line, and fetched again by the same command", async () => {
  const from = await fromDir();
  const dest = await Deno.makeTempDir();
  const zip = join(from, "downloads/images_THINGS.zip");
  const good = await Deno.readFile(zip);
  await Deno.writeFile(zip, good.subarray(0, Math.floor(good.length * 0.6)));
  const r = await runTaskCli("setup", setupArgs(from, dest));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /images_THINGS\.zip/);
  assert.match(r.stderr, /damaged or incomplete; setup removed it/);
  assert.match(r.stderr, /run the same command to fetch it again \(with --from, first replace/);
  assert.equal(await exists(join(dest, "downloads/images_THINGS.zip")), false);
  const sums = await Deno.readTextFile(join(dest, "SHA256SUMS"));
  assert.ok(!sums.includes("images_THINGS.zip"), "its checksum line is gone");
  await assertNoTemps(dest);
  // a complete copy in --from: the same command now succeeds
  await Deno.writeFile(zip, good);
  const ok = await runTaskCli("setup", setupArgs(from, dest));
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(
    await exists(join(dest, "images/object_images/abacus/abacus_03n.jpg")) ||
      (await Array.fromAsync(Deno.readDir(join(dest, "images/object_images/abacus")))).length === 3,
  );
  await Deno.remove(from, { recursive: true });
  await Deno.remove(dest, { recursive: true });
});

Deno.test("faults: a full disk stops setup before it extracts, with both numbers and what to do", async () => {
  const from = await fromDir();
  const dest = await Deno.makeTempDir();
  const r = await runTaskCli("setup", setupArgs(from, dest), {
    env: { HUMAN_THINGS_FREE_BYTES: "1000" },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not enough free disk space for extracting images_THINGS\.zip/);
  assert.match(r.stderr, /only 1\.00 kB is free/);
  assert.match(r.stderr, /--dest DIR/);
  assert.equal(await exists(join(dest, "images/object_images")), false);
  await assertNoTemps(dest);
  await Deno.remove(from, { recursive: true });
  await Deno.remove(dest, { recursive: true });
});

Deno.test("faults: a full disk stops training before the trunk cache, and writes no table", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-faults-out-" });
  const data = await runTaskCli("data", ["--limit-concepts", "8", "--out", out]);
  assert.equal(data.code, 0, data.stderr);
  const human = await runTaskCli("human", ["--out", out]);
  assert.equal(human.code, 0, human.stderr);
  const r = await runTaskCli("train", ["--model", "baseline", "--out", out, "--backend", "cpu"], {
    env: { HUMAN_THINGS_FREE_BYTES: "1000" },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not enough free disk space for the mobilenet_v2_035 trunk cache/);
  assert.match(r.stderr, /Free some space or write the outputs elsewhere with --out DIR/);
  assert.equal(await exists(join(out, "tables/training/baseline.arrow")), false);
  await assertNoTemps(join(out, "tables"));
  await assertNoTemps(join(out, "cache"));
  await Deno.remove(out, { recursive: true });
});

Deno.test("faults: a corrupt JPEG inside the zip is named when training decodes it, with --skip-bad-images offered", async () => {
  const from = await fromDir();
  const dest = await Deno.makeTempDir();
  const out = await Deno.makeTempDir({ prefix: "ht-faults-out-" });
  // rewrite images_THINGS.zip with one photo's body damaged (its JPEG header intact)
  const zip = join(from, "downloads/images_THINGS.zip");
  const password = { password: THINGS_IMAGES_PASSWORD };
  const entries = await listZip(zip);
  const writer = await ZipWriter.create(`${zip}.new`, { ...password, seed: 1 });
  const victim = "object_images/airplane/airplane_02";
  for (const e of entries) {
    if (e.isDirectory) {
      await writer.addDirectory(e.name);
      continue;
    }
    let bytes = await readZipEntry(zip, e.name, password);
    if (e.name.startsWith(victim)) {
      bytes = bytes.slice();
      bytes.fill(0x55, 200, bytes.length - 2);
    }
    await writer.addFile(e.name, bytes, { encrypt: e.encrypted });
  }
  await writer.finish();
  await Deno.rename(`${zip}.new`, zip);
  const setup = await runTaskCli("setup", setupArgs(from, dest));
  assert.equal(setup.code, 0, setup.stderr);
  const args = ["--profile", "things", "--data-dir", dest, "--out", out];
  const data = await runTaskCli("data", args);
  assert.equal(data.code, 0, data.stderr);
  assert.equal((await runTaskCli("human", args)).code, 0);
  const train = await runTaskCli("train", [
    ...args,
    "--model",
    "baseline",
    "--backbone",
    "mobilenet_v2_035",
    "--head-epochs",
    "1",
    "--layer4-epochs",
    "1",
  ]);
  assert.equal(train.code, 2, train.stderr);
  assert.match(train.stderr, /object_images\/airplane\/airplane_02[a-z]\.jpg/);
  assert.match(train.stderr, /rerun with --skip-bad-images to leave it out/);
  assert.equal(await exists(join(out, "tables/training/baseline.arrow")), false);
  await assertNoTemps(join(out, "cache"));
  await Deno.remove(from, { recursive: true });
  await Deno.remove(dest, { recursive: true });
  await Deno.remove(out, { recursive: true });
});
