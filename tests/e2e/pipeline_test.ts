/**
 * End-to-end: the whole pipeline (`deno task all`) on a 40-concept slice of the embedded default,
 * the stage cache, determinism, and crash safety of table writes (SIGKILL mid-write).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readTable, tableMetadata } from "../../src/io/arrow.ts";
import { MODEL_NAMES } from "../../src/train/config.ts";
import { readConceptIndex } from "../../src/data/readers/mod.ts";
import { evaluateOddOneOut } from "../../src/eval/mod.ts";
import { resolveProfile } from "../../src/pipeline/profile.ts";
import { ROOT, runTaskCli } from "../_helpers/tasks.ts";

/**
 * Every table of a run but its wall-clock timings (`timings/`), by path below `tables/`: the
 * same seed must give the same bytes.
 */
async function tableBytes(dir: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  const walk = async (sub: string) => {
    for await (const entry of Deno.readDir(join(dir, "tables", sub))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory && rel !== "timings") await walk(rel);
      else if (entry.isFile && entry.name.endsWith(".arrow")) {
        out[rel] = await Deno.readFile(join(dir, "tables", rel));
      }
    }
  };
  await walk("");
  return out;
}

// data, human, 7 × train, 8 × embed:<model>, embed, align:glocal, align:alignet, bench,
// 3 × align:gwot:<model> (baseline, joint matrix alignment, the untrained networks), align:gwot,
// figures, site
const STAGES = 27;

Deno.test("e2e: deno task all --limit-concepts 40 writes every table, skips on rerun, is deterministic", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-e2e-" });
  const first = await runTaskCli("all", ["--limit-concepts", "40", "--out", out]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`${STAGES} ran, 0 skipped`));

  const concepts = await readTable(join(out, "tables/concepts.arrow"));
  assert.equal(concepts.numRows, 1854);
  const has = concepts.getChild("has_images")!.toArray() as boolean[];
  assert.equal(has.filter(Boolean).length, 40);
  assert.equal(concepts.getChild("uniqueID")!.get(0), "aardvark");
  const images = await readTable(join(out, "tables/images.arrow"));
  const ids = new Set(images.getChild("uniqueID")!.toArray() as string[]);
  assert.equal(ids.size, 40);
  const splits = await readTable(join(out, "tables/splits.arrow"));
  assert.equal(splits.numRows, images.numRows);
  const splitValues = new Set(splits.getChild("split")!.toArray() as string[]);
  for (const s of ["train", "val", "test"]) assert.ok(splitValues.has(s), `split ${s} present`);
  const sim = await readTable(join(out, "tables/human_similarity.arrow"));
  assert.equal(sim.numRows, 1854);
  const pairs = await readTable(join(out, "tables/human_pairs.arrow"));
  assert.equal(pairs.numRows, (40 * 39) / 2);
  const triplets = await readTable(join(out, "tables/triplets.arrow"));
  assert.ok(triplets.numRows > 0);
  for (const c of ["anchor_uniqueID", "positive_uniqueID", "negative_uniqueID"]) {
    for (const id of triplets.getChild(c)!.toArray() as string[]) {
      assert.ok(ids.has(id), `${c} ${id} has images`);
    }
  }
  const meta = tableMetadata(triplets);
  assert.equal(meta.task, "human");
  assert.equal(meta.seed, 7);
  assert.equal(meta.profile, "embedded");
  assert.ok(
    Object.keys(meta.inputs ?? {}).some((k) => k.endsWith("spose_embedding_49d_sorted.txt")),
  );

  // the trained models: every variant, the baseline well above chance on the held-out style
  const models = await readTable(join(out, "tables/models.arrow"));
  const names = models.getChild("model")!.toArray() as string[];
  assert.deepEqual(names, ["imagenet", ...MODEL_NAMES]);
  const baseline = names.indexOf("baseline");
  const top1 = models.getChild("test_top1")!.get(baseline) as number;
  const chance = models.getChild("chance")!.get(baseline) as number;
  assert.ok(top1 > 5 * chance, `baseline test top-1 ${top1} vs chance ${chance}`);
  const emb = await readTable(join(out, "tables/embeddings/baseline.arrow"));
  assert.equal(emb.numRows, images.numRows);
  const training = await readTable(join(out, "tables/training/fixed_prototype_triplets.arrow"));
  assert.ok((training.getChild("loss_triplet")!.toArray() as Float64Array).some((v) => v > 0));
  // tables computed on TF.js say on which backend, and for the native one whether oneDNN was on
  for (
    const file of [
      "training/baseline.arrow",
      "embeddings/baseline.arrow",
      "embeddings/glocal.arrow",
    ]
  ) {
    const backend = tableMetadata(await readTable(join(out, "tables", file))).backend;
    assert.ok(backend && typeof backend.name === "string", `${file}: backend metadata`);
    if (backend.name === "tensorflow") {
      assert.equal(typeof backend.onednn, "boolean", file);
      assert.match(String(backend.onednnReason), /probe (passed|crashed)|set by the user/, file);
    }
  }
  assert.equal(tableMetadata(images).backend, undefined, "the data stage uses no TF.js backend");

  // the benchmark: every model, the SPoSE reference equal to `deno task eval oddoneout`
  const bench = (await readTable(join(out, "tables/benchmark.arrow"))).toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  const benchModels = new Set(bench.map((r) => r.model));
  for (const m of ["imagenet", ...MODEL_NAMES, "glocal", "alignet", "unalignet", "spose49"]) {
    assert.ok(benchModels.has(m), m);
  }
  const spose = bench.find((r) =>
    r.model === "spose49" && r.metric === "oddoneout_accuracy" && r.subset === "all_concepts"
  )!;
  const profile = resolveProfile("embedded");
  const evaluated = await evaluateOddOneOut(
    {
      embedding: join(profile.thingsDir, "spose49/spose_embedding_49d_sorted.txt"),
      triplets: profile.testTriplets,
    },
    { concepts: await readConceptIndex(join(profile.thingsDir, "concepts/unique_id.txt")) },
  );
  assert.equal(spose.value, evaluated.accuracy);
  assert.equal(spose.n, evaluated.n);
  const protoTop1 = bench.find((r) => r.model === "baseline" && r.metric === "top1")!;
  assert.ok((protoTop1.ci_low as number) <= (protoTop1.value as number));
  assert.equal(
    bench.filter((r) => r.model === "baseline" && r.metric === "human_pair_rho").length,
    2,
  );
  // the external RSA with RDM48: of its 48 concepts only bag and beaver are in the 40-concept
  // slice, fewer than 3, so no row and the metric listed as not computable
  const benchNotes = tableMetadata(await readTable(join(out, "tables/benchmark.arrow"))).notes as {
    not_computable: string[];
  };
  for (const metric of ["rdm48_rsa_spearman", "rdm48_rsa_pearson"]) {
    assert.ok(benchNotes.not_computable.includes(`${metric}|rdm48`), metric);
    assert.ok(!bench.some((r) => r.metric === metric), metric);
  }
  const comparisons = (await readTable(join(out, "tables/comparisons.arrow"))).toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  for (
    const [a, b] of [
      ["fixed_prototype_triplets", "fixed_prototype_control"],
      ["joint_matrix_alignment", "matrix_control"],
      ["alignet", "unalignet"],
    ]
  ) {
    const rows = comparisons.filter((r) => r.model_a === a && r.model_b === b);
    assert.ok(rows.length >= 8, `${a} vs ${b}: ${rows.length} metrics`);
    for (const r of rows) {
      assert.ok((r.ci_low as number) <= (r.delta as number) + 1e-12, `${a} ${r.metric}`);
      assert.ok((r.ci_high as number) >= (r.delta as number) - 1e-12);
      assert.ok((r.p_adj as number) >= (r.p as number) && (r.p_adj as number) <= 1);
    }
  }

  // the quick GWOT sweep of `all`: baseline and joint matrix alignment, 3 ε from the product plan,
  // and the untrained baseline (5 random networks of the backbone, seeds 7…11, the same sweep)
  const quick = (await readTable(join(out, "tables/gwot.arrow"))).toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  assert.equal(quick.length, (2 + 5) * 3);
  assert.deepEqual([...new Set(quick.map((r) => r.model))], [
    "baseline",
    "joint_matrix_alignment",
    "untrained",
  ]);
  assert.deepEqual(
    [...new Set(quick.filter((r) => r.model === "untrained").map((r) => r.seed))],
    [7, 8, 9, 10, 11],
  );
  assert.equal(quick.filter((r) => r.best_matching).length, 2 + 5, "one best-matching run each");
  assert.match(first.stderr, /all: align:gwot with the quick sweep/);
  // gwot_summary: the minimum-GWD and the highest-matching-rate solution per model, then the
  // untrained baseline's mean and 5th–95th percentiles over its networks
  const quickSummary = (await readTable(join(out, "tables/gwot_summary.arrow"))).toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  assert.deepEqual(quickSummary.map((r) => `${r.model}/${r.solution}`), [
    "baseline/min_gwd",
    "baseline/max_matching",
    "joint_matrix_alignment/min_gwd",
    "joint_matrix_alignment/max_matching",
    "untrained/min_gwd",
    "untrained/max_matching",
  ]);
  for (const model of ["baseline", "joint_matrix_alignment"]) {
    const [min, max] = quickSummary.filter((r) => r.model === model);
    assert.ok((max.top1 as number) >= (min.top1 as number), `${model}: best matching ≥ min GWD`);
    assert.ok((max.gwd as number) >= (min.gwd as number), `${model}: min GWD ≤ best matching`);
    assert.equal(min.n_networks, 1);
    assert.equal(min.top1_p05, null);
    const own = quick.filter((r) => r.model === model);
    assert.equal(max.top1, Math.max(...own.map((r) => r.top1 as number)));
    assert.equal(min.gwd, Math.min(...own.map((r) => r.gwd as number)));
  }
  for (const row of quickSummary.filter((r) => r.model === "untrained")) {
    assert.equal(row.n_networks, 5);
    assert.equal(row.seed, null);
    for (const c of ["top1", "top5", "top10", "category_rate", "rsa_pearson", "rsa_spearman"]) {
      const [p05, mean, p95] = [row[`${c}_p05`], row[c], row[`${c}_p95`]] as number[];
      assert.ok(
        p05 <= mean + 1e-12 && mean <= p95 + 1e-12,
        `untrained ${c}: ${p05} ${mean} ${p95}`,
      );
    }
    // the mean is the mean of the networks' runs of that solution in gwot.arrow
    const flag = row.solution === "min_gwd" ? "selected" : "best_matching";
    const top1 = quick.filter((r) => r.model === "untrained" && r[flag]).map((r) =>
      r.top1 as number
    );
    assert.equal(top1.length, 5);
    assert.ok(Math.abs((row.top1 as number) - top1.reduce((a, b) => a + b, 0) / 5) < 1e-12);
  }

  // figures and the site: every page built, figure notes written
  const notes = JSON.parse(await Deno.readTextFile(join(out, "figures/figure_notes.json")));
  assert.ok(notes.figures.length >= 30, `${notes.figures.length} figures`);
  await Deno.stat(join(out, "figures/paper/classification_top1.png"));
  await Deno.stat(join(out, "figures/gwot/transport_plan.png"));
  await Deno.stat(join(out, "figures/gwot/top_matches.png"));
  for (const page of ["index.html", "results.html", "models.html", "credits.html", "gwot.html"]) {
    await Deno.stat(join(out, "site", page));
  }

  const before = await tableBytes(out);
  const second = await runTaskCli("all", ["--limit-concepts", "40", "--out", out]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`0 ran, ${STAGES} skipped`));

  const forced = await runTaskCli("all", ["--limit-concepts", "40", "--out", out, "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, new RegExp(`${STAGES} ran, 0 skipped`));
  const after = await tableBytes(out);
  // every table (training logs, gwot.arrow and the parts included), timings apart
  assert.ok(Object.keys(before).length > 40, `${Object.keys(before).length} tables`);
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  for (const t of Object.keys(before)) {
    assert.deepEqual(after[t], before[t], `${t} identical for the same seed`);
  }

  // another seed gives other splits and triplets
  const otherSeed = await Deno.makeTempDir({ prefix: "ht-e2e-seed-" });
  const seeded = ["--out", otherSeed, "--seed", "8"];
  for (
    const [task, args] of [["data", ["--limit-concepts", "40", ...seeded]], [
      "human",
      seeded,
    ]] as const
  ) {
    const r = await runTaskCli(task, [...args]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const t of ["splits.arrow", "triplets.arrow"]) {
    const other = await Deno.readFile(join(otherSeed, "tables", t));
    assert.notDeepEqual(other, before[t], `${t} differs for seed 8`);
  }

  // GWOT on the slice: tables with one row per run, a selected run per model
  const gwot = await runTaskCli("align_gwot", [
    "--out",
    out,
    "--models",
    "baseline,spose49",
    "--inits",
    "2",
    "--eps",
    "0.01,0.05",
    "--max-iter",
    "50",
  ]);
  assert.equal(gwot.code, 0, gwot.stderr);
  const runs = (await readTable(join(out, "tables/gwot.arrow"))).toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  assert.equal(runs.length, (2 + 5) * 2 * 2, "two models and five untrained networks");
  assert.equal(runs.filter((r) => r.selected).length, 2 + 5);
  const summary = await readTable(join(out, "tables/gwot_summary.arrow"));
  const summaryModels = ["baseline", "baseline", "spose49", "spose49", "untrained", "untrained"];
  assert.deepEqual(summary.getChild("model")!.toArray(), summaryModels);
  const plan = await readTable(join(out, "tables/gwot/plans/baseline.seed7.arrow"));
  assert.equal(plan.numRows, summary.getChild("n_concepts")!.get(0));
  // `all` afterwards keeps that run's options (and so skips the stage) rather than the quick sweep
  const kept = await runTaskCli("all", ["--limit-concepts", "40", "--out", out]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stderr, /all: align:gwot with the options of .*gwot_summary\.arrow/);
  assert.match(kept.stderr, /align:gwot: up to date, skipped/);
  const keptSummary = await readTable(join(out, "tables/gwot_summary.arrow"));
  assert.deepEqual(keptSummary.getChild("model")!.toArray(), summaryModels);

  // a changed option reruns the stage
  const changed = await runTaskCli("data", ["--limit-concepts", "30", "--out", out]);
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stderr, /data: running/);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(otherSeed, { recursive: true });
});

Deno.test("e2e: SIGKILL during `human` leaves no partial table; a rerun completes", async () => {
  const out = await Deno.makeTempDir({ prefix: "ht-kill-" });
  const data = await runTaskCli("data", ["--limit-concepts", "20", "--out", out]);
  assert.equal(data.code, 0, data.stderr);
  const tables = join(out, "tables");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/human.ts", "--out", out],
    cwd: ROOT,
    env: { HUMAN_THINGS_WRITE_DELAY_MS: "40" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let sawTemp = false;
  for (let i = 0; i < 3000 && !sawTemp; i++) {
    await new Promise((r) => setTimeout(r, 10));
    sawTemp = [...Deno.readDirSync(tables)].some((e) => e.name.includes(".tmp-"));
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.ok(sawTemp, "the test caught a table mid-write");
  assert.equal(status.success, false);
  // every table present is complete and readable; the human tables were not yet in place
  for (const entry of Deno.readDirSync(tables)) {
    if (entry.name.endsWith(".arrow") && !entry.name.startsWith(".")) {
      await readTable(join(tables, entry.name));
    }
  }
  assert.ok(!Deno.readDirSync(tables).some((e) => e.name === "human_similarity.arrow"));
  const rerun = await runTaskCli("human", ["--out", out]);
  assert.equal(rerun.code, 0, rerun.stderr);
  const names = [...Deno.readDirSync(tables)].map((e) => e.name);
  assert.ok(!names.some((n) => n.includes(".tmp-")), `stale temp files removed: ${names}`);
  const sim = await readTable(join(tables, "human_similarity.arrow"));
  assert.equal(sim.numRows, 1854);
  await Deno.remove(out, { recursive: true });
});
