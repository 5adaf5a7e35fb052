/**
 * `deno task eval rsa|gwot` on ordinary embedding files of any equal row count (no concept list):
 * rows are items matched by position; checked against scipy, plus the input errors.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { writeNpy } from "../../src/io/npy.ts";
import type { Matrix } from "../../src/metrics/types.ts";
import { createRng, type Rng } from "../../src/stats/random.ts";
import { runPython } from "../_helpers/python.ts";
import { randomMatrix } from "../_helpers/random.ts";
import { runTaskCli } from "../_helpers/tasks.ts";

/** `b` = `a` × a random projection + noise, so the two RDMs are related but not equal. */
function related(rng: Rng, a: Matrix, cols: number, noise: number): Matrix {
  const w = randomMatrix(rng, a.cols, cols);
  const e = randomMatrix(rng, a.rows, cols);
  const data = new Float64Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = noise * e.data[i * cols + j];
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * w.data[k * cols + j];
      data[i * cols + j] = s;
    }
  }
  return { data, rows: a.rows, cols };
}

/** Whitespace-separated text, one row per line, every value written exactly. */
function toText(m: Matrix, sep = " "): string {
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    lines.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols), String).join(sep));
  }
  return lines.join("\n") + "\n";
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ht-eval-any-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("eval rsa: two 300-row text files of different widths, no concept list, equal scipy's spearmanr of the cosine pdist RDMs", async () => {
  await withDir(async (dir) => {
    const rng = createRng(20240613, { label: "eval-any-rsa" });
    const a = randomMatrix(rng, 300, 20);
    const b = related(rng, a, 35, 3);
    const fa = join(dir, "A.txt"), fb = join(dir, "B.txt");
    await Deno.writeTextFile(fa, toText(a));
    await Deno.writeTextFile(fb, toText(b));
    const r = await runTaskCli("eval", ["rsa", "--a", fa, "--b", fb]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const ref = await runPython<{ rho: number; n: number }>(`
from scipy.spatial.distance import pdist
from scipy.stats import spearmanr
a = np.loadtxt(${JSON.stringify(fa)})
b = np.loadtxt(${JSON.stringify(fb)})
da, db = pdist(a, metric="cosine"), pdist(b, metric="cosine")
out({"rho": spearmanr(da, db).correlation, "n": len(da)})
`);
    assert.equal(out.matched_by, "position");
    assert.equal(out.n_items, 300);
    assert.equal(out.n_pairs, ref.n);
    assert.equal(ref.n, (300 * 299) / 2);
    assert.match(out.note, /matched by position/);
    assert.ok(ref.rho > 0.2, `the files are related (scipy rho ${ref.rho})`);
    assert.ok(Math.abs(out.rho - ref.rho) <= 1e-9, `rho ${out.rho} vs scipy ${ref.rho}`);

    // the same numbers as .npy and as comma-separated .csv give the same rho
    const npy = join(dir, "B.npy"), csv = join(dir, "A.csv");
    await writeNpy(npy, { data: b.data, shape: [b.rows, b.cols] });
    await Deno.writeTextFile(csv, toText(a, ","));
    const r2 = await runTaskCli("eval", ["rsa", "--a", csv, "--b", npy]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(JSON.parse(r2.stdout).rho, out.rho);
  });
});

Deno.test("eval gwot: two 40-row files without a concept list align and note that category matching is skipped", async () => {
  await withDir(async (dir) => {
    const rng = createRng(7, { label: "eval-any-gwot" });
    const a = randomMatrix(rng, 40, 6);
    const b = related(rng, a, 9, 0.1);
    const fa = join(dir, "a.txt"), fb = join(dir, "b.tsv");
    await Deno.writeTextFile(fa, toText(a));
    await Deno.writeTextFile(fb, toText(b, "\t"));
    const r = await runTaskCli("eval", [
      "gwot",
      "--a",
      fa,
      "--b",
      fb,
      "--eps",
      "0.01",
      "--max-iter",
      "30",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.n, 40);
    assert.equal(out.matched_by, "position");
    assert.match(out.note, /category matching rates skipped/);
    assert.equal(out.note.split("\n").length, 1);
    assert.equal(out.runs.length, 1);
    assert.equal(out.best.categoryRate, null);
    assert.ok(Number.isFinite(out.best.gwDistance));
    assert.ok(out.best.top1 >= 0 && out.best.top1 <= 1);
    assert.ok(Number.isFinite(out.rsa_pearson) && out.rsa_pearson > 0.5);
  });
});

Deno.test("eval rsa/gwot: unequal rows, NaN, empty and ragged files are one-line errors with exit code 2", async () => {
  await withDir(async (dir) => {
    const rng = createRng(11, { label: "eval-any-errors" });
    const a = randomMatrix(rng, 300, 4);
    const fa = join(dir, "A.txt"), short = join(dir, "short.txt");
    await Deno.writeTextFile(fa, toText(a));
    await Deno.writeTextFile(short, toText({ data: a.data.slice(0, 299 * 4), rows: 299, cols: 4 }));
    const nan = join(dir, "nan.txt");
    const lines = toText(a).split("\n");
    lines[4] = lines[4].replace(/^\S+/, "NaN"); // row 5 = line 5
    await Deno.writeTextFile(nan, lines.join("\n"));
    const empty = join(dir, "empty.txt");
    await Deno.writeTextFile(empty, "");
    const ragged = join(dir, "ragged.txt");
    const rl = toText(a).split("\n");
    rl[6] = rl[6].replace(/\s+\S+$/, ""); // line 7 has 3 values
    await Deno.writeTextFile(ragged, rl.join("\n"));
    const emptyNpy = join(dir, "empty.npy");
    await writeNpy(emptyNpy, { data: new Float64Array(0), shape: [0, 4] });

    const run = async (command: string, fb: string, fa_ = fa) => {
      const r = await runTaskCli("eval", [command, "--a", fa_, "--b", fb, "--max-iter", "5"]);
      assert.equal(r.code, 2, `${command} ${fb}: exit ${r.code}\n${r.stderr}`);
      const message = r.stderr.trim();
      assert.equal(message.split("\n").length, 1, message);
      assert.doesNotMatch(message, /\bat \S+\.ts:\d+/, "no stack trace");
      return message;
    };
    for (const command of ["rsa", "gwot"]) {
      const unequal = await run(command, short);
      assert.ok(unequal.includes(short) && unequal.includes(fa), unequal);
      assert.match(unequal, /expected 300 rows.*found 299 rows/);
      const swapped = await run(command, fa, short);
      assert.match(swapped, /expected 299 rows.*found 300 rows/);
    }
    const nanMessage = await run("rsa", nan);
    assert.ok(nanMessage.includes(nan), nanMessage);
    assert.match(nanMessage, /line 5, column 1: expected a finite number, found "NaN"/);
    const emptyMessage = await run("rsa", empty);
    assert.ok(emptyMessage.includes(empty), emptyMessage);
    assert.match(emptyMessage, /empty file/);
    const raggedMessage = await run("gwot", ragged);
    assert.ok(raggedMessage.includes(ragged), raggedMessage);
    assert.match(raggedMessage, /line 7: expected 4 whitespace-separated values.*found 3/);
    const npyMessage = await run("rsa", emptyNpy);
    assert.ok(npyMessage.includes(emptyNpy), npyMessage);
    assert.match(npyMessage, /at least one row.*shape \(0, 4\)/);
  });
});

Deno.test("eval rsa: THINGS-sized files and an explicit concept list keep matching by concept", async () => {
  const spose = "data/embedded/things/spose49/spose_embedding_49d_sorted.txt";
  const r = await runTaskCli("eval", ["rsa", "--a", spose, "--b", spose]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.matched_by, "concept");
  assert.equal(out.n_concepts, 1854);
  assert.equal(out.note, undefined);
  assert.ok(Math.abs(out.rho - 1) < 1e-12);
  await withDir(async (dir) => {
    const rng = createRng(3, { label: "eval-any-concepts" });
    const f = join(dir, "small.txt");
    await Deno.writeTextFile(f, toText(randomMatrix(rng, 300, 5)));
    const strict = await runTaskCli("eval", [
      "rsa",
      "--a",
      f,
      "--b",
      f,
      "--concepts",
      "data/embedded/things/concepts/unique_id.txt",
    ]);
    assert.equal(strict.code, 2, strict.stderr);
    assert.match(strict.stderr, /small\.txt.*expected 1854 rows, found 300/);
  });
});
