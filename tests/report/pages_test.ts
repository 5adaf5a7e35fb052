/**
 * The other pages' data: headline table, model cards, credits, Reproduce commands, and the offline
 * scanner that the site test runs on the built site.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { repoPath } from "../../src/pipeline/paths.ts";
import {
  credits,
  externalReferences,
  flattenConfig,
  headlineTable,
  loadReportTables,
  modelCards,
  reproduceCommands,
} from "../../src/report/mod.ts";

const FIXTURE = repoPath("tests/fixtures/tables");

Deno.test("headline table: every cell is the benchmark row of its model and metric", async () => {
  const tables = await loadReportTables(FIXTURE);
  const headline = headlineTable(tables);
  assert.equal(headline.rows[0].model, "imagenet", "display order from the palette");
  for (const row of headline.rows) {
    for (const column of headline.columns) {
      const cell = row.cells[column.key];
      const source = tables.benchmark.find((b) =>
        b.model === row.model && b.metric === column.metric && b.subset === column.subset &&
        (row.model === "spose49" || b.seed === headline.seed)
      );
      assert.equal(cell.value, source?.value ?? null, `${row.model} ${column.key}`);
    }
  }
});

Deno.test("headline table: the RDM48 RSA column, left out when no model has the metric", async () => {
  const tables = await loadReportTables(FIXTURE);
  const keys = (h: ReturnType<typeof headlineTable>) => h.columns.map((c) => c.key);
  const before = headlineTable(tables);
  assert.ok(!keys(before).includes("rdm48_rsa"), "the fixture predates the metric");
  assert.ok(before.rows.every((r) => !("rdm48_rsa" in r.cells)));
  const rho = tables.benchmark.filter((r) => r.metric === "human_pair_rho" && r.subset === "test");
  tables.benchmark.push(
    ...rho.map((r, i) => ({ ...r, metric: "rdm48_rsa_spearman", subset: "rdm48", value: i / 10 })),
  );
  const after = headlineTable(tables);
  assert.deepEqual(keys(after), [...keys(before), "rdm48_rsa"]);
  const column = after.columns.at(-1)!;
  assert.equal(column.label, "RDM48 RSA");
  for (const row of after.rows) {
    const source = tables.benchmark.find((b) =>
      b.model === row.model && b.metric === "rdm48_rsa_spearman" && b.subset === "rdm48" &&
      (row.model === "spose49" || b.seed === after.seed)
    );
    assert.equal(row.cells.rdm48_rsa.value, source?.value ?? null, row.model);
  }
  assert.ok(after.rows.some((r) => r.model === "spose49" && r.cells.rdm48_rsa.value !== null));
});

Deno.test("model cards: one per model with seed, backend and hyperparameters", async () => {
  const tables = await loadReportTables(FIXTURE);
  const cards = modelCards(tables);
  for (const model of tables.models) {
    const card = cards.find((c) => c.model === model.model && c.seed === model.seed);
    assert.ok(card, `card for ${model.model}`);
    assert.equal(card.backend, model.backend);
    if (model.trained) {
      assert.ok(card.hyperparameters.some((h) => h.key.startsWith("stages.0.")), model.model);
      assert.ok(card.description.length > 20);
    }
  }
  assert.ok(cards.some((c) => c.model === "spose49"), "the SPoSE reference has a card");
  assert.deepEqual(flattenConfig({ a: { b: 1 }, c: [2, { d: "x" }], description: "skip" }), [
    { key: "a.b", value: "1" },
    { key: "c.0", value: "2" },
    { key: "c.1.d", value: "x" },
  ]);
});

Deno.test("credits: per-source licenses from images.arrow and the shipped license texts", async () => {
  const tables = await loadReportTables(FIXTURE);
  const c = await credits(tables);
  assert.equal(c.images, tables.images?.length);
  assert.equal(c.sources.reduce((s, x) => s + x.images, 0), c.images);
  for (const source of c.sources) assert.ok(source.license, `${source.source} has a license`);
  assert.ok(c.licenses.some((l) => l.file.endsWith("LICENSE-CC-BY-SA-4.0.txt")));
  assert.ok(c.citations.some((x) => x.key === "things" && x.url?.startsWith("https://doi.org/")));
  // the icon audit's exclusions, as the data stage records them in images.arrow
  assert.equal(c.audit, null);
  const excluded = [{
    image_id: "bank/noto",
    uniqueID: "bank",
    decision: "drop_concept",
    reason: "a bank building",
  }];
  tables.imagesMetadata = {
    task: "data",
    version: "test",
    notes: { audit: { file: "audit.tsv", summary: "left out 1", excluded } },
  };
  const audited = await credits(tables);
  assert.deepEqual(audited.audit, { file: "audit.tsv", summary: "left out 1", excluded });
});

Deno.test("reproduce: commands carry the run's profile and seed", async () => {
  const tables = await loadReportTables(FIXTURE);
  const r = reproduceCommands(tables);
  assert.ok(r.commands.some((c) => c.command.startsWith("deno task all")));
  tables.benchmarkMetadata = { ...tables.benchmarkMetadata, profile: "things", seed: 8 };
  const things = reproduceCommands(tables);
  assert.ok(things.commands.some((c) => c.command === "deno task all --profile things --seed 8"));
});

Deno.test("offline scan: flags CDN references, allows citations, namespaces and credits", async () => {
  const site = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(site, "_file", "data"), { recursive: true });
    await Deno.writeTextFile(
      join(site, "ok.html"),
      '<a href="https://doi.org/10.1/x">x</a><svg xmlns="http://www.w3.org/2000/svg"></svg>',
    );
    await Deno.writeTextFile(
      join(site, "_file", "data", "credits.0123abcd.json"),
      '{"text":"see https://creativecommons.org/licenses/by/4.0/"}',
    );
    assert.deepEqual(await externalReferences(site), []);
    await Deno.writeTextFile(
      join(site, "bad.html"),
      '<script src="https://cdn.jsdelivr.net/npm/d3"></script><link href="//fonts.googleapis.com/css">',
    );
    const found = await externalReferences(site);
    assert.deepEqual(found.map((f) => f.host).sort(), ["cdn.jsdelivr.net", "fonts.googleapis.com"]);
  } finally {
    await Deno.remove(site, { recursive: true });
  }
});

Deno.test("headline table: with the THINGS profile, the seed's published numbers sit beside each row (never in the tables)", async () => {
  const { readSeedReference } = await import("../../src/report/seed_reference.ts");
  const tables = await loadReportTables(FIXTURE);
  assert.equal(headlineTable(tables).reference, undefined, "embedded profile: no reference");
  const reference = await readSeedReference();
  assert.equal(reference.values.baseline.head_top1, 0.7274);
  assert.equal(reference.values.high_pressure_triplets.human_pair_rho, 0.4478);
  assert.equal(Object.keys(reference.values).length, 5);
  const things = { ...tables, seedReference: reference };
  const headline = headlineTable(things);
  assert.match(headline.reference!.label, /seed's PyTorch run/);
  const baseline = headline.rows.find((r) => r.model === "baseline")!;
  assert.deepEqual(baseline.reference, reference.values.baseline);
  const ids = new Set(headline.columns.map((c) => c.key));
  for (const key of Object.keys(baseline.reference!)) assert.ok(ids.has(key), key);
  // the run's own cells are unchanged by the reference
  assert.deepEqual(
    baseline.cells,
    headlineTable(tables).rows.find((r) => r.model === "baseline")!.cells,
  );
  assert.equal(headline.rows.find((r) => r.model === "imagenet")!.reference, undefined);

  // a broken reference file is an error naming the line
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "ref.csv");
  await Deno.writeTextFile(bad, "model,column,value\nbaseline,head_top1,0.7\nbaseline,top5,0.9\n");
  await assert.rejects(
    readSeedReference(bad),
    /ref\.csv: line 3, column column: expected head_top1/,
  );
  await Deno.writeTextFile(bad, "model,column,value\nbaseline,head_top1,abc\n");
  await assert.rejects(readSeedReference(bad), /line 2, column value: expected a finite number/);
  await Deno.remove(dir, { recursive: true });
});
