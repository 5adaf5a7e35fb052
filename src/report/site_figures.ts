/**
 * Which figures the site draws in the browser and which it shows as the SVG the `figures` task
 * rendered: a figure is drawn live (same function, tables copied next to the page) when all its
 * tables exist, none of them is `images` (image figures embed the pictures as data URIs on the
 * server) and their Arrow files total at most `liveBudgetBytes`; otherwise the prerendered SVG is
 * used, and where there is none the page says which task to run.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../io/files.ts";
import { ALL_FIGURES, type FigureSpec, type TableSet } from "../figures/mod.ts";
import type { Family } from "../figures/spec.ts";
import { loadFigureTables } from "../figures/tables.ts";
import { TABLE, tableFile } from "../tables/names.ts";
import { tablePath } from "../tables/paths.ts";
import { producerCommand } from "../tables/artifacts.ts";

/** How a figure reaches its page. */
export type FigureMode = "live" | "static" | "missing";

/** One figure as the site shows it. */
export interface SiteFigure {
  /** Family. */
  family: string;
  /** Name. */
  name: string;
  /** Title. */
  title: string;
  /** Purpose. */
  purpose: string;
  /** Tables it reads. */
  tables: string[];
  /** How it is shown. */
  mode: FigureMode;
  /** Interpretation notes computed from the data. */
  notes: string[];
  /** For static figures: the SVG path relative to the figures folder. */
  svg?: string;
  /** For missing figures: what is missing and how to make it. */
  message?: string;
}

/** Options of {@link planFigures}. */
export interface PlanOptions {
  /** Largest total size of a live figure's Arrow tables (default 3 MB). */
  liveBudgetBytes?: number;
  /** Figures to plan (default every registered figure). */
  figures?: readonly FigureSpec[];
  /** Log a line. */
  log?: (message: string) => void;
}

/** The plan: figures by family and the tables live figures need copied. */
export interface FigurePlan {
  /** Figures by family, in registry order. */
  families: Map<string, SiteFigure[]>;
  /** Tables to copy next to the pages (names as in {@link TableSet}). */
  tables: string[];
}

/** Default size limit of a live figure's tables. */
export const LIVE_BUDGET_BYTES = 3_000_000;

/** Decide, per figure, live, static or missing, and compute its notes. */
export async function planFigures(
  tablesDir: string,
  figuresDir: string,
  options: PlanOptions = {},
): Promise<FigurePlan> {
  const budget = options.liveBudgetBytes ?? LIVE_BUDGET_BYTES;
  const families = new Map<string, SiteFigure[]>();
  const copy = new Set<string>();
  const cache = new Map<string, TableSet[string]>();
  const sizes = new Map<string, number | null>();
  const size = async (name: string) => {
    if (!sizes.has(name)) {
      try {
        sizes.set(name, (await Deno.stat(tablePath(tablesDir, name))).size);
      } catch {
        sizes.set(name, null);
      }
    }
    return sizes.get(name)!;
  };
  for (const spec of options.figures ?? ALL_FIGURES) {
    const figure: SiteFigure = {
      family: spec.family,
      name: spec.name,
      title: spec.title,
      purpose: spec.purpose,
      tables: [...spec.tables],
      mode: "missing",
      notes: [],
    };
    if (!families.has(spec.family)) families.set(spec.family, []);
    families.get(spec.family)!.push(figure);
    const missing: string[] = [];
    let bytes = 0;
    for (const name of spec.tables) {
      const s = await size(name);
      if (s === null) missing.push(name);
      else bytes += s;
    }
    if (missing.length) {
      const tasks = [...new Set(missing.map(producerCommand))];
      figure.message = `Not available for this run: it needs ${
        missing.map((m) => tableFile(m)).join(", ")
      }, written by \`${tasks.join("`, `")}\`.`;
      continue;
    }
    if (spec.notes) {
      try {
        figure.notes = spec.notes(await loadFigureTables(tablesDir, spec, { cache }));
      } catch (error) {
        options.log?.(`site: notes of ${spec.family}/${spec.name} failed: ${error}`);
      }
    }
    const live = !spec.tables.includes(TABLE.images) && bytes <= budget;
    if (live) {
      figure.mode = "live";
      for (const name of spec.tables) copy.add(name);
      continue;
    }
    const svg = `${spec.family}/${spec.name}.svg`;
    if (await exists(join(figuresDir, svg))) {
      figure.mode = "static";
      figure.svg = svg;
    } else {
      figure.message = `Not rendered yet: this figure is drawn on the server (its tables are ` +
        `${spec.tables.includes(TABLE.images) ? "images" : "too large for a page"}); run ` +
        "`deno task figures` and rebuild the site.";
    }
  }
  return { families, tables: [...copy].sort() };
}

/** The title and introduction of a figure family's page. */
export interface FamilyIntro {
  /** Page title. */
  title: string;
  /** Introductory paragraph. */
  text: string;
}

/** Title and introduction of each family's page (`figures/<family>.html`). */
export const FAMILY_INTROS: Record<Family, FamilyIntro> = {
  paper: {
    title: "Paper figures",
    text: "The main result-section figures: visual utility (classification, retrieval), semantic " +
      "structure (human similarity alignment, THINGSplus transfer), the human-specific signal " +
      "(variants against their shuffled controls) and the triplet diagnostics. Each figure lists " +
      "its purpose, the notes computed from the data and the tables it reads.",
  },
  combined: {
    title: "Combined",
    text: "Composite figures for the recommended results narrative: several panels that belong " +
      "together in one figure.",
  },
  improved: {
    title: "Improved",
    text: "Polished alternative result plots. Their backing data are the pipeline's tables named " +
      "under each figure.",
  },
  examples: {
    title: "Examples",
    text: "Qualitative evidence with the actual images: retrieval neighbours, triplets and " +
      "semantic probes. Images are THINGS-icons (see Data & credits for their licenses).",
  },
  exploratory: {
    title: "Exploratory",
    text: "Broad diagnostic plots for filtering and the appendix.",
  },
  client: {
    title: "Client readout",
    text: "Relationship discovery for home products. For a home-furnishing retailer the " +
      "practical question is not only whether a model retrieves more products of the same " +
      "category: customers look for products that feel related in use, atmosphere or aesthetic " +
      "association. These figures show, for home-product concepts (furniture, decor, kitchen, " +
      "appliances, containers …), how human-matrix alignment changes the suggested related " +
      "products, next to the held-out human similarity of each suggestion; the query-level " +
      "change panel shows the mixed picture honestly: the shifts should motivate targeted " +
      "testing, not a claim of an overall recommender improvement. The concept explorer does " +
      "the same for every concept.",
  },
  gwot: {
    title: "GWOT figures",
    text: "Unsupervised alignment of each model's concept RDM with the human RDM " +
      "(Gromov–Wasserstein optimal transport); the GWOT page has the summary and its reading.",
  },
  workflow: {
    title: "Workflow diagrams",
    text: "The pipeline's stages and the tables that connect them.",
  },
};
