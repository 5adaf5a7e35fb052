/**
 * The tables of the `human` stage as Arrow tables: the similarity matrix (and its shuffled
 * control), the concept pairs with their splits, and the training triplets (and their control).
 * Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  boolColumn,
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  vectorColumn,
} from "../io/arrow.ts";
import type { Table } from "apache-arrow";
import type { HumanPairs } from "./pairs.ts";

/**
 * `human_similarity.arrow` (or its shuffled control, with `source`: the concept each row's values
 * came from): one row per concept, the matrix row as a vector.
 */
export function matrixTable(
  rows: { ids: readonly string[]; hasImages: boolean[] },
  data: Float64Array,
  source?: Int32Array,
): Table {
  const n = rows.ids.length;
  return makeTable({
    index: int32Column(Int32Array.from({ length: n }, (_, i) => i)),
    uniqueID: stringColumn(rows.ids),
    has_images: boolColumn(rows.hasImages),
    ...(source
      ? {
        source_index: int32Column(source),
        source_uniqueID: stringColumn(Array.from(source, (s) => rows.ids[s])),
      }
      : {}),
    similarity: vectorColumn(data, n),
  });
}

/** `human_pairs.arrow`: every pair a < b among the concepts with images, with both splits. */
export function pairsTable(ids: readonly string[], pairs: HumanPairs): Table {
  const id = (i: number) => ids[i];
  return makeTable({
    a: int32Column(pairs.a),
    b: int32Column(pairs.b),
    a_uniqueID: stringColumn(Array.from(pairs.a, id)),
    b_uniqueID: stringColumn(Array.from(pairs.b, id)),
    similarity: float64Column(pairs.similarity),
    split: stringColumn(pairs.split),
    split_concept_disjoint: stringColumn(pairs.splitDisjoint),
  });
}

/** `triplets.arrow` (or its control): the triplets with the human similarities of their pairs. */
export function tripletTable(
  matrix: { data: Float64Array; n: number },
  ids: readonly string[],
  t: { anchor: Int32Array; positive: Int32Array; negative: Int32Array },
): Table {
  const id = (i: number) => ids[i];
  const at = (c: Int32Array, r: Int32Array, i: number) => matrix.data[c[i] * matrix.n + r[i]];
  return makeTable({
    anchor: int32Column(t.anchor),
    positive: int32Column(t.positive),
    negative: int32Column(t.negative),
    anchor_uniqueID: stringColumn(Array.from(t.anchor, id)),
    positive_uniqueID: stringColumn(Array.from(t.positive, id)),
    negative_uniqueID: stringColumn(Array.from(t.negative, id)),
    sim_positive: float64Column(Float64Array.from(t.anchor, (_, i) => at(t.anchor, t.positive, i))),
    sim_negative: float64Column(Float64Array.from(t.anchor, (_, i) => at(t.anchor, t.negative, i))),
  });
}
