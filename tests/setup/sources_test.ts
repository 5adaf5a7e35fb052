import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256File } from "../../src/io/hash.ts";
import { parseTaskArgs, UsageError } from "../../src/pipeline/cli.ts";
import { SETUP_SPEC, setupOptionsFromArgs } from "../../src/setup/command.ts";
import { parseOsfFileInfo } from "../../src/setup/osf.ts";
import {
  DEFAULT_BASES,
  githubUrls,
  LEGACY_THINGS_IMAGE_PARTS,
  osfMetadataUrl,
  THINGS_IMAGES_PASSWORD,
  thingsSources,
} from "../../src/setup/sources.ts";
import { formatSha256Sums, parseSha256Sums } from "../../src/setup/sums.ts";

const BUNDLE = fileURLToPath(new URL("../../data/embedded/things/", import.meta.url));

Deno.test("sources: the tabular list is the embedded bundle, with matching sizes and sha256", async () => {
  const sources = thingsSources({ images: "none" });
  const shipped: string[] = [];
  for await (const path of walk(BUNDLE)) if (path !== "MANIFEST.md") shipped.push(path);
  assert.deepEqual(sources.map((s) => s.path).sort(), shipped.sort());
  for (const source of sources) {
    const local = join(BUNDLE, source.path);
    assert.equal((await Deno.stat(local)).size, source.bytes, source.path);
    assert.equal(await sha256File(local), source.sha256, source.path);
    assert.ok(source.note.length > 0 && source.license.length > 0);
  }
  assert.ok(sources.every((s) => s.origin.kind !== "osf"));
});

Deno.test("sources: image choices add the OSF archives with extraction targets", () => {
  const osf = (images: "none" | "cc0" | "things" | "all", osfIds?: string[]) =>
    thingsSources({ images, ...(osfIds ? { osfIds } : {}) }).filter((s) => s.origin.kind === "osf");
  assert.equal(osf("none").length, 0);
  const cc0 = osf("cc0");
  assert.deepEqual(cc0.map((s) => s.path), ["downloads/images_THINGSplus-CC0.zip"]);
  assert.deepEqual(cc0[0].origin, { kind: "osf", id: "wb36u", project: "jum2f" });
  assert.deepEqual(cc0[0].extract, { into: "images" });
  const all = osf("all");
  assert.deepEqual(all.map((s) => s.path), [
    "downloads/images_THINGSplus-CC0.zip",
    "downloads/images_THINGS.zip",
  ]);
  assert.equal(all[1].extract?.password, THINGS_IMAGES_PASSWORD);
  // `things` (the default): the photos the pipeline trains on, never the CC0 set
  assert.deepEqual(osf("things").map((s) => s.path), ["downloads/images_THINGS.zip"]);
  assert.deepEqual(
    thingsSources().map((s) => s.path),
    thingsSources({ images: "things" }).map((s) => s.path),
  );
  const legacy = osf("all", LEGACY_THINGS_IMAGE_PARTS.map((p) => p.id).concat(["abcde"]));
  assert.deepEqual(legacy.map((s) => s.path).slice(1), [
    "downloads/object_images_A-C.zip",
    "downloads/object_images_D-K.zip",
    "downloads/object_images_L-Q.zip",
    "downloads/object_images_R-S.zip",
    "downloads/object_images_T-Z.zip",
    "downloads/abcde.zip",
  ]);
});

Deno.test("sources: GitHub and OSF addresses", () => {
  const origin = {
    kind: "github" as const,
    repo: "ViCCo-Group/THINGS-data",
    commit: "5e0eccac",
    path: "MRI/data/size_fixed.csv",
  };
  assert.deepEqual(githubUrls(origin), [
    "https://raw.githubusercontent.com/ViCCo-Group/THINGS-data/5e0eccac/MRI/data/size_fixed.csv",
    "https://github.com/ViCCo-Group/THINGS-data/raw/5e0eccac/MRI/data/size_fixed.csv",
  ]);
  assert.equal(osfMetadataUrl("wb36u"), "https://api.osf.io/v2/files/wb36u/");
  assert.equal(
    osfMetadataUrl("x", { ...DEFAULT_BASES, osfApi: "http://127.0.0.1:9/v2" }),
    "http://127.0.0.1:9/v2/files/x/",
  );
});

Deno.test("osf: metadata parsing takes name, size, sha256 and the download link", () => {
  const info = parseOsfFileInfo("wb36u", {
    data: {
      id: "abc",
      attributes: {
        kind: "file",
        name: "images_THINGSplus-CC0.zip",
        size: 1234,
        extra: { hashes: { md5: "00", sha256: "AB".repeat(32) } },
      },
      links: { download: "https://osf.io/download/wb36u/" },
    },
  });
  assert.deepEqual(info, {
    id: "wb36u",
    name: "images_THINGSplus-CC0.zip",
    size: 1234,
    sha256: "ab".repeat(32),
    downloadUrl: "https://osf.io/download/wb36u/",
  });
  const bare = parseOsfFileInfo("q", { data: { attributes: { name: "x.zip" } } });
  assert.equal(bare.sha256, undefined);
  assert.equal(bare.downloadUrl, "https://osf.io/download/q/");
  assert.throws(() => parseOsfFileInfo("q", { errors: [] }), /data\.attributes\.name/);
  assert.throws(
    () => parseOsfFileInfo("q", { data: { attributes: { name: "d", kind: "folder" } } }),
    /folder, not a file/,
  );
});

Deno.test("sums: SHA256SUMS round trip, sorted, sha256sum-compatible", () => {
  const a = "a".repeat(64);
  const b = "B".repeat(64);
  const text = `${b}  z/file.txt\n${a} *a b.zip\nnot a line\n`;
  const sums = parseSha256Sums(text);
  assert.deepEqual([...sums], [["z/file.txt", "b".repeat(64)], ["a b.zip", a]]);
  assert.equal(formatSha256Sums(sums), `${a}  a b.zip\n${"b".repeat(64)}  z/file.txt\n`);
});

Deno.test("setup command: flags and environment become options", () => {
  const parse = (args: string[], env: Record<string, string> = {}) =>
    setupOptionsFromArgs(parseTaskArgs(SETUP_SPEC, args), env);
  const plain = parse([]);
  assert.equal(plain.profile, "embedded");
  assert.equal(plain.images, "things", "the THINGS photos by default: what `all` needs");
  assert.equal(plain.dest, "data/things");
  const full = parse(
    ["--profile", "things", "--images", "all", "--osf-id", "6kzat, whm5p", "--password", "p"],
    { HUMAN_THINGS_OSF_API: "http://127.0.0.1:1/v2/", HUMAN_THINGS_GITHUB_RAW: "http://x" },
  );
  assert.deepEqual(full.osfIds, ["6kzat", "whm5p"]);
  assert.equal(full.password, "p");
  assert.deepEqual(full.bases, { osfApi: "http://127.0.0.1:1/v2", githubRaw: "http://x" });
  assert.throws(() => parse(["--images", "cc0", "--osf-id", "6kzat"]), UsageError);
  assert.throws(() => parse(["--images", "all", "--osf-id", "../x"]), UsageError);
  assert.throws(() => parse(["--images", "some"]), UsageError);
  assert.throws(() => parse(["extra"]), UsageError);
  assert.throws(() => parse(["--images", "none", "--osf-id", "6kzat"]), /needs --images things/);
  assert.deepEqual(
    parse(["--osf-id", "6kzat"]).osfIds,
    ["6kzat"],
    "--images things takes --osf-id",
  );
  // --from-url: one mirror for every host; the environment fills only what it leaves unset
  const mirror = parse(["--from-url", "http://127.0.0.1:8123/"], {
    HUMAN_THINGS_OSF_API: "http://elsewhere",
  });
  assert.deepEqual(mirror.bases, {
    githubRaw: "http://127.0.0.1:8123/raw",
    github: "http://127.0.0.1:8123/github",
    osfApi: "http://127.0.0.1:8123/osf/v2",
    osfDownload: "http://127.0.0.1:8123/osf/download",
  });
  assert.throws(() => parse(["--from-url", "ftp://x"]), /not an http\(s\) address/);
  assert.throws(() => parse(["--from-url", "http://x", "--from", "/tmp"]), /exclude each other/);
});

async function* walk(root: string, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walk(root, rel);
    else yield rel;
  }
}
