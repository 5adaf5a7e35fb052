/**
 * The `site` stage: builds the results site into `<out>/site/` from `<out>/tables/` and
 * `<out>/figures/`. Its cache key covers the tables the pages and figures read, the rendered
 * figures, the Framework project in report/ and the shipped license files, so a rerun with
 * nothing changed is skipped.
 *
 * @module
 */
import { join, relative } from "node:path";
import { exists } from "../io/files.ts";
import { ALL_FIGURES } from "../figures/mod.ts";
import { figuresDir } from "../figures/stage.ts";
import { TABLE, TRAINING_DIR } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import type { Stage } from "../pipeline/stage.ts";
import { buildSite, SITE_PAGES } from "./build.ts";
import { SEED_REFERENCE_FILE } from "./seed_reference.ts";
import { alignedRegistries } from "../tables/aligned.ts";

/** Options of the site stage. */
export interface SiteOptions extends Record<string, unknown> {
  /** Folder of rendered figures (default `<out>/figures`). */
  figures?: string;
  /** Site folder (default `<out>/site`). */
  site?: string;
}

/** Tables the report library itself reads (figures add theirs). */
const REPORT_TABLES: readonly string[] = [
  TABLE.benchmark,
  TABLE.comparisons,
  TABLE.models,
  TABLE.gwotSummary,
  TABLE.images,
];

/** Site folder of an output root. */
export function siteDir(out: string, options: SiteOptions = {}): string {
  return options.site ?? join(out, "site");
}

/** Figures folder the site reads (`--figures`, else the `figures` stage's folder). */
export function siteFiguresDir(out: string, options: SiteOptions = {}): string {
  return options.figures ?? figuresDir(out);
}

/** The site stage (after `figures` in `deno task all`). */
export const siteStage: Stage<SiteOptions> = {
  name: "site",
  modules: [import.meta.url],
  async inputs(ctx, options) {
    const names = new Set([...REPORT_TABLES, ...ALL_FIGURES.flatMap((f) => f.tables)]);
    const files: string[] = [];
    for (const name of [...names].sort()) {
      const path = tablePath(ctx.tables, name);
      if (await exists(path)) files.push(path);
    }
    // the aligned models' registries (the write-up and model cards read them)
    files.push(...await alignedRegistries(ctx.tables));
    files.push(...await listFiles(join(ctx.tables, TRAINING_DIR)));
    files.push(...await listFiles(siteFiguresDir(ctx.out, options)));
    files.push(
      ...(await listFiles(join(REPO_ROOT, "report"))).filter((p) =>
        !/(^|\/)(\.observablehq|dist)(\/|$)/.test(
          relative(join(REPO_ROOT, "report"), p),
        )
      ),
    );
    // the browser library (bundled by a loader, so outside this stage's module graph)
    files.push(...await listFiles(join(REPO_ROOT, "src", "site")));
    if (ctx.profile.name === "things") files.push(SEED_REFERENCE_FILE);
    for (const dir of ["data/embedded/things-icons/licenses", "data/embedded/things/licenses"]) {
      files.push(...await listFiles(join(REPO_ROOT, dir)));
    }
    return files;
  },
  outputs(ctx, options) {
    return SITE_PAGES.map((page) => join(siteDir(ctx.out, options), `${page}.html`));
  },
  async run(ctx, options) {
    const result = await buildSite({
      tables: ctx.tables,
      figures: siteFiguresDir(ctx.out, options),
      site: siteDir(ctx.out, options),
    }, { log: ctx.log });
    const f = result.figures;
    return `${result.pages.length} pages, figures ${f.live} live / ${f.static} prerendered / ` +
      `${f.missing} unavailable, ${result.seconds.toFixed(1)}s`;
  },
};

async function listFiles(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listFiles(path));
    else if (entry.isFile) out.push(path);
  }
  return out.sort();
}
