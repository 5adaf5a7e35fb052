/** `deno task human`: human similarity, pair splits, training triplets and shuffled controls. */
import { HUMAN_DEFAULTS, humanStage } from "../src/human/stage.ts";
import { intFlag, numberFlag, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import { TABLE_EXT } from "../src/tables/names.ts";

/** Command line of the human stage. */
export const spec: TaskSpec = {
  name: "human",
  summary:
    "SPoSE-derived human similarity matrix, concept-pair splits, training triplets, shuffled " +
    `triplets and shuffled matrix → human_*${TABLE_EXT}, triplets*${TABLE_EXT} (needs ` +
    "`deno task data`)",
  flags: {
    ...STAGE_FLAGS,
    "val-fraction": {
      type: "string",
      default: String(HUMAN_DEFAULTS.valFraction),
      description: "share of validation pairs",
    },
    "test-fraction": {
      type: "string",
      default: String(HUMAN_DEFAULTS.testFraction),
      description: "share of test pairs",
    },
    "triplets-per-anchor": {
      type: "string",
      default: String(HUMAN_DEFAULTS.tripletsPerAnchor),
      description: "training triplets sampled per anchor concept",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const ctx = await contextFromFlags(parsed);
    await runStage(humanStage, ctx, {
      valFraction: numberFlag(parsed, "val-fraction") ?? HUMAN_DEFAULTS.valFraction,
      testFraction: numberFlag(parsed, "test-fraction") ?? HUMAN_DEFAULTS.testFraction,
      tripletsPerAnchor: intFlag(parsed, "triplets-per-anchor") ?? HUMAN_DEFAULTS.tripletsPerAnchor,
      force: Boolean(parsed.values.force),
    });
  });
}
