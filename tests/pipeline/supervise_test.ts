import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ROOT } from "../_helpers/tasks.ts";
import { commandLabel, signalMessage } from "../../src/pipeline/supervise.ts";

/** Run `tasks/supervise.ts run -A SCRIPT` and capture everything. */
async function supervise(script: string): Promise<Deno.CommandOutput & { text: string }> {
  const dir = await Deno.makeTempDir({ prefix: "supervise-test-" });
  try {
    const file = join(dir, "child.ts");
    await Deno.writeTextFile(file, script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "tasks", "supervise.ts"), "run", "-A", file],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { ...out, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("supervise: a child killed by SIGFPE is reported with what to try, and its code kept", async () => {
  const out = await supervise(
    'console.log("backend: tensorflow (…, oneDNN on: probe passed on this CPU)");\n' +
      'Deno.kill(Deno.pid, "SIGFPE");\nawait new Promise((r) => setTimeout(r, 10_000));\n',
  );
  assert.equal(out.code, 128 + 8);
  assert.equal(out.signal, null, "the supervisor itself exits normally");
  assert.match(out.text, /backend: tensorflow/);
  assert.match(out.text, /child: killed by SIGFPE, a crash inside native code/);
  assert.match(out.text, /rerun with TF_ENABLE_ONEDNN_OPTS=0/);
});

Deno.test("supervise: ordinary exits pass through untouched", async () => {
  const ok = await supervise('console.log("hello");\n');
  assert.equal(ok.code, 0);
  assert.equal(ok.text, "hello\n");
  const failed = await supervise('console.error("bad input");\nDeno.exit(2);\n');
  assert.equal(failed.code, 2);
  assert.equal(failed.text, "bad input\n");
});

Deno.test("supervise: labels and messages", () => {
  assert.equal(commandLabel(["run", "-A", "tasks/backbone.ts", "classify"]), "backbone");
  assert.equal(commandLabel(["test", "-A", "--quiet", "tests/"]), "deno test");
  assert.equal(signalMessage("all", "SIGINT"), undefined);
  assert.equal(signalMessage("all", "SIGTERM"), undefined);
  assert.match(signalMessage("all", "SIGKILL")!, /out of memory/);
  assert.match(signalMessage("deno test", "SIGSEGV")!, /ended without its summary/);
  assert.match(signalMessage("train", "SIGSEGV")!, /rerunning the same command continues/);
});
