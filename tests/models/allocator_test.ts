import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ROOT } from "../_helpers/tasks.ts";
import { ALLOCATOR_ENV, allocatorEnv, allocatorTuned } from "../../src/models/allocator.ts";

/** glibc's own defaults, which undo the tuning when set explicitly. */
const GLIBC_DEFAULTS = { MALLOC_MMAP_MAX_: "65536", MALLOC_TRIM_THRESHOLD_: "131072" };

/** This environment without the allocator variables. */
function untunedEnv(): Record<string, string> {
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
  for (const name of Object.keys(ALLOCATOR_ENV)) delete env[name];
  return env;
}

/** Run `deno run -A SCRIPT` (through tasks/supervise.ts when `supervised`) and return stdout. */
async function runScript(
  script: string,
  options: { env: Record<string, string>; supervised: boolean },
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "allocator-test-" });
  try {
    const file = join(dir, "child.ts");
    await Deno.writeTextFile(file, script);
    const args = ["run", "-A", "--config", join(ROOT, "deno.json"), file];
    const out = await new Deno.Command(Deno.execPath(), {
      args: options.supervised ? ["run", "-A", join(ROOT, "tasks", "supervise.ts"), ...args] : args,
      cwd: ROOT,
      clearEnv: true,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    return dec.decode(out.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("allocator: the variables are added where unset, and the user's values win", () => {
  assert.deepEqual(allocatorEnv({}), { ...ALLOCATOR_ENV });
  assert.deepEqual(allocatorEnv({ MALLOC_MMAP_MAX_: "7" }), {
    MALLOC_TRIM_THRESHOLD_: ALLOCATOR_ENV.MALLOC_TRIM_THRESHOLD_,
  });
  assert.deepEqual(allocatorEnv({ ...GLIBC_DEFAULTS }), {});
  assert.equal(allocatorTuned({}), false);
  assert.equal(allocatorTuned({ MALLOC_MMAP_MAX_: "0" }), false);
  assert.equal(allocatorTuned({ ...ALLOCATOR_ENV }), true);
  assert.equal(Number(ALLOCATOR_ENV.MALLOC_MMAP_MAX_), 0);
  assert.ok(Number(ALLOCATOR_ENV.MALLOC_TRIM_THRESHOLD_) >= 2 ** 32);
});

Deno.test("allocator: tasks/supervise.ts starts its child with the settings unless the user set them", async () => {
  const script = 'console.log(Deno.env.get("MALLOC_MMAP_MAX_"), ' +
    'Deno.env.get("MALLOC_TRIM_THRESHOLD_"));\n';
  const tuned = await runScript(script, { env: untunedEnv(), supervised: true });
  assert.equal(
    tuned.trim(),
    `${ALLOCATOR_ENV.MALLOC_MMAP_MAX_} ${ALLOCATOR_ENV.MALLOC_TRIM_THRESHOLD_}`,
  );
  const own = await runScript(script, {
    env: { ...untunedEnv(), ...GLIBC_DEFAULTS },
    supervised: true,
  });
  assert.equal(own.trim(), "65536 131072");
  const plain = await runScript(script, { env: untunedEnv(), supervised: false });
  assert.equal(plain.trim(), "undefined undefined");
});

Deno.test("allocator: the native backend computes the same bits with and without the settings", async () => {
  // Tensors of 8×56×56×64 floats and more: above glibc's mmap threshold, so the untuned process
  // maps and unmaps them per op and the tuned one reuses heap blocks.
  const script = `
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "${join(ROOT, "src/models/backend.ts")}";
import { sha256Hex } from "${join(ROOT, "src/io/hash.ts")}";
await initBackend({ backend: "tensorflow", log: false });
const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, "float32", seed);
const x = seeded([8, 56, 56, 64], 1);
const w1 = seeded([3, 3, 64, 256], 2);
const w2 = seeded([1, 1, 256, 64], 3);
const f = (v: tf.Tensor4D) => tf.conv2d(tf.relu(tf.conv2d(v, w1 as tf.Tensor4D, 1, "same")), w2 as tf.Tensor4D, 1, "same").square().mean();
const [y, g] = tf.tidy(() => { const { value, grad } = tf.valueAndGrad(f)(x as tf.Tensor4D); return [value, grad]; });
const values = new Float32Array(1 + g.size);
values[0] = y.dataSync()[0];
values.set(g.dataSync(), 1);
console.log(sha256Hex(new Uint8Array(values.buffer)));
`;
  const tuned = await runScript(script, {
    env: { ...untunedEnv(), ...ALLOCATOR_ENV },
    supervised: false,
  });
  const untuned = await runScript(script, {
    env: { ...untunedEnv(), ...GLIBC_DEFAULTS },
    supervised: false,
  });
  assert.match(tuned, /^[0-9a-f]{64}/);
  assert.equal(tuned, untuned);
});
