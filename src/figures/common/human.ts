/**
 * Human similarity of concept pairs from `human_pairs.arrow` (every pair of concepts with images,
 * with its train/val/test split), for figures that score model neighbours against held-out human
 * judgments. Browser-safe.
 *
 * @module
 */
import { num, str, tableRows } from "../data.ts";
import type { Row, TableSet } from "../spec.ts";
import { memo } from "./memo.ts";
import { TABLE } from "../../tables/names.ts";

/** One partner of a concept. */
export interface HumanPartner {
  /** The partner's uniqueID. */
  uniqueID: string;
  /** Human similarity of the pair. */
  similarity: number;
  /** Pair split (`train`, `val`, `test`). */
  split: string;
}

/** Lookup of human pair similarities. */
export interface HumanPairs {
  /** Similarity of a pair (either order), or null when the pair is not in the table. */
  similarity(a: string, b: string): number | null;
  /** Split of a pair (either order), or null. */
  split(a: string, b: string): string | null;
  /** Every partner of a concept (in the order concepts first occur in the table). */
  partners(uniqueID: string): HumanPartner[];
  /**
   * The similarities among `ids` as a row-major `ids.length²` matrix (NaN where a pair is not in
   * the table, including the diagonal): {@link HumanPairs.similarity} for every pair at once.
   */
  matrix(ids: readonly string[]): Float64Array;
}

const SPLITS = ["train", "val", "test"];
const SPLIT_CODES = new Map(SPLITS.map((s, i) => [s, i]));

/**
 * Builds a {@link HumanPairs} lookup from table `human_pairs` (a dense matrix over the concepts
 * that occur in it: about 450² cells on the embedded profile), once per row array.
 */
export function humanPairs(tables: TableSet): HumanPairs {
  const rows = tableRows(tables, TABLE.humanPairs);
  return memo(rows, "humanPairs", () => buildHumanPairs(rows));
}

function buildHumanPairs(rows: Row[]): HumanPairs {
  const local = new Map<string, number>();
  const ids: string[] = [];
  // concept indices (a, b) are canonical rows; resolve each uniqueID once per index
  const byIndex: number[] = [];
  const resolve = (index: unknown, id: unknown): number => {
    const k = num(index);
    if (k !== null && k >= 0 && byIndex[k] !== undefined) return byIndex[k];
    const key = str(id);
    let i = local.get(key);
    if (i === undefined) {
      i = ids.length;
      local.set(key, i);
      ids.push(key);
    }
    if (k !== null && k >= 0) byIndex[k] = i;
    return i;
  };
  // one pass into flat arrays (no object per pair), then the dense matrices
  const as = new Int32Array(rows.length), bs = new Int32Array(rows.length);
  const sims = new Float64Array(rows.length), codes = new Uint8Array(rows.length);
  let count = 0;
  for (const row of rows) {
    const similarity = num(row.similarity);
    if (similarity === null || !row.a_uniqueID || !row.b_uniqueID) continue;
    as[count] = resolve(row.a, row.a_uniqueID);
    bs[count] = resolve(row.b, row.b_uniqueID);
    sims[count] = similarity;
    codes[count++] = SPLIT_CODES.get(str(row.split)) ?? SPLITS.length;
  }
  const n = ids.length;
  const sim = new Float64Array(n * n).fill(NaN);
  const split = new Uint8Array(n * n).fill(255);
  for (let p = 0; p < count; p++) {
    const a = as[p], b = bs[p];
    sim[a * n + b] = sim[b * n + a] = sims[p];
    split[a * n + b] = split[b * n + a] = codes[p];
  }
  const cell = (a: string, b: string) => {
    const i = local.get(a), j = local.get(b);
    return i === undefined || j === undefined ? -1 : i * n + j;
  };
  return {
    similarity(a, b) {
      const c = cell(a, b);
      return c < 0 || Number.isNaN(sim[c]) ? null : sim[c];
    },
    split(a, b) {
      const c = cell(a, b);
      return c < 0 || split[c] === 255 ? null : (SPLITS[split[c]] ?? "other");
    },
    matrix(wanted) {
      const m = wanted.length;
      const out = new Float64Array(m * m).fill(NaN);
      const at = wanted.map((id) => local.get(id) ?? -1);
      for (let p = 0; p < m; p++) {
        const i = at[p];
        if (i < 0) continue;
        for (let q = 0; q < m; q++) if (at[q] >= 0) out[p * m + q] = sim[i * n + at[q]];
      }
      return out;
    },
    partners(id) {
      const i = local.get(id);
      if (i === undefined) return [];
      const out: HumanPartner[] = [];
      for (let j = 0; j < n; j++) {
        const c = i * n + j;
        if (j === i || split[c] === 255) continue;
        out.push({ uniqueID: ids[j], similarity: sim[c], split: SPLITS[split[c]] ?? "other" });
      }
      return out;
    },
  };
}
