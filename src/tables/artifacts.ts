/**
 * Every table the pipeline writes under `outputs/tables/`: its path (a pattern with `{model}`
 * and `{seed}` placeholders) and the stage that writes it. `docs/tables.md` documents the same
 * list, section by section (a test keeps the two equal), and the task runner uses it to say which
 * stage makes a missing table. Browser-safe: no Deno or Node APIs.
 *
 * @module
 */

/** One table of the pipeline. */
export interface Artifact {
  /** Path below the tables folder; `{name}` stands for one path segment part (no `/`). */
  path: string;
  /** The `deno task` that writes it. */
  stage: string;
}

/** The tables of `outputs/tables/`, in the order of `docs/tables.md`. */
export const ARTIFACTS: readonly Artifact[] = [
  { path: "concepts.arrow", stage: "data" },
  { path: "images.arrow", stage: "data" },
  { path: "splits.arrow", stage: "data" },
  { path: "human_similarity.arrow", stage: "human" },
  { path: "human_similarity_shuffled.arrow", stage: "human" },
  { path: "human_pairs.arrow", stage: "human" },
  { path: "triplets.arrow", stage: "human" },
  { path: "triplets_shuffled.arrow", stage: "human" },
  { path: "training/{model}.arrow", stage: "train --model {model}" },
  { path: "embeddings/{model}.arrow", stage: "embed" },
  { path: "embeddings/{model}.prototypes.arrow", stage: "embed" },
  { path: "models.arrow", stage: "embed" },
  { path: "benchmark.arrow", stage: "bench" },
  { path: "comparisons.arrow", stage: "bench" },
  { path: "benchmark/retrieval_queries.arrow", stage: "bench" },
  { path: "benchmark/triplet_margins.arrow", stage: "bench" },
  { path: "benchmark/transfer_targets.arrow", stage: "bench" },
  { path: "aligned/glocal.arrow", stage: "align:glocal" },
  { path: "aligned/alignet.arrow", stage: "align:alignet" },
  { path: "gwot.arrow", stage: "align:gwot" },
  { path: "gwot_summary.arrow", stage: "align:gwot" },
  { path: "gwot/plans/{model}.arrow", stage: "align:gwot" },
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
