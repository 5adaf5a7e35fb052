/**
 * `deno task align:gwot`: unsupervised Gromov–Wasserstein alignment of every model's concept RDM
 * with the human RDM (ε sweep × initial plans, minimum-GWD and highest-matching-rate solutions,
 * matching rates with chance levels, RSA alongside, the untrained-network baseline) →
 * outputs/tables/gwot.arrow, gwot_summary.arrow, gwot/plans/.
 */
import { GWOT_DEFAULTS, gwotStage } from "../src/align/gwot_stage.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";

/** Command line of the GWOT stage. */
export const spec: TaskSpec = {
  name: "align:gwot",
  summary: "GWOT between every model's concept RDM and the human RDM (needs `deno task all`)",
  flags: {
    ...STAGE_FLAGS,
    eps: { type: "string", description: "comma-separated ε grid (default: 5 values, scaled)" },
    "eps-scales": {
      type: "string",
      description:
        "ε grid in units of the RDMs' dissimilarity scale (default 1e-3 … 1e-1, 5 values)",
    },
    inits: { type: "string", default: "3", description: "initial plans per ε" },
    "max-iter": { type: "string", default: "300", description: "gradient steps per run" },
    models: { type: "string", description: "comma-separated models (default: all + spose49)" },
    untrained: {
      type: "string",
      default: String(GWOT_DEFAULTS.untrained),
      description: "random-weight networks of the backbone for the untrained baseline (0 = none)",
    },
    "untrained-images": {
      type: "string",
      default: String(GWOT_DEFAULTS.untrainedImages),
      description: "training images per concept each untrained network embeds (0 = all)",
    },
    "untrained-max-iter": {
      type: "string",
      default: String(GWOT_DEFAULTS.untrainedMaxIter),
      description: "gradient steps per run of the untrained networks (0 = --max-iter)",
    },
    "untrained-eps-scales": {
      type: "string",
      description: "ε grid of the untrained networks, in units of the dissimilarity scale " +
        "(default: the trained models' grid)",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const epsilons = parsed.values.eps
      ? String(parsed.values.eps).split(",").map(Number)
      : GWOT_DEFAULTS.epsilons;
    if (epsilons.some((e) => !(e > 0))) {
      throw new UsageError(`--eps: positive numbers, got ${parsed.values.eps}`);
    }
    const epsilonScales = parsed.values["eps-scales"]
      ? String(parsed.values["eps-scales"]).split(",").map(Number)
      : GWOT_DEFAULTS.epsilonScales;
    if (epsilonScales.some((e) => !(e > 0))) {
      throw new UsageError(`--eps-scales: positive numbers, got ${parsed.values["eps-scales"]}`);
    }
    const inits = intFlag(parsed, "inits") ?? GWOT_DEFAULTS.inits;
    const maxIter = intFlag(parsed, "max-iter") ?? GWOT_DEFAULTS.maxIter;
    if (inits < 1 || maxIter < 1) throw new UsageError("--inits and --max-iter must be ≥ 1");
    const untrained = intFlag(parsed, "untrained") ?? GWOT_DEFAULTS.untrained;
    const untrainedImages = intFlag(parsed, "untrained-images") ?? GWOT_DEFAULTS.untrainedImages;
    const untrainedMaxIter = intFlag(parsed, "untrained-max-iter") ??
      GWOT_DEFAULTS.untrainedMaxIter;
    if (untrained < 0 || untrainedImages < 0 || untrainedMaxIter < 0) {
      throw new UsageError(
        "--untrained, --untrained-images and --untrained-max-iter must be ≥ 0",
      );
    }
    const untrainedEpsilonScales = parsed.values["untrained-eps-scales"]
      ? String(parsed.values["untrained-eps-scales"]).split(",").map(Number)
      : GWOT_DEFAULTS.untrainedEpsilonScales;
    if (untrainedEpsilonScales.some((e) => !(e > 0))) {
      throw new UsageError(
        `--untrained-eps-scales: positive numbers, got ${parsed.values["untrained-eps-scales"]}`,
      );
    }
    const models = parsed.values.models ? String(parsed.values.models).split(",") : [];
    const ctx = await contextFromFlags(parsed);
    await runStage(gwotStage, ctx, {
      epsilons,
      epsilonScales,
      inits,
      maxIter,
      models,
      untrained,
      untrainedImages,
      untrainedMaxIter,
      untrainedEpsilonScales,
      force: Boolean(parsed.values.force),
    });
  });
}
