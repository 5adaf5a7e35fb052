/**
 * `deno task figures`: render every registered figure from `<out>/tables` to
 * `<out>/figures/<family>/<name>.{svg,png}` plus `<out>/figures/figure_notes.json`.
 */
import { resolve } from "node:path";
import { ALL_FIGURES } from "../src/figures/mod.ts";
import { FAMILIES } from "../src/figures/spec.ts";
import { FIGURES_DEFAULTS, figuresStage, selectFigures } from "../src/figures/stage.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";

/** Command line of the figures task. */
export const spec: TaskSpec = {
  name: "figures",
  summary: "Render the figures (SVG + PNG) and figure_notes.json from the pipeline's tables",
  usage: `[all|${FAMILIES.join("|")} …] [options]`,
  flags: {
    ...STAGE_FLAGS,
    tables: {
      type: "string",
      description: "tables folder to read (default <out>/tables)",
    },
    only: { type: "string", description: "comma-separated figure names (or family/name)" },
    family: {
      type: "string",
      choices: FAMILIES,
      description: "only the figures of one family",
    },
    list: {
      type: "boolean",
      default: false,
      description: "print each figure's family, name, purpose and tables, and exit",
    },
    strict: {
      type: "boolean",
      default: false,
      description: "a figure whose tables are missing is an error (default: skipped)",
    },
    width: {
      type: "string",
      default: String(FIGURES_DEFAULTS.width),
      description: "figure width in CSS pixels",
    },
    density: {
      type: "string",
      default: String(FIGURES_DEFAULTS.density),
      description: "PNG density in dpi (72 = 1 pixel per CSS pixel)",
    },
  },
  epilog: "Writes <out>/figures/<family>/<name>.svg and .png and <out>/figures/figure_notes.json.",
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const only = String(parsed.values.only ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const family = String(parsed.values.family ?? "");
    // seed 000's `14_make_figures.py paper improved …`: families as positionals (all = every one)
    const families = parsed.positionals.filter((p) => p !== "all");
    for (const name of families) {
      if (!(FAMILIES as readonly string[]).includes(name)) {
        throw new UsageError(`unknown figure family "${name}" (all, ${FAMILIES.join(", ")})`);
      }
      only.push(...ALL_FIGURES.filter((f) => f.family === name).map((f) => `${name}/${f.name}`));
    }
    let figures;
    try {
      figures = selectFigures({ only, family });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (parsed.values.list) {
      for (const f of figures) {
        console.log(`${f.family}/${f.name}\n  ${f.purpose}\n  tables: ${f.tables.join(", ")}`);
      }
      return;
    }
    const width = intFlag(parsed, "width") ?? FIGURES_DEFAULTS.width;
    const density = intFlag(parsed, "density") ?? FIGURES_DEFAULTS.density;
    if (width < 200 || density < 18) {
      throw new UsageError("--width must be ≥ 200 and --density ≥ 18");
    }
    const ctx = await contextFromFlags(parsed);
    const tables = parsed.values.tables ? resolve(String(parsed.values.tables)) : "";
    await runStage(figuresStage, ctx, {
      only,
      family,
      strict: Boolean(parsed.values.strict),
      tables,
      width,
      density,
      force: Boolean(parsed.values.force),
    });
  });
}
