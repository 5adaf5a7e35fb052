/**
 * The two files of `deno task eval rsa|gwot --a F --b F`, read and matched row for row.
 *
 * - With a concept list (`match: "concept"`, i.e. `--concepts`), or when either file is an Arrow
 *   table with uniqueIDs, rows are concepts: plain files must have one row per concept in
 *   canonical order, and the concepts both files have are compared.
 * - Otherwise (`match: "auto"`) two plain matrices (`.txt`, `.tsv`, `.csv`, `.npy`) of any equal
 *   row count are compared row for row: rows are items matched by position. Files of exactly the
 *   concept list's size are still reported as concepts, as before.
 *
 * @module
 */
import {
  type ConceptMatrix,
  isPlainMatrixFile,
  readConceptMatrix,
  readPlainMatrix,
} from "../data/embedding_file.ts";
import type { ConceptIndex } from "../data/readers/mod.ts";
import { InputError } from "../io/errors.ts";

/** How the rows of the two files are matched. */
export type MatchMode = "auto" | "concept";

/** Options of {@link readMatrixPair}. */
export interface MatrixPairOptions {
  /** Concept list indexing the files (needed for Arrow files; optional for plain ones). */
  concepts?: ConceptIndex;
  /**
   * `concept`: the files must be indexed by `concepts` (an explicit `--concepts`); `auto`
   * (default): plain matrices whose row count is not the concept list's are matched by position.
   */
  match?: MatchMode;
}

/** Two matrices and the rows of each that are compared (the same row numbers in both). */
export interface MatrixPair {
  a: ConceptMatrix;
  b: ConceptMatrix;
  /** Rows compared (row i of `a` against row i of `b`). */
  rows: number[];
  /** `concept`: rows are the concepts of the list; `position`: rows are items in file order. */
  matchedBy: "concept" | "position";
}

/** Fewest rows an RDM comparison can use (3 rows give 3 pairs). */
export const MIN_ROWS = 3;

/** Read and match the two files (see the module documentation). */
export async function readMatrixPair(
  files: { a: string; b: string },
  options: MatrixPairOptions,
): Promise<MatrixPair> {
  const { concepts } = options;
  const plain = isPlainMatrixFile(files.a) && isPlainMatrixFile(files.b);
  if (options.match === "concept" || !plain) {
    if (!concepts) {
      const labelled = isPlainMatrixFile(files.a) ? files.b : files.a;
      throw new InputError({
        file: labelled,
        expected: "a concept list (--concepts) to index its uniqueIDs",
        found: "none",
      });
    }
    const a = await readConceptMatrix(files.a, concepts);
    const b = await readConceptMatrix(files.b, concepts);
    const rows: number[] = [];
    for (let i = 0; i < concepts.size; i++) if (a.present[i] && b.present[i]) rows.push(i);
    return { a, b, rows, matchedBy: "concept" };
  }
  const ma = await readPlainMatrix(files.a);
  const mb = await readPlainMatrix(files.b);
  if (ma.rows !== mb.rows) {
    throw new InputError({
      file: files.b,
      expected: `${ma.rows} rows, as many as ${files.a} (without --concepts, the rows of the two ` +
        "files are items matched by position)",
      found: `${mb.rows} rows`,
    });
  }
  if (ma.rows < MIN_ROWS) {
    throw new InputError({
      file: files.a,
      expected: `at least ${MIN_ROWS} rows (items) to compare dissimilarities`,
      found: `${ma.rows}`,
    });
  }
  const n = ma.rows;
  const all = (m: typeof ma): ConceptMatrix => ({
    matrix: m,
    present: new Uint8Array(n).fill(1),
    kind: "embedding",
  });
  return {
    a: all(ma),
    b: all(mb),
    rows: Array.from({ length: n }, (_, i) => i),
    matchedBy: concepts && n === concepts.size ? "concept" : "position",
  };
}

/** The one-line note printed when rows are matched by position. */
export function positionNote(n: number, skipped?: string): string {
  return `no concept list: the ${n} rows of the two files are items matched by position` +
    (skipped ? `; ${skipped} skipped (no concept labels)` : "");
}
