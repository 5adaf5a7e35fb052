/**
 * The site's data as one zip archive, the output of the Framework data loader
 * `report/src/data.zip.ts`: Framework runs the loader (with Deno) when a page asks for
 * `FileAttachment("data/…")`, caches the archive and extracts each file a page uses. The
 * archive is deterministic (fixed entry dates, sorted entries), so the same tables give the same
 * bytes.
 *
 * @module
 */
import { join } from "node:path";
import { ZipWriter } from "../io/zip_write.ts";
import { exists } from "../io/files.ts";
import { REPO_ROOT } from "../pipeline/paths.ts";
import { conceptExplorerFiles } from "./concept_explorer.ts";
import { siteDataFiles, type SiteDataOptions, type SiteDataSummary } from "./site_data.ts";

/** Environment variable naming the tables folder the loader reads (default outputs/tables). */
export const TABLES_ENV = "HT_TABLES";
/** Environment variable naming the rendered figures folder (default outputs/figures). */
export const FIGURES_ENV = "HT_FIGURES";

/** Prefix of the line in which the data loader reports what it packed (stderr). */
export const SUMMARY_PREFIX = "HT_SITE_DATA ";

/** Entry date of every archive member (the archive's bytes do not depend on the clock). */
const ENTRY_DATE = new Date(Date.UTC(2020, 0, 1));

/** Write the site's data files (see {@link siteDataFiles}) as a zip archive at `path`. */
export async function writeSiteArchive(
  dirs: { tables: string; figures: string },
  path: string,
  options: SiteDataOptions = {},
): Promise<SiteDataSummary> {
  const { files, summary } = await siteDataFiles(dirs, options);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // stored, not deflated: Framework extracts each member on its own, and the site serves them as
  // they are
  const zip = await ZipWriter.create(path, { date: ENTRY_DATE, method: "store" });
  try {
    for (const file of files) await zip.addFile(file.path, file.bytes);
    await zip.finish();
  } catch (error) {
    await zip.abort();
    throw error;
  }
  return summary;
}

/** The folders the data loader reads: `$HT_TABLES` / `$HT_FIGURES`, else under outputs/. */
export function loaderDirs(
  env: { get(name: string): string | undefined } = Deno.env,
): { tables: string; figures: string } {
  return {
    tables: env.get(TABLES_ENV) ?? join(REPO_ROOT, "outputs", "tables"),
    figures: env.get(FIGURES_ENV) ?? join(REPO_ROOT, "outputs", "figures"),
  };
}

/**
 * Body of the data loader: the archive of the tables named by the environment, on stdout
 * (Framework reads the loader's stdout); a summary on stderr. A missing tables folder is an
 * error that says how to make one.
 */
export async function runSiteDataLoader(options: SiteDataOptions = {}): Promise<void> {
  const dirs = loaderDirs();
  if (!(await exists(dirs.tables))) {
    throw new Error(
      `no pipeline tables at ${dirs.tables}: run \`deno task all\` first, or point ${TABLES_ENV} ` +
        "(deno task site:preview --out DIR) at a run's tables folder",
    );
  }
  const temp = await Deno.makeTempDir({ prefix: "ht-site-data-" });
  try {
    const path = join(temp, "data.zip");
    const summary = await writeSiteArchive(dirs, path, {
      ...options,
      extra: (tables) => conceptExplorerFiles(tables),
    });
    const bytes = await Deno.readFile(path);
    await writeAll(Deno.stdout, bytes);
    // one line for `deno task site` (src/report/build.ts reads it from Framework's log)
    console.error(`${SUMMARY_PREFIX}${JSON.stringify({ ...summary, bytes: bytes.length })}`);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, bytes: Uint8Array) {
  let offset = 0;
  while (offset < bytes.length) offset += await writer.write(bytes.subarray(offset));
}
