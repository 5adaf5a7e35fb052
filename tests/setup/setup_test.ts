import { exists } from "../_helpers/fs.ts";
import { strict as assert } from "node:assert";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../src/io/errors.ts";
import { sha256Hex } from "../../src/io/hash.ts";
import { DownloadError } from "../../src/setup/download.ts";
import { runSetup, type SetupOptions, SUMS_FILE } from "../../src/setup/setup.ts";
import { type SourceFile, thingsSources } from "../../src/setup/sources.ts";
import { parseSha256Sums } from "../../src/setup/sums.ts";
import { type Resolver, startServer, type TestServer } from "./_server.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = join(REPO, "data/embedded/things");
const FIXTURES = join(REPO, "tests/fixtures/setup");
const CC0_ZIP = await Deno.readFile(join(FIXTURES, "images_THINGSplus-CC0.zip"));
const THINGS_ZIP = await Deno.readFile(join(FIXTURES, "images_THINGS.zip"));
const CC0_ID = "wb36u";
const THINGS_ID = "670d6f7dbce84f4a7bb9371b";

/** No test may reach the network: a fetch that fails the test if called. */
const NO_FETCH: typeof fetch = () => {
  throw new Error("network access in a --from test");
};

/**
 * Serves the THINGS profile locally: GitHub raw paths `/raw/<repo>/<commit>/<path>` map to the
 * embedded bundle, GitHub web paths `/gh/<repo>/raw/<commit>/<path>` likewise, OSF metadata
 * `/osf/v2/files/<id>/` is JSON pointing at `/dl/<id>`, which serves the fixture zips.
 */
function thingsResolver(options: { omitSha?: boolean; rawMissing?: boolean } = {}): Resolver {
  const byUpstream = new Map<string, string>();
  for (const source of thingsSources({ images: "none" })) {
    if (source.origin.kind !== "github") continue;
    const { repo, commit, path } = source.origin;
    byUpstream.set(`${repo}/${commit}/${path}`, source.path);
    byUpstream.set(`${repo}/raw/${commit}/${path}`, source.path);
  }
  const zips: Record<string, { name: string; bytes: Uint8Array<ArrayBuffer> }> = {
    [CC0_ID]: { name: "images_THINGSplus-CC0.zip", bytes: CC0_ZIP },
    [THINGS_ID]: { name: "images_THINGS.zip", bytes: THINGS_ZIP },
  };
  return async (path, base) => {
    let match = path.match(/^\/(raw|gh)\/(.+)$/);
    if (match) {
      if (match[1] === "raw" && options.rawMissing) return undefined;
      const local = byUpstream.get(decodeURIComponent(match[2]));
      return local ? await Deno.readFile(join(BUNDLE, local)) : undefined;
    }
    match = path.match(/^\/osf\/v2\/files\/([^/]+)\/$/);
    if (match) {
      const zip = zips[match[1]];
      if (!zip) return undefined;
      const hashes = options.omitSha ? { md5: "x" } : { sha256: sha256Hex(zip.bytes) };
      return {
        json: {
          data: {
            id: match[1],
            type: "files",
            attributes: { kind: "file", name: zip.name, size: zip.bytes.length, extra: { hashes } },
            links: { download: `${base}/dl/${match[1]}` },
          },
        },
      };
    }
    match = path.match(/^\/dl\/([^/]+)$/);
    return match ? zips[match[1]]?.bytes : undefined;
  };
}

function baseOptions(server: TestServer, dest: string, lines: string[]): SetupOptions {
  return {
    profile: "things",
    dest,
    images: "none",
    bases: {
      githubRaw: `${server.base}/raw`,
      github: `${server.base}/gh`,
      osfApi: `${server.base}/osf/v2`,
      osfDownload: `${server.base}/dl`,
    },
    backoffMs: 0,
    showProgress: false,
    log: (line) => lines.push(line),
  };
}

Deno.test("setup: the embedded profile needs no download", async () => {
  const lines: string[] = [];
  const report = await runSetup({
    profile: "embedded",
    log: (l) => lines.push(l),
    fetchImpl: NO_FETCH,
  });
  assert.equal(report.files.length, 0);
  assert.match(lines.join("\n"), /nothing needs downloading/);
});

Deno.test("setup: THINGS tabular files from the real source list, verified, re-run skips", async () => {
  const server = await startServer(thingsResolver());
  const dest = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const report = await runSetup(baseOptions(server, dest, lines));
    const sources = thingsSources({ images: "none" });
    assert.equal(report.files.length, sources.length);
    for (const source of sources) {
      assert.deepEqual(
        await Deno.readFile(join(dest, source.path)),
        await Deno.readFile(join(BUNDLE, source.path)),
        source.path,
      );
    }
    const github = sources.filter((s) => s.origin.kind === "github").length;
    assert.equal(report.files.filter((f) => f.action === "downloaded").length, github);
    assert.equal(server.requests.length, github);
    assert.ok(server.requests.every((r) => r.path.startsWith("/raw/")));
    const sums = parseSha256Sums(await Deno.readTextFile(join(dest, SUMS_FILE)));
    assert.equal(sums.size, sources.length);
    for (const source of sources) assert.equal(sums.get(source.path), source.sha256);
    assert.ok(lines.some((l) => l.startsWith("↓ concepts/unique_id.txt: downloading")));
    assert.ok(lines.at(-1)?.startsWith("setup: done"));

    // Re-run: nothing fetched.
    server.requests.length = 0;
    const again = await runSetup(baseOptions(server, dest, []));
    assert.equal(server.requests.length, 0);
    assert.ok(again.files.every((f) => f.action === "present"));

    // A damaged file is replaced; only it is fetched.
    await Deno.writeTextFile(join(dest, "thingsplus/size_fixed.csv"), "damaged");
    const fixLines: string[] = [];
    const fixed = await runSetup(baseOptions(server, dest, fixLines));
    assert.deepEqual(server.requests.map((r) => basename(r.path)), ["size_fixed.csv"]);
    assert.deepEqual(fixed.files.filter((f) => f.action !== "present").map((f) => f.path), [
      "thingsplus/size_fixed.csv",
    ]);
    assert.ok(fixLines.some((l) => l.startsWith("✗ thingsplus/size_fixed.csv: present but")));
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup: a 404 on raw.githubusercontent falls back to github.com/…/raw/…", async () => {
  const server = await startServer(thingsResolver({ rawMissing: true }));
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "none" }).filter((s) =>
      s.path === "rdm/RDM48_triplet.mat"
    );
    const lines: string[] = [];
    await runSetup({ ...baseOptions(server, dest, lines), sources });
    assert.deepEqual(server.requests.map((r) => r.path.split("/")[1]), ["raw", "gh"]);
    assert.deepEqual(
      await Deno.readFile(join(dest, "rdm/RDM48_triplet.mat")),
      await Deno.readFile(join(BUNDLE, "rdm/RDM48_triplet.mat")),
    );
    assert.ok(lines.some((l) => l.includes("HTTP 404")));
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup: a missing file everywhere is an error naming the URL", async () => {
  const server = await startServer(() => Promise.resolve(undefined));
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "none" }).filter((s) =>
      s.path === "rdm/RDM48_triplet.mat"
    );
    const error = await runSetup({ ...baseOptions(server, dest, []), sources }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof DownloadError);
    assert.match(error.message, /\/gh\/marrenj\/cvpr_perturbations\/raw\/9820d612\/data\//);
    assert.match(error.message, /HTTP 404/);
    assert.equal(await exists(join(dest, "rdm/RDM48_triplet.mat")), false);
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup: image archives via OSF metadata, verified, extracted with the password", async () => {
  const server = await startServer(thingsResolver(), { cutHalfway: 1 });
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "all" }).filter((s) => s.origin.kind === "osf");
    const lines: string[] = [];
    const report = await runSetup({ ...baseOptions(server, dest, lines), sources });
    // The first archive download was cut half-way and resumed with a Range request.
    assert.ok(server.requests.some((r) => r.path === `/dl/${CC0_ID}` && r.range !== null));
    assert.deepEqual(
      await Deno.readFile(join(dest, "downloads/images_THINGSplus-CC0.zip")),
      CC0_ZIP,
    );
    assert.deepEqual(await Deno.readFile(join(dest, "downloads/images_THINGS.zip")), THINGS_ZIP);
    assert.equal(
      await Deno.readTextFile(join(dest, "images/object_images_CC0/abacus.jpg")),
      "fake jpeg: abacus (CC0)\n",
    );
    assert.equal(
      await Deno.readTextFile(join(dest, "images/object_images/aardvark/aardvark_03s.jpg")),
      "aardvark ".repeat(800),
    );
    assert.equal(
      (await Deno.stat(join(dest, "images/object_images/abacus/abacus_03s.jpg"))).size,
      3000,
    );
    assert.deepEqual(report.extracted.map((e) => [e.archive, e.action, e.files]), [
      ["downloads/images_THINGSplus-CC0.zip", "extracted", 2],
      ["downloads/images_THINGS.zip", "extracted", 6],
    ]);
    const sums = parseSha256Sums(await Deno.readTextFile(join(dest, SUMS_FILE)));
    assert.equal(sums.get("downloads/images_THINGSplus-CC0.zip"), sha256Hex(CC0_ZIP));
    assert.equal(sums.get("downloads/images_THINGS.zip"), sha256Hex(THINGS_ZIP));
    assert.ok(lines.some((l) => l.includes("reading OSF metadata of file wb36u")));
    assert.ok(lines.some((l) => l.includes("(password-protected)")));

    // Re-run: hashes come from SHA256SUMS, extraction markers say done; no request at all.
    server.requests.length = 0;
    const again = await runSetup({ ...baseOptions(server, dest, []), sources });
    assert.equal(server.requests.length, 0);
    assert.ok(again.extracted.every((e) => e.action === "present"));
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup: a wrong password fails extraction with a clear error", async () => {
  const server = await startServer(thingsResolver());
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "all", password: "wrong" }).filter((s) =>
      s.path === "downloads/images_THINGS.zip"
    );
    await assert.rejects(
      runSetup({ ...baseOptions(server, dest, []), sources }),
      (e: unknown) => e instanceof InputError && /password/.test(e.message),
    );
    assert.equal(await exists(join(dest, "images/object_images/aardvark/aardvark_01b.jpg")), false);
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup: OSF metadata without sha256 checks the size and records the hash", async () => {
  const server = await startServer(thingsResolver({ omitSha: true }));
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "cc0" }).filter((s) => s.origin.kind === "osf");
    const lines: string[] = [];
    await runSetup({ ...baseOptions(server, dest, lines), sources });
    assert.ok(lines.some((l) => l.includes("publishes no sha256")));
    const sums = parseSha256Sums(await Deno.readTextFile(join(dest, SUMS_FILE)));
    assert.equal(sums.get("downloads/images_THINGSplus-CC0.zip"), sha256Hex(CC0_ZIP));
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup --from DIR: takes local files by path or upstream name, no network", async () => {
  const from = await Deno.makeTempDir();
  const dest = await Deno.makeTempDir();
  try {
    const sources = thingsSources({ images: "all" });
    // Half the files in the destination layout, half flat under their upstream names.
    let flat = false;
    for (const source of sources) {
      if (source.origin.kind !== "github") continue;
      const name = flat ? basename(source.origin.path) : source.path;
      await Deno.mkdir(join(from, name, ".."), { recursive: true });
      await Deno.copyFile(join(BUNDLE, source.path), join(from, name));
      flat = !flat;
    }
    await Deno.writeFile(join(from, "images_THINGSplus-CC0.zip"), CC0_ZIP);
    await Deno.writeFile(join(from, "images_THINGS.zip"), THINGS_ZIP);
    await Deno.writeTextFile(
      join(from, SUMS_FILE),
      `${sha256Hex(CC0_ZIP)}  images_THINGSplus-CC0.zip\n`,
    );
    const lines: string[] = [];
    const report = await runSetup({
      profile: "things",
      dest,
      from,
      images: "all",
      fetchImpl: NO_FETCH,
      showProgress: false,
      log: (l) => lines.push(l),
    });
    for (const source of sources) {
      if (source.origin.kind === "osf") continue;
      assert.deepEqual(
        await Deno.readFile(join(dest, source.path)),
        await Deno.readFile(join(BUNDLE, source.path)),
      );
    }
    assert.ok(report.files.every((f) => ["linked", "copied"].includes(f.action)));
    assert.ok(lines.some((l) => l.includes("no sha256 known offline for images_THINGS.zip")));
    assert.ok(
      !lines.some((l) => l.includes("no sha256 known offline for images_THINGSplus-CC0.zip")),
    );
    assert.equal(
      await Deno.readTextFile(join(dest, "images/object_images/abacus/abacus_01b.jpg")),
      "fake jpeg: abacus 01b\n",
    );
    const sums = parseSha256Sums(await Deno.readTextFile(join(dest, SUMS_FILE)));
    assert.equal(sums.size, sources.length);

    // Re-run from the same folder: all present.
    const again = await runSetup({
      profile: "things",
      dest,
      from,
      images: "all",
      fetchImpl: NO_FETCH,
      log: () => {},
    });
    assert.ok(again.files.every((f) => f.action === "present"));
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup --from DIR: a wrong or missing file is a clear error", async () => {
  const from = await Deno.makeTempDir();
  const dest = await Deno.makeTempDir();
  try {
    const sources: SourceFile[] = thingsSources({ images: "none" }).filter((s) =>
      s.path === "concepts/unique_id.txt"
    );
    const options: SetupOptions = {
      profile: "things",
      dest,
      from,
      sources,
      fetchImpl: NO_FETCH,
      log: () => {},
    };
    await assert.rejects(
      runSetup(options),
      (e: unknown) =>
        e instanceof InputError && e.file === from && e.message.includes("unique_id.txt"),
    );
    await Deno.writeTextFile(join(from, "unique_id.txt"), "aardvark\n");
    await assert.rejects(
      runSetup(options),
      (e: unknown) =>
        e instanceof InputError && e.file === join(from, "unique_id.txt") &&
        e.message.includes(sources[0].sha256!),
    );
    assert.equal(await exists(join(dest, "concepts/unique_id.txt")), false);
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("setup task: --help, embedded profile, and a THINGS run through the CLI", async () => {
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", join(REPO, "tasks/setup.ts"), ...args],
      cwd: REPO,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  };
  const help = await run(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /deno task setup/);
  assert.match(help.stdout, /--images VALUE/);
  assert.match(help.stdout, /--from VALUE/);

  const embedded = await run(["--profile", "embedded"]);
  assert.equal(embedded.code, 0, embedded.stderr);
  assert.match(embedded.stdout, /nothing needs downloading/);

  const bad = await run(["--images", "some"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--images must be one of things, cc0, all, none/);

  const server = await startServer(thingsResolver());
  const dest = await Deno.makeTempDir();
  try {
    const env = {
      HUMAN_THINGS_GITHUB_RAW: `${server.base}/raw`,
      HUMAN_THINGS_GITHUB: `${server.base}/gh`,
      HUMAN_THINGS_OSF_API: `${server.base}/osf/v2`,
    };
    const things = await run([
      "--profile",
      "things",
      "--dest",
      dest,
      "--images",
      "cc0",
      "--model",
      "none",
    ], env);
    assert.equal(things.code, 0, things.stderr);
    assert.match(things.stdout, /setup: done/);
    assert.equal(
      await Deno.readTextFile(join(dest, "images/object_images_CC0/aardvark.jpg")),
      "fake jpeg: aardvark (CC0)\n",
    );
    // A server without the files: one line naming the URL, exit code 1.
    const empty = await startServer(() => Promise.resolve(undefined));
    try {
      const failed = await run([
        "--profile",
        "things",
        "--dest",
        join(dest, "other"),
        "--model",
        "none",
      ], {
        HUMAN_THINGS_GITHUB_RAW: `${empty.base}/raw`,
        HUMAN_THINGS_GITHUB: `${empty.base}/gh`,
      });
      assert.equal(failed.code, 1);
      assert.match(
        failed.stderr,
        /^setup: download failed: http:\/\/127\.0\.0\.1:\d+\/gh\/.+HTTP 404/,
      );
      assert.equal(failed.stderr.trim().split("\n").length, 1);
    } finally {
      await empty.close();
    }
  } finally {
    await server.close();
    await Deno.remove(dest, { recursive: true });
  }
});
