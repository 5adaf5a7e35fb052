/**
 * The site's interactive tables, browser side: Arrow bytes → an arquero table, the values each
 * selector (model, metric, subset) offers, the reader's filter (selectors plus a free-text
 * query), and per-group means of the selection. Arquero does the filtering and grouping on the
 * Arrow columns as they arrive (no copy into row objects); the page component
 * (report/src/components/table_view.js) draws the result with `Inputs.table`.
 *
 * Browser-safe: no Deno or Node APIs. These are views of the published tables, not statistics
 * behind the scientific claims (those live in src/stats and are checked against scipy).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";

/** What a table view accepts: Arrow IPC bytes (`FileAttachment.arrayBuffer()`) or a table. */
export type TableViewInput = ArrayBuffer | Uint8Array | ColumnTable;

/**
 * Columns a selector falls back to when the table has no column of the selector's own name:
 * the comparisons table names its two models `model_a` and `model_b`, and its model selector
 * matches either.
 */
export const SELECTOR_FALLBACK: Readonly<Record<string, readonly string[]>> = {
  model: ["model_a", "model_b"],
};

/** The reader's filter: one value per selector column (absent or null: all) and a query. */
export interface RowFilter {
  /** Keep rows of this model (in `model`, or in `model_a`/`model_b` of the comparisons). */
  model?: string | null;
  /** Keep rows of this metric. */
  metric?: string | null;
  /** Keep rows of this subset. */
  subset?: string | null;
  /** Any other selector: column name → value to keep (absent or null: all). */
  where?: Record<string, unknown>;
  /**
   * Free text: split on white space, every term must occur (case-insensitively) in at least one
   * string column of the row.
   */
  query?: string;
}

/** Options of {@link selectorOptions}. */
export interface SelectorOptionsOptions {
  /** Leave out nulls (default true: a select offers values, "all" covers the rest). */
  dropNull?: boolean;
}

/** Options of {@link groupMeans}. */
export interface GroupMeansOptions {
  /** Column(s) to group by (default `model`). */
  by?: string | string[];
  /** Numeric column to average (default `value`). */
  value?: string;
}

/** One row of {@link groupMeans}: the group keys, then count of valid values, mean, min, max. */
export type GroupMean = Record<string, unknown> & {
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
};

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "variant" });

/** An arquero table of Arrow IPC bytes (an arquero table passes through unchanged). */
export function arqueroTable(input: TableViewInput): ColumnTable {
  if (input instanceof ArrayBuffer || input instanceof Uint8Array) return aq.fromArrow(input);
  if (input && typeof (input as ColumnTable).columnNames === "function") return input;
  throw new Error(
    `table view: expected Arrow IPC bytes (ArrayBuffer or Uint8Array) or an arquero table, ` +
      `got ${Object.prototype.toString.call(input)}`,
  );
}

/**
 * The columns of `table` that `selector` tests: the column of that name, else its
 * {@link SELECTOR_FALLBACK} columns that exist; empty when the table has none (the view then
 * omits the selector).
 */
export function selectorColumns(table: ColumnTable, selector: string): string[] {
  if (table.column(selector)) return [selector];
  return (SELECTOR_FALLBACK[selector] ?? []).filter((name) => table.column(name));
}

/** Orders a select's values: numbers ascending, strings naturally (`@2` < `@10`), null last. */
export function compareOptionValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * The distinct values each selector offers, sorted with {@link compareOptionValues}; a selector the
 * table lacks (see {@link selectorColumns}) is absent from the result.
 */
export function selectorOptions(
  table: ColumnTable,
  selectors: readonly string[],
  options: SelectorOptionsOptions = {},
): Record<string, unknown[]> {
  const dropNull = options.dropNull ?? true;
  const out: Record<string, unknown[]> = {};
  for (const selector of selectors) {
    const columns = selectorColumns(table, selector);
    if (!columns.length) continue;
    const values = new Set<unknown>();
    for (const name of columns) {
      for (const value of table.array(name) as Iterable<unknown>) values.add(value);
    }
    if (dropNull) values.delete(null);
    out[selector] = [...values].sort(compareOptionValues);
  }
  return out;
}

/** The equality tests of a filter: for each, the columns tested (any may match) and the value. */
function equalities(table: ColumnTable, filter: RowFilter): [string[], unknown][] {
  const wanted: [string, unknown][] = [
    ["model", filter.model],
    ["metric", filter.metric],
    ["subset", filter.subset],
    ...Object.entries(filter.where ?? {}),
  ];
  const out: [string[], unknown][] = [];
  for (const [selector, value] of wanted) {
    if (value === undefined || value === null || value === "") continue;
    const columns = selectorColumns(table, selector);
    if (!columns.length) {
      throw new Error(
        `table view: filter on "${selector}" expected a column "${selector}"` +
          `${SELECTOR_FALLBACK[selector] ? ` or ${SELECTOR_FALLBACK[selector].join("/")}` : ""}` +
          `; the table has ${table.columnNames().join(", ")}`,
      );
    }
    out.push([columns, value]);
  }
  return out;
}

/** The string columns of a table (those the free-text query searches). */
export function stringColumns(table: ColumnTable): string[] {
  return table.columnNames().filter((name) => {
    const values = table.array(name) as ArrayLike<unknown>;
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== null && values[i] !== undefined) return typeof values[i] === "string";
    }
    return false;
  });
}

/**
 * The rows of `table` that pass `filter`: every selector value equal (a null or absent value
 * keeps all) and every query term found in some string column, ignoring case. Row order is kept.
 * A selector naming a column the table lacks is an error, not an empty result.
 */
export function filterRows(table: ColumnTable, filter: RowFilter = {}): ColumnTable {
  const tests = equalities(table, filter);
  const terms = (filter.query ?? "").toLowerCase().split(/\s+/).filter((t) => t);
  if (!tests.length && !terms.length) return table;
  const searched = terms.length ? stringColumns(table) : [];
  const keep = aq.escape((row: Record<string, unknown>) => {
    for (const [columns, value] of tests) {
      if (!columns.some((name) => row[name] === value)) return false;
    }
    for (const term of terms) {
      if (!searched.some((name) => String(row[name] ?? "").toLowerCase().includes(term))) {
        return false;
      }
    }
    return true;
  });
  return table.filter(keep).reify();
}

/**
 * Per-group summary of a numeric column over the selection (arquero `groupby().rollup()`):
 * count of valid values, mean, min and max; groups in {@link compareOptionValues} order of keys.
 */
export function groupMeans(table: ColumnTable, options: GroupMeansOptions = {}): GroupMean[] {
  const by = typeof options.by === "string" ? [options.by] : options.by ?? ["model"];
  const value = options.value ?? "value";
  for (const name of [...by, value]) {
    if (!table.column(name)) {
      throw new Error(
        `groupMeans: expected a column "${name}"; the table has ${table.columnNames().join(", ")}`,
      );
    }
  }
  const rows = table
    .groupby(...by)
    .rollup({
      n: aq.op.valid(value),
      mean: aq.op.mean(value),
      min: aq.op.min(value),
      max: aq.op.max(value),
    })
    .objects() as GroupMean[];
  for (const row of rows) {
    if (row.n === 0) row.mean = row.min = row.max = null;
  }
  return rows.sort((a, b) => {
    for (const name of by) {
      const order = compareOptionValues(a[name], b[name]);
      if (order) return order;
    }
    return 0;
  });
}
