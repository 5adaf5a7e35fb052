/**
 * File-level GWOT behind `deno task eval gwot --a F --b F`: Gromov–Wasserstein alignment of the
 * RDMs (1 − cosine) of two concept embeddings over the concepts both files have, e.g. SPoSE-49
 * against VICE on all 1,854 concepts, or, without a concept list, of two plain matrices with the
 * same number of rows, matched by position (see {@link readMatrixPair}). Top-k matching rates
 * count row i of one file matched to row i of the other; category matching rates need concept
 * labels and are not computed here (`categoryRate` is NaN, printed as null).
 *
 * @module
 */
import { type GwotRun, gwotSweep } from "../align/gwot_sweep.ts";
import type { ConceptIndex } from "../data/readers/mod.ts";
import { InputError } from "../io/errors.ts";
import { pearson } from "../metrics/correlation.ts";
import { cosineDissimilarity, upperTriangle } from "../metrics/similarity.ts";
import type { Matrix } from "../metrics/types.ts";
import { type MatchMode, positionNote, readMatrixPair } from "./pair.ts";

/** Result of {@link evaluateGwot}. */
export interface GwotReport {
  /** Rows aligned: concepts present in both files, or items matched by position. */
  n: number;
  /** `concept`: rows are the concepts of the list; `position`: items matched by file order. */
  matched_by: "concept" | "position";
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
  /** What was skipped and why (rows matched by position: no category matching rates). */
  note?: string;
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
    /** Concept list indexing the files (needed for Arrow files; optional for plain matrices). */
    concepts?: ConceptIndex;
    /** See {@link readMatrixPair} (default `auto`). */
    match?: MatchMode;
    epsilons?: number[];
    inits: number;
    maxIter: number;
    seed: number;
    /** Called once the files are read and checked, before the sweep (e.g. to load the backend). */
    prepare?: () => Promise<void>;
  },
): Promise<GwotReport> {
  const { a, b, rows, matchedBy } = await readMatrixPair(files, options);
  for (const [m, f] of [[a, files.a], [b, files.b]] as const) {
    if (m.kind !== "embedding") {
      throw new InputError({
        file: f,
        expected: "an embedding for GWOT (rows are vectors)",
        found: "a similarity matrix",
      });
    }
  }
  await options.prepare?.();
  const ra = rdm(a.matrix, rows), rb = rdm(b.matrix, rows);
  const start = performance.now();
  const sweep = await gwotSweep(ra, rb, {
    seed: options.seed,
    inits: options.inits,
    maxIter: options.maxIter,
    ...(options.epsilons ? { epsilons: options.epsilons } : {}),
  });
  return {
    n: rows.length,
    matched_by: matchedBy,
    best: sweep.runs[sweep.best],
    runs: sweep.runs,
    chance_top1_mean: sweep.chance.top1Mean,
    chance_top1_p95: sweep.chance.top1P95,
    rsa_pearson: pearson(upperTriangle(ra), upperTriangle(rb)),
    seconds: (performance.now() - start) / 1000,
    a: files.a,
    b: files.b,
    ...(matchedBy === "position"
      ? { note: positionNote(rows.length, "category matching rates") }
      : {}),
  };
}
