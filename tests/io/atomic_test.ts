/**
 * Cleaning up after killed runs without touching files being written: `removeStaleTemps` removes
 * the temp files of ended processes and keeps those of running ones (this host) and fresh ones of
 * another host (cluster jobs of one run share the output folders).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  FOREIGN_TEMP_MS,
  removeStaleTemps,
  tempPathFor,
  writeFileAtomic,
} from "../../src/io/atomic.ts";

Deno.test("removeStaleTemps: ended writers' temps go, running and fresh foreign ones stay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-atomic-" });
  const sleeper = new Deno.Command("sleep", { args: ["30"], stdout: "null" }).spawn();
  const ended = new Deno.Command("true").spawn();
  const endedPid = ended.pid;
  await ended.status;
  try {
    const own = tempPathFor(join(dir, "own.arrow"));
    assert.match(own, /\.own\.arrow\.tmp-\d+-[0-9a-f]{8}@[\w.-]+$/);
    const files = {
      own,
      running: join(dir, `.a.arrow.tmp-${sleeper.pid}-0123abcd`),
      ended: join(dir, `.b.arrow.tmp-${endedPid}-0123abcd`),
      foreignFresh: join(dir, ".c.arrow.tmp-1-0123abcd@another-host"),
      foreignOld: join(dir, ".d.arrow.tmp-1-0123abcd@another-host"),
    };
    for (const path of Object.values(files)) await Deno.writeTextFile(path, "partial");
    const old = new Date(Date.now() - FOREIGN_TEMP_MS - 60_000);
    await Deno.utime(files.foreignOld, old, old);
    assert.equal(await removeStaleTemps(dir), 2);
    const left = [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).sort();
    assert.deepEqual(left, [files.own, files.running, files.foreignFresh].sort());
    // a finished atomic write leaves no temp file
    await writeFileAtomic(join(dir, "done.txt"), "whole");
    assert.equal(await Deno.readTextFile(join(dir, "done.txt")), "whole");
  } finally {
    sleeper.kill("SIGKILL");
    await sleeper.status;
    await Deno.remove(dir, { recursive: true });
  }
});
