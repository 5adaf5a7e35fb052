/**
 * `triplets.arrow` and its shuffled control `triplets_shuffled.arrow` (written by `human`): the
 * training triplets (canonical concept indices) with the human similarities of their pairs.
 * Columns as `docs/tables.md` documents them.
 *
 * @module
 */
import {
  float64Column,
  int32Column,
  makeTable,
  stringColumn,
  type TableMetadata,
  writeTable,
} from "../io/arrow.ts";
import type { TrainingTriplets } from "../human/triplets.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";
import { openTable } from "./reader.ts";

/** The two triplet tables. */
export type TripletTable = typeof TABLE.triplets | typeof TABLE.tripletsShuffled;

/** Path of a triplet table (default: `triplets.arrow`). */
export function tripletsPath(tables: string, name: TripletTable = TABLE.triplets): string {
  return tablePath(tables, name);
}

/** Triplets as concept indices (the human stage's triplets without their similarities). */
export type TripletIndices = Pick<TrainingTriplets, "anchor" | "positive" | "negative">;

/** Write a triplet table; the similarities come from the n×n `matrix`, names from `ids`. */
export async function writeTriplets(
  tables: string,
  t: TripletIndices & {
    name: TripletTable;
    ids: readonly string[];
    matrix: { data: Float64Array; n: number };
  },
  meta: TableMetadata,
): Promise<void> {
  const id = (i: number) => t.ids[i];
  const { matrix } = t;
  const at = (c: Int32Array, r: Int32Array, i: number) => matrix.data[c[i] * matrix.n + r[i]];
  const table = makeTable({
    anchor: int32Column(t.anchor),
    positive: int32Column(t.positive),
    negative: int32Column(t.negative),
    anchor_uniqueID: stringColumn(Array.from(t.anchor, id)),
    positive_uniqueID: stringColumn(Array.from(t.positive, id)),
    negative_uniqueID: stringColumn(Array.from(t.negative, id)),
    sim_positive: float64Column(Float64Array.from(t.anchor, (_, i) => at(t.anchor, t.positive, i))),
    sim_negative: float64Column(Float64Array.from(t.anchor, (_, i) => at(t.anchor, t.negative, i))),
  });
  await writeTable(tripletsPath(tables, t.name), table, meta);
}

/** A triplet table's concept indices. */
export async function readTripletIndices(
  tables: string,
  name: TripletTable = TABLE.triplets,
): Promise<TripletIndices> {
  const t = await openTable(tripletsPath(tables, name), ["anchor", "positive", "negative"]);
  return {
    anchor: t.int32("anchor"),
    positive: t.int32("positive"),
    negative: t.int32("negative"),
  };
}

/** `triplets.arrow` with its similarities. */
export async function readTrainingTriplets(tables: string): Promise<TrainingTriplets> {
  const t = await openTable(tripletsPath(tables), [
    "anchor",
    "positive",
    "negative",
    "sim_positive",
    "sim_negative",
  ]);
  return {
    anchor: t.int32("anchor"),
    positive: t.int32("positive"),
    negative: t.int32("negative"),
    simPositive: t.float64("sim_positive"),
    simNegative: t.float64("sim_negative"),
  };
}
