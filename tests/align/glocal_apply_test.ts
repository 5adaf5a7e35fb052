import { strict as assert } from "node:assert";
import { join } from "node:path";
import {
  makeTable,
  readTable,
  stringColumn,
  vectorColumn,
  writeTable,
} from "../../src/io/arrow.ts";
import { vectorColumnToFlat } from "../../src/io/arrow.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { readGlocalTransform } from "../../src/io/npz.ts";
import { assertFloat32Close, glocalScale } from "../_helpers/numeric.ts";
import { runPython } from "../_helpers/python.ts";
import { randomMatrix } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

const GLOCAL = join(REPO_ROOT, "data/embedded/things/glocal");
const RESNET18 = join(GLOCAL, "resnet18_avgpool_transform.npz");
const CLIP = join(GLOCAL, "clip_ViT-L-14_visual_transform.npz");

/** numpy's ((x − mean)/std) @ W (+ b) on the same features. */
function numpyApply(transform: string, x: Float64Array, shape: number[]): Promise<number[][]> {
  return runPython<number[][]>(
    `z = np.load(${JSON.stringify(transform)})
y = (inp["x"] - z["mean"]) / z["std"] @ z["weights"]
out(y + z["bias"] if "bias" in z.files else y)`,
    { x: { data: x, shape } },
  );
}

/** Run `deno task align:glocal apply` with a transform, a features file and an output path. */
function applyCli(transform: string, files: { features: string; out: string }) {
  return runTaskCli("align_glocal", [
    "apply",
    "--transform",
    transform,
    "--features",
    files.features,
    "--out",
    files.out,
  ]);
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ht-glocal-apply-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("align:glocal apply: the ResNet-18 transform on a .npy equals numpy's formula", async () => {
  await withTemp(async (dir) => {
    await withSeed("glocal apply npy", async (rng) => {
      const rows = 9, dim = 512;
      const x = randomMatrix(rng, rows, dim);
      const features = join(dir, "features.npy"), out = join(dir, "out.arrow");
      await writeNpy(features, { data: x.data, shape: [rows, dim] });
      const run = await applyCli(RESNET18, { features: features, out: out });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /9 rows × 512 features/);
      assert.match(run.stdout, /W 512×512, bias/);
      const table = await readTable(out);
      assert.deepEqual(table.schema.fields.map((f) => f.name), ["row", "vector", "vector_l2"]);
      assert.deepEqual(Array.from(table.getChild("row")!.toArray()), [...Array(rows).keys()]);
      const got = vectorColumnToFlat(table, "vector");
      assert.equal(got.dim, dim);
      const want = (await numpyApply(RESNET18, x.data, [rows, dim])).flat();
      // computed in float64 and stored as float32, against numpy's float64 (float32 error model)
      assertFloat32Close(got.data, want, {
        scale: glocalScale(await readGlocalTransform(RESNET18), x.data),
        terms: dim + 3,
        label: "ResNet-18 transform vs numpy",
        arithmetic: ["float64→float32", "float64"],
      });
      // rows normalised in float64 and stored as float32: every entry within u₃₂ of its value,
      // so the norm (summed here in float64) is 1 within u₃₂ + the sums' own float64 error
      const l2 = vectorColumnToFlat(table, "vector_l2").data;
      for (let i = 0; i < rows; i++) {
        const norm = Math.hypot(...l2.subarray(i * dim, (i + 1) * dim));
        assertFloat32Close([norm], [1], {
          scale: 1,
          terms: dim + 2,
          label: `row ${i} norm`,
          arithmetic: ["float64→float32", "float64"],
        });
      }
    });
  });
});

Deno.test("align:glocal apply: an embeddings table keeps its ids; CLIP transform without bias", async () => {
  await withTemp(async (dir) => {
    await withSeed("glocal apply arrow", async (rng) => {
      const rows = 6, dim = 768;
      const x = randomMatrix(rng, rows, dim);
      const ids = Array.from({ length: rows }, (_, i) => `img${i}`);
      const concepts = ["aardvark", "aardvark", "abacus", "abacus", "accordion", "acorn"];
      const splits = ["train", "test", "train", "val", "test", "train"];
      const features = join(dir, "clip.arrow"), out = join(dir, "clip_glocal.arrow");
      const f32 = Float32Array.from(x.data);
      await writeTable(
        features,
        makeTable({
          image_id: stringColumn(ids),
          uniqueID: stringColumn(concepts),
          split: stringColumn(splits),
          vector: vectorColumn(f32, dim),
          // (a separate copy: two columns over one buffer make apache-arrow write a broken file)
          vector_l2: vectorColumn(f32.slice(), dim),
        }),
        { task: "test", version: "0" },
      );
      const run = await applyCli(CLIP, { features: features, out: out });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /no bias/);
      const table = await readTable(out);
      assert.deepEqual(
        table.schema.fields.map((f) => f.name),
        ["image_id", "uniqueID", "split", "vector", "vector_l2"],
      );
      assert.deepEqual(table.getChild("image_id")!.toArray(), ids);
      assert.deepEqual(table.getChild("uniqueID")!.toArray(), concepts);
      assert.deepEqual(table.getChild("split")!.toArray(), splits);
      const want = (await numpyApply(CLIP, Float64Array.from(f32), [rows, dim])).flat();
      const got = vectorColumnToFlat(table, "vector").data;
      assertFloat32Close(got, want, {
        scale: glocalScale(await readGlocalTransform(CLIP), f32),
        terms: dim + 3,
        label: "CLIP transform vs numpy",
        arithmetic: ["float64→float32", "float64"],
      });
    });
  });
});

Deno.test("align:glocal apply: features of another width fail naming the file, got and expected", async () => {
  await withTemp(async (dir) => {
    const features = join(dir, "wrong.npy"), out = join(dir, "out.arrow");
    await writeNpy(features, { data: new Float64Array(4 * 300).fill(0.5), shape: [4, 300] });
    const run = await applyCli(RESNET18, { features: features, out: out });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /wrong\.npy: expected 512 features per row/);
    assert.match(run.stderr, /resnet18_avgpool_transform\.npz/);
    assert.match(run.stderr, /found 300 per row/);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "nothing is written");
    // a missing flag is a usage error
    const usage = await runTaskCli("align_glocal", ["apply", "--transform", RESNET18]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /apply needs --features/);
  });
});
