/**
 * `deno task site:preview`: serve the results site from report/ with Observable Framework's
 * preview server, reading `<out>/tables/` and `<out>/figures/`, and reload the pages when a table
 * changes (src/report/preview.ts).
 */
import { join } from "node:path";
import { COMMON_FLAGS, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { startPreview } from "../src/report/preview.ts";

/** Command line of the preview server. */
export const spec: TaskSpec = {
  name: "site:preview",
  summary: "Serve the results site (report/) from <out>/tables/ and <out>/figures/ with live " +
    "reload: a changed table re-runs the data loader and reloads the pages (Ctrl-C stops).",
  flags: {
    out: COMMON_FLAGS.out,
    tables: { type: "string", description: "tables folder (default <out>/tables)" },
    figures: { type: "string", description: "rendered figures folder (default <out>/figures)" },
    port: { type: "string", description: "port on 127.0.0.1 (default a free one)" },
  },
  epilog: "Build the static site instead with `deno task site` (into <out>/site/).",
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const out = String(parsed.values.out ?? "outputs");
    const port = parsed.values.port ? Number(parsed.values.port) : undefined;
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new UsageError(`--port must be a port number (1–65535), got ${parsed.values.port}`);
    }
    const preview = await startPreview({
      tables: String(parsed.values.tables ?? join(out, "tables")),
      figures: String(parsed.values.figures ?? join(out, "figures")),
    }, { port, log: console.log });
    Deno.addSignalListener("SIGINT", () => preview.close().then(() => Deno.exit(0)));
    const status = await preview.done;
    if (!status.success) throw new Error(`the preview server exited with code ${status.code}`);
  });
}
