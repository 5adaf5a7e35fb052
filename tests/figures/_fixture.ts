/** Test helpers: temporary copies of the figure fixture with one table value changed. */
import { cp } from "node:fs/promises";
import { tableToIPC } from "apache-arrow";
import { readTable } from "../../src/io/arrow.ts";
import { writeFileAtomic } from "../../src/io/atomic.ts";
import { FIXTURE_TABLES } from "../../src/figures/regression.ts";
import { arrowRows, rowsToArrow } from "../../src/tables/rows.ts";
import type { Row } from "../../src/figures/spec.ts";
import { tablePath } from "../../src/tables/paths.ts";

/** A temporary copy of the fixture tables (caller removes it). */
export async function fixtureCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "figure-fixture-" });
  await cp(FIXTURE_TABLES, dir, { recursive: true });
  return dir;
}

/**
 * Changes the rows of table `name` in folder `dir` that match `where` by `edit`; throws unless
 * exactly `expectRows` rows (default 1) matched.
 */
export async function editTable(
  dir: string,
  name: string,
  where: (row: Row) => boolean,
  edit: (row: Row) => void,
  expectRows: number = 1,
): Promise<void> {
  const path = tablePath(dir, name);
  const table = await readTable(path);
  const rows = arrowRows(table).map((r) => ({ ...r }));
  const hits = rows.filter(where);
  if (hits.length !== expectRows) {
    throw new Error(`${name}: ${hits.length} rows matched, expected ${expectRows}`);
  }
  hits.forEach(edit);
  await writeFileAtomic(path, tableToIPC(rowsToArrow(rows, table.schema), "file"));
}
