/**
 * The per-item tables of `bench` under `benchmark/`: `retrieval_queries.arrow` (one row per test
 * query), `triplet_margins.arrow` (one row per held-out triplet and model) and
 * `transfer_targets.arrow` (one row per transfer target and model). Columns as `docs/tables.md`
 * documents them.
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
import { utf8Column } from "../io/utf8_column.ts";
import { TABLE } from "./names.ts";
import { tablePath } from "./paths.ts";

/** Paths of the three per-item tables in a tables folder. */
export function benchmarkItemPaths(
  tables: string,
): { retrieval: string; margins: string; targets: string } {
  return {
    retrieval: tablePath(tables, TABLE.retrievalQueries),
    margins: tablePath(tables, TABLE.tripletMargins),
    targets: tablePath(tables, TABLE.transferTargets),
  };
}

/** One row of `benchmark/retrieval_queries.arrow`. */
export interface RetrievalQueryRow {
  /** Model key. */
  model: string;
  /** Seed. */
  seed: number | null;
  /** Image row of the query. */
  image_row: number;
  /** The query's concept. */
  uniqueID: string;
  /** Rank of the first gallery image of the query's concept. */
  first_relevant_rank: number;
  /** Average precision of the query. */
  average_precision: number;
}

/** Write `benchmark/retrieval_queries.arrow`. */
export async function writeRetrievalQueries(
  tables: string,
  rows: readonly RetrievalQueryRow[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: utf8Column(rows.map((r) => r.model)),
    seed: int32Column(rows.map((r) => r.seed)),
    image_row: int32Column(rows.map((r) => r.image_row)),
    uniqueID: utf8Column(rows.map((r) => r.uniqueID)),
    first_relevant_rank: int32Column(rows.map((r) => r.first_relevant_rank)),
    average_precision: float64Column(rows.map((r) => r.average_precision)),
  });
  await writeTable(benchmarkItemPaths(tables).retrieval, table, meta);
}

/** `benchmark/triplet_margins.arrow` column by column (hundreds of thousands of rows). */
export interface TripletMarginColumns {
  /** Model key of each row. */
  model: string[];
  /** Seed of each row. */
  seed: (number | null)[];
  /** Triplet subset of each row. */
  subset: string[];
  /** Anchor concept. */
  anchor: string[];
  /** Positive concept. */
  positive: string[];
  /** Negative concept. */
  negative: string[];
  /** s(anchor, positive) − s(anchor, negative). */
  margin: number[];
}

/** Write `benchmark/triplet_margins.arrow`. */
export async function writeTripletMargins(
  tables: string,
  c: TripletMarginColumns,
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: utf8Column(c.model),
    seed: int32Column(c.seed),
    subset: utf8Column(c.subset),
    anchor: utf8Column(c.anchor),
    positive: utf8Column(c.positive),
    negative: utf8Column(c.negative),
    margin: float64Column(c.margin),
  });
  await writeTable(benchmarkItemPaths(tables).margins, table, meta);
}

/** One row of `benchmark/transfer_targets.arrow`. */
export interface TransferTargetRow {
  /** Model key. */
  model: string;
  /** Seed. */
  seed: number | null;
  /** Target family (`property`, `size`, `category`…). */
  kind: string;
  /** Target name. */
  target: string;
  /** Cross-validated score. */
  value: number;
  /** Concepts scored. */
  n: number;
  /** Median ridge λ over folds (null where none). */
  lambda: number | null;
}

/** Write `benchmark/transfer_targets.arrow`. */
export async function writeTransferTargets(
  tables: string,
  rows: readonly TransferTargetRow[],
  meta: TableMetadata,
): Promise<void> {
  const table = makeTable({
    model: stringColumn(rows.map((r) => r.model)),
    seed: int32Column(rows.map((r) => r.seed)),
    kind: stringColumn(rows.map((r) => r.kind)),
    target: stringColumn(rows.map((r) => r.target)),
    value: float64Column(rows.map((r) => r.value)),
    n: int32Column(rows.map((r) => r.n)),
    lambda: float64Column(rows.map((r) => r.lambda)),
  });
  await writeTable(benchmarkItemPaths(tables).targets, table, meta);
}
