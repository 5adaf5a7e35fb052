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
import { FAMILIES } from "../figures/spec.ts";
import { UNTRAINED } from "../models/registry.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { BENCHMARK_FILE, COMPARISONS_FILE, MODELS_FILE } from "./cite.ts";
import { credits } from "./credits.ts";
import { headlineTable } from "./headline.ts";
import { modelCards } from "./models.ts";
import { reproduceCommands } from "./reproduce.ts";
import { planFigures, type PlanOptions, type SiteFigure } from "./site_figures.ts";
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

/** Options of {@link writeSiteData}. */
export interface SiteDataOptions extends PlanOptions {
  /** Repository root (data/ licenses and notes); default the checkout. */
  repoRoot?: string;
}

/** What {@link writeSiteData} wrote. */
export interface SiteDataSummary {
  /** Figures by mode. */
  figures: Record<string, number>;
  /** Arrow tables copied. */
  tables: string[];
  /** Whether the GWOT summary was present. */
  gwot: boolean;
}

/**
 * Write every data file of the site into the Framework source root `srcDir` from the tables in
 * `tablesDir` and the figures in `figuresDir`.
 */
export async function writeSiteData(
  dirs: { tables: string; figures: string },
  srcDir: string,
  options: SiteDataOptions = {},
): Promise<SiteDataSummary> {
  const tables = await loadReportTables(dirs.tables);
  const writeup = methodsResults(tables);
  const data = join(srcDir, "data");
  await Deno.mkdir(data, { recursive: true });
  const json = (name: string, value: unknown) =>
    Deno.writeTextFile(join(data, name), JSON.stringify(value));
  await json("overview.json", overview(tables, writeup));
  await json("results.json", writeup);
  await json("models.json", modelCards(tables));
  await json("credits.json", await credits(tables, options.repoRoot));
  await json("reproduce.json", reproduceCommands(tables));
  await json("gwot.json", gwotData(tables));

  const plan = await planFigures(dirs.tables, dirs.figures, options);
  for (const name of plan.tables) {
    const target = tablePath(join(data, "tables"), name);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.copyFile(tablePath(dirs.tables, name), target);
  }
  const counts: Record<string, number> = { live: 0, static: 0, missing: 0 };
  const generated = join(srcDir, "_generated");
  await Deno.mkdir(generated, { recursive: true });
  for (const family of FAMILIES) {
    const figures = plan.families.get(family) ?? [];
    for (const figure of figures) {
      counts[figure.mode]++;
      if (figure.mode === "static") {
        const target = join(data, "figures", figure.svg!);
        await Deno.mkdir(dirname(target), { recursive: true });
        await Deno.copyFile(join(dirs.figures, figure.svg!), target);
      }
    }
    await Deno.writeTextFile(join(generated, `${family}.js`), familyModule(figures));
  }
  return { figures: counts, tables: plan.tables, gwot: Boolean(tables.gwotSummary) };
}

/**
 * The generated module of one family: its figures and, for the tables its live figures read,
 * functions that fetch the Arrow bytes.
 */
export function familyModule(figures: SiteFigure[]): string {
  const lines = [
    "// Generated by `deno task site` (src/report/site_data.ts); do not edit.",
    'import {FileAttachment} from "observablehq:stdlib";',
    "",
    "export const figures = [",
  ];
  const names = new Set<string>();
  for (const figure of figures) {
    const { svg, ...rest } = figure;
    const body = JSON.stringify(rest).slice(0, -1);
    const attachment = svg
      ? `, "svg": FileAttachment(${JSON.stringify(`../data/figures/${svg}`)})`
      : "";
    lines.push(`  ${body}${attachment}},`);
    if (figure.mode === "live") { for (const t of figure.tables) names.add(t); }
  }
  lines.push("];", "", "export const tables = {");
  for (const name of [...names].sort()) {
    lines.push(
      // a method call right on FileAttachment: with a bare `.arrow` attachment Framework would
      // add its CDN Arrow loader
      `  ${JSON.stringify(name)}: () => FileAttachment(${
        JSON.stringify(`../data/tables/${tableFile(name)}`)
      }).arrayBuffer(),`,
    );
  }
  lines.push("};", "");
  return lines.join("\n");
}
