/**
 * The table registry (`src/tables/artifacts.ts`): the same tables as `docs/tables.md` documents,
 * and the stage that writes each one, as the task runner names it for a missing table.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { artifactOf, ARTIFACTS, producerHint } from "../../src/tables/artifacts.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

/** The `.arrow` paths named in the `###` headings of docs/tables.md, as registry patterns. */
async function documentedTables(): Promise<string[]> {
  const text = await Deno.readTextFile(join(REPO_ROOT, "docs", "tables.md"));
  const paths: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("### ")) continue;
    const heading = line.split(" — ")[0];
    for (const m of heading.matchAll(/`([^`]+\.arrow)`/g)) {
      paths.push(m[1].replace("[.seed<k>]", "").replace(/<([a-z]+)>/g, "{$1}"));
    }
  }
  return paths;
}

Deno.test("tables registry: the tables docs/tables.md documents, no more, no fewer", async () => {
  const documented = await documentedTables();
  assert.ok(documented.length >= 20, `${documented.length} documented tables`);
  assert.deepEqual(
    [...ARTIFACTS.map((a) => a.path)].sort(),
    [...documented].sort(),
  );
});

Deno.test("artifactOf: patterns, the most specific first, the model key in the command", () => {
  assert.equal(artifactOf("images.arrow")?.command, "data");
  assert.equal(artifactOf("embeddings/baseline.arrow")?.path, "embeddings/{model}.arrow");
  assert.equal(
    artifactOf("embeddings/baseline.prototypes.arrow")?.path,
    "embeddings/{model}.prototypes.arrow",
  );
  assert.equal(artifactOf("training/alignet.arrow")?.command, "train --model alignet");
  assert.equal(
    artifactOf("training/baseline.seed2.arrow")?.command,
    "train --model baseline",
    "an extra seed's table names the model",
  );
  assert.equal(artifactOf("gwot/plans/baseline.seed7.arrow")?.command, "align:gwot");
  assert.equal(
    artifactOf("gwot/parts/untrained.summary.arrow")?.path,
    "gwot/parts/{model}.summary.arrow",
  );
  assert.equal(artifactOf("models/baseline.seed8.arrow")?.command, "embed");
  assert.equal(artifactOf("nothing.arrow"), undefined);
  assert.equal(artifactOf("embeddings/a/b.arrow"), undefined, "a placeholder is one segment");
});

Deno.test("producerHint: only paths through a tables/ folder", () => {
  assert.equal(
    producerHint("/tmp/run/outputs/tables/benchmark.arrow"),
    "written by `deno task bench`",
  );
  assert.equal(
    producerHint("outputs/tables/aligned/glocal.arrow"),
    "written by `deno task align:glocal`",
  );
  assert.equal(producerHint("/tmp/run/benchmark.arrow"), undefined);
  assert.equal(producerHint("/tmp/run/tables/unknown.arrow"), undefined);
});

/** Per documented table: the module named in brackets in its docs/tables.md heading. */
async function documentedModules(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(join(REPO_ROOT, "docs", "tables.md"));
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("### ")) continue;
    const heading = line.split(" — ")[0];
    const module = /\[`([a-z_]+\.ts)`\]/.exec(heading)?.[1] ?? "";
    for (const m of heading.matchAll(/`([^`]+\.arrow)`/g)) {
      out.set(m[1].replace("[.seed<k>]", "").replace(/<([a-z]+)>/g, "{$1}"), module);
    }
  }
  return out;
}

Deno.test("every table has its module in src/tables/, named in docs/tables.md, with a writer", async () => {
  const documented = await documentedModules();
  for (const a of ARTIFACTS) {
    assert.equal(documented.get(a.path), a.module, `${a.path}: module in docs/tables.md`);
    const mod = await import(`../../src/tables/${a.module}`);
    const writers = Object.keys(mod).filter((k) => /^write[A-Z]/.test(k));
    assert.ok(writers.length > 0, `${a.module} exports no write… function`);
  }
});
