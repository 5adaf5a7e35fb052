/**
 * Every table the pipeline writes under `outputs/tables/`: its path (a pattern with `{model}`
 * and `{seed}` placeholders) and the stage that writes it. `docs/tables.md` documents the same
 * list, section by section (a test keeps the two equal), and the task runner uses it to say which
 * stage makes a missing table. Browser-safe: no Deno or Node APIs.
 *
 * @module
 */
import { ALIGNET, GLOCAL } from "../models/registry.ts";
import {
  alignedTable,
  embeddingTable,
  gwotPartTable,
  gwotPlanTable,
  gwotTimingTable,
  modelRowTable,
  prototypesTable,
  TABLE,
  tableFile,
  trainingTable,
  trainingTimingTable,
} from "./names.ts";

/** One table of the pipeline. */
export interface Artifact {
  /** Path below the tables folder; `{name}` stands for one path segment part (no `/`). */
  path: string;
  /** The `deno task` that writes it. */
  stage: string;
  /** The module of `src/tables/` that writes and reads it. */
  module: string;
}

/** One artifact: its table name (pattern), producing stage and module. */
function artifact(name: string, stage: string, module: string): Artifact {
  return { path: tableFile(name), stage, module };
}

/** The tables of `outputs/tables/`, in the order of `docs/tables.md`. */
export const ARTIFACTS: readonly Artifact[] = [
  artifact(TABLE.concepts, "data", "concepts.ts"),
  artifact(TABLE.images, "data", "images.ts"),
  artifact(TABLE.splits, "data", "images.ts"),
  artifact(TABLE.humanSimilarity, "human", "human_similarity.ts"),
  artifact(TABLE.humanSimilarityShuffled, "human", "human_similarity.ts"),
  artifact(TABLE.humanPairs, "human", "human_pairs.ts"),
  artifact(TABLE.triplets, "human", "triplets.ts"),
  artifact(TABLE.tripletsShuffled, "human", "triplets.ts"),
  artifact(trainingTable("{model}"), "train --model {model}", "training.ts"),
  artifact(embeddingTable("{model}"), "embed", "embeddings.ts"),
  artifact(prototypesTable("{model}"), "embed", "embeddings.ts"),
  artifact(modelRowTable("{model}"), "embed", "models.ts"),
  artifact(TABLE.models, "embed", "models.ts"),
  artifact(TABLE.benchmark, "bench", "benchmark.ts"),
  artifact(TABLE.comparisons, "bench", "benchmark.ts"),
  artifact(TABLE.retrievalQueries, "bench", "benchmark_items.ts"),
  artifact(TABLE.tripletMargins, "bench", "benchmark_items.ts"),
  artifact(TABLE.transferTargets, "bench", "benchmark_items.ts"),
  artifact(alignedTable(GLOCAL), "align:glocal", "aligned_glocal.ts"),
  artifact(alignedTable(ALIGNET), "align:alignet", "aligned_alignet.ts"),
  artifact(gwotPartTable("{model}", "runs"), "align:gwot", "gwot.ts"),
  artifact(gwotPartTable("{model}", "summary"), "align:gwot", "gwot.ts"),
  artifact(TABLE.gwot, "align:gwot", "gwot.ts"),
  artifact(TABLE.gwotSummary, "align:gwot", "gwot.ts"),
  artifact(gwotPlanTable("{model}"), "align:gwot", "gwot.ts"),
  artifact(trainingTimingTable("{model}"), "train --model {model}", "timings.ts"),
  artifact(gwotTimingTable("{model}"), "align:gwot", "timings.ts"),
];

/** A pattern as a regular expression; placeholders become named groups. */
function patternRegex(path: string): RegExp {
  const source = path.split(/(\{[a-z]+\})/).map((part) => {
    const m = /^\{([a-z]+)\}$/.exec(part);
    return m ? `(?<${m[1]}>[^/]+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }).join("");
  return new RegExp(`^${source}$`);
}

/**
 * The artifact a path below the tables folder is (`embeddings/baseline.arrow` →
 * `embeddings/{model}.arrow`), with its placeholders filled into the stage
 * (`training/alignet.arrow` → `train --model alignet`); the most specific pattern wins
 * (`embeddings/{model}.prototypes.arrow` over `embeddings/{model}.arrow`). Undefined for a path
 * that is no pipeline table.
 */
export function artifactOf(relPath: string): (Artifact & { command: string }) | undefined {
  const path = relPath.replaceAll("\\", "/");
  let best: (Artifact & { command: string }) | undefined;
  let bestFixed = -1;
  for (const artifact of ARTIFACTS) {
    const m = patternRegex(artifact.path).exec(path);
    if (!m) continue;
    const fixed = artifact.path.replace(/\{[a-z]+\}/g, "").length;
    if (fixed <= bestFixed) continue;
    const groups = m.groups ?? {};
    // `{model}` of a training table may carry the seed (`baseline.seed2`): the stage takes the
    // model key
    const command = artifact.stage.replace(
      /\{([a-z]+)\}/g,
      (_, name: string) => (groups[name] ?? "").replace(/\.seed\d+$/, ""),
    );
    best = { ...artifact, command };
    bestFixed = fixed;
  }
  return best;
}

/**
 * `written by \`deno task data\`` for a missing file that is a pipeline table: the path is
 * absolute or relative, and counts when it runs through a `tables/` folder. Undefined otherwise.
 */
export function producerHint(path: string): string | undefined {
  const normal = path.replaceAll("\\", "/");
  const at = normal.lastIndexOf("/tables/");
  if (at < 0) return undefined;
  const artifact = artifactOf(normal.slice(at + "/tables/".length));
  return artifact ? `written by \`deno task ${artifact.command}\`` : undefined;
}

/**
 * The `deno task` command that writes table `name` (`deno task bench`, `deno task train --model
 * baseline`), from the artifact list; `deno task all` for a table that is not listed.
 */
export function producerCommand(name: string): string {
  const artifact = artifactOf(tableFile(name));
  return `deno task ${artifact ? artifact.command : "all"}`;
}
