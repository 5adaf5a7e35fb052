/**
 * The pinned TensorFlow wheel of `deno task setup:tf`: the choice of wheel (`HT_TF_WHEEL`,
 * `HT_TF_WHEEL_SHA256`), the pip arguments, the sha256 check before extraction, the cache
 * markers and `deps/SOURCE.txt`. Nothing here downloads the real wheel: a tiny fake wheel and a
 * fake `pip` stand in for it. Also the lock against two setup:tf at once (exercised directly,
 * not with real builds) and the float32 error model of the native self-test.
 */
import { exists } from "../_helpers/fs.ts";
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { sha256Hex } from "../../src/io/hash.ts";
import {
  acquireSetupTfLock,
  chooseWheel,
  DEFAULT_WHEEL,
  findCachedLibs,
  installedTensorflowSource,
  matchesWheel,
  obtainWheel,
  PINNED_TF_WHEEL,
  pipDownloadArgs,
  SetupTfError,
  verifyWheelSha256,
  type WheelChoice,
  wheelIdentity,
} from "../../src/setup/tf/mod.ts";
import {
  FLOAT32_UNIT_ROUNDOFF,
  float32ComparisonRatio,
  float32Gamma,
} from "../../src/metrics/float32_error.ts";

const PIN = PINNED_TF_WHEEL;

/** A tiny zip shaped like a TF wheel (two fake libraries and a header), built with `zip`. */
async function fakeWheel(dir: string, name = PIN.file): Promise<string> {
  const src = join(dir, "src");
  await Deno.mkdir(join(src, "tensorflow", "include", "tensorflow", "c"), { recursive: true });
  await Deno.writeTextFile(join(src, "tensorflow", "libtensorflow_cc.so.2"), "not a library");
  await Deno.writeTextFile(join(src, "tensorflow", "libtensorflow_framework.so.2"), "nor this");
  await Deno.writeTextFile(join(src, "tensorflow", "include", "tensorflow", "c", "c_api.h"), "");
  const path = join(dir, name);
  const r = await new Deno.Command("zip", { args: ["-qr", path, "tensorflow"], cwd: src })
    .output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return path;
}

/** The error a promise rejects with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return await promise.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e: Error) => e,
  );
}

/**
 * A fake `pip` that records its arguments in `<dir>/pip-args.txt`, copies `wheel` into the `-d`
 * folder under the pinned file name and prints pip's `Saved …` line.
 */
async function fakePip(dir: string, wheel: string): Promise<string> {
  const pip = join(dir, "pip");
  await Deno.writeTextFile(
    pip,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$@" > '${join(dir, "pip-args.txt")}'`,
      'dest=""; prev=""',
      'for a in "$@"; do [ "$prev" = "-d" ] && dest="$a"; prev="$a"; done',
      `cp '${wheel}' "$dest/${PIN.file}"`,
      `echo "Saved $dest/${PIN.file}"`,
      'echo "Successfully downloaded tensorflow-cpu"',
    ].join("\n") + "\n",
  );
  await Deno.chmod(pip, 0o755);
  return pip;
}

Deno.test("setup:tf: the pin is one exact wheel file with a sha256", () => {
  assert.match(PIN.sha256, /^[0-9a-f]{64}$/);
  assert.equal(DEFAULT_WHEEL, `tensorflow-cpu==${PIN.version}`);
  assert.ok(PIN.file.startsWith(`tensorflow_cpu-${PIN.version}-${PIN.abi}-${PIN.abi}-`));
  assert.ok(PIN.file.endsWith(`-${PIN.platform}.whl`));
  assert.ok(Object.isFrozen(PIN));
});

Deno.test("setup:tf: a wrong sha256 is refused naming the file and both hashes; the download is deleted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wheel = await fakeWheel(dir);
    const actual = sha256Hex(await Deno.readFile(wheel));
    const error = await rejection(verifyWheelSha256(wheel, PIN.sha256, { remove: true }));
    assert.ok(error instanceof SetupTfError, String(error));
    assert.equal(error.step, "wheel");
    assert.ok(error.message.includes(wheel), error.message);
    assert.ok(error.message.includes(`expected ${PIN.sha256}`), error.message);
    assert.ok(error.message.includes(`actual   ${actual}`), error.message);
    assert.match(error.message, /deleted, so a retry downloads it again/);
    assert.match(error.hint, /rerun `deno task setup:tf`/);
    assert.match(error.hint, /HT_TF_WHEEL=/);
    assert.equal(await exists(wheel), false, "the bad download must be deleted");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf: a local wheel with the wrong sha256 is refused but not deleted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wheel = await fakeWheel(dir, "mine.whl");
    const wrong = "0".repeat(64);
    const error = await rejection(
      verifyWheelSha256(wheel, wrong, { remove: false, what: "HT_TF_WHEEL_SHA256" }),
    );
    assert.ok(error instanceof SetupTfError);
    assert.ok(error.message.includes(`expected ${wrong} (HT_TF_WHEEL_SHA256)`), error.message);
    assert.match(error.message, /left in place/);
    assert.match(error.hint, /HT_TF_WHEEL and HT_TF_WHEEL_SHA256/);
    assert.equal(await exists(wheel), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf: the right sha256 passes (any case) and returns it; the file stays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wheel = await fakeWheel(dir);
    const sha = sha256Hex(await Deno.readFile(wheel));
    assert.equal(await verifyWheelSha256(wheel, sha.toUpperCase(), { remove: true }), sha);
    assert.equal(await exists(wheel), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf: no HT_TF_WHEEL means the pinned wheel and its sha256", () => {
  for (const override of [undefined, "", "  "]) {
    const choice = chooseWheel(override);
    assert.equal(choice.kind, "pinned");
    assert.equal(choice.requirement, `tensorflow-cpu==${PIN.version}`);
    assert.equal(choice.sha256, PIN.sha256);
    assert.equal(
      choice.label,
      `pinned tensorflow-cpu ${PIN.version} (${PIN.file}, sha256 ${PIN.sha256.slice(0, 8)}…)`,
    );
  }
  // The pin's own sha256 in HT_TF_WHEEL_SHA256 is harmless; another one is a mistake.
  assert.equal(chooseWheel(undefined, { sha256: PIN.sha256.toUpperCase() }).kind, "pinned");
  const error = (() => {
    try {
      chooseWheel(undefined, { sha256: "a".repeat(64) });
    } catch (e) {
      return e as Error;
    }
  })();
  assert.ok(error instanceof SetupTfError);
  assert.match(error.message, /HT_TF_WHEEL_SHA256 is set .* but HT_TF_WHEEL is not/);
});

Deno.test("setup:tf --gpu: TensorFlow's CUDA build of the pinned version; `pinned` keeps the CPU pin", () => {
  const gpu = chooseWheel(undefined, { gpu: true });
  assert.equal(gpu.kind, "requirement");
  assert.equal(gpu.requirement, `tensorflow==${PIN.version}`);
  assert.equal(gpu.sha256, undefined, "no pinned sha256 for the CUDA build");
  assert.match(gpu.label, /CUDA build of the pinned version \(sha256 not checked/);
  const checked = chooseWheel("", { gpu: true, sha256: "b".repeat(64) });
  assert.equal(checked.sha256, "b".repeat(64), "HT_TF_WHEEL_SHA256 checks it");
  for (const gpuFlag of [true, false]) {
    const pinned = chooseWheel("pinned", { gpu: gpuFlag });
    assert.equal(pinned.kind, "pinned");
    assert.equal(pinned.sha256, PIN.sha256);
  }
  assert.equal(chooseWheel("tensorflow==2.20.0", { gpu: true }).requirement, "tensorflow==2.20.0");
});

Deno.test("setup:tf: HT_TF_WHEEL is a pip requirement or a local .whl path", () => {
  const req = chooseWheel("tensorflow-cpu==2.20.0");
  assert.equal(req.kind, "requirement");
  assert.equal(req.requirement, "tensorflow-cpu==2.20.0");
  assert.equal(req.sha256, undefined, "the pinned sha256 does not apply to an override");
  assert.equal(
    req.label,
    "HT_TF_WHEEL=tensorflow-cpu==2.20.0 (not the tested pin; sha256 not checked)",
  );

  const url = chooseWheel("https://example.org/w/tensorflow_cpu-2.20.0-cp311-x.whl");
  assert.equal(url.kind, "requirement", "a URL is for pip, even when it ends in .whl");

  const rel = chooseWheel("wheels/tf.whl", { cwd: "/somewhere" });
  assert.equal(rel.kind, "file");
  assert.equal(rel.path, "/somewhere/wheels/tf.whl");
  const bare = chooseWheel("tensorflow_cpu-2.20.0-cp312-cp312-manylinux_2_17_x86_64.WHL", {
    cwd: "/x",
  });
  assert.equal(bare.kind, "file");
  assert.equal(bare.path, "/x/tensorflow_cpu-2.20.0-cp312-cp312-manylinux_2_17_x86_64.WHL");
  assert.equal(chooseWheel("/abs/dir/tf.whl", { cwd: "/x" }).path, "/abs/dir/tf.whl");

  const sha = "AB".repeat(32);
  const checked = chooseWheel("/abs/tf.whl", { sha256: ` ${sha} `, name: "--wheel" });
  assert.equal(checked.sha256, sha.toLowerCase());
  assert.equal(
    checked.label,
    "--wheel=/abs/tf.whl (not the tested pin; sha256 must be abababab… (HT_TF_WHEEL_SHA256))",
  );
  assert.throws(
    () => chooseWheel("tensorflow-cpu==2.20.0", { sha256: "abc" }),
    (e: Error) => e instanceof SetupTfError && /not a sha256/.test(e.message),
  );
});

Deno.test("setup:tf: pip downloads the pinned file whatever the local Python; overrides as given", () => {
  const pinned = pipDownloadArgs(chooseWheel(undefined), "/c/wheels");
  assert.deepEqual(pinned, [
    "download",
    "--no-deps",
    "--only-binary=:all:",
    "--python-version",
    PIN.pythonVersion,
    "--implementation",
    PIN.implementation,
    "--abi",
    PIN.abi,
    "--platform",
    PIN.platform,
    "-d",
    "/c/wheels",
    `tensorflow-cpu==${PIN.version}`,
  ]);
  const override = pipDownloadArgs(chooseWheel("tensorflow==2.20.0"), "/c/wheels");
  assert.deepEqual(override, [
    "download",
    "--no-deps",
    "--only-binary=:all:",
    "-d",
    "/c/wheels",
    "tensorflow==2.20.0",
  ]);
  assert.throws(() => pipDownloadArgs(chooseWheel("/x/tf.whl"), "/c/wheels"));
});

Deno.test("setup:tf: a cache marker without sha256, or of another wheel, is not reused", async () => {
  const cache = await Deno.makeTempDir();
  try {
    const stem = PIN.file.replace(/\.whl$/, "");
    const marker = async (dir: string, fields: Record<string, unknown>) => {
      await Deno.mkdir(join(cache, dir), { recursive: true });
      await Deno.writeTextFile(
        join(cache, dir, "complete.json"),
        JSON.stringify({ version: PIN.version, files: 3, bytes: 10, ...fields }),
      );
    };
    const pinned = wheelIdentity(chooseWheel(undefined));
    assert.deepEqual(pinned, { wheel: PIN.file, sha256: PIN.sha256 });

    // As written before the pin: same wheel name, no sha256.
    await marker(stem, { wheel: PIN.file });
    assert.equal(await findCachedLibs(cache, pinned), undefined);
    // Same name, another sha256 (e.g. a local HT_TF_WHEEL file named like the pin).
    await marker(stem, { wheel: PIN.file, sha256: "1".repeat(64) });
    assert.equal(await findCachedLibs(cache, pinned), undefined);
    // The pin's sha256 but another file name.
    await Deno.remove(join(cache, stem), { recursive: true });
    await marker("tensorflow_cpu-2.21.0-other", { wheel: "other.whl", sha256: PIN.sha256 });
    assert.equal(await findCachedLibs(cache, pinned), undefined);
    // An extraction still in progress does not count.
    await marker(`${stem}.tmp-123`, { wheel: PIN.file, sha256: PIN.sha256 });
    assert.equal(await findCachedLibs(cache, pinned), undefined);

    await marker(stem, { wheel: PIN.file, sha256: PIN.sha256 });
    const found = await findCachedLibs(cache, pinned);
    assert.equal(found?.dir, join(cache, stem));
    assert.equal(found?.marker.sha256, PIN.sha256);

    // An override without a sha256 is found by its exact requirement only.
    await marker("tensorflow_cpu-2.20.0-x", {
      wheel: "tensorflow_cpu-2.20.0-x.whl",
      sha256: "2".repeat(64),
      requirement: "tensorflow-cpu==2.20.0",
    });
    const req = wheelIdentity(chooseWheel("tensorflow-cpu==2.20.0"));
    assert.equal((await findCachedLibs(cache, req))?.dir, join(cache, "tensorflow_cpu-2.20.0-x"));
    assert.equal(
      await findCachedLibs(cache, wheelIdentity(chooseWheel("tensorflow-cpu"))),
      undefined,
    );
    assert.equal(matchesWheel({ wheel: "a.whl" }, {}), false, "an empty identity matches nothing");
    assert.equal(matchesWheel(null, pinned), false);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("setup:tf: a pinned download with another sha256 is refused and deleted (fake pip)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wheel = await fakeWheel(dir, "fake.whl");
    const pip = await fakePip(dir, wheel);
    const cacheDir = join(dir, "cache");
    const lines: string[] = [];
    const error = await rejection(
      obtainWheel(chooseWheel(undefined), { cacheDir, pip, log: (l) => lines.push(l) }),
    );
    const saved = join(cacheDir, "wheels", PIN.file);
    assert.ok(error instanceof SetupTfError, String(error));
    assert.ok(error.message.includes(saved), error.message);
    assert.ok(error.message.includes(PIN.sha256), error.message);
    assert.ok(error.message.includes(sha256Hex(await Deno.readFile(wheel))), error.message);
    assert.equal(await exists(saved), false, "a retry must download again");
    const args = (await Deno.readTextFile(join(dir, "pip-args.txt"))).trim().split("\n");
    assert.deepEqual(args, pipDownloadArgs(chooseWheel(undefined), join(cacheDir, "wheels")));
    assert.ok(lines.some((l) => l.includes(`--platform ${PIN.platform}`)), lines.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf: an override with the right HT_TF_WHEEL_SHA256 passes (fake pip)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wheel = await fakeWheel(dir, "fake.whl");
    const sha = sha256Hex(await Deno.readFile(wheel));
    const pip = await fakePip(dir, wheel);
    const cacheDir = join(dir, "cache");
    const choice: WheelChoice = chooseWheel("tensorflow-cpu==2.21.0", { sha256: sha });
    const got = await obtainWheel(choice, { cacheDir, pip });
    assert.deepEqual(got, {
      path: join(cacheDir, "wheels", PIN.file),
      sha256: sha,
      downloaded: true,
    });
    assert.equal(await exists(got.path), true);
    // A local file: hashed, checked, never marked as ours to delete; a missing one is an error.
    const local = await obtainWheel(chooseWheel(wheel, { sha256: sha }));
    assert.deepEqual(local, { path: wheel, sha256: sha, downloaded: false });
    // A local override checked against the pin's sha256 is still an override: kept, and the
    // advice is about HT_TF_WHEEL, not about downloading again.
    const notPin = await rejection(obtainWheel(chooseWheel(wheel, { sha256: PIN.sha256 })));
    assert.ok(notPin instanceof SetupTfError);
    assert.match(notPin.message, /left in place/);
    assert.match((notPin as SetupTfError).hint, /HT_TF_WHEEL and HT_TF_WHEEL_SHA256/);
    assert.equal(await exists(wheel), true);
    const missing = await rejection(obtainWheel(chooseWheel(join(dir, "nope.whl"))));
    assert.ok(missing instanceof SetupTfError);
    assert.match(missing.message, /nope\.whl: no such file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf: deps/SOURCE.txt of before the pin never counts as the pinned wheel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const depsLib = join(dir, "deps", "lib");
    await Deno.mkdir(depsLib, { recursive: true });
    assert.equal(await installedTensorflowSource({ depsLib }), undefined);
    await Deno.writeTextFile(
      join(dir, "deps", "SOURCE.txt"),
      `libtensorflow from ${PIN.file} (via deno task setup:tf)\n`,
    );
    const legacy = await installedTensorflowSource({ depsLib });
    assert.equal(legacy?.route, "wheel");
    assert.equal(legacy?.wheel, PIN.file);
    assert.equal(legacy?.sha256, undefined);
    assert.equal(legacy?.pinned, false);
    assert.equal(matchesWheel(legacy, wheelIdentity(chooseWheel(undefined))), false);

    await Deno.writeTextFile(
      join(dir, "deps", "SOURCE.txt"),
      [
        `libtensorflow from ${PIN.file} (via deno task setup:tf)`,
        "route: wheel",
        `wheel: ${PIN.file}`,
        `sha256: ${PIN.sha256}`,
        "pinned: yes",
        "source: pinned tensorflow-cpu 2.21.0",
      ].join("\n") + "\n",
    );
    const pinned = await installedTensorflowSource({ depsLib });
    assert.equal(pinned?.pinned, true);
    assert.equal(pinned?.sha256, PIN.sha256);
    assert.equal(matchesWheel(pinned, wheelIdentity(chooseWheel(undefined))), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Resolve after `ms` milliseconds. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("setup:tf lock: concurrent acquirers in one process take turns; the waiter says so once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".setup-tf.lock");
    const a = await acquireSetupTfLock(path, { pollMs: 10 });
    assert.equal(a.path, path);
    assert.equal(a.waitedMs, 0);
    assert.equal(a.waitedFor, undefined);
    assert.equal(a.tookOver, undefined);
    const onDisk = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(onDisk, a.info);
    assert.equal(onDisk.pid, Deno.pid);
    assert.equal(onDisk.host, Deno.hostname());
    assert.ok(Math.abs(Date.parse(onDisk.started) - Date.now()) < 60_000, onDisk.started);

    const events: string[] = [];
    const lines: string[] = [];
    const pending = acquireSetupTfLock(path, { pollMs: 10, log: (l) => lines.push(l) })
      .then((lock) => {
        events.push("b acquired");
        return lock;
      });
    await sleep(150);
    assert.equal(events.length, 0, "the second acquirer must wait while the first holds the lock");
    events.push("a released");
    await a.release();
    await a.release(); // idempotent
    const b = await pending;
    assert.deepEqual(events, ["a released", "b acquired"]);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.ok(
      lines[0].startsWith(`waiting for another setup:tf (pid ${Deno.pid}) to finish…`),
      lines[0],
    );
    assert.equal(b.waitedFor?.id, a.info.id);
    assert.ok(b.waitedMs >= 100, String(b.waitedMs));
    assert.notEqual(b.info.id, a.info.id);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).id, b.info.id);
    await b.release();
    assert.equal(await exists(path), false, "release deletes the lock file");

    // Several at once: never two inside the critical section.
    let active = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async (i) => {
      const lock = await acquireSetupTfLock(path, { pollMs: 5 });
      try {
        active++;
        most = Math.max(most, active);
        await sleep(20);
        order.push(i);
        active--;
      } finally {
        await lock.release();
      }
    }));
    assert.equal(most, 1);
    assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
    assert.equal(await exists(path), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf lock: a lock whose process is gone is taken over, with a message", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".setup-tf.lock");
    // The pid of a process that has exited (and been reaped).
    const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
    await child.status;
    const dead = {
      pid: child.pid,
      host: Deno.hostname(),
      started: new Date().toISOString(),
      id: "dead-holder",
    };
    await Deno.writeTextFile(path, JSON.stringify(dead) + "\n");
    const lines: string[] = [];
    const lock = await acquireSetupTfLock(path, { pollMs: 10, log: (l) => lines.push(l) });
    try {
      assert.match(lock.tookOver ?? "", new RegExp(`pid ${child.pid} .*no longer exists`));
      assert.equal(lock.waitedFor, undefined, "a stale lock is not waited for");
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], /^stale setup:tf lock .*: taking it over$/);
      assert.equal(JSON.parse(await Deno.readTextFile(path)).id, lock.info.id);
    } finally {
      await lock.release();
    }
    assert.equal(await exists(path), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf lock: another host's lock is waited for until it is old; unreadable ones after a grace", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".setup-tf.lock");
    const other = { pid: 1, host: "elsewhere", started: new Date().toISOString(), id: "x" };
    await Deno.writeTextFile(path, JSON.stringify(other) + "\n");
    const lines: string[] = [];
    // Fresh: its pid cannot be checked from here, so it is waited for (until maxWaitMs).
    const error = await rejection(
      acquireSetupTfLock(path, { pollMs: 10, maxWaitMs: 100, log: (l) => lines.push(l) }),
    );
    assert.ok(error instanceof SetupTfError, String(error));
    assert.equal(error.step, "lock");
    assert.match(error.message, /pid 1 on elsewhere/);
    assert.ok(error.hint.includes(`delete ${path}`), error.hint);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^waiting for another setup:tf \(pid 1\) to finish…/);
    // Not refreshed for longer than staleMs: taken over.
    const old = new Date(Date.now() - 2 * 3_600_000);
    await Deno.utime(path, old, old);
    const lock = await acquireSetupTfLock(path, { pollMs: 10 });
    assert.match(lock.tookOver ?? "", /pid 1 on elsewhere.*not refreshed for 120 min/);
    await lock.release();

    // An empty lock file (a holder between createNew and its write) gets a grace period.
    await Deno.writeTextFile(path, "");
    const waited = await rejection(acquireSetupTfLock(path, { pollMs: 10, maxWaitMs: 100 }));
    assert.ok(waited instanceof SetupTfError, String(waited));
    const minuteAgo = new Date(Date.now() - 60_000);
    await Deno.utime(path, minuteAgo, minuteAgo);
    const taken = await acquireSetupTfLock(path, { pollMs: 10 });
    assert.match(taken.tookOver ?? "", /unreadable/);
    await taken.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf lock: the holder refreshes it; release leaves a lock it no longer owns alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".setup-tf.lock");
    const lock = await acquireSetupTfLock(path, { heartbeatMs: 10 });
    const old = new Date(Date.now() - 3_600_000);
    await Deno.utime(path, old, old);
    await sleep(100);
    const mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    assert.ok(Date.now() - mtime < 60_000, "the heartbeat refreshes the mtime");
    // Someone took it over (e.g. judged it stale): our release must not delete their lock.
    const theirs = JSON.stringify({ ...lock.info, id: "someone-else" }) + "\n";
    await Deno.writeTextFile(path, theirs);
    await lock.release();
    assert.equal(await Deno.readTextFile(path), theirs);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup:tf self-test: native vs cpu is judged by the float32 error model", () => {
  const u = 2 ** -24;
  assert.equal(FLOAT32_UNIT_ROUNDOFF, u);
  assert.equal(float32Gamma(96), (96 * u) / (1 - 96 * u));
  assert.equal(float32Gamma(0), 0);
  assert.throws(() => float32Gamma(2 ** 24), RangeError);

  // Sums of products evaluated in float32 in two orders stay within the bound.
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.fround(seed / 1073741824 - 1);
  };
  const n = 96;
  const forward: number[] = [];
  const backward: number[] = [];
  const scale: number[] = [];
  for (let k = 0; k < 200; k++) {
    const p = Array.from({ length: n }, () => Math.fround(rand() * rand()));
    let f = 0;
    for (const x of p) f = Math.fround(f + x);
    let b = 0;
    for (const x of [...p].reverse()) b = Math.fround(b + x);
    forward.push(f);
    backward.push(b);
    scale.push(p.reduce((s, x) => s + Math.abs(x), 0));
  }
  const same = float32ComparisonRatio(forward, backward, { scale, terms: n });
  assert.ok(same.ratio > 0 && same.ratio <= 1, String(same.ratio));
  assert.ok(same.maxDiff > 0);

  // The bound is 2·γ(n)·scale/(1 − γ(n)) (+ a floor far below it): exactly at it → 1, above → > 1.
  const g = float32Gamma(27);
  const bound = (2 * g) / (1 - g) * 10 + 2 * 27 * 2 ** -126;
  const at = float32ComparisonRatio([3 + bound], [3], { scale: [10], terms: 27 });
  assert.ok(Math.abs(at.ratio - 1) < 1e-6, String(at.ratio));
  assert.ok(float32ComparisonRatio([3 + 3 * bound], [3], { scale: [10], terms: 27 }).ratio > 2.9);
  // Relative to Σ|terms|, not to the result: after cancellation a small result may differ more.
  const cancelled = float32ComparisonRatio([1e-7], [0], { scale: [100], terms: 96 });
  assert.ok(cancelled.ratio < 1, String(cancelled.ratio));
  // Zero terms: both must be exactly zero.
  assert.equal(float32ComparisonRatio([0], [0], { scale: [0], terms: 27 }).ratio, 0);
  // NaN and shape mismatches fail.
  assert.equal(
    float32ComparisonRatio([NaN, 1], [1, 1], { scale: [1, 1], terms: 27 }).ratio,
    Infinity,
  );
  assert.equal(float32ComparisonRatio([1, 2], [1], { scale: [1], terms: 27 }).ratio, Infinity);
  assert.deepEqual(float32ComparisonRatio([], [], { scale: [], terms: 27 }), {
    ratio: 0,
    maxDiff: 0,
  });
});
