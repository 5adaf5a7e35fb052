/**
 * The command line of the GWOT stage, both ways: the flags of `deno task align:gwot`, the stage
 * options they parse to ({@link gwotOptionsFromArgs}) and the arguments that give a set of options
 * back ({@link gwotArgs}), so a benchmark that runs the stage as a child process runs exactly the
 * options `deno task all` runs.
 *
 * @module
 */
import { type FlagSpec, intFlag, type ParsedArgs, UsageError } from "../pipeline/cli.ts";
import { GWOT_DEFAULTS, type GwotStageOptions } from "./gwot_stage.ts";

/** The stage's own flags (the shared stage flags come on top). */
export const GWOT_FLAGS: Record<string, FlagSpec> = {
  eps: { type: "string", description: "comma-separated ε grid (default: 5 values, scaled)" },
  "eps-scales": {
    type: "string",
    description: "ε grid in units of the RDMs' dissimilarity scale (default 1e-3 … 1e-1, 5 values)",
  },
  inits: {
    type: "string",
    default: String(GWOT_DEFAULTS.inits),
    description: "initial plans per ε",
  },
  "max-iter": {
    type: "string",
    default: String(GWOT_DEFAULTS.maxIter),
    description: "gradient steps per run",
  },
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
};

/** A comma-separated list of positive numbers (absent: `fallback`). */
function positiveList(parsed: ParsedArgs, name: string, fallback: number[]): number[] {
  const raw = parsed.values[name];
  if (raw === undefined || raw === false || raw === "") return fallback;
  const values = String(raw).split(",").map(Number);
  if (values.some((e) => !(e > 0) || !Number.isFinite(e))) {
    throw new UsageError(`--${name}: comma-separated positive numbers, got "${raw}"`);
  }
  return values;
}

/** The stage options of parsed `align:gwot` flags (unset flags: {@link GWOT_DEFAULTS}). */
export function gwotOptionsFromArgs(parsed: ParsedArgs): GwotStageOptions {
  const inits = intFlag(parsed, "inits") ?? GWOT_DEFAULTS.inits;
  const maxIter = intFlag(parsed, "max-iter") ?? GWOT_DEFAULTS.maxIter;
  if (inits < 1 || maxIter < 1) throw new UsageError("--inits and --max-iter must be ≥ 1");
  const untrained = intFlag(parsed, "untrained") ?? GWOT_DEFAULTS.untrained;
  const untrainedImages = intFlag(parsed, "untrained-images") ?? GWOT_DEFAULTS.untrainedImages;
  const untrainedMaxIter = intFlag(parsed, "untrained-max-iter") ??
    GWOT_DEFAULTS.untrainedMaxIter;
  if (untrained < 0 || untrainedImages < 0 || untrainedMaxIter < 0) {
    throw new UsageError("--untrained, --untrained-images and --untrained-max-iter must be ≥ 0");
  }
  const models = parsed.values.models ? String(parsed.values.models).split(",") : [];
  return {
    epsilons: positiveList(parsed, "eps", GWOT_DEFAULTS.epsilons),
    epsilonScales: positiveList(parsed, "eps-scales", GWOT_DEFAULTS.epsilonScales),
    inits,
    maxIter,
    models,
    untrained,
    untrainedImages,
    untrainedMaxIter,
    untrainedEpsilonScales: positiveList(
      parsed,
      "untrained-eps-scales",
      GWOT_DEFAULTS.untrainedEpsilonScales,
    ),
  };
}

/**
 * The `align:gwot` arguments that parse back to `options` (every option written out, lists
 * only when not empty): `gwotOptionsFromArgs(parse(gwotArgs(o)))` equals `o`.
 */
export function gwotArgs(options: GwotStageOptions): string[] {
  const list = (flag: string, values: readonly (number | string)[]) =>
    values.length ? [`--${flag}`, values.map(String).join(",")] : [];
  return [
    ...list("eps", options.epsilons),
    ...list("eps-scales", options.epsilonScales),
    "--inits",
    String(options.inits),
    "--max-iter",
    String(options.maxIter),
    ...list("models", options.models),
    "--untrained",
    String(options.untrained),
    "--untrained-images",
    String(options.untrainedImages),
    "--untrained-max-iter",
    String(options.untrainedMaxIter),
    ...list("untrained-eps-scales", options.untrainedEpsilonScales),
  ];
}
