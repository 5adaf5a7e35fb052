/**
 * The Reproduce page: the commands that rebuild this run, with the run's own profile and seed
 * (from the tables' provenance) filled in.
 *
 * @module
 */
import { BENCHMARK_FILE } from "./cite.ts";
import type { ReportTables } from "./tables.ts";

/** One command of the Reproduce page. */
export interface Command {
  /** Short title. */
  title: string;
  /** What it does. */
  what: string;
  /** The command line. */
  command: string;
}

/** Commands and provenance of the Reproduce page. */
export interface Reproduce {
  /** One line about the run the site shows. */
  provenance: string;
  /** Commands in order. */
  commands: Command[];
}

/** Build the Reproduce page's data from the tables' provenance. */
export function reproduceCommands(tables: ReportTables): Reproduce {
  const meta = tables.benchmarkMetadata;
  const profile = String(meta.profile ?? "embedded");
  const seed = typeof meta.seed === "number" ? meta.seed : 7;
  const flags = [
    profile !== "embedded" ? `--profile ${profile}` : "",
    seed !== 7 ? `--seed ${seed}` : "",
  ].filter(Boolean).join(" ");
  const f = flags ? ` ${flags}` : "";
  const commands: Command[] = [];
  if (profile === "things") {
    commands.push({
      title: "Get the THINGS data",
      what: "Downloads the THINGS files (sha256-checked) and the ResNet-50 weights.",
      command: "deno task setup --profile things",
    });
  }
  commands.push(
    {
      title: "Run the pipeline",
      what: "data → human → train (baseline and the six variants) → embed → align:glocal → " +
        "align:alignet → bench → align:gwot (a quick sweep) → figures → site; Arrow tables in " +
        "outputs/tables/, this site in outputs/site/.",
      command: `deno task all${f}`,
    },
    {
      title: "Full GWOT sweep (optional)",
      what: "Gromov–Wasserstein alignment of every model with the human RDM, 5 ε × 3 initial " +
        "plans (minutes per model); later runs of `deno task all` keep these options. Rebuild " +
        "the figures and the site afterwards to show it.",
      command: `deno task align:gwot${f}\ndeno task figures${f}\ndeno task site${f}`,
    },
    {
      title: "Figures only",
      what: "Renders every figure to outputs/figures/<family>/<name>.{svg,png} with " +
        "figure_notes.json.",
      command: `deno task figures${f}`,
    },
    {
      title: "This site only",
      what: "Builds outputs/site/ from outputs/tables/ and outputs/figures/ (Observable " +
        "Framework, offline).",
      command: `deno task site${f}`,
    },
    {
      title: "Tests",
      what: "Unit, cross-check, figure-regression and site tests.",
      command: "deno task test",
    },
  );
  return {
    provenance: `This site shows the ${profile} profile, seed ${seed}, pipeline version ${
      meta.version ?? "?"
    } (from ${BENCHMARK_FILE}'s provenance).`,
    commands,
  };
}
