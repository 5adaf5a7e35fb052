/**
 * File-level GWOT behind `deno task eval gwot --a F --b F`: Gromov–Wasserstein alignment of the
 * RDMs (1 − cosine) of two concept embeddings over the concepts both files have, e.g. SPoSE-49
 * against VICE on all 1,854 concepts.
 *
 * @module
 */
import { type GwotRun, gwotSweep } from "../align/gwot_sweep.ts";
import { readConceptMatrix } from "../data/embedding_file.ts";
import type { ConceptIndex } from "../data/readers/mod.ts";
import { pearson } from "../metrics/correlation.ts";
import { cosineDissimilarity, upperTriangle } from "../metrics/similarity.ts";
import type { Matrix } from "../metrics/types.ts";

/** Result of {@link evaluateGwot}. */
export interface GwotReport {
  /** Concepts aligned (present in both files). */
  n: number;
  /** The minimum-GW-distance run. */
  best: GwotRun;
  /** Every run of the sweep. */
  runs: GwotRun[];
  /** Chance levels of the best plan's top-1 (label permutations). */
  chance_top1_mean: number;
  chance_top1_p95: number;
  /** RSA (Pearson of the RDMs' upper triangles), the supervised baseline. */
  rsa_pearson: number;
  /** Wall time of the sweep. */
  seconds: number;
  a: string;
  b: string;
}

/** 1 − cosine RDM of the given rows of a concept matrix. */
function rdm(m: Matrix, rows: number[]): Matrix {
  const d = m.cols;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => x.set(m.data.subarray(r * d, (r + 1) * d), i * d));
  return cosineDissimilarity({ data: x, rows: rows.length, cols: d });
}

/** GWOT between two embedding files (see the module documentation). */
export async function evaluateGwot(
  files: { a: string; b: string },
  options: {
    concepts: ConceptIndex;
    epsilons?: number[];
    inits: number;
    maxIter: number;
    seed: number;
  },
): Promise<GwotReport> {
  const a = await readConceptMatrix(files.a, options.concepts);
  const b = await readConceptMatrix(files.b, options.concepts);
  for (const [m, f] of [[a, files.a], [b, files.b]] as const) {
    if (m.kind !== "embedding") throw new Error(`${f}: GWOT needs an embedding`);
  }
  const rows: number[] = [];
  for (let i = 0; i < options.concepts.size; i++) if (a.present[i] && b.present[i]) rows.push(i);
  const ra = rdm(a.matrix, rows), rb = rdm(b.matrix, rows);
  const start = performance.now();
  const sweep = gwotSweep(ra, rb, {
    seed: options.seed,
    inits: options.inits,
    maxIter: options.maxIter,
    ...(options.epsilons ? { epsilons: options.epsilons } : {}),
  });
  return {
    n: rows.length,
    best: sweep.runs[sweep.best],
    runs: sweep.runs,
    chance_top1_mean: sweep.chance.top1Mean,
    chance_top1_p95: sweep.chance.top1P95,
    rsa_pearson: pearson(upperTriangle(ra), upperTriangle(rb)),
    seconds: (performance.now() - start) / 1000,
    a: files.a,
    b: files.b,
  };
}
