/**
 * The Overview's headline table (src/report/headline.ts) as flat rows for an interactive table
 * view and its downloads: one row per model, a value column and an interval column per headline
 * column. Browser-safe.
 *
 * @module
 */

/** One cell of the headline table (as `overview.json` carries it). */
export interface HeadlineCell {
  /** The value, null where the model has none. */
  value: number | null;
  /** Lower end of the 95% interval. */
  ci_low: number | null;
  /** Upper end of the 95% interval. */
  ci_high: number | null;
}

/** The headline table as `overview.json` carries it. */
export interface HeadlineData {
  /** Columns: key and label. */
  columns: { key: string; label: string }[];
  /** One row per model. */
  rows: { model: string; label: string; cells: Record<string, HeadlineCell> }[];
}

/** A flat headline row: `model`, `label`, then `<column label>` and `<column label> 95% CI`. */
export type HeadlineRow = Record<string, string | number | null>;

/** Flatten the headline table into rows (values as numbers, intervals as `[low, high]` text). */
export function headlineRows(headline: HeadlineData): HeadlineRow[] {
  return headline.rows.map((row) => {
    const out: HeadlineRow = { model: row.model, label: row.label };
    for (const column of headline.columns) {
      const cell = row.cells[column.key];
      if (!cell) throw new Error(`headline row ${row.model}: no cell for column ${column.key}`);
      out[column.label] = cell.value;
      out[`${column.label} 95% CI`] = cell.ci_low === null || cell.ci_high === null
        ? null
        : `[${cell.ci_low.toFixed(3)}, ${cell.ci_high.toFixed(3)}]`;
    }
    return out;
  });
}
