/**
 * The concept explorer's data (src/report/concept_explorer.ts): neighbours, held-out Spearman ρ,
 * the client readout's suggestion score and each variant's change relative to its control,
 * cross-checked against numpy/scipy on the fixture tables and on random prototypes; the
 * thumbnail pack; and what the explorer says when tables are missing.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from "apache-arrow";
import {
  conceptExplorerContent,
  conceptExplorerFiles,
  type ExplorerContent,
  groupSpearman,
} from "../../src/report/concept_explorer.ts";
import { topK } from "../../src/figures/common/vectors.ts";
import { CLIENT_MODELS, homeQueries } from "../../src/figures/client/home.ts";
import { conceptFigureTables } from "../../src/figures/common/models.ts";
import { loadTables } from "../../src/figures/tables.ts";
import { readTable, tableToBytes } from "../../src/io/arrow.ts";
import { InputError } from "../../src/io/errors.ts";
import { readHumanPairs } from "../../src/tables/human_pairs.ts";
import { prototypesTable, TABLE } from "../../src/tables/names.ts";
import { tablePath } from "../../src/tables/paths.ts";
import { arrowRows, type Row, rowsToArrow } from "../../src/tables/rows.ts";
import {
  EXPLORER_FILES,
  explorerData,
  type ExplorerIndex,
  HUMAN_SOURCE,
  variantChanges,
} from "../../src/site/explorer.ts";
import { repoPath } from "../../src/pipeline/paths.ts";
import { runPython } from "../_helpers/python.ts";
import { withSeed } from "../_helpers/seed.ts";
import type { Rng } from "../../src/stats/random.ts";

const FIXTURE = repoPath("tests/fixtures/tables");
const MODELS = ["baseline", "joint_matrix_alignment", "matrix_control"];

/** A copy of the fixture tables (the tables the explorer reads) in a temporary folder. */
async function fixtureCopy(names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hB-explorer-" });
  for (const name of names) {
    const to = tablePath(dir, name);
    await Deno.mkdir(join(to, ".."), { recursive: true });
    await Deno.copyFile(tablePath(FIXTURE, name), to);
  }
  return dir;
}

/** Replaces the prototypes of `models` in `dir` with random vectors (same concepts). */
async function randomPrototypes(dir: string, rng: Rng, dim: number): Promise<void> {
  const schema = new Schema([
    new Field("uniqueID", new Utf8(), false),
    new Field("index", new Int32(), false),
    new Field("vector_l2", new FixedSizeList(dim, new Field("item", new Float32(), false)), false),
  ]);
  for (const model of MODELS) {
    const rows = arrowRows(await readTable(tablePath(dir, prototypesTable(model))));
    const random = rows.map((r) => ({
      uniqueID: r.uniqueID,
      index: r.index,
      vector_l2: Array.from({ length: dim }, () => rng.next() * 2 - 1),
    }));
    await Deno.writeFile(
      tablePath(dir, prototypesTable(model)),
      tableToBytes(rowsToArrow(random, schema)),
    );
  }
}

interface Expected {
  neighbours: number[][][];
  sims: number[][][];
  human: number[][];
  rho: (number | null)[][];
  score: (number | null)[][];
  n: number[];
}

/** numpy/scipy's neighbours, human neighbours, held-out ρ and scores for the tables in `dir`. */
async function expected(dir: string, k: number): Promise<{ ids: number[]; want: Expected }> {
  const protos = await Promise.all(
    MODELS.map(async (m) => arrowRows(await readTable(tablePath(dir, prototypesTable(m))))),
  );
  const ids = protos[0].map((r) => Number(r.index));
  for (const p of protos) assert.deepEqual(p.map((r) => Number(r.index)), ids);
  const dim = (protos[0][0].vector_l2 as ArrayLike<number>).length;
  const x = new Float32Array(MODELS.length * ids.length * dim);
  protos.forEach((rows, m) =>
    rows.forEach((r, i) => x.set(r.vector_l2 as ArrayLike<number>, (m * ids.length + i) * dim))
  );
  const pos = new Map(ids.map((c, i) => [c, i]));
  const n = ids.length;
  const human = new Float64Array(n * n).fill(NaN);
  const test = new Uint8Array(n * n);
  const pairs = await readHumanPairs(dir);
  for (let p = 0; p < pairs.a.length; p++) {
    const i = pos.get(pairs.a[p]), j = pos.get(pairs.b[p]);
    if (i === undefined || j === undefined) continue;
    human[i * n + j] = human[j * n + i] = pairs.similarity[p];
    test[i * n + j] = test[j * n + i] = pairs.split[p] === "test" ? 1 : 0;
  }
  const want = await runPython<Expected>(
    `
from scipy.stats import spearmanr
x = inp["x"].astype(np.float64)
x = x / np.linalg.norm(x, axis=2, keepdims=True)
x = x.astype(np.float32).astype(np.float64)   # the unit vectors are stored as float32
H, T, k = inp["human"], inp["test"], ${k}
n = H.shape[0]
order = lambda s: sorted([j for j in range(n) if np.isfinite(s[j])], key=lambda j: (-s[j], j))
res = {"neighbours": [], "sims": [], "human": [], "rho": [], "score": [], "n": []}
for m in range(x.shape[0]):
    G = x[m] @ x[m].T
    nb = []
    for i in range(n):
        s = G[i].copy(); s[i] = np.nan
        nb.append(order(s)[:k])
    res["neighbours"].append(nb)
    res["sims"].append([[float(G[i, j]) for j in nb[i]] for i in range(n)])
    rho, score = [], []
    for i in range(n):
        P = [j for j in range(n) if T[i, j]]
        rho.append(float(spearmanr(G[i, P], H[i, P]).statistic) if len(P) >= 3 else None)
        if len(P) >= 5:
            s = np.full(n, np.nan); s[P] = G[i, P]
            score.append(float(np.mean([H[i, j] for j in order(s)[:3]])))
        else:
            score.append(None)
    res["rho"].append(rho); res["score"].append(score)
for i in range(n):
    s = H[i].copy(); s[i] = np.nan
    res["human"].append(order(s)[:k])
    res["n"].append(int(T[i].sum()))
out(res)
`,
    {
      x: { data: x, shape: [MODELS.length, n, dim] },
      human: { data: human, shape: [n, n] },
      test: { data: test, shape: [n, n] },
    },
  );
  return { ids, want };
}

/** Neighbours of `source` by query concept (canonical rows), in rank order. */
function lists(content: ExplorerContent, source: number): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  for (const r of content.neighbours.filter((r) => r.source === source)) {
    const c = Number(r.concept);
    if (!out.has(c)) out.set(c, []);
    out.get(c)!.push(r);
  }
  for (const l of out.values()) l.sort((a, b) => Number(a.rank) - Number(b.rank));
  return out;
}

/** Checks the explorer's content for `dir` against numpy/scipy. */
async function crossCheck(dir: string, k: number): Promise<void> {
  const content = await conceptExplorerContent(dir, { neighbours: k });
  const { ids, want } = await expected(dir, k);
  assert.deepEqual(content.index.models.map((m) => m.key), MODELS);
  MODELS.forEach((_, m) => {
    const got = lists(content, m);
    ids.forEach((c, i) => {
      const rows = got.get(c) ?? [];
      assert.deepEqual(rows.map((r) => r.neighbour), want.neighbours[m][i].map((j) => ids[j]));
      rows.forEach((r, t) => assert.ok(Math.abs(Number(r.similarity) - want.sims[m][i][t]) < 1e-6));
    });
  });
  const human = lists(content, HUMAN_SOURCE);
  ids.forEach((c, i) => {
    assert.deepEqual(
      (human.get(c) ?? []).map((r) => r.neighbour),
      want.human[i].map((j) => ids[j]),
    );
  });
  const stats = new Map(content.stats.map((r) => [`${r.concept}|${r.model}`, r]));
  let compared = 0;
  MODELS.forEach((_, m) =>
    ids.forEach((c, i) => {
      const s = stats.get(`${c}|${m}`)!;
      assert.equal(s.n, want.n[i]);
      const pairs: [unknown, number | null][] = [[s.rho, want.rho[m][i]], [
        s.score,
        want.score[m][i],
      ]];
      for (const [got, exp] of pairs) {
        if (exp === null) assert.equal(got, null, `concept ${c} model ${m}`);
        else {
          assert.ok(Math.abs(Number(got) - exp) < 1e-9, `concept ${c}: ${got} vs ${exp}`);
          compared++;
        }
      }
    })
  );
  assert.ok(compared > 0, "no held-out statistic was compared");
  // the variant-vs-control changes the page shows: joint matrix alignment − matrix control
  const data = explorerData(content.index, content);
  ids.forEach((c, i) => {
    const [change] = variantChanges(data, c);
    assert.equal(change.variant, "joint_matrix_alignment");
    assert.equal(change.control, "matrix_control");
    const exp = want.rho[1][i] === null ? null : want.rho[1][i]! - want.rho[2][i]!;
    if (exp === null) assert.equal(change.rho.change, null);
    else assert.ok(Math.abs(change.rho.change! - exp) < 1e-9);
  });
}

const TABLES = [TABLE.concepts, TABLE.humanPairs, TABLE.models, ...MODELS.map(prototypesTable)];

Deno.test("explorer neighbours, held-out ρ and changes match numpy/scipy on the fixture", async () => {
  const dir = await fixtureCopy(TABLES);
  try {
    await crossCheck(dir, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("explorer neighbours match numpy/scipy on random prototypes", async () => {
  await withSeed("explorer-random-prototypes", async (rng) => {
    const dir = await fixtureCopy(TABLES);
    try {
      await randomPrototypes(dir, rng, 16);
      await crossCheck(dir, 7);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("the held-out suggestion score is the client readout's, bit for bit", async () => {
  const tables = await loadTables(FIXTURE, conceptFigureTables(CLIENT_MODELS));
  const { queries } = homeQueries(tables);
  assert.ok(queries.length > 0, "the fixture has home-product queries");
  const content = await conceptExplorerContent(FIXTURE, { models: CLIENT_MODELS });
  const at = new Map(content.index.concepts.map((c) => [c.id, c.index]));
  let compared = 0;
  for (const q of queries) {
    for (const [model, score] of q.score) {
      const position = content.index.models.findIndex((m) => m.key === model);
      const row = content.stats.find((r) => r.concept === at.get(q.query) && r.model === position);
      assert.equal(row?.score, score, `${q.query} under ${model}`);
      compared++;
    }
  }
  assert.equal(compared, queries.length * CLIENT_MODELS.length);
});

Deno.test("topK (one-pass and sorting paths) equals a sort of the candidates, ties and non-finite scores included", async () => {
  const reference = (scores: number[], k: number, include: (j: number) => boolean) =>
    scores.map((_, j) => j).filter((j) => Number.isFinite(scores[j]) && include(j))
      .sort((a, b) => scores[b] - scores[a] || a - b).slice(0, Math.max(0, k));
  await withSeed("explorer-bounded-topk", (rng) => {
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng.next() * 90);
      const scores = Array.from({ length: n }, () => {
        const u = rng.next();
        return u < 0.05 ? NaN : u < 0.1 ? -Infinity : Math.floor(rng.next() * 8) / 8;
      });
      const k = Math.floor(rng.next() * (n + 3));
      const skip = Math.floor(rng.next() * n);
      const include = (j: number) => j !== skip;
      assert.deepEqual(topK(scores, k, { include }), reference(scores, k, include), `k ${k}`);
    }
  });
});

Deno.test("groupSpearman matches scipy.stats.spearmanr, with ties", async () => {
  await withSeed("explorer-group-spearman", async (rng) => {
    const groups = 12, input = { group: [] as number[], x: [] as number[], y: [] as number[] };
    const sizes: number[] = [];
    for (let g = 0; g < groups; g++) {
      const n = 3 + Math.floor(rng.next() * 30);
      sizes.push(n);
      for (let i = 0; i < n; i++) {
        input.group.push(g * 7); // non-contiguous group ids
        input.x.push(Math.floor(rng.next() * 6)); // ties
        input.y.push(g === 0 ? 1 : rng.next() + input.x[input.x.length - 1] * 0.1);
      }
    }
    const got = groupSpearman(input);
    const want = await runPython<(number | null)[]>(
      `
from scipy.stats import spearmanr
sizes = ${JSON.stringify(sizes)}
x, y, at, res = inp["x"], inp["y"], 0, []
for n in sizes:
    r = spearmanr(x[at:at + n], y[at:at + n]).statistic
    res.append(None if not np.isfinite(r) else float(r)); at += n
out(res)
`,
      { x: { data: Float64Array.from(input.x) }, y: { data: Float64Array.from(input.y) } },
    );
    assert.equal(want[0], null, "group 0 has a constant variable");
    want.forEach((w, g) => {
      const r = got.get(g * 7);
      if (w === null) assert.equal(r, null);
      else assert.ok(Math.abs(r! - w) < 1e-12, `group ${g}: ${r} vs ${w}`);
    });
  });
});

Deno.test("explorer files: index, Arrow tables and a thumbnail pack of the image files", async () => {
  const dir = await fixtureCopy([...TABLES, TABLE.images]);
  try {
    const lines: string[] = [];
    const files = await conceptExplorerFiles(dir, {
      maxImagesPerConcept: 2,
      log: (l) => lines.push(l),
    });
    assert.deepEqual(files.map((f) => f.path), Object.values(EXPLORER_FILES));
    assert.ok(files.every((f) => f.path.startsWith("concepts/")));
    assert.match(lines[0], /concept explorer: 40 concepts, 3 models, \d+ thumbnails.*total \d+ KB/);
    const byPath = new Map(files.map((f) => [f.path, f.bytes]));
    const index = JSON.parse(new TextDecoder().decode(byPath.get(EXPLORER_FILES.index)));
    const pack = index.thumbnails;
    assert.ok(pack.count > 40 && pack.count <= 80);
    assert.equal(pack.offsets.length, pack.count + 1);
    assert.equal(pack.offsets[pack.count], byPath.get(EXPLORER_FILES.thumbnails)!.byteLength);
    // tile 0 is the first concept's first image (images.arrow order), byte for byte
    const images = arrowRows(await readTable(tablePath(dir, TABLE.images)));
    const first = images.find((r) => r.uniqueID === index.concepts[0].id)!;
    const file = await Deno.readFile(
      repoPath(join("data/embedded/things-icons", String(first.path))),
    );
    assert.deepEqual(
      byPath.get(EXPLORER_FILES.thumbnails)!.subarray(pack.offsets[0], pack.offsets[1]),
      file,
    );
    // the Arrow tables decode in the browser module
    const data = explorerData(index as ExplorerIndex, {
      neighbours: byPath.get(EXPLORER_FILES.neighbours),
      heldout: byPath.get(EXPLORER_FILES.heldout),
      stats: byPath.get(EXPLORER_FILES.stats),
    });
    assert.equal(data.neighbours.get(index.concepts[1].index)?.get(0)?.length, 10);
    assert.ok(data.heldOut.size > 0 && data.stats.size > 0);
    // the fixture lists models whose prototypes were not copied: named with their command
    assert.ok(
      index.missing.some((m: { table: string; command: string }) =>
        m.table === prototypesTable("imagenet") && /deno task embed/.test(m.command)
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("explorer with missing tables says what is missing; without concepts it fails clearly", async () => {
  const dir = await fixtureCopy([TABLE.concepts, TABLE.images]);
  const empty = await Deno.makeTempDir({ prefix: "hB-explorer-" });
  try {
    const files = await conceptExplorerFiles(dir, { imagesRoot: empty });
    const index = JSON.parse(new TextDecoder().decode(files[0].bytes)) as ExplorerIndex;
    const missing = index.missing.map((m) => `${m.table} (${m.command}): ${m.effect}`);
    assert.ok(
      missing.some((m) => m.startsWith("human_pairs (deno task human)")),
      missing.join("\n"),
    );
    assert.ok(missing.some((m) => m.includes("every model's neighbours")), missing.join("\n"));
    assert.equal(index.models.length, 0);
    assert.ok(index.concepts.length > 0);
    assert.equal(index.thumbnails, null, "no image file could be read");
    assert.match(index.notes.join(" "), /thumbnails could not be read/);
    const data = explorerData(index, {
      neighbours: files[1].bytes,
      heldout: files[2].bytes,
      stats: files[3].bytes,
    });
    assert.equal(data.neighbours.size, 0);
    await assert.rejects(
      () => conceptExplorerFiles(empty),
      (e: unknown) =>
        e instanceof InputError && /concepts/.test(e.message) && /deno task data/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
