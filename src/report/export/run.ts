/**
 * `deno task export`'s work: read the pipeline tables, write every file of {@link EXPORT_FILES}
 * under the export folder (atomically, in the seed's layout) and `EXPORT_MANIFEST.json` last.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.ts";
import { InputError } from "../../io/errors.ts";
import { sha256Hex } from "../../io/hash.ts";
import { TABLE } from "../../tables/names.ts";
import { tablePath } from "../../tables/paths.ts";
import { loadReportTables, type ReportTables } from "../tables.ts";
import { reportSeed } from "../writeup.ts";
import { benchFiles } from "./bench.ts";
import { baselineFiles, processedFiles } from "./data.ts";
import { dataAuditFiles } from "./data_audit.ts";
import { humanFiles } from "./human.ts";
import { humanAuditFiles } from "./human_audit.ts";
import { jsonText } from "./json.ts";
import {
  EXPORT_FILES,
  type ExportedFile,
  exportFileSpec,
  MANIFEST_FILE,
  sourceTables,
} from "./plan.ts";
import { loadSources, provenance, type Sources } from "./sources.ts";

/** Options of {@link runExport}. */
export interface ExportOptions {
  /** Export folder (the seed's layout is written below it). */
  dest: string;
  /** Training seed of the summary and the report's `models` (default: the report seed). */
  seed?: number;
}

/** One manifest entry. */
export interface ManifestEntry {
  /** Path below the export folder. */
  path: string;
  /** `csv` or `json`. */
  format: string;
  /** One-line description. */
  description: string;
  /** Data rows (CSV), benchmark rows held (the benchmark report), null for the audits. */
  rows: number | null;
  /** Size of the file. */
  bytes: number;
  /** sha256 of the file. */
  sha256: string;
  /** Source tables with their sha256, task, pipeline version, seed, profile and rows. */
  sources: Record<string, unknown>[];
}

/** The manifest (`EXPORT_MANIFEST.json`). */
export interface ExportManifest {
  /** The command that wrote it. */
  generated_by: string;
  /** Tables folder read (as given). */
  tables: string;
  /** Report seed of the benchmark files. */
  seed: number | null;
  /** Profile of the benchmark. */
  profile: string | null;
  /** Pipeline versions of the source tables (normally one). */
  pipeline_versions: string[];
  /** Written files, in the seed's script order. */
  files: ManifestEntry[];
  /** Files not written, with the reason. */
  skipped: { path: string; reason: string }[];
}

/** Report tables with the report seed set to `seed` (checked against benchmark.arrow). */
function withSeed(tables: ReportTables, seed: number | undefined): ReportTables {
  if (seed === undefined) return tables;
  const seeds = [...new Set(tables.benchmark.map((r) => r.seed))].filter((s) => s !== null);
  if (!seeds.includes(seed)) {
    throw new InputError({
      file: tablePath(tables.dir, TABLE.benchmark),
      expected: `rows of training seed ${seed} (--seed)`,
      found: `seeds ${seeds.sort((a, b) => a! - b!).join(", ") || "none"}`,
    });
  }
  return { ...tables, benchmarkMetadata: { ...tables.benchmarkMetadata, seed } };
}

/**
 * Export the tables of `tablesDir` in the seed's layout under `options.dest`. Every source table
 * is checked first (a missing one is an {@link InputError} naming the task that writes it), so a
 * failed export writes nothing; the manifest is written last.
 */
export async function runExport(
  tablesDir: string,
  options: ExportOptions,
): Promise<ExportManifest> {
  const sources = await loadSources(tablesDir, sourceTables());
  const tables = withSeed(await loadReportTables(tablesDir), options.seed);
  const bench = benchFiles(tables, sources);
  const groups: ((s: Sources) => ExportedFile[])[] = [
    processedFiles,
    baselineFiles,
    dataAuditFiles,
    humanFiles,
    humanAuditFiles,
  ];
  const entries = new Map<string, ManifestEntry>();
  const write = async (file: ExportedFile) => {
    const spec = exportFileSpec(file.path);
    const bytes = typeof file.data === "string" ? new TextEncoder().encode(file.data) : file.data;
    await writeFileAtomic(join(options.dest, file.path), bytes);
    entries.set(file.path, {
      path: file.path,
      format: spec.format,
      description: spec.description,
      rows: file.rows,
      bytes: bytes.length,
      sha256: sha256Hex(bytes),
      sources: spec.sources.map((s) => provenance(sources[s])),
    });
  };
  for (const group of groups) {
    for (const file of group(sources)) await write(file);
  }
  for (const file of bench.files) await write(file);
  const versions = new Set(
    Object.values(sources).map((s) => s.metadata.version).filter((v): v is string => !!v),
  );
  const manifest: ExportManifest = {
    generated_by: "deno task export",
    tables: tablesDir,
    seed: reportSeed(tables),
    profile: tables.benchmarkMetadata.profile ?? null,
    pipeline_versions: [...versions].sort(),
    files: EXPORT_FILES.flatMap((f) => entries.get(f.path) ?? []),
    skipped: bench.skipped,
  };
  await writeFileAtomic(join(options.dest, MANIFEST_FILE), jsonText(manifest));
  return manifest;
}
