/**
 * The `figures` stage: renders every registered figure (or a selection) from a tables folder to
 * `<out>/figures/<family>/<name>.{svg,png}` and writes `<out>/figures/figure_notes.json` (the
 * inventory with each figure's purpose, source tables, files and data-derived notes). A figure
 * whose tables are absent (e.g. GWOT before `align:gwot`) is skipped with the reason, or is an
 * error with `strict`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { InputError, UserError } from "../io/errors.ts";
import { displayPath } from "../pipeline/paths.ts";
import { createProgress } from "../pipeline/progress.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { ALL_FIGURES } from "./mod.ts";
import { PNG_DENSITY, renderFigure } from "./render.ts";
import type { FigureSpec, TableSet } from "./spec.ts";
import { DEFAULT_WIDTH } from "./style.ts";
import { loadFigureTables } from "./tables.ts";
import { tableFile } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { producerCommand } from "../tables/artifacts.ts";

/** Options of the figures stage. */
export interface FiguresOptions extends Record<string, unknown> {
  /** Only these figure names (empty: all). */
  only: string[];
  /** Only this family ("" = all). */
  family: string;
  /** Missing tables are an error instead of a skip. */
  strict: boolean;
  /** Tables folder ("" = `<out>/tables`). */
  tables: string;
  /** Figure width in CSS pixels. */
  width: number;
  /** PNG density in dpi. */
  density: number;
}

/** Defaults of `deno task figures` (and of the stage in `deno task all`). */
export const FIGURES_DEFAULTS: FiguresOptions = {
  only: [],
  family: "",
  strict: false,
  tables: "",
  width: DEFAULT_WIDTH,
  density: PNG_DENSITY,
};

/** Figures selected by `only` (names or `family/name`) and `family`; unknown names throw. */
export function selectFigures(
  options: { only?: string[]; family?: string },
  figures: readonly FigureSpec[] = ALL_FIGURES,
): FigureSpec[] {
  const only = options.only ?? [];
  const unknown = only.filter((n) => !figures.some((f) => matches(f, n)));
  if (unknown.length) {
    throw new UserError(
      `unknown figure ${unknown.join(", ")} (see \`deno task figures --list\`)`,
    );
  }
  return figures.filter((f) =>
    (!options.family || f.family === options.family) &&
    (!only.length || only.some((n) => matches(f, n)))
  );
}

function matches(spec: FigureSpec, name: string): boolean {
  return name === spec.name || name === `${spec.family}/${spec.name}`;
}

/** Output folder of the figures under an output root. */
export function figuresDir(out: string): string {
  return join(out, "figures");
}

/** Where one figure's files go under a figures folder. */
export function figurePaths(dir: string, spec: FigureSpec): { svg: string; png: string } {
  const stem = join(dir, spec.family, spec.name);
  return { svg: `${stem}.svg`, png: `${stem}.png` };
}

/** One entry of `figure_notes.json`. */
export interface FigureRecord {
  /** Family. */
  family: string;
  /** File-name stem. */
  name: string;
  /** Title. */
  title: string;
  /** Question the figure answers. */
  purpose: string;
  /** Source tables. */
  tables: string[];
  /** `rendered` or `skipped`. */
  status: "rendered" | "skipped";
  /** Why a figure was skipped. */
  reason?: string;
  /** Files relative to the figures folder. */
  files?: { svg: string; png: string };
  /** Interpretation notes computed from the data. */
  notes?: string[];
  /** Render time in milliseconds (not written to the JSON, which stays deterministic). */
  ms?: number;
}

/** Result of {@link renderFigures}. */
export interface FiguresResult {
  /** One record per selected figure, in registry order. */
  records: FigureRecord[];
  /** Path of the written figure_notes.json. */
  notesPath: string;
}

/** Tables of `spec` missing from folder `dir`, with the task that writes each. */
export function missingTablesSync(dir: string, spec: FigureSpec): string[] {
  return spec.tables.filter((name) => !existsSync(tablePath(dir, name)));
}

/**
 * Renders `figures` from the tables in `tablesDir` into `outDir` (see module docs). Tables are read
 * once and shared between figures.
 */
export async function renderFigures(
  figures: FigureSpec[],
  options: {
    tablesDir: string;
    outDir: string;
    strict?: boolean;
    width?: number;
    density?: number;
    imagesRoot?: string;
    log?: (line: string) => void;
    progress?: boolean;
  },
): Promise<FiguresResult> {
  const cache = new Map<string, TableSet[string]>();
  const records: FigureRecord[] = [];
  const progress = createProgress("figures", figures.length, {
    unit: "figures",
    ...(options.progress === undefined ? {} : { show: options.progress }),
  });
  for (const spec of figures) {
    const base = {
      family: spec.family,
      name: spec.name,
      title: spec.title,
      purpose: spec.purpose,
      tables: spec.tables,
    };
    const missing = missingTablesSync(options.tablesDir, spec);
    if (missing.length) {
      const reason = `missing ${
        missing.map((n) => `${tableFile(n)} (${producerCommand(n)})`).join(", ")
      } in ${displayPath(options.tablesDir)}`;
      if (options.strict) {
        throw new InputError({
          file: displayPath(tablePath(options.tablesDir, missing[0])),
          expected: `table "${missing[0]}" (written by \`${producerCommand(missing[0])}\`) for ` +
            `figure ${spec.family}/${spec.name}`,
          found: "no file",
        });
      }
      options.log?.(`figures: skipped ${spec.family}/${spec.name}: ${reason}`);
      records.push({ ...base, status: "skipped", reason });
      progress.tick();
      continue;
    }
    const tables = await loadFigureTables(options.tablesDir, spec, { cache });
    const start = performance.now();
    let rendered;
    try {
      rendered = await renderFigure(spec, tables, {
        width: options.width,
        density: options.density,
        imagesRoot: options.imagesRoot,
      });
    } catch (error) {
      throw new Error(
        `figure ${spec.family}/${spec.name} failed to render: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const ms = performance.now() - start;
    const paths = figurePaths(options.outDir, spec);
    await writeFileAtomic(paths.svg, rendered.svg);
    await writeFileAtomic(paths.png, rendered.png);
    records.push({
      ...base,
      status: "rendered",
      files: { svg: relative(options.outDir, paths.svg), png: relative(options.outDir, paths.png) },
      notes: spec.notes?.(tables) ?? [],
      ms,
    });
    progress.tick();
  }
  progress.done();
  const notesPath = join(options.outDir, "figure_notes.json");
  await writeFileAtomic(notesPath, notesJson(records, options.tablesDir));
  return { records, notesPath };
}

/** `figure_notes.json`: the inventory and notes, without timings (deterministic). */
export function notesJson(records: FigureRecord[], tablesDir: string): string {
  return JSON.stringify(
    {
      tables: displayPath(tablesDir),
      figures: records.map(({ ms: _ms, ...record }) => record),
    },
    null,
    2,
  ) + "\n";
}

/** The figures stage (cache key: the selected figures' tables, the options and the figure code). */
export const figuresStage: Stage<FiguresOptions> = {
  name: "figures",
  modules: [import.meta.url],
  inputs(ctx, options) {
    const dir = tablesDir(ctx, options);
    return Promise.resolve(
      [...new Set(selectFigures(options).flatMap((f) => f.tables))].map((n) => tablePath(dir, n))
        .filter((p) => existsSync(p)),
    );
  },
  outputs(ctx, options) {
    const dir = figuresDir(ctx.out), tables = tablesDir(ctx, options);
    return [
      ...selectFigures(options).filter((f) => !missingTablesSync(tables, f).length).flatMap((
        f,
      ) => Object.values(figurePaths(dir, f))),
      join(dir, "figure_notes.json"),
    ];
  },
  async run(ctx, options) {
    const result = await renderFigures(selectFigures(options), {
      tablesDir: tablesDir(ctx, options),
      outDir: figuresDir(ctx.out),
      strict: options.strict,
      width: options.width,
      density: options.density,
      imagesRoot: ctx.profile.imagesRoot,
      log: ctx.log,
    });
    const rendered = result.records.filter((r) => r.status === "rendered").length;
    const skipped = result.records.length - rendered;
    return `${rendered} figures rendered${skipped ? `, ${skipped} skipped (missing tables)` : ""}`;
  },
};

function tablesDir(ctx: StageContext, options: FiguresOptions): string {
  return options.tables ? options.tables : ctx.tables;
}
