/**
 * GWOT benchmark against POT 0.8.2 (Debian python3-pot) in the same run: entropic GW between the
 * SPoSE-49 and VICE RDMs (1 − cosine) on all 1,854 THINGS concepts at one ε, both from the
 * product plan; prints the times, their ratio and both top-1 matching rates.
 *
 * Usage: deno task perf:gwot [--eps 0.005] [--n 1854]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { matchingRate } from "../src/align/gwot.ts";
import { entropicGwTf } from "../src/align/gwot_tf.ts";
import { readSposeEmbedding } from "../src/data/readers/mod.ts";
import { readNpy } from "../src/io/npy.ts";
import { cosineDissimilarity } from "../src/metrics/similarity.ts";
import type { Matrix } from "../src/metrics/types.ts";
import { backendInfo, initBackend } from "../src/models/backend.ts";

const args = parseArgs({
  args: Deno.args,
  options: { eps: { type: "string", default: "0.005" }, n: { type: "string", default: "1854" } },
});
const eps = Number(args.values.eps), n = Number(args.values.n);
await initBackend({ backend: "auto", log: false });
const things = new URL("../data/embedded/things/", import.meta.url).pathname;
const spose = await readSposeEmbedding(join(things, "spose49/spose_embedding_49d_sorted.txt"), {
  rows: 1854,
});
const vice = await readNpy(join(things, "vice/vice_things_final_embedding.npy"));

function rdm(data: ArrayLike<number>, d: number): Matrix {
  const x = Float64Array.from({ length: n * d }, (_, i) => data[i]);
  return cosineDissimilarity({ data: x, rows: n, cols: d });
}
const a = rdm(spose.data, spose.cols), b = rdm(vice.data, vice.shape[1]);

let t = performance.now();
const ours = await entropicGwTf(a, b, { epsilon: eps });
const oursSeconds = (performance.now() - t) / 1000;
const oursTop1 = matchingRate(ours.plan, { n, k: 1 });

const dir = await Deno.makeTempDir({ prefix: "ht-gwot-" });
await Deno.writeFile(join(dir, "a.bin"), new Uint8Array(a.data.buffer));
await Deno.writeFile(join(dir, "b.bin"), new Uint8Array(b.data.buffer));
t = performance.now();
const run = await new Deno.Command("/usr/bin/python3", {
  args: [
    new URL("./gwot_peer.py", import.meta.url).pathname,
    JSON.stringify({ n, eps, a: join(dir, "a.bin"), b: join(dir, "b.bin") }),
  ],
  stdout: "piped",
  stderr: "piped",
}).output();
await Deno.remove(dir, { recursive: true });
if (!run.success) {
  console.error(new TextDecoder().decode(run.stderr));
  throw new Error("POT peer failed (install python3-pot)");
}
const peer = JSON.parse(new TextDecoder().decode(run.stdout).trim().split("\n").at(-1)!);
const info = backendInfo();
console.log(
  `SPoSE-49 vs VICE RDMs, n = ${n}, ε = ${eps}; ours: ${info.name} float32 ` +
    `(TF ${info.tensorflow ?? "-"}), peer: POT ${peer.pot} float64`,
);
console.log(
  `${"".padEnd(10)} ${"seconds".padStart(9)} ${"steps".padStart(6)} ${"top-1".padStart(7)} ${
    "GWD".padStart(10)
  }`,
);
console.log(
  `${"ours".padEnd(10)} ${oursSeconds.toFixed(1).padStart(9)} ${
    String(ours.iterations).padStart(6)
  } ${oursTop1.toFixed(4).padStart(7)} ${ours.gwDistance.toExponential(3).padStart(10)}`,
);
console.log(
  `${"POT".padEnd(10)} ${peer.seconds.toFixed(1).padStart(9)} ${"".padStart(6)} ${
    peer.top1.toFixed(4).padStart(7)
  } ${peer.gwd.toExponential(3).padStart(10)}`,
);
console.log(
  `time ratio ours/POT: ${(oursSeconds / peer.seconds).toFixed(3)}; top-1 difference ${
    ((oursTop1 - peer.top1) * 100).toFixed(2)
  } points`,
);
