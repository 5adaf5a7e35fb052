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
}

const SPLITS = ["train", "val", "test"];

/**
 * Builds a {@link HumanPairs} lookup from table `human_pairs` (a dense matrix over the concepts
 * that occur in it: about 450² cells on the embedded profile), once per row array.
 */
export function humanPairs(tables: TableSet): HumanPairs {
  const rows = tableRows(tables, "human_pairs");
  return memo(rows, "humanPairs", () => buildHumanPairs(rows));
}

function buildHumanPairs(rows: Row[]): HumanPairs {
  const local = new Map<string, number>();
  const ids: string[] = [];
  const pairs: [number, number, number, number][] = [];
  const localOf = (id: string) => {
    let i = local.get(id);
    if (i === undefined) {
      i = ids.length;
      local.set(id, i);
      ids.push(id);
    }
    return i;
  };
  // concept indices (a, b) are canonical rows; resolve each uniqueID once per index
  const byIndex: number[] = [];
  const resolve = (index: unknown, id: unknown) => {
    const k = num(index);
    if (k !== null && k >= 0 && byIndex[k] !== undefined) return byIndex[k];
    const i = localOf(str(id));
    if (k !== null && k >= 0) byIndex[k] = i;
    return i;
  };
  for (const row of rows) {
    const similarity = num(row.similarity);
    if (similarity === null || !row.a_uniqueID || !row.b_uniqueID) continue;
    const a = resolve(row.a, row.a_uniqueID), b = resolve(row.b, row.b_uniqueID);
    const code = SPLITS.indexOf(str(row.split));
    pairs.push([a, b, similarity, code < 0 ? SPLITS.length : code]);
  }
  const n = ids.length;
  const sim = new Float64Array(n * n).fill(NaN);
  const split = new Uint8Array(n * n).fill(255);
  for (const [a, b, s, c] of pairs) {
    sim[a * n + b] = sim[b * n + a] = s;
    split[a * n + b] = split[b * n + a] = c;
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
