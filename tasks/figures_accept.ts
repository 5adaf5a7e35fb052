/**
 * `deno task figures:accept`: (re)write the figure regression baselines
 * (tests/figures/baseline/<family>/<name>.png) from the fixture tables. Run it deliberately, after
 * checking that a figure change is intended (`deno task figures:diff` shows what changed).
 */
import { relative, resolve } from "node:path";
import { acceptBaselines, BASELINE_DIR, FIXTURE_TABLES } from "../src/figures/regression.ts";
import { FAMILIES } from "../src/figures/spec.ts";
import { selectFigures } from "../src/figures/stage.ts";
import { runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";

/** Command line of figures:accept. */
export const spec: TaskSpec = {
  name: "figures:accept",
  summary: "Rewrite the figure regression baselines from the fixture tables",
  flags: {
    only: { type: "string", description: "comma-separated figure names (or family/name)" },
    family: { type: "string", choices: FAMILIES, description: "only the figures of one family" },
    tables: {
      type: "string",
      default: relative(Deno.cwd(), FIXTURE_TABLES) || FIXTURE_TABLES,
      description: "tables folder",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const only = String(parsed.values.only ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    let figures;
    try {
      figures = selectFigures({ only, family: String(parsed.values.family ?? "") });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const written = await acceptBaselines(figures, {
      tablesDir: resolve(String(parsed.values.tables)),
    });
    for (const path of written) {
      console.error(`figures:accept: wrote ${relative(Deno.cwd(), path)}`);
    }
    console.error(
      `figures:accept: ${written.length} baselines in ${relative(Deno.cwd(), BASELINE_DIR)}`,
    );
  });
}
