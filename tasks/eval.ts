/**
 * `deno task eval <oddoneout|ceiling|rsa|gwot>`: evaluate any embedding file (.txt, .tsv, .csv,
 * .npy, .arrow); prints one JSON object to stdout. `rsa` and `gwot` compare two plain matrices of
 * any equal row count by position when no `--concepts` list is given.
 */
import { readConceptIndex } from "../src/data/readers/mod.ts";
import { evaluateCeiling, evaluateGwot, evaluateOddOneOut, evaluateRsa } from "../src/eval/mod.ts";
import { initBackend } from "../src/models/backend.ts";
import type { CompareKind, SimilarityKind } from "../src/metrics/mod.ts";
import { runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { resolveProfile } from "../src/pipeline/profile.ts";
import { join } from "node:path";
import { TABLE_EXT } from "../src/tables/names.ts";

/** Command line of `eval`. */
export const spec: TaskSpec = {
  name: "eval",
  usage: "<oddoneout|ceiling|rsa|gwot> [options]",
  summary: "Evaluate an embedding file; prints one JSON object.\n" +
    "  oddoneout --embedding F --triplets F   odd-one-out accuracy (ties count as wrong)\n" +
    "  ceiling --triplets F                   noise ceiling of repeated triplets\n" +
    "  rsa --a F --b F                        RSA over the upper triangle\n" +
    "  gwot --a F --b F [--eps E,E] [--inits K]  Gromov–Wasserstein alignment of the RDMs\n" +
    "  rsa / gwot take two plain matrices (.txt, .tsv, .csv, .npy) with the same number of rows;\n" +
    "  without --concepts, rows are items matched by position (files of 1,854 rows are the\n" +
    "  profile's concepts); Arrow files with uniqueIDs are matched by concept",
  flags: {
    profile: {
      type: "string",
      default: "embedded",
      choices: ["embedded", "things"],
      description: "profile whose concept list indexes the files",
    },
    "data-dir": { type: "string", description: "THINGS profile data folder" },
    seed: {
      type: "string",
      default: "7",
      description:
        "random seed (eval is deterministic; accepted so every task takes the same flags)",
    },
    concepts: {
      type: "string",
      description: "concept list (unique_id.txt) instead of the profile's; for rsa / gwot, " +
        "plain files must then have one row per concept",
    },
    embedding: {
      type: "string",
      description: `embedding file (.txt, .tsv, .csv, .npy, ${TABLE_EXT})`,
    },
    triplets: {
      type: "string",
      description: "triplet file (0-based i j k [subject] or 1-based noise-ceiling)",
    },
    format: {
      type: "string",
      default: "auto",
      choices: ["auto", "zero-based", "noise-ceiling"],
      description: "triplet file format",
    },
    a: { type: "string", description: "first file for rsa / gwot" },
    b: { type: "string", description: "second file for rsa / gwot" },
    eps: { type: "string", description: "gwot: comma-separated ε (default: 5 values, scaled)" },
    inits: { type: "string", default: "1", description: "gwot: initial plans per ε" },
    "max-iter": { type: "string", default: "300", description: "gwot: gradient steps per run" },
    similarity: {
      type: "string",
      default: "cosine",
      choices: ["dot", "cosine", "correlation"],
      description: "similarity of embedding rows for rsa",
    },
    compare: {
      type: "string",
      default: "spearman",
      choices: ["spearman", "pearson"],
      description: "correlation of the upper triangles for rsa",
    },
  },
  epilog:
    "Example:\n  deno task eval oddoneout --embedding data/embedded/things/spose49/spose_embedding_49d_sorted.txt " +
    "--triplets data/embedded/things/triplets/thingsdata_test_10_ID.txt",
};

function need(values: Record<string, unknown>, name: string, command: string): string {
  const v = values[name];
  if (typeof v !== "string" || !v) throw new UsageError(`eval ${command} needs --${name} FILE`);
  return v;
}

if (import.meta.main) {
  await runTask(spec, async ({ values, positionals }) => {
    const command = positionals[0];
    const profile = resolveProfile(String(values.profile), {
      dataDir: values["data-dir"] as string | undefined,
    });
    const concepts = await readConceptIndex(
      (values.concepts as string) ?? join(profile.thingsDir, "concepts/unique_id.txt"),
    );
    const format = values.format as "auto" | "zero-based" | "noise-ceiling";
    const match = values.concepts ? "concept" : "auto";
    let result: unknown;
    if (command === "oddoneout") {
      result = await evaluateOddOneOut(
        {
          embedding: need(values, "embedding", command),
          triplets: need(values, "triplets", command),
        },
        { concepts, format },
      );
    } else if (command === "ceiling") {
      result = await evaluateCeiling(need(values, "triplets", command), { concepts, format });
    } else if (command === "rsa") {
      result = await evaluateRsa(
        { a: need(values, "a", command), b: need(values, "b", command) },
        {
          concepts,
          match,
          similarity: values.similarity as SimilarityKind,
          compare: values.compare as CompareKind,
        },
      );
    } else if (command === "gwot") {
      const eps = values.eps ? String(values.eps).split(",").map(Number) : undefined;
      if (eps?.some((e) => !(e > 0))) throw new UsageError(`--eps: positive numbers`);
      result = await evaluateGwot(
        { a: need(values, "a", command), b: need(values, "b", command) },
        {
          concepts,
          match,
          ...(eps ? { epsilons: eps } : {}),
          inits: Number(values.inits),
          maxIter: Number(values["max-iter"]),
          seed: Number(values.seed),
          // load TensorFlow only once the input files have been read and checked
          prepare: () => initBackend({ backend: "auto", log: false }).then(() => {}),
        },
      );
    } else {
      throw new UsageError(
        `unknown eval command ${
          JSON.stringify(command ?? "")
        } (expected oddoneout, ceiling, rsa or gwot)`,
      );
    }
    console.log(JSON.stringify(result));
  });
}
