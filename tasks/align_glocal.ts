/**
 * `deno task align:glocal`: fit a gLocal transform on a trained model's features (default the
 * baseline) and register the result as model `glocal` for the benchmark.
 */
import { GLOCAL_DEFAULTS, glocalStage } from "../src/align/glocal_stage.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";

/** Command line of the gLocal stage. */
export const spec: TaskSpec = {
  name: "align:glocal",
  summary: "gLocal transform of a model's features → embeddings/glocal.arrow, aligned/glocal.arrow",
  flags: {
    ...STAGE_FLAGS,
    source: { type: "string", default: GLOCAL_DEFAULTS.source, description: "model to transform" },
    lambdas: { type: "string", default: GLOCAL_DEFAULTS.lambdas.join(","), description: "λ grid" },
    alphas: { type: "string", default: GLOCAL_DEFAULTS.alphas.join(","), description: "α grid" },
    epochs: {
      type: "string",
      default: String(GLOCAL_DEFAULTS.epochs),
      description: "epochs per fit",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const list = (name: string) => String(parsed.values[name]).split(",").map(Number);
    const lambdas = list("lambdas"), alphas = list("alphas");
    if (lambdas.some((v) => !(v >= 0)) || alphas.some((v) => !(v >= 0 && v <= 1))) {
      throw new UsageError("--lambdas must be ≥ 0 and --alphas in [0, 1]");
    }
    const epochs = intFlag(parsed, "epochs") ?? GLOCAL_DEFAULTS.epochs;
    const ctx = await contextFromFlags(parsed);
    await runStage(glocalStage, ctx, {
      source: String(parsed.values.source),
      lambdas,
      alphas,
      epochs,
      force: Boolean(parsed.values.force),
    });
  });
}
