/**
 * The `data` stage on the THINGS profile layout (photos in object_images/<concept>/), with a
 * corrupt image: it fails naming the file, or skips it with --skip-bad-images and lists it.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { tinyJpegHeader } from "../_helpers/fs.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

const JPEG = tinyJpegHeader(64, 48);

async function makeThingsDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ht-things-" });
  for (const sub of ["concepts", "thingsplus", "spose49", "triplets"]) {
    await Deno.symlink(join(ROOT, "data/embedded/things", sub), join(dir, sub));
  }
  for (const concept of ["aardvark", "abacus", "accordion"]) {
    await Deno.mkdir(join(dir, "images/object_images", concept), { recursive: true });
    for (let k = 1; k <= 10; k++) {
      await Deno.writeFile(
        join(dir, "images/object_images", concept, `${concept}_${String(k).padStart(2, "0")}s.jpg`),
        JPEG,
      );
    }
  }
  return dir;
}

Deno.test("data --profile things: photos by concept folder, stratified splits, bad images", async () => {
  const things = await makeThingsDir();
  const out = await Deno.makeTempDir({ prefix: "ht-things-out-" });
  const args = ["--profile", "things", "--data-dir", things, "--out", out];
  const ok = await runTaskCli("data", args);
  assert.equal(ok.code, 0, ok.stderr);
  const images = await readTable(join(out, "tables/images.arrow"));
  assert.equal(images.numRows, 30);
  assert.equal(images.getChild("width")!.get(0), 64);
  assert.equal(images.getChild("height")!.get(0), 48);
  const splits = (await readTable(join(out, "tables/splits.arrow"))).getChild("split")!
    .toArray() as string[];
  assert.equal(splits.filter((s) => s === "test").length, 3);
  assert.equal(splits.filter((s) => s === "val").length, 3);
  const concepts = await readTable(join(out, "tables/concepts.arrow"));
  assert.equal((concepts.getChild("has_images")!.toArray() as boolean[]).filter(Boolean).length, 3);

  // a corrupt photo fails the stage with its path named
  const bad = join(things, "images/object_images/abacus/abacus_11s.jpg");
  await Deno.writeTextFile(bad, "this is not a jpeg");
  const fail = await runTaskCli("data", args);
  assert.equal(fail.code, 2);
  assert.match(fail.stderr, /abacus_11s\.jpg: byte 0: expected a PNG, JPEG or WebP image/);
  // ... or is skipped and listed with --skip-bad-images
  const skip = await runTaskCli("data", [...args, "--skip-bad-images"]);
  assert.equal(skip.code, 0, skip.stderr);
  const table = await readTable(join(out, "tables/images.arrow"));
  assert.equal(table.numRows, 30);
  const notes = tableMetadata(table).notes as {
    skipped_images: { path: string; reason: string }[];
  };
  assert.equal(notes.skipped_images.length, 1);
  assert.equal(notes.skipped_images[0].path, "object_images/abacus/abacus_11s.jpg");
  // an unknown concept folder is an error naming the file
  await Deno.mkdir(join(things, "images/object_images/not_a_concept"));
  await Deno.writeFile(join(things, "images/object_images/not_a_concept/x.jpg"), JPEG);
  const unknown = await runTaskCli("data", [...args, "--skip-bad-images"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /not_a_concept\/x\.jpg/);
  await Deno.remove(things, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

Deno.test("data: a missing image listed in the manifest fails with the file named", async () => {
  const root = await Deno.makeTempDir({ prefix: "ht-icons-" });
  const dir = join(root, "data/embedded");
  await Deno.mkdir(dir, { recursive: true });
  const out = await Deno.makeTempDir({ prefix: "ht-icons-out-" });
  // a copy of the embedded profile with one image removed
  await Deno.symlink(join(ROOT, "data/embedded/things"), join(dir, "things"));
  await Deno.mkdir(join(dir, "things-icons/images/abacus"), { recursive: true });
  const manifest = await Deno.readTextFile(join(ROOT, "data/embedded/things-icons/manifest.csv"));
  const lines = manifest.split("\n").filter((l, i) => i === 0 || l.startsWith("abacus,"));
  // copy every abacus image but the first, so the first is missing
  await Deno.writeTextFile(join(dir, "things-icons/manifest.csv"), lines.join("\n") + "\n");
  const audit = join(dir, "things-icons/audit.tsv");
  for (const l of lines.slice(2)) {
    const path = l.match(/images\/abacus\/[^,]+\.png/)![0];
    await Deno.copyFile(
      join(ROOT, "data/embedded/things-icons", path),
      join(dir, "things-icons", path),
    );
  }
  const { resolveProfile } = await import("../../src/pipeline/profile.ts");
  const { createContext, runStage } = await import("../../src/pipeline/stage.ts");
  const { dataStage } = await import("../../src/data/stage.ts");
  const profile = resolveProfile("embedded", { root });
  const ctx = await createContext(profile, { out, seed: 7, quiet: true });
  const first = lines[1].match(/images\/abacus\/[^,]+\.png/)![0];
  // the profile's audit file is required: a clear error names it
  await assert.rejects(
    runStage(dataStage, ctx, { limitConcepts: 0, skipBadImages: false }),
    /audit\.tsv: expected the icon audit's decisions/,
  );
  await Deno.writeTextFile(audit, "uniqueID\timage\tdecision\tfound_by\treason\n");
  await assert.rejects(
    runStage(dataStage, ctx, { limitConcepts: 0, skipBadImages: false }),
    new RegExp(
      `${
        first.replace(/[./]/g, "\\$&")
      }: expected an image file \\(listed in the manifest\\), found no file`,
    ),
  );
  const skipped = await runStage(dataStage, ctx, { limitConcepts: 0, skipBadImages: true });
  assert.match(skipped.summary, /1 bad images skipped/);
  await Deno.remove(root, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

Deno.test("data --profile things: macOS litter is ignored, the CC0 set is held out, rehearsal images are labelled", async () => {
  const things = await makeThingsDir();
  const out = await Deno.makeTempDir({ prefix: "ht-things-out-" });
  // what an archive made on a Mac leaves when extracted by other tools
  await Deno.mkdir(join(things, "images/__MACOSX/object_images/abacus"), { recursive: true });
  await Deno.writeTextFile(
    join(things, "images/__MACOSX/object_images/abacus/._abacus_01s.jpg"),
    "x",
  );
  await Deno.writeTextFile(join(things, "images/object_images/abacus/._abacus_02s.jpg"), "x");
  // THINGSplus CC0: one photo per concept, flat, keyed by uniqueID
  await Deno.mkdir(join(things, "images/object_images_CC0"), { recursive: true });
  for (const concept of ["aardvark", "abacus", "accordion"]) {
    await Deno.writeFile(join(things, "images/object_images_CC0", `${concept}.jpg`), JPEG);
  }
  const args = ["--profile", "things", "--data-dir", things, "--out", out];
  const ok = await runTaskCli("data", args);
  assert.equal(ok.code, 0, ok.stderr);
  const images = await readTable(join(out, "tables/images.arrow"));
  assert.equal(images.numRows, 33);
  const paths = images.getChild("path")!.toArray() as string[];
  assert.ok(!paths.some((p) => p.includes("__MACOSX") || p.includes("/._")), paths.join());
  const families = images.getChild("family")!.toArray() as string[];
  const splits = (await readTable(join(out, "tables/splits.arrow"))).getChild("split")!
    .toArray() as string[];
  families.forEach((family, i) => {
    if (family === "thingsplus-cc0") assert.equal(splits[i], "stress", paths[i]);
    else assert.notEqual(splits[i], "stress", paths[i]);
  });
  assert.equal(families.filter((f) => f === "thingsplus-cc0").length, 3);
  assert.equal(images.getChild("source")!.get(0), "THINGS");

  // a rehearsal set (deno task rehearsal) says so in every row
  await Deno.writeTextFile(join(things, "images/object_images/REHEARSAL.txt"), "synthetic\n");
  const again = await runTaskCli("data", args);
  assert.equal(again.code, 0, again.stderr);
  const rehearsal = await readTable(join(out, "tables/images.arrow"));
  const sources = rehearsal.getChild("source")!.toArray() as string[];
  const fams = rehearsal.getChild("family")!.toArray() as string[];
  sources.forEach((source, i) => {
    if (fams[i] === "things") assert.match(source, /rehearsal \(synthetic/);
    else assert.equal(source, "THINGSplus CC0");
  });
  await Deno.remove(things, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

Deno.test("data --profile things: without setup, the error names the exact command", async () => {
  const empty = await Deno.makeTempDir({ prefix: "ht-things-empty-" });
  const out = await Deno.makeTempDir({ prefix: "ht-things-out-" });
  const missing = await runTaskCli("data", [
    "--profile",
    "things",
    "--data-dir",
    empty,
    "--out",
    out,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /run `deno task setup --profile things --dest .*`/);
  assert.match(missing.stderr, /missing, e\.g\. concepts\/unique_id\.txt/);
  // tabular files but no photos (setup --images none)
  const things = await makeThingsDir();
  await Deno.remove(join(things, "images"), { recursive: true });
  await Deno.mkdir(join(things, "images"));
  const noImages = await runTaskCli("data", [
    "--profile",
    "things",
    "--data-dir",
    things,
    "--out",
    out,
  ]);
  assert.equal(noImages.code, 2);
  assert.match(
    noImages.stderr,
    /the THINGS photos \(run `deno task setup --profile things --images things/,
  );
  await Deno.remove(empty, { recursive: true });
  await Deno.remove(things, { recursive: true });
  await Deno.remove(out, { recursive: true });
});
