/**
 * The 48-object behavioural RDM of Hebart et al. (2020): `rdm/RDM48_triplet.mat` (a MATLAB v5
 * file with one 48 × 48 double matrix, the dissimilarities of a fully sampled triplet odd-one-out
 * experiment, independent of the SPoSE embedding), with its rows' concepts from
 * `rdm/RDM48_concepts_order.tsv` ({@link readRdmOrder}). The matrix must be square with one row
 * per order row, finite, symmetric and zero on the diagonal; a problem is an `InputError` naming
 * the file, the variable and the 1-based row and column.
 *
 * @module
 */
import { InputError } from "../../io/errors.ts";
import { readMatMatrix } from "../../io/mat.ts";
import type { ConceptSource } from "./concepts.ts";
import { readRdmOrder } from "./rdm_order.ts";

/** Paths of the RDM48 files, relative to the THINGS folder of a profile. */
export const RDM48_FILES = {
  matrix: "rdm/RDM48_triplet.mat",
  order: "rdm/RDM48_concepts_order.tsv",
} as const;

/** Name of the matrix variable in `RDM48_triplet.mat`. */
export const RDM48_VARIABLE = "RDM48_triplet";

/** A behavioural RDM over a few THINGS concepts. */
export interface BehaviouralRdm {
  /** Canonical (0-based, `unique_id.txt`) concept index of each RDM row. */
  concept: Int32Array;
  /** uniqueID of each row. */
  ids: string[];
  /** Dissimilarities, rows × rows, row-major. */
  dissimilarity: Float64Array;
  /** Number of rows (48). */
  size: number;
}

/** Options of {@link readBehaviouralRdm}. */
export interface ReadRdmOptions {
  /** The `.mat` file. */
  matrix: string;
  /** The row-order table. */
  order: string;
  /** The canonical concept list (the order table is checked against it). */
  conceptIds: ConceptSource;
  /** Variable holding the matrix (default {@link RDM48_VARIABLE}). */
  variable?: string;
  /** Expected number of rows (default 48). */
  count?: number;
}

/** Read and check an RDM and its row order (see the module documentation). */
export async function readBehaviouralRdm(options: ReadRdmOptions): Promise<BehaviouralRdm> {
  const count = options.count ?? 48;
  const variable = options.variable ?? RDM48_VARIABLE;
  const order = await readRdmOrder(options.order, { conceptIds: options.conceptIds, count });
  const m = await readMatMatrix(options.matrix, variable);
  const where = { file: options.matrix, entry: variable };
  if (m.rows !== count || m.cols !== count) {
    throw new InputError({
      ...where,
      expected: `a ${count} × ${count} matrix (one row and column per row of ${options.order})`,
      found: `${m.rows} × ${m.cols}`,
    });
  }
  const d = m.data;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      const v = d[i * count + j];
      const at = { ...where, row: i + 1, column: j + 1 };
      if (!Number.isFinite(v)) {
        throw new InputError({ ...at, expected: "a finite dissimilarity", found: String(v) });
      }
      if (i === j && v !== 0) {
        throw new InputError({ ...at, expected: "0 on the diagonal", found: String(v) });
      }
      if (j > i && v !== d[j * count + i]) {
        throw new InputError({
          ...at,
          expected: `a symmetric matrix (${d[j * count + i]} at row ${j + 1}, column ${i + 1})`,
          found: String(v),
        });
      }
    }
  }
  return {
    concept: Int32Array.from(order, (r) => r.thingsRow),
    ids: order.map((r) => r.uniqueID),
    dissimilarity: Float64Array.from(d),
    size: count,
  };
}
