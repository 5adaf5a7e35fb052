import { strict as assert } from "node:assert";
import { join } from "node:path";
import { exists } from "../_helpers/fs.ts";
import { oneDnnForcedUnsafe } from "../_helpers/onednn.ts";
import { PHOTOS, runTaskCli } from "../_helpers/tasks.ts";
import { modelJsonPath } from "../../src/models/backbones.ts";
import {
  cpuIdentity,
  decideOneDnn,
  describeOneDnn,
  hashLibraries,
  nativeLibraryFiles,
  ONEDNN_ENV,
  type OneDnnProbeResult,
  parseOneDnnEnv,
  PROBE_FAULT_ENV,
  runOneDnnProbe,
} from "../../src/models/onednn.ts";

const HAVE_RESNET = await exists(modelJsonPath("resnet50"));
const HAVE_NATIVE = (await nativeLibraryFiles()).length > 0;

/** A temp cache folder and a fake "library" file; removed after `fn`. */
async function withScratch(
  fn: (
    s: {
      cacheDir: string;
      lib: string;
      env: (vars: Record<string, string>) => (name: string) => string | undefined;
    },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "onednn-test-" });
  try {
    const lib = join(dir, "libtensorflow_cc.so.2");
    await Deno.writeTextFile(lib, "not really a library, version 1\n");
    await fn({
      cacheDir: join(dir, "cache"),
      lib,
      env: (vars) => (name) => vars[name],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fake probe that returns `result` and counts its calls. */
function fakeProbe(
  result: OneDnnProbeResult,
): { probe: () => Promise<OneDnnProbeResult>; calls: () => number } {
  let n = 0;
  return {
    probe: () => {
      n++;
      return Promise.resolve(result);
    },
    calls: () => n,
  };
}

const CRASH: OneDnnProbeResult = {
  outcome: "crashed",
  signal: "SIGFPE",
  detail: "probe crashed with SIGFPE",
  ms: 10,
};
const OK: OneDnnProbeResult = { outcome: "ok", detail: "probe passed", ms: 10 };

Deno.test("oneDNN decision: a crashing probe turns oneDNN off, is cached, and is keyed by the library", async () => {
  await withScratch(async ({ cacheDir, lib, env }) => {
    const fake = fakeProbe(CRASH);
    const options = { cacheDir, libraries: [lib], probe: fake.probe, env: env({}) };
    const first = await decideOneDnn(options);
    assert.equal(first.enabled, false);
    assert.equal(first.source, "probe");
    assert.equal(first.reason, "probe crashed with SIGFPE on this CPU");
    assert.equal(describeOneDnn(first), "oneDNN off: probe crashed with SIGFPE on this CPU");
    assert.ok(first.verdictFile && await exists(first.verdictFile));
    const saved = JSON.parse(await Deno.readTextFile(first.verdictFile!));
    assert.equal(saved.safe, false);
    assert.equal(saved.probe.signal, "SIGFPE");
    assert.deepEqual(saved.cpu, await cpuIdentity());
    assert.equal(saved.libraries[0].path, lib);
    // The second decision reads the verdict instead of probing again.
    const second = await decideOneDnn(options);
    assert.equal(fake.calls(), 1);
    assert.equal(second.source, "cache");
    assert.equal(second.enabled, false);
    assert.equal(second.reason, first.reason);
    // Another TensorFlow build (different library content) is probed afresh.
    await Deno.writeTextFile(lib, "another build, version 2\n");
    const ok = fakeProbe(OK);
    const third = await decideOneDnn({ ...options, probe: ok.probe });
    assert.equal(ok.calls(), 1);
    assert.equal(third.enabled, true);
    assert.equal(third.reason, "probe passed on this CPU");
    assert.notEqual(third.verdictFile, first.verdictFile);
  });
});

Deno.test("oneDNN decision: the user's TF_ENABLE_ONEDNN_OPTS wins, with a warning where the probe crashed", async () => {
  await withScratch(async ({ cacheDir, lib, env }) => {
    const fake = fakeProbe(CRASH);
    const base = { cacheDir, libraries: [lib], probe: fake.probe };
    const off = await decideOneDnn({ ...base, env: env({ [ONEDNN_ENV]: "0" }) });
    assert.deepEqual([off.enabled, off.source, off.reason], [
      false,
      "user",
      `${ONEDNN_ENV}=0 set by the user`,
    ]);
    assert.equal(fake.calls(), 0, "forcing oneDNN off needs no probe");
    const on = await decideOneDnn({ ...base, env: env({ [ONEDNN_ENV]: "true" }) });
    assert.deepEqual([on.enabled, on.source], [true, "user"]);
    assert.match(
      on.warning ?? "",
      /probe crashed with SIGFPE on this CPU; native TensorFlow may crash/,
    );
    assert.equal(fake.calls(), 1);
    await assert.rejects(
      decideOneDnn({ ...base, env: env({ [ONEDNN_ENV]: "maybe" }) }),
      /TF_ENABLE_ONEDNN_OPTS must be 0 or 1 \(or true\/false\), got "maybe"/,
    );
  });
  assert.equal(parseOneDnnEnv(undefined), undefined);
  assert.equal(parseOneDnnEnv(" "), undefined);
  assert.equal(parseOneDnnEnv("ON"), true);
  assert.equal(parseOneDnnEnv("0"), false);
});

Deno.test("oneDNN decision: a probe that fails without crashing turns oneDNN off for this run only", async () => {
  await withScratch(async ({ cacheDir, lib, env }) => {
    const fake = fakeProbe({
      outcome: "failed",
      detail: "probe exited with code 1: no addon",
      ms: 5,
    });
    const options = { cacheDir, libraries: [lib], probe: fake.probe, env: env({}) };
    const first = await decideOneDnn(options);
    assert.equal(first.enabled, false);
    assert.equal(first.source, "probe-failed");
    assert.match(
      first.reason,
      /exited with code 1: no addon \(not cached; probing again next time\)/,
    );
    await decideOneDnn(options);
    assert.equal(fake.calls(), 2, "not cached");
    // No libraries at all: nothing to probe.
    const none = await decideOneDnn({ ...options, libraries: [] });
    assert.equal(none.enabled, false);
    assert.match(none.reason, /no TensorFlow libraries/);
    assert.equal(fake.calls(), 2);
  });
});

Deno.test("oneDNN decision: HT_ONEDNN_PROBE_FAULT is part of the key and is named in the reason", async () => {
  await withScratch(async ({ cacheDir, lib, env }) => {
    const ok = fakeProbe(OK);
    const plain = await decideOneDnn({ cacheDir, libraries: [lib], probe: ok.probe, env: env({}) });
    assert.equal(plain.enabled, true);
    const crash = fakeProbe(CRASH);
    const faulted = await decideOneDnn({
      cacheDir,
      libraries: [lib],
      probe: crash.probe,
      env: env({ [PROBE_FAULT_ENV]: "sigfpe" }),
    });
    assert.equal(crash.calls(), 1, "a cached real verdict does not answer for a simulated fault");
    assert.equal(faulted.enabled, false);
    assert.equal(
      faulted.reason,
      "probe crashed with SIGFPE on this CPU (simulated by HT_ONEDNN_PROBE_FAULT=sigfpe)",
    );
    await assert.rejects(
      decideOneDnn({ cacheDir, libraries: [lib], env: env({ [PROBE_FAULT_ENV]: "boom" }) }),
      /HT_ONEDNN_PROBE_FAULT must be one of sigfpe, sigsegv, error, got "boom"/,
    );
  });
});

Deno.test("oneDNN decision: library hashes are remembered by path, size, inode and mtime", async () => {
  await withScratch(async ({ cacheDir, lib }) => {
    const [first] = await hashLibraries([lib], { cacheDir });
    assert.match(first.sha256, /^[0-9a-f]{64}$/);
    // A changed memo value is believed while the file is unchanged (no rehash) …
    const memo = [...Deno.readDirSync(cacheDir)].find((e) => e.name.startsWith("lib-"))!.name;
    const saved = JSON.parse(await Deno.readTextFile(join(cacheDir, memo)));
    await Deno.writeTextFile(
      join(cacheDir, memo),
      JSON.stringify({ ...saved, sha256: "0".repeat(64) }),
    );
    assert.equal((await hashLibraries([lib], { cacheDir }))[0].sha256, "0".repeat(64));
    // … and ignored once the file changes.
    await Deno.writeTextFile(lib, "changed content, longer than before\n");
    const [again] = await hashLibraries([lib], { cacheDir });
    assert.notEqual(again.sha256, "0".repeat(64));
    assert.notEqual(again.sha256, first.sha256);
  });
});

Deno.test("oneDNN probe: a crashing or failing child is reported, never fatal to this process", async () => {
  const crashed = await runOneDnnProbe({ env: { [PROBE_FAULT_ENV]: "sigfpe" } });
  assert.equal(crashed.outcome, "crashed");
  assert.equal(crashed.signal, "SIGFPE");
  assert.equal(crashed.detail, "probe crashed with SIGFPE");
  const failed = await runOneDnnProbe({ env: { [PROBE_FAULT_ENV]: "error" } });
  assert.equal(failed.outcome, "failed");
  assert.match(failed.detail, /exited with code 3: HT_ONEDNN_PROBE_FAULT=error: simulated/);
});

Deno.test({
  name: "oneDNN probe: the real workload either passes or crashes by a signal on this CPU",
  ignore: !HAVE_NATIVE,
  fn: async () => {
    const result = await runOneDnnProbe();
    assert.notEqual(result.outcome, "failed", result.detail);
    if (result.outcome === "crashed") assert.match(result.signal ?? "", /^SIG[A-Z]+$/);
  },
});

/** The backend line of a task's stderr. */
function backendLine(stderr: string): string {
  return stderr.split("\n").find((l) => l.startsWith("backend: tensorflow")) ?? stderr;
}

Deno.test({
  name:
    "backbone classify --model resnet50: a crashing oneDNN probe → oneDNN off, says why, classifies",
  ignore: !HAVE_RESNET || !HAVE_NATIVE,
  fn: async () => {
    const cache = await Deno.makeTempDir({ prefix: "onednn-task-" });
    try {
      const run = await runTaskCli(
        "backbone",
        ["classify", "--model", "resnet50", "--backend", "tensorflow", "--json", PHOTOS.chelsea],
        { env: { HT_TF_CACHE: cache, [PROBE_FAULT_ENV]: "sigfpe" }, unset: [ONEDNN_ENV] },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /oneDNN: probing this CPU once/);
      assert.match(
        backendLine(run.stderr),
        /oneDNN off: probe crashed with SIGFPE on this CPU \(simulated by HT_ONEDNN_PROBE_FAULT=sigfpe\)/,
      );
      const [chelsea] = JSON.parse(run.stdout);
      assert.equal(chelsea.top[0].name, "Egyptian cat");
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "backbone classify --model resnet50: without a fault, the real probe decides and the line says so",
  ignore: !HAVE_RESNET || !HAVE_NATIVE,
  fn: async () => {
    const cache = await Deno.makeTempDir({ prefix: "onednn-task-" });
    try {
      const probe = await runOneDnnProbe();
      const run = await runTaskCli(
        "backbone",
        ["classify", "--model", "resnet50", "--backend", "tensorflow", "--json", PHOTOS.coffee],
        { env: { HT_TF_CACHE: cache }, unset: [ONEDNN_ENV, PROBE_FAULT_ENV] },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        backendLine(run.stderr),
        probe.outcome === "ok"
          ? /oneDNN on: probe passed on this CPU/
          : /oneDNN off: probe crashed with SIG[A-Z]+ on this CPU/,
      );
      assert.equal(JSON.parse(run.stdout)[0].top[0].name, "espresso");
      // A second run reads the cached verdict: no probe.
      const again = await runTaskCli(
        "backbone",
        ["classify", "--model", "resnet50", "--backend", "tensorflow", "--json", PHOTOS.coffee],
        { env: { HT_TF_CACHE: cache }, unset: [ONEDNN_ENV, PROBE_FAULT_ENV] },
      );
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /probing this CPU/);
      assert.equal(backendLine(again.stderr), backendLine(run.stderr));
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});

const FORCED_UNSAFE = HAVE_NATIVE ? await oneDnnForcedUnsafe() : undefined;

Deno.test({
  name: FORCED_UNSAFE
    ? "oneDNN forced on where its probe crashed: the task warns before native TensorFlow runs"
    : "oneDNN forced on where its probe crashed — not this run (oneDNN not forced on, or safe here)",
  ignore: !FORCED_UNSAFE || !HAVE_RESNET,
  fn: async () => {
    const run = await runTaskCli(
      "backbone",
      ["classify", "--model", "resnet50", "--backend", "tensorflow", PHOTOS.chelsea],
      { env: { [ONEDNN_ENV]: "1" }, unset: [PROBE_FAULT_ENV] },
    );
    assert.match(
      run.stderr,
      /backend: WARNING: the oneDNN probe crashed with SIG[A-Z]+ on this CPU/,
    );
    // The crash itself is what the warning predicts; either way the process ends with a message.
    if (run.code !== 0) assert.ok(run.signal !== null, `exit ${run.code}: ${run.stderr}`);
  },
});

Deno.test({
  name: "onednn task: prints the decision, reads the cached verdict, --reprobe probes again",
  ignore: !HAVE_NATIVE,
  fn: async () => {
    const cache = await Deno.makeTempDir({ prefix: "onednn-task-" });
    try {
      const env = { HT_TF_CACHE: cache, [PROBE_FAULT_ENV]: "sigfpe" };
      const run = (args: string[]) => runTaskCli("onednn", args, { env, unset: [ONEDNN_ENV] });
      const first = await run(["--json"]);
      assert.equal(first.code, 0, first.stderr);
      const decision = JSON.parse(first.stdout);
      assert.deepEqual([decision.enabled, decision.source], [false, "probe"]);
      assert.ok(decision.verdictFile.startsWith(join(cache, "onednn")));
      assert.equal(typeof decision.cpu.isa, "string");
      const text = await run([]);
      assert.match(text.stdout, /^oneDNN off: probe crashed with SIGFPE on this CPU \(simulated/);
      assert.doesNotMatch(text.stderr, /probing/);
      const again = await run(["--reprobe", "--json"]);
      assert.equal(JSON.parse(again.stdout).source, "probe");
      assert.match(again.stderr, /probing this CPU once/);
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});
