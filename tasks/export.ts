/**
 * `deno task export`: write the seed's report files (data CSVs, audits, human-similarity files,
 * benchmark summary, report and comparisons, in the seed's relative paths) from `<out>/tables`
 * to `<out>/export` (or `--dest`), with EXPORT_MANIFEST.json.
 */
import { join, relative, resolve } from "node:path";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { listingText, MANIFEST_FILE, runExport } from "../src/report/export/mod.ts";

/** Command line of the export task. */
export const spec: TaskSpec = {
  name: "export",
  summary: "Write the seed's report files (CSV/JSON, the seed's paths and names) from the " +
    "pipeline's tables, with EXPORT_MANIFEST.json naming each file's source tables",
  flags: {
    out: {
      type: "string",
      default: "outputs",
      description: "output root folder (tables in <out>/tables)",
    },
    dest: { type: "string", description: "export folder (default <out>/export)" },
    seed: {
      type: "string",
      description: "training seed of the benchmark summary (default: the report seed)",
    },
    list: {
      type: "boolean",
      default: false,
      description: "print each exported path with its source tables, and exit",
    },
  },
  epilog: "Reads concepts, images, splits (deno task data); human_pairs, " +
    "human_similarity_shuffled, triplets, triplets_shuffled (deno task human); models " +
    "(deno task embed); benchmark, comparisons (deno task bench). See docs/export.md.",
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    if (parsed.positionals.length) {
      throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    }
    if (parsed.values.list) {
      console.log(listingText());
      return;
    }
    const seed = intFlag(parsed, "seed");
    if (seed !== undefined && seed < 0) throw new UsageError(`--seed must be ≥ 0, got ${seed}`);
    const out = String(parsed.values.out ?? "outputs");
    const tables = join(out, "tables");
    const dest = resolve(String(parsed.values.dest ?? join(out, "export")));
    const manifest = await runExport(tables, { dest, ...(seed !== undefined ? { seed } : {}) });
    const rel = relative(Deno.cwd(), dest);
    const shown = rel === "" ? "." : rel.startsWith("..") ? dest : rel;
    console.log(
      `export: ${manifest.files.length} files (seed ${manifest.seed}, ${manifest.profile} ` +
        `profile) → ${shown}/ (${MANIFEST_FILE})`,
    );
    for (const s of manifest.skipped) console.log(`  skipped ${s.path}: ${s.reason}`);
  });
}
