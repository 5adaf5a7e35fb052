// Framework data loader (run with Deno, see observablehq.config.js): every data file of the site,
// derived from a pipeline run's tables ($HT_TABLES, default outputs/tables) and rendered figures
// ($HT_FIGURES, default outputs/figures), as one zip archive on stdout. Pages read its members as
// FileAttachment("data/…"); `deno task site:preview` re-runs it when a table changes.
import { runSiteDataLoader } from "../../src/report/site_archive.ts";

await runSiteDataLoader();
