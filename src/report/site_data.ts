/**
 * The data files of the site, derived from the pipeline's tables: one JSON per text page, the
 * Arrow tables live figures read (copied unchanged), the prerendered SVGs of the other figures
 * and one generated module per figure family that names them for Framework (`FileAttachment`
 * needs literal paths).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { modelStyle } from "../figures/palette.ts";
import { FAMILIES, type Family } from "../figures/spec.ts";
import { ALL_FIGURES } from "../figures/mod.ts";
import { exists } from "../io/files.ts";
import { UNTRAINED } from "../models/registry.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { BENCHMARK_FILE, COMPARISONS_FILE, MODELS_FILE } from "./cite.ts";
import { citeThis } from "./citation.ts";
import { credits } from "./credits.ts";
import { headlineTable } from "./headline.ts";
import { modelCards } from "./models.ts";
import { reproduceCommands } from "./reproduce.ts";
import {
  FAMILY_INTROS,
  type FamilyIntro,
  planFigures,
  type PlanOptions,
  type SiteFigure,
} from "./site_figures.ts";
import { loadReportTables, type ReportTables } from "./tables.ts";
import { methodsResults, type Section, type WriteUp } from "./writeup.ts";

/** File of the GWOT summary table (`gwot_summary.arrow`), named in the page's messages. */
const GWOT_SUMMARY_FILE = tableFile(TABLE.gwotSummary);

/** The Overview page's data. */
export interface Overview {
  /** Caption of the headline table. */
  caption: string;
  /** The headline table. */
  headline: ReturnType<typeof headlineTable>;
  /** Key findings (from the write-up's conclusions). */
  findings: string[];
  /** Facts about the run. */
  run: string[];
  /** A warning shown above everything (synthetic rehearsal images). */
  banner?: string;
}

/** The Overview from the tables and the write-up. */
export function overview(tables: ReportTables, writeup: WriteUp): Overview {
  const headline = headlineTable(tables);
  const stronger = writeup.sections.find((s) => s.id === "stronger");
  const conclusion = writeup.sections.find((s) => s.id === "conclusion");
  const controls = writeup.sections.filter((s) => s.id.startsWith("control-"));
  const findings = [
    ...controls.map((s) => firstSentence(s.paragraphs[0]?.text ?? "")),
    ...(stronger?.paragraphs.map((p) => p.text) ?? []),
    ...(conclusion?.bullets.map((b) => b.text) ?? []),
  ].filter(Boolean);
  const meta = tables.benchmarkMetadata;
  const options = (meta.options ?? {}) as Record<string, unknown>;
  const rehearsal = (tables.images ?? []).some((r) => /rehearsal/.test(String(r.source)));
  return {
    ...(rehearsal
      ? {
        banner: "Rehearsal run: these images are synthetic composites made by `deno task " +
          "rehearsal`, laid out like the THINGS archives. The numbers test the pipeline; they " +
          "say nothing about human similarity and photographs.",
      }
      : {}),
    caption: `Seed ${headline.seed ?? "—"}, ${writeup.profile} profile. Test = ${
      writeup.profile === "things"
        ? "10 % of each concept's photos, held out"
        : "the held-out image style"
    }; intervals are 95% bootstrap intervals over concepts${
      options.resamples ? ` (${options.resamples} resamples)` : ""
    }. Head top-1 is the model's own classifier; the other columns use its embeddings.`,
    headline,
    findings,
    run: [
      `Profile ${writeup.profile}, seed ${headline.seed ?? "—"}, pipeline version ${
        meta.version ?? "?"
      }.`,
      `${tables.models.length} rows in ${MODELS_FILE}, ${tables.benchmark.length} in ` +
      `${BENCHMARK_FILE}, ${tables.comparisons.length} in ${COMPARISONS_FILE}.`,
      tables.gwotSummary
        ? `GWOT summary for ${new Set(tables.gwotSummary.map((r) => r.model)).size} models.`
        : "GWOT has not been run for these tables (deno task align:gwot).",
    ],
  };
}

/** The first sentence of a paragraph (up to the first ". " outside brackets). */
function firstSentence(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "." && depth === 0 && (i === text.length - 1 || text[i + 1] === " ")) {
      return text.slice(0, i + 1);
    }
  }
  return text;
}

/** The GWOT page's data (see {@link gwotData}). */
export interface GwotPageData {
  /** The minimum-GWD solution per model (`null` when gwot_summary.arrow is absent). */
  summary: unknown[] | null;
  /** The highest-matching-rate solution per model. */
  bestMatching: unknown[];
  /** The untrained-network baseline's rows (one per solution), with their percentiles. */
  untrained: unknown[];
  /** The write-up's GWOT section (paragraphs with the table cells behind their numbers). */
  writeup: Section | null;
  /** Why there is nothing to show. */
  message: string;
  /** The sweep in words. */
  sweep: string;
}

/**
 * The GWOT page's data: the summary rows split by solution (minimum GW distance, highest matching
 * rate) and the untrained baseline, the write-up's GWOT section and a sentence on the sweep.
 */
export function gwotData(tables: ReportTables): GwotPageData {
  if (!tables.gwotSummary) {
    return {
      summary: null,
      bestMatching: [],
      untrained: [],
      writeup: null,
      message: `GWOT has not been run for these tables: ${GWOT_SUMMARY_FILE} is absent. Run ` +
        "`deno task align:gwot`, then `deno task figures` and `deno task site`.",
      sweep: "",
    };
  }
  const labelled: Record<string, unknown>[] = tables.gwotSummary.map((row) => ({
    ...row,
    label: modelStyle(String(row.model)).label,
  }));
  // tables written before the `solution` column hold the minimum-GWD solution only
  const solution = (row: Record<string, unknown>) => String(row.solution ?? "min_gwd");
  return {
    summary: labelled.filter((r) => solution(r) === "min_gwd" && r.model !== UNTRAINED),
    bestMatching: labelled.filter((r) => solution(r) === "max_matching" && r.model !== UNTRAINED),
    untrained: labelled.filter((r) => r.model === UNTRAINED),
    writeup: methodsResults(tables).sections.find((s) => s.id === "gwot") ?? null,
    message: "",
    sweep: gwotSweepSentence(tables.gwotMetadata?.options as Record<string, unknown> | undefined),
  };
}

/** The sweep of a GWOT run in words, from the options recorded in `gwot_summary.arrow`. */
export function gwotSweepSentence(options: Record<string, unknown> | undefined): string {
  if (!options) return `The sweep's options are not recorded in ${GWOT_SUMMARY_FILE}.`;
  const list = (v: unknown) => (Array.isArray(v) ? v : []) as unknown[];
  const eps = list(options.epsilons), scales = list(options.epsilonScales);
  const grid = eps.length
    ? `ε ∈ {${eps.map((e) => Number(e).toPrecision(3)).join(", ")}}`
    : scales.length
    ? `ε ∈ {${scales.map((e) => Number(e).toPrecision(3)).join(", ")}} × the RDMs' ` +
      "dissimilarity scale"
    : "the default ε grid (5 values, 10⁻³ … 10⁻¹ × the RDMs' dissimilarity scale)";
  const models = list(options.models);
  const untrained = typeof options.untrained === "number" && options.untrained > 0
    ? `; untrained baseline: ${options.untrained} random initialisations of the backbone, ${
      options.untrainedImages ? `${options.untrainedImages}` : "all"
    } training image(s) per concept${
      typeof options.untrainedMaxIter === "number" && options.untrainedMaxIter > 0
        ? `, at most ${options.untrainedMaxIter} gradient steps per run`
        : ""
    }`
    : "";
  return `Sweep: ${grid}; ${options.inits} initial plan(s) per ε; at most ${options.maxIter} ` +
    `gradient steps per run; ${
      models.length
        ? `models: ${models.map((m) => modelStyle(String(m)).label).join(", ")}`
        : "every model and SPoSE-49"
    }${untrained}.`;
}

/** Options of {@link siteDataFiles}. */
export interface SiteDataOptions extends PlanOptions {
  /** Repository root (data/ licenses and notes); default the checkout. */
  repoRoot?: string;
  /** More files to add (e.g. the concept explorer's), computed from the same tables. */
  extra?: (tablesDir: string) => Promise<SiteFile[]>;
}

/** One file of the site's data, relative to its data folder (`overview.json`, `tables/…`). */
export interface SiteFile {
  /** Path below the data folder, `/`-separated. */
  path: string;
  /** Contents. */
  bytes: Uint8Array;
}

/** What {@link siteDataFiles} produced. */
export interface SiteDataSummary {
  /** Figures by mode. */
  figures: Record<string, number>;
  /** Arrow tables included (names as in `TABLE`). */
  tables: string[];
  /** Whether the GWOT summary was present. */
  gwot: boolean;
}

/** Folder of the tables below the data folder (`tables/benchmark.arrow`, …). */
export const SITE_TABLES_DIR = "tables";

/**
 * Every data file of the site, derived from the tables in `dirs.tables` and the figures in
 * `dirs.figures`: one JSON per text page, one JSON per figure family (its figures; the SVG text
 * of figures drawn on the server), and the Arrow tables the pages draw and offer for download,
 * copied unchanged. The Framework data loader `report/src/data.zip.ts` packs them.
 */
export async function siteDataFiles(
  dirs: { tables: string; figures: string },
  options: SiteDataOptions = {},
): Promise<{ files: SiteFile[]; summary: SiteDataSummary }> {
  const tables = await loadReportTables(dirs.tables);
  const writeup = methodsResults(tables);
  const files: SiteFile[] = [];
  const json = (path: string, value: unknown) =>
    files.push({ path, bytes: new TextEncoder().encode(JSON.stringify(value)) });
  json("overview.json", overview(tables, writeup));
  json("results.json", writeup);
  json("models.json", modelCards(tables));
  json("credits.json", await credits(tables, options.repoRoot));
  json("cite.json", await citeThis(options.repoRoot));
  json("reproduce.json", reproduceCommands(tables));
  json("gwot.json", gwotData(tables));

  const plan = await planFigures(dirs.tables, dirs.figures, options);
  // the tables live figures read and the text pages' own; the others (absent from the run, or
  // only read by figures too large to draw in a page) are empty files, because Framework needs
  // every attachment the pages list: pages offer and read only the tables in `available`
  const wanted = new Set([...plan.tables, ...SITE_TABLES]);
  const copied = new Set<string>();
  for (const name of browserTables()) {
    const include = wanted.has(name) && await exists(tablePath(dirs.tables, name));
    if (include) copied.add(name);
    const bytes = include ? await Deno.readFile(tablePath(dirs.tables, name)) : new Uint8Array();
    files.push({ path: `${SITE_TABLES_DIR}/${tableFile(name)}`, bytes });
  }
  const counts: Record<string, number> = { live: 0, static: 0, missing: 0 };
  for (const family of FAMILIES) {
    const figures = plan.families.get(family) ?? [];
    for (const figure of figures) counts[figure.mode]++;
    const data = await familyData(family, figures, dirs.figures);
    json(`figures/${family}.json`, { ...data, available: [...copied].sort() });
  }
  if (options.extra) files.push(...await options.extra(dirs.tables));
  return {
    files,
    summary: { figures: counts, tables: [...copied].sort(), gwot: Boolean(tables.gwotSummary) },
  };
}

/**
 * Tables every site carries for download beside the figures' own (when the run wrote them):
 * the ones the text pages are computed from.
 */
export const SITE_TABLES: readonly string[] = [
  TABLE.benchmark,
  TABLE.comparisons,
  TABLE.models,
  TABLE.concepts,
  TABLE.gwotSummary,
];

/**
 * Every table the site's pages can read or offer for download: {@link SITE_TABLES} and the
 * tables of every figure that can be drawn in the browser (no images). The pages list them as
 * file attachments (report/src/components/tables.js, kept equal by a test).
 */
export function browserTables(): string[] {
  const names = new Set<string>(SITE_TABLES);
  for (const spec of ALL_FIGURES) {
    if (!spec.tables.includes(TABLE.images)) { for (const name of spec.tables) names.add(name); }
  }
  return [...names].sort();
}

/** A figure family as its page reads it (`figures/<family>.json`). */
export interface FamilyData {
  /** Family name. */
  family: string;
  /** Page title and introduction. */
  intro: FamilyIntro;
  /** Its figures; static ones carry their SVG text. */
  figures: (SiteFigure & { svgText?: string })[];
  /** The tables the site carries (downloads are offered for these). */
  available?: string[];
}

/** The data of one family's page: its introduction and figures, SVG text inlined. */
export async function familyData(
  family: Family,
  figures: SiteFigure[],
  figuresDir: string,
): Promise<FamilyData> {
  const out: FamilyData["figures"] = [];
  for (const figure of figures) {
    if (figure.mode !== "static") {
      out.push(figure);
      continue;
    }
    out.push({ ...figure, svgText: await Deno.readTextFile(join(figuresDir, figure.svg!)) });
  }
  return { family, intro: FAMILY_INTROS[family], figures: out };
}

/**
 * Write the site's data files into `dataDir` (a folder; tests and `deno task site` debugging).
 */
export async function writeSiteData(
  dirs: { tables: string; figures: string },
  dataDir: string,
  options: SiteDataOptions = {},
): Promise<SiteDataSummary> {
  const { files, summary } = await siteDataFiles(dirs, options);
  for (const file of files) {
    const target = join(dataDir, ...file.path.split("/"));
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, file.bytes);
  }
  return summary;
}
