/**
 * The stages `deno task perf:scale` measures, in pipeline order, each as its own child process
 * with the options `deno task all` gives it (GWOT: the quick sweep of `all`), and the sizes it
 * measures them at.
 *
 * @module
 */
import { gwotArgs } from "../../src/align/gwot_cli.ts";
import { GWOT_QUICK } from "../../src/align/gwot_stage.ts";
import { UsageError } from "../../src/pipeline/cli.ts";
import type { SizeName } from "../../src/pipeline/cost.ts";
import { MODEL_NAMES } from "../../src/train/model_names.ts";

/** A stage of the pipeline as the benchmark runs it. */
export interface StageDef {
  /** Name in `--stages` (task file stem). */
  name: string;
  /** Stages that must run before it in the same benchmark. */
  needs: string[];
  /** Size its wall time grows with (and the power of it). */
  time: { size: SizeName; power?: number };
  /** Size its peak memory grows with (default: that of the time, linearly). */
  rss?: { size: SizeName; power?: number };
  /** Size its output grows with. */
  disk: { size: SizeName; power?: number };
  /** Whether it reads the trunk cache (held in memory up to 2 GiB, then file-backed). */
  readsTrunk?: boolean;
}

/**
 * The measured stages. Time and memory sizes: images for per-image work (hashing, the trunk,
 * embeddings, AligNet's students and clusters, gLocal's image term); concepts for the human
 * data (the 1,854 × 1,854 matrix is the same at every size); concepts² for the benchmark
 * (concept-pair RSA, image-pair retrieval with a fixed number of images per concept); concepts³
 * for GWOT (two n×n matrix products per gradient step); concepts for figures and site. Memory
 * grows linearly in the same size, except GWOT's (n×n matrices); stages that read the trunk cache
 * stop growing with the images once the cache is file-backed.
 */
export const STAGES: readonly StageDef[] = [
  {
    name: "data",
    needs: [],
    time: { size: "images" },
    disk: { size: "images" },
  },
  { name: "human", needs: ["data"], time: { size: "concepts" }, disk: { size: "concepts" } },
  {
    name: "train",
    needs: ["data", "human"],
    time: { size: "images" },
    disk: { size: "concepts" },
    readsTrunk: true,
  },
  {
    name: "embed",
    needs: ["train"],
    time: { size: "images" },
    disk: { size: "images" },
    readsTrunk: true,
  },
  {
    name: "align_glocal",
    needs: ["embed"],
    time: { size: "images" },
    disk: { size: "images" },
  },
  {
    name: "align_alignet",
    needs: ["embed"],
    time: { size: "images" },
    disk: { size: "images" },
    readsTrunk: true,
  },
  {
    name: "bench",
    needs: ["embed"],
    time: { size: "concepts", power: 2 },
    disk: { size: "concepts" },
  },
  {
    name: "align_gwot",
    needs: ["embed"],
    time: { size: "concepts", power: 3 },
    rss: { size: "concepts", power: 2 },
    disk: { size: "concepts", power: 2 },
  },
  { name: "figures", needs: ["bench"], time: { size: "concepts" }, disk: { size: "concepts" } },
  { name: "site", needs: ["figures"], time: { size: "concepts" }, disk: { size: "concepts" } },
];

/** One measured size: concepts × images per concept. */
export interface SizeSpec {
  /** Concepts (those with THINGS-icons first). */
  concepts: number;
  /** Images per concept. */
  perConcept: number;
  /** `24x8`. */
  label: string;
}

/** Parse `--sizes 24x8,48x8,96x8`. */
export function parseSizes(text: string): SizeSpec[] {
  const sizes = text.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = s.match(/^(\d+)x(\d+)$/);
    if (!m) throw new UsageError(`--sizes: expected CONCEPTSxIMAGES (e.g. 24x8), got "${s}"`);
    const concepts = Number(m[1]), perConcept = Number(m[2]);
    if (concepts < 2 || concepts > 1854) {
      throw new UsageError(`--sizes: concepts must be 2…1854, got ${concepts}`);
    }
    if (perConcept < 3) {
      throw new UsageError(
        `--sizes: at least 3 images per concept (train, val and test each need one), got ${perConcept}`,
      );
    }
    return { concepts, perConcept, label: `${concepts}x${perConcept}` };
  });
  if (sizes.length === 0) throw new UsageError("--sizes: give at least one size");
  if (new Set(sizes.map((s) => s.label)).size !== sizes.length) {
    throw new UsageError(`--sizes: a size is given twice in "${text}"`);
  }
  return sizes.sort((a, b) => a.concepts * a.perConcept - b.concepts * b.perConcept);
}

/** Parse `--stages` (names as in tasks/, `align:gwot` also accepted) and check prerequisites. */
export function parseStages(text: string): StageDef[] {
  if (text === "all") return [...STAGES];
  const wanted = new Set(text.split(",").map((s) => s.trim().replace(":", "_")).filter(Boolean));
  for (const name of wanted) {
    if (!STAGES.some((s) => s.name === name)) {
      throw new UsageError(
        `--stages: unknown stage "${name}" (one of ${STAGES.map((s) => s.name).join(", ")})`,
      );
    }
  }
  const chosen = STAGES.filter((s) => wanted.has(s.name));
  for (const stage of chosen) {
    const missing = stage.needs.filter((n) => !wanted.has(n));
    if (missing.length) {
      throw new UsageError(
        `--stages: ${stage.name} needs ${missing.join(", ")} in the same run (add it)`,
      );
    }
  }
  return chosen;
}

/** Parse `--models` (training models; `all` = the seven). */
export function parseModels(text: string): string[] {
  if (text === "all") return [...MODEL_NAMES];
  const models = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const m of models) {
    if (!(MODEL_NAMES as readonly string[]).includes(m)) {
      throw new UsageError(`--models: unknown model "${m}" (one of ${MODEL_NAMES.join(", ")})`);
    }
  }
  if (models.some((m) => m !== "baseline") && !models.includes("baseline")) {
    throw new UsageError("--models: the variants start from the baseline; include baseline");
  }
  return MODEL_NAMES.filter((m) => models.includes(m));
}

/** What every stage command gets besides the stage's own flags. */
export interface CommandContext {
  /** THINGS profile data folder (`setup --dest`); undefined for the embedded default. */
  dataDir?: string;
  /** Output root of this size. */
  out: string;
  /** Backbone. */
  backbone: string;
  /** Schedule flags for `train` (`--head-epochs H --layer4-epochs L [--max-train-batches N]`). */
  schedule: string[];
}

/**
 * The child commands of a stage (`deno` arguments): one per model for `train`, one otherwise.
 * Each entry: a display name and the arguments.
 */
export function stageCommands(
  stage: StageDef,
  ctx: CommandContext,
  options: { models: readonly string[] },
): { name: string; args: string[] }[] {
  const base = ctx.dataDir === undefined
    ? ["--out", ctx.out]
    : ["--profile", "things", "--data-dir", ctx.dataDir, "--out", ctx.out];
  const task = (file: string, extra: string[] = []) => [
    "run",
    "-A",
    `tasks/${file}.ts`,
    ...base,
    ...extra,
  ];
  const backbone = ["--backbone", ctx.backbone];
  switch (stage.name) {
    case "train":
      return options.models.map((model) => ({
        name: `train:${model}`,
        args: task("train", ["--model", model, ...backbone, ...ctx.schedule]),
      }));
    case "embed":
    case "align_alignet":
      return [{ name: displayName(stage.name), args: task(stage.name, backbone) }];
    case "align_gwot":
      return [{
        name: "align:gwot",
        // every option of the quick sweep `deno task all` runs (the untrained networks' too)
        args: task("align_gwot", gwotArgs(GWOT_QUICK)),
      }];
    default:
      return [{ name: displayName(stage.name), args: task(stage.name) }];
  }
}

/** `align_gwot` → `align:gwot` (the pipeline's stage names). */
export function displayName(name: string): string {
  return name.replace("_", ":");
}
