/**
 * Figure regression: every registered figure is rendered from the committed fixture tables
 * (tests/fixtures/tables/) at {@link BASELINE_DENSITY} and compared pixel by pixel with its
 * baseline PNG in tests/figures/baseline/<family>/<name>.png. `deno task figures:accept` rewrites
 * baselines deliberately.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { exists } from "../io/files.ts";
import { repoPath } from "../pipeline/paths.ts";
import { compareImages, type ImageComparison } from "./compare.ts";
import {
  BASELINE_DENSITY,
  decodePng,
  figureSvg,
  type RgbaImage,
  svgToPng,
  svgToRgba,
} from "./render.ts";
import type { FigureSpec, TableSet } from "./spec.ts";
import { loadFigureTables } from "./tables.ts";

/** The committed fixture tables every baseline is rendered from. */
export const FIXTURE_TABLES: string = repoPath("tests/fixtures/tables");

/** The committed baseline PNGs. */
export const BASELINE_DIR: string = repoPath("tests/figures/baseline");

/** Path of a figure's baseline PNG. */
export function baselinePath(spec: FigureSpec, dir: string = BASELINE_DIR): string {
  return join(dir, spec.family, `${spec.name}.png`);
}

/** Renders a figure as the regression baselines are rendered (fixed width and density). */
export async function renderForRegression(
  spec: FigureSpec,
  tables: TableSet,
): Promise<{ svg: string; rgba: RgbaImage }> {
  const svg = figureSvg(spec, tables);
  return { svg, rgba: await svgToRgba(svg, { density: BASELINE_DENSITY }) };
}

/** Outcome of checking one figure against its baseline. */
export interface BaselineCheck {
  /** `same`, `changed`, or `missing` (no baseline PNG yet). */
  status: "same" | "changed" | "missing";
  /** Pixel comparison (absent when the baseline is missing). */
  comparison?: ImageComparison;
  /** The baseline's path. */
  path: string;
}

/** Renders `spec` from `tables` and compares it with its baseline PNG. */
export async function checkBaseline(
  spec: FigureSpec,
  tables: TableSet,
  options: { baselineDir?: string; diff?: boolean } = {},
): Promise<BaselineCheck> {
  const path = baselinePath(spec, options.baselineDir);
  if (!(await exists(path))) return { status: "missing", path };
  const expected = await decodePng(await Deno.readFile(path));
  const { rgba } = await renderForRegression(spec, tables);
  const comparison = compareImages(expected, rgba, { diff: options.diff });
  return { status: comparison.changed === 0 ? "same" : "changed", comparison, path };
}

/** Writes baseline PNGs for `figures` from the tables in `tablesDir`; returns the paths. */
export async function acceptBaselines(
  figures: FigureSpec[],
  options: { tablesDir?: string; baselineDir?: string } = {},
): Promise<string[]> {
  const written: string[] = [];
  const cache = new Map<string, TableSet[string]>();
  for (const spec of figures) {
    const tables = await loadFigureTables(options.tablesDir ?? FIXTURE_TABLES, spec, { cache });
    const png = await svgToPng(figureSvg(spec, tables), {
      density: BASELINE_DENSITY,
      compressionLevel: 9,
    });
    const path = baselinePath(spec, options.baselineDir);
    await writeFileAtomic(path, png);
    written.push(path);
  }
  return written;
}
