/**
 * Loads the tables figures read from a tables folder (`outputs/tables/`) into a
 * {@link TableSet} of plain rows, with errors that name the missing file, the stage that writes
 * it and the figure that needs it.
 *
 * @module
 */
import { InputError } from "../io/errors.ts";
import { readTable } from "../io/arrow.ts";
import { exists } from "../io/files.ts";
import { displayPath } from "../pipeline/paths.ts";
import { producerCommand } from "../tables/artifacts.ts";
import { tablePath } from "../tables/paths.ts";
import { arrowRows } from "../tables/rows.ts";
import type { FigureSpec, TableSet } from "./spec.ts";

/** Names of `spec`'s tables that are absent from folder `dir`. */
export async function missingTables(dir: string, spec: FigureSpec): Promise<string[]> {
  const missing: string[] = [];
  for (const name of spec.tables) if (!(await exists(tablePath(dir, name)))) missing.push(name);
  return missing;
}

/**
 * Reads tables `names` from folder `dir` as plain rows. `figure` (e.g. `paper/retrieval_curves`)
 * is named in the error when a file is missing. `cache` reuses tables read before.
 */
export async function loadTables(
  dir: string,
  names: Iterable<string>,
  options: { figure?: string; cache?: Map<string, TableSet[string]> } = {},
): Promise<TableSet> {
  const tables: TableSet = {};
  for (const name of new Set(names)) {
    const cached = options.cache?.get(name);
    if (cached) {
      tables[name] = cached;
      continue;
    }
    const path = tablePath(dir, name);
    if (!(await exists(path))) {
      throw new InputError({
        file: displayPath(path),
        expected: `table "${name}" (written by \`${producerCommand(name)}\`)${
          options.figure ? ` for figure ${options.figure}` : ""
        }`,
        found: "no file",
      });
    }
    tables[name] = arrowRows(await readTable(path));
    options.cache?.set(name, tables[name]);
  }
  return tables;
}

/** Reads the tables one figure declares (see {@link loadTables}). */
export function loadFigureTables(
  dir: string,
  spec: FigureSpec,
  options: { cache?: Map<string, TableSet[string]> } = {},
): Promise<TableSet> {
  return loadTables(dir, spec.tables, { ...options, figure: `${spec.family}/${spec.name}` });
}
