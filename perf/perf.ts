/**
 * Performance benchmark of the core metrics against numpy/scipy peers on the real THINGS data:
 *
 *   (a) the SPoSE-49 human similarity matrix for all 1,854 concepts (3.2e9 terms),
 *   (b) Spearman (and Kendall tau-b) over the 1,717,731 upper-triangle pairs: human similarity
 *       vs SPoSE dot-product similarity,
 *   (c) odd-one-out accuracy over 147,304 triplets (127,304 test triplets + 20,000
 *       noise-ceiling responses).
 *
 * The peer (`perf/perf_peer.py`, run with /usr/bin/python3) reads the same inputs from temp
 * binary files. Times cover the computation only (inputs in memory); (b) and (c) are medians
 * of several runs after a warm-up, (a) is one run each. Usage:
 *
 *   deno run -A perf/perf.ts [--reps N] [--peer-limit SECONDS]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { readSposeEmbedding, readTriplets } from "../src/data/readers/mod.ts";
import { humanSimilarityFromEmbedding } from "../src/human/similarity.ts";
import { kendallTauB, spearman } from "../src/metrics/correlation.ts";
import { oddOneOutAccuracy } from "../src/metrics/oddoneout.ts";
import { dotSimilarity, upperTriangle } from "../src/metrics/similarity.ts";
import type { Triplets } from "../src/metrics/types.ts";

const DATA = new URL("../data/embedded/things/", import.meta.url);

interface PeerResult {
  numpy: string;
  scipy: string;
  rsm: { s: number; extrapolated: boolean };
  spearman: { s: number; value: number };
  kendall: { s: number; value: number };
  oddoneout: { s: number; correct: number; correctGram: number; method: string };
}

function median(values: number[]): number {
  const s = [...values].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median seconds of `reps` runs after one warm-up, and the last result. */
function medianTime<T>(fn: () => T, reps: number): { s: number; result: T } {
  let result = fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    result = fn();
    times.push((performance.now() - t) / 1000);
  }
  return { s: median(times), result };
}

function concat(a: Triplets, b: Triplets): Triplets {
  const join3 = (x: Int32Array, y: Int32Array) => {
    const out = new Int32Array(a.n + b.n);
    out.set(x.subarray(0, a.n));
    out.set(y.subarray(0, b.n), a.n);
    return out;
  };
  return { a: join3(a.a, b.a), b: join3(a.b, b.b), odd: join3(a.odd, b.odd), n: a.n + b.n };
}

async function writeBin(dir: string, name: string, data: Float64Array | Int32Array) {
  await Deno.writeFile(
    join(dir, `${name}.bin`),
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      reps: { type: "string", default: "5" },
      "peer-limit": { type: "string", default: "120" },
    },
  });
  const reps = Math.max(1, Number(values.reps));
  const peerLimit = Number(values["peer-limit"]);
  const cores = navigator.hardwareConcurrency;

  const w = await readSposeEmbedding(
    new URL("spose49/spose_embedding_49d_sorted.txt", DATA).pathname,
    { rows: 1854, cols: 49 },
  );
  const test = await readTriplets(new URL("triplets/thingsdata_test_10_ID.txt", DATA).pathname, {
    nConcepts: w.rows,
  });
  const nc = await readTriplets(new URL("triplets/triplets_noiseceiling.csv", DATA).pathname, {
    nConcepts: w.rows,
  });
  const triplets = concat(test, nc);
  const n = w.rows;
  console.log(
    `inputs: SPoSE ${n}×${w.cols}, ${triplets.n} triplets (${test.n} test + ${nc.n} noise ` +
      `ceiling); ${cores} cores; deno ${Deno.version.deno}`,
  );

  // (a) human similarity matrix: all cores, and one worker for a per-core comparison
  let t = performance.now();
  const rsm = await humanSimilarityFromEmbedding(w);
  const oursRsm = (performance.now() - t) / 1000;
  t = performance.now();
  const rsm1 = await humanSimilarityFromEmbedding(w, { workers: 1 });
  const oursRsm1 = (performance.now() - t) / 1000;
  let identical = true;
  for (let q = 0; q < rsm.length; q++) if (!Object.is(rsm[q], rsm1[q])) identical = false;

  // (b) Spearman / Kendall over the upper triangle: human similarity vs SPoSE dot products
  const x = upperTriangle({ data: rsm, rows: n, cols: n });
  const y = upperTriangle(dotSimilarity(w));
  const sp = medianTime(() => spearman(x, y), reps);
  const kt = medianTime(() => kendallTauB(x, y), Math.max(1, reps >> 1));

  // (c) odd-one-out accuracy
  const ooo = medianTime(() => oddOneOutAccuracy(w, triplets), reps);

  // peer, same inputs
  const dir = await Deno.makeTempDir({ prefix: "ht-perf-" });
  let peer: PeerResult;
  let peerRsm: Float64Array | null = null;
  try {
    await Deno.writeTextFile(
      join(dir, "spec.json"),
      JSON.stringify({ n, dim: w.cols, reps, limitS: peerLimit }),
    );
    await writeBin(dir, "w", w.data);
    await writeBin(dir, "x", x);
    await writeBin(dir, "y", y);
    await writeBin(dir, "a", triplets.a);
    await writeBin(dir, "b", triplets.b);
    await writeBin(dir, "odd", triplets.odd);
    console.log("running the numpy/scipy peer …");
    const script = new URL("perf_peer.py", import.meta.url).pathname;
    const res = await new Deno.Command("/usr/bin/python3", { args: [script, dir] }).output();
    const stdout = new TextDecoder().decode(res.stdout);
    if (!res.success) throw new Error(`peer failed:\n${new TextDecoder().decode(res.stderr)}`);
    const line = stdout.split("\n").find((l) => l.startsWith("@@PEER@@"));
    if (!line) throw new Error(`peer printed no result:\n${stdout}`);
    peer = JSON.parse(line.slice("@@PEER@@".length));
    if (!peer.rsm.extrapolated) {
      const bytes = await Deno.readFile(join(dir, "peer_rsm.bin"));
      peerRsm = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  let maxDiff = NaN;
  if (peerRsm) {
    maxDiff = 0;
    for (let q = 0; q < rsm.length; q++) maxDiff = Math.max(maxDiff, Math.abs(rsm[q] - peerRsm[q]));
  }
  const agreeRsm = peerRsm
    ? `max |Δ| = ${maxDiff.toExponential(1)}`
    : "not compared (extrapolated)";
  const rows: [string, number, number, string, boolean][] = [
    [
      `(a) human similarity 1854×1854, ${cores} workers`,
      oursRsm,
      peer.rsm.s,
      agreeRsm + (identical ? "; bit-identical to 1 worker" : "; DIFFERS from 1 worker"),
      identical && (!peerRsm || maxDiff < 1e-10),
    ],
    [
      "(a') human similarity, 1 worker",
      oursRsm1,
      peer.rsm.s,
      "same matrix",
      identical,
    ],
    [
      `(b) Spearman, ${x.length} pairs`,
      sp.s,
      peer.spearman.s,
      `rho ${sp.result.toFixed(6)} vs ${peer.spearman.value.toFixed(6)}`,
      Math.abs(sp.result - peer.spearman.value) < 1e-9,
    ],
    [
      `(b') Kendall tau-b, ${x.length} pairs`,
      kt.s,
      peer.kendall.s,
      `tau ${kt.result.toFixed(6)} vs ${peer.kendall.value.toFixed(6)}`,
      Math.abs(kt.result - peer.kendall.value) < 1e-9,
    ],
    [
      `(c) odd-one-out, ${triplets.n} triplets`,
      ooo.s,
      peer.oddoneout.s,
      `${ooo.result.correct} vs ${peer.oddoneout.correct} correct`,
      ooo.result.correct === peer.oddoneout.correct,
    ],
  ];
  const pad = (s: string, k: number) => s.padEnd(k);
  const num = (v: number) => v.toFixed(3).padStart(9);
  console.log(
    `\npeer: numpy ${peer.numpy}, scipy ${peer.scipy} (/usr/bin/python3); (c) peer method: ` +
      `${peer.oddoneout.method}`,
  );
  if (peer.rsm.extrapolated) {
    console.log(
      `NOTE: the peer for (a) was extrapolated from its first 40 rows (estimated > ${peerLimit} s).`,
    );
  }
  console.log(
    `\n${pad("task", 46)} ${"ours (s)".padStart(9)} ${"peer (s)".padStart(9)} ${
      "ours/peer".padStart(9)
    }  agreement`,
  );
  let allAgree = true;
  for (const [task, ours, theirs, agree, ok] of rows) {
    allAgree &&= ok;
    console.log(
      `${pad(task, 46)} ${num(ours)} ${num(theirs)} ${(ours / theirs).toFixed(2).padStart(9)}  ${
        ok ? "ok" : "MISMATCH"
      }: ${agree}`,
    );
  }
  console.log(
    `\nSPoSE-49: odd-one-out accuracy ${(100 * ooo.result.accuracy).toFixed(2)} % on all ` +
      `${triplets.n} triplets`,
  );
  if (!allAgree) {
    console.error("results disagree with the peer");
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
