/**
 * CUDA detection for `--backend gpu` (`src/models/cuda.ts`): the driver's CUDA version read with
 * `cuDriverGetVersion` from a stand-in `libcuda.so.1` compiled here (gcc), a library that does not
 * load, no driver at all, and the CPU-only libtensorflow under the GPU package.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { cpuOnlyLibtensorflow, detectCuda, formatCudaVersion } from "../../src/models/cuda.ts";

/** Compile a stand-in libcuda.so.1 whose cuDriverGetVersion reports `version`; undefined without gcc. */
async function fakeDriver(dir: string, version: number): Promise<string | undefined> {
  const src = join(dir, "cuda.c");
  await Deno.writeTextFile(
    src,
    `int cuDriverGetVersion(int *v) { *v = ${version}; return 0; }\n`,
  );
  try {
    const out = await new Deno.Command("gcc", {
      args: ["-shared", "-fPIC", "-o", join(dir, "libcuda.so.1"), src],
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.success ? join(dir, "libcuda.so.1") : undefined;
  } catch {
    return undefined;
  }
}

Deno.test("formatCudaVersion: CUDA's 1000·major + 10·minor", () => {
  assert.equal(formatCudaVersion(12080), "12.8");
  assert.equal(formatCudaVersion(11020), "11.2");
  assert.equal(formatCudaVersion(13000), "13.0");
});

Deno.test("detectCuda reads the driver's CUDA version; a broken or absent driver is named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-cuda-" });
  try {
    const lib = await fakeDriver(dir, 12080);
    if (lib) {
      const found = await detectCuda({ dirs: [dir], nvidiaSmi: false });
      assert.ok(found.usable, found.detail);
      assert.equal(found.driverCuda, "12.8");
      assert.equal(found.detail, `CUDA driver ${lib} (supports CUDA 12.8)`);
    } else {
      assert.notEqual(Deno.env.get("CI"), "1", "gcc is needed for this test in CI");
    }
    const broken = await Deno.makeTempDir({ dir, prefix: "broken-" });
    await Deno.writeTextFile(join(broken, "libcuda.so.1"), "not an ELF file");
    const bad = await detectCuda({ dirs: [broken], nvidiaSmi: false });
    assert.equal(bad.usable, false);
    assert.match(bad.detail, /libcuda\.so\.1 does not load/);
    const none = await detectCuda({ dirs: [join(dir, "empty")], nvidiaSmi: false });
    assert.deepEqual(none, {
      usable: false,
      detail: "no CUDA driver (no libcuda.so.1, no working nvidia-smi)",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cpuOnlyLibtensorflow: the tensorflow_cpu wheel under the GPU package is told apart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-gpu-pkg-" });
  try {
    assert.equal(await cpuOnlyLibtensorflow(dir), undefined, "nothing recorded");
    await Deno.mkdir(join(dir, "deps"));
    const source = (wheel: string) =>
      Deno.writeTextFile(
        join(dir, "deps", "SOURCE.txt"),
        `libtensorflow from ${wheel} (via deno task setup:tf)\nroute: wheel\nwheel: ${wheel}\n`,
      );
    await source("tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
    assert.equal(
      await cpuOnlyLibtensorflow(dir),
      "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
    );
    await source("tensorflow-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
    assert.equal(await cpuOnlyLibtensorflow(dir), undefined, "the CUDA build");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
