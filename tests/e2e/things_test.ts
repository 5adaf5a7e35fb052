/**
 * End-to-end on the THINGS profile, rehearsed: `deno task rehearsal` writes THINGS-shaped
 * archives (24 concepts × 8 synthetic photos), its loopback server serves them the way GitHub
 * and OSF do, `setup --from-url` downloads (one download cut off and resumed; a kill -9 in the
 * middle, then the same command), and `all --profile things` runs every stage with ResNet-50 at
 * 224 px (a short schedule) — killed with SIGKILL during training and rerun with the same
 * command — to the site. Every table, figure and page is checked; the killed-and-rerun model
 * equals an uninterrupted retraining byte for byte.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { exists } from "../../src/io/files.ts";
import { modelJsonPath } from "../../src/models/backbones.ts";
import { startRehearsalServer } from "../../src/setup/rehearsal/serve.ts";
import { parseSha256Sums } from "../../src/setup/sums.ts";
import { loadCheckpoint } from "../../src/train/checkpoint.ts";
import { MODEL_NAMES } from "../../src/train/config.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

const HAVE_RESNET = await exists(modelJsonPath("resnet50"));
const CONCEPTS = 24;
const PER_CONCEPT = 8;
/** A short schedule: the pipeline's shape with ResNet-50, not its full cost. */
const SCHEDULE = ["--head-epochs", "3", "--layer4-epochs", "1", "--max-train-batches", "4"];

/** Spawn a task, wait until `ready()` holds (polled), then SIGKILL it. */
async function killWhen(
  task: string,
  args: string[],
  ready: (stderr: string) => Promise<boolean> | boolean,
): Promise<{ killed: boolean; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tasks/${task}.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reader = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk);
  })();
  let killed = false;
  for (let i = 0; i < 60_000 && !killed; i++) {
    await new Promise((r) => setTimeout(r, 10));
    if (await ready(stderr)) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  await reader;
  return { killed: killed && !status.success, stderr };
}

Deno.test({
  name:
    "e2e things: rehearsal → setup --from-url (kill -9, rerun) → all --profile things with ResNet-50 (kill -9 in train, rerun) → site",
  ignore: !HAVE_RESNET,
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "ht-things-e2e-" });
    const rehearsal = join(work, "rehearsal");
    const dest = join(work, "things");
    const out = join(work, "out");

    // 1. the rehearsal set
    const made = await runTaskCli("rehearsal", [
      "--concepts",
      String(CONCEPTS),
      "--images-per-concept",
      String(PER_CONCEPT),
      "--out",
      rehearsal,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const published = parseSha256Sums(await Deno.readTextFile(join(rehearsal, "SHA256SUMS")));

    // 2. setup through the loopback server; SIGKILL while images_THINGS.zip is half-downloaded
    const server = await startRehearsalServer(rehearsal);
    try {
      const setupArgs = ["--profile", "things", "--images", "all", "--dest", dest];
      const fromUrl = ["--from-url", server.base];
      const part = join(dest, "downloads/images_THINGS.zip.part");
      const killed = await killWhen("setup", [...setupArgs, ...fromUrl], () => exists(part));
      assert.ok(killed.killed, `setup was killed mid-download:\n${killed.stderr}`);
      assert.ok(await exists(part), "a partial download was left to resume");
      assert.equal(await exists(join(dest, "downloads/images_THINGS.zip")), false);
      const before = server.requests.length;
      const setup = await runTaskCli("setup", [...setupArgs, ...fromUrl]);
      assert.equal(setup.code, 0, setup.stderr);
      assert.ok(
        server.requests.slice(before).some((r) =>
          r.path.includes("images_THINGS.zip") && r.range !== null && r.status === 206
        ),
        "the rerun resumed the partial download with a Range request",
      );
      assert.match(setup.stdout, /skipping \d+ macOS metadata entries/);
      assert.match(setup.stdout, /setup: next: `deno task all --profile things --data-dir /);
      const sums = parseSha256Sums(await Deno.readTextFile(join(dest, "SHA256SUMS")));
      for (const archive of ["images_THINGS.zip", "images_THINGSplus-CC0.zip"]) {
        assert.equal(sums.get(`downloads/${archive}`), published.get(`downloads/${archive}`));
      }
      assert.equal(await exists(join(dest, "images/__MACOSX")), false);
    } finally {
      await server.close();
    }

    // 3. the dry run changes nothing and plans all 27 stages (embedding and GWOT: one per model)
    const base = ["--profile", "things", "--data-dir", dest, "--out", out, ...SCHEDULE];
    const dry = await runTaskCli("all", [...base, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /27 to run, 0 up to date/);
    assert.match(dry.stdout, /backbone resnet50/);
    // never-run stages are estimated from the shipped perf:scale cost model
    assert.match(dry.stdout, /train:baseline .*~\S+ est\./);
    // a model's embedding: its share of the embed stage the cost model timed
    assert.match(dry.stdout, /embed:baseline .*~\S+ est\./);
    assert.match(dry.stdout, /est\.: perf:scale's cost model .* at [\d,]+ images of 24 concepts/);
    assert.equal(await exists(out), false, "--dry-run wrote nothing");

    // 4. all --profile things, SIGKILLed during training, then the same command
    const killed = await killWhen(
      "all",
      base,
      (stderr) => /train:fixed_prototype_triplets: running/.test(stderr),
    );
    assert.ok(killed.killed, `all was killed in train:\n${killed.stderr.slice(-2000)}`);
    const all = await runTaskCli("all", base);
    assert.equal(all.code, 0, all.stderr.slice(-4000));
    assert.match(all.stderr, /27 stages \(\d+ ran, \d+ skipped\)/);
    assert.ok(
      /train:baseline: up to date, skipped/.test(all.stderr),
      `finished stages are kept:\n${all.stderr.slice(-3000)}`,
    );

    // every table
    const tables = join(out, "tables");
    const images = await readTable(join(tables, "images.arrow"));
    const families = images.getChild("family")!.toArray() as string[];
    assert.equal(families.filter((f) => f === "things").length, CONCEPTS * PER_CONCEPT);
    assert.equal(families.filter((f) => f === "thingsplus-cc0").length, CONCEPTS);
    assert.match(String(images.getChild("source")!.get(0)), /rehearsal/);
    const splits = (await readTable(join(tables, "splits.arrow"))).getChild("split")!
      .toArray() as string[];
    families.forEach((f, i) => {
      assert.equal(splits[i] === "stress", f === "thingsplus-cc0", `row ${i}: ${f} ${splits[i]}`);
    });
    const models = await readTable(join(tables, "models.arrow"));
    assert.deepEqual(models.getChild("model")!.toArray(), ["imagenet", ...MODEL_NAMES]);
    const b = (models.getChild("model")!.toArray() as string[]).indexOf("baseline");
    const top1 = models.getChild("test_top1")!.get(b) as number;
    assert.ok(top1 > 3 / CONCEPTS, `baseline test top-1 ${top1} above chance 1/${CONCEPTS}`);
    const config = JSON.parse(models.getChild("config")!.get(b) as string);
    assert.deepEqual(config.stages.map((s: { epochs: number }) => s.epochs), [3, 1]);
    const batchConfig = JSON.parse(
      models.getChild("config")!.get(
        (models.getChild("model")!.toArray() as string[]).indexOf("batch_prototype_triplets"),
      ) as string,
    );
    assert.equal(batchConfig.sampler.maxBatches, 4, "--max-train-batches caps batch prototypes");
    const emb = await readTable(join(tables, "embeddings/baseline.arrow"));
    assert.equal(emb.numRows, images.numRows);
    const meta = tableMetadata(emb);
    assert.equal(meta.profile, "things");
    const training = await readTable(join(tables, "training/baseline.arrow"));
    assert.equal(tableMetadata(training).backend?.name, "tensorflow");
    for (
      const t of [
        "concepts",
        "human_pairs",
        "triplets",
        "triplets_shuffled",
        "human_similarity",
        "benchmark",
        "comparisons",
        "gwot",
        "gwot_summary",
        "embeddings/glocal",
        "embeddings/alignet",
      ]
    ) {
      const table = await readTable(join(tables, `${t}.arrow`));
      assert.ok(table.numRows > 0, `${t} has rows`);
    }
    const bench = (await readTable(join(tables, "benchmark.arrow"))).toArray()
      .map((r) => r.toJSON() as Record<string, unknown>);
    const retrieval = bench.find((r) => r.model === "baseline" && r.metric === "retrieval@1")!;
    assert.ok(retrieval && (retrieval.n as number) === CONCEPTS, "every test photo queried");
    assert.ok(bench.every((r) => Number.isFinite(r.value as number)));
    const stress = bench.find((r) =>
      r.model === "baseline" && r.metric === "top1" && r.subset === "stress"
    );
    assert.ok(stress, "the held-out CC0 photos are evaluated");

    // figures and every page; the seed's published numbers beside the headline
    const notes = JSON.parse(await Deno.readTextFile(join(out, "figures/figure_notes.json")));
    assert.ok(notes.figures.length >= 30, `${notes.figures.length} figures`);
    for (const f of notes.figures as { file?: string; png?: string }[]) {
      const file = f.png ?? f.file;
      if (file) assert.ok(await exists(join(out, "figures", file)), file);
    }
    for (
      const page of [
        "index",
        "results",
        "models",
        "credits",
        "gwot",
        "figures/paper",
        "benchmark",
        "concepts",
        "reproduce",
      ]
    ) {
      assert.ok(await exists(join(out, "site", `${page}.html`)), page);
    }
    const overview = await findSiteData(join(out, "site"), "overview");
    assert.match(overview, /seed's PyTorch run/);
    assert.match(overview, /Rehearsal run: these images are synthetic/);

    // the model killed mid-training and rerun equals an uninterrupted retraining
    const ckpt = join(out, "checkpoints/fixed_prototype_triplets/seed-7/final.ckpt");
    const log = join(tables, "training/fixed_prototype_triplets.arrow");
    const afterKill = { weights: await weights(ckpt), log: await tableRows(log) };
    const retrain = await runTaskCli("train", [
      ...base,
      "--model",
      "fixed_prototype_triplets",
      "--force",
    ]);
    assert.equal(retrain.code, 0, retrain.stderr);
    assert.deepEqual(await weights(ckpt), afterKill.weights, "same weights, bit for bit");
    assert.deepEqual(await tableRows(log), afterKill.log, "same training log");
    await Deno.remove(work, { recursive: true });
  },
});

/** The tensors of a checkpoint (its state also holds wall-clock seconds). */
async function weights(path: string): Promise<Record<string, unknown>> {
  const ckpt = await loadCheckpoint(path);
  assert.ok(ckpt, path);
  return ckpt.tensors;
}

/** The rows of a training log without the wall-clock column. */
async function tableRows(path: string): Promise<unknown[]> {
  return (await readTable(path)).toArray().map((r) => {
    const { seconds: _s, ...rest } = r.toJSON() as Record<string, unknown>;
    return rest;
  });
}

/** Text of the site's data file `<name>.<hash>.json`. */
async function findSiteData(site: string, name: string): Promise<string> {
  const dir = join(site, "_file/data");
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(`${name}.`) && entry.name.endsWith(".json")) {
      return await Deno.readTextFile(join(dir, entry.name));
    }
  }
  throw new Error(`no ${name}.*.json in ${dir}`);
}
