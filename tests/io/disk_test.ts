/** Free-space checks and "disk full" errors that name the file and what to do. */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  DiskSpaceError,
  FREE_BYTES_ENV,
  freeBytes,
  isNoSpaceError,
  noSpaceError,
  requireFreeSpace,
} from "../../src/io/disk.ts";

Deno.test("freeBytes: the file system's free space, also for a path that does not exist yet", async () => {
  const dir = await Deno.makeTempDir();
  const free = freeBytes(join(dir, "not/yet/there"));
  assert.ok(free > 0 && Number.isFinite(free));
  // python3's statvfs agrees within what other processes wrote meanwhile (1 %)
  const py = new Deno.Command("python3", {
    args: ["-c", `import os;s=os.statvfs(${JSON.stringify(dir)});print(s.f_bavail*s.f_frsize)`],
  });
  const out = await py.output().catch(() => undefined);
  if (out?.success) {
    const reference = Number(new TextDecoder().decode(out.stdout));
    assert.ok(Math.abs(free - reference) <= 0.01 * reference, `${free} vs ${reference}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requireFreeSpace: passes with room, fails with both numbers, the folder and a hint", () => {
  Deno.env.set(FREE_BYTES_ENV, String(5e9));
  try {
    requireFreeSpace("/data/things", 1e9, { what: "images_THINGS.zip" });
    assert.throws(
      () =>
        requireFreeSpace("/data/things", 6e9, { what: "images_THINGS.zip", hint: "Use --dest." }),
      (error: unknown) => {
        assert.ok(error instanceof DiskSpaceError);
        assert.equal(error.needed, 6e9);
        assert.equal(error.free, 5e9);
        assert.match(
          error.message,
          /images_THINGS\.zip: it needs 6\.00 GB \(\+ 160 MB headroom\) in \/data\/things, and only 5\.00 GB is free\. Use --dest\./,
        );
        return true;
      },
    );
  } finally {
    Deno.env.delete(FREE_BYTES_ENV);
  }
});

Deno.test("isNoSpaceError: recognises the operating system's ENOSPC (a write to /dev/full)", async () => {
  let error: unknown;
  try {
    await Deno.writeFile("/dev/full", new Uint8Array(4096));
  } catch (e) {
    error = e;
  }
  if (error === undefined) {
    console.log("no /dev/full here: skipping the real ENOSPC check");
  } else {
    assert.ok(isNoSpaceError(error), String(error));
    const wrapped = noSpaceError("/out/tables/x.arrow", error);
    assert.match(wrapped.message, /the disk filled up while writing \/out\/tables\/x\.arrow/);
    assert.match(wrapped.message, /run the same command again/);
  }
  assert.equal(isNoSpaceError(new Error("permission denied")), false);
});
