/**
 * `deno task site`: build the results site (Observable Framework, report/) into
 * `<out>/site/` from `<out>/tables/` and `<out>/figures/`.
 */
import { runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import { siteStage } from "../src/report/stage.ts";

/** Command line of the site stage. */
export const spec: TaskSpec = {
  name: "site",
  summary: "Build the results site (Observable Framework project in report/) into " +
    "<out>/site/ from <out>/tables/ and <out>/figures/; offline, every number read from the " +
    "tables at build time (docs/site.md).",
  flags: {
    ...STAGE_FLAGS,
    figures: { type: "string", description: "rendered figures folder (default <out>/figures)" },
    site: { type: "string", description: "site folder to write (default <out>/site)" },
  },
  epilog:
    "Serve the result with any static file server, e.g. `python3 -m http.server -d outputs/site`.",
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const ctx = await contextFromFlags(parsed);
    const options: Record<string, unknown> = {};
    if (parsed.values.figures) options.figures = String(parsed.values.figures);
    if (parsed.values.site) options.site = String(parsed.values.site);
    await runStage(siteStage, ctx, { ...options, force: Boolean(parsed.values.force) });
  });
}
