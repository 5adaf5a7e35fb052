import { strict as assert } from "node:assert";
import { join } from "node:path";
import { runTaskCli } from "../_helpers/tasks.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { readSposeEmbedding } from "../../src/data/readers/mod.ts";

const D = "data/embedded/things";
const SPOSE = `${D}/spose49/spose_embedding_49d_sorted.txt`;

Deno.test("eval oddoneout: SPoSE-49 on the THINGS-data test triplets gives the published 64.0%", async () => {
  const r = await runTaskCli("eval", [
    "oddoneout",
    "--embedding",
    SPOSE,
    "--triplets",
    `${D}/triplets/thingsdata_test_10_ID.txt`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.n, 127304);
  assert.equal(out.format, "zero-based");
  assert.ok(Math.abs(out.accuracy - 0.640) <= 0.001, `accuracy ${out.accuracy}`);
});

Deno.test("eval ceiling: the noise-ceiling file gives the published 67.2%", async () => {
  const r = await runTaskCli("eval", [
    "ceiling",
    "--triplets",
    `${D}/triplets/triplets_noiseceiling.csv`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.n_triplets, 1000);
  assert.equal(out.n_responses, 20000);
  assert.ok(Math.abs(out.noise_ceiling - 0.672) <= 0.001, `ceiling ${out.noise_ceiling}`);
});

Deno.test("eval: .npy and .txt embeddings agree; rsa of a file with itself is 1; bad input is a clear error", async () => {
  const dir = await Deno.makeTempDir();
  const spose = await readSposeEmbedding(SPOSE);
  const npy = join(dir, "spose.npy");
  await writeNpy(npy, { data: spose.data, shape: [spose.rows, spose.cols] });
  const trip = `${D}/triplets/2171trials_humans.txt`;
  const a = JSON.parse(
    (await runTaskCli("eval", ["oddoneout", "--embedding", SPOSE, "--triplets", trip])).stdout,
  );
  const b = JSON.parse(
    (await runTaskCli("eval", ["oddoneout", "--embedding", npy, "--triplets", trip])).stdout,
  );
  assert.equal(a.accuracy, b.accuracy);
  const rsa = await runTaskCli("eval", ["rsa", "--a", SPOSE, "--b", npy, "--compare", "pearson"]);
  assert.equal(rsa.code, 0, rsa.stderr);
  assert.ok(Math.abs(JSON.parse(rsa.stdout).rho - 1) < 1e-12);
  assert.equal(JSON.parse(rsa.stdout).n_pairs, (1854 * 1853) / 2);
  const bad = await runTaskCli("eval", [
    "oddoneout",
    "--embedding",
    join(dir, "missing.npy"),
    "--triplets",
    trip,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /missing\.npy/);
  const usage = await runTaskCli("eval", ["frobnicate"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown eval command/);
  const help = await runTaskCli("eval", ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /oddoneout/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("eval gwot: SPoSE-49 vs VICE on all 1,854 concepts matches far above chance", async () => {
  const vice = SPOSE.replace(
    "spose49/spose_embedding_49d_sorted.txt",
    "vice/vice_things_final_embedding.npy",
  );
  const r = await runTaskCli("eval", [
    "gwot",
    "--a",
    SPOSE,
    "--b",
    vice,
    "--eps",
    "0.005",
    "--max-iter",
    "30",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.n, 1854);
  // chance is 1/1854 ≈ 0.0005; 30 steps already match most concepts
  assert.ok(out.best.top1 > 0.5, `top-1 ${out.best.top1}`);
  assert.ok(out.chance_top1_p95 < 0.005);
  assert.ok(out.rsa_pearson > 0.9);
  assert.ok(out.seconds > 0);
});
