/** `deno task train`: train the baseline and the human-informed variants from the trunk cache. */
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import {
  decodeWorkersFlag,
  ensureNativeBackend,
  MODEL_FLAGS,
  SCHEDULE_FLAGS,
  scheduleFlags,
  seedsFlag,
  trainingBackend,
} from "../src/train/cli.ts";
import { MODEL_NAMES, seedSuffix } from "../src/train/config.ts";
import { defaultBackbone, trainStage } from "../src/train/stage.ts";

/** Command line of the train stage. */
export const spec: TaskSpec = {
  name: "train",
  summary: "Train the image-only baseline and the six human-informed variants (configs in " +
    "src/train/configs/) from cached trunk activations; checkpoints every epoch, --resume continues.",
  flags: {
    ...STAGE_FLAGS,
    ...MODEL_FLAGS,
    ...SCHEDULE_FLAGS,
    model: {
      type: "string",
      default: "all",
      description: `model to train: all, or one of ${MODEL_NAMES.join(", ")}`,
    },
    "skip-bad-images": {
      type: "boolean",
      default: false,
      description: "skip images that fail to decode (listed in the tables' metadata)",
    },
    "max-steps": {
      type: "string",
      description: "stop after N optimizer steps (testing resumption)",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const ctx = await contextFromFlags(parsed);
    const model = String(parsed.values.model);
    if (model !== "all" && !(MODEL_NAMES as readonly string[]).includes(model)) {
      throw new UsageError(
        `unknown model "${model}" (expected all or one of ${MODEL_NAMES.join(", ")})`,
      );
    }
    const schedule = scheduleFlags(parsed);
    await ensureNativeBackend(parsed, ctx.log);
    const backend = await trainingBackend(parsed);
    const backbone = (parsed.values.backbone as string | undefined) ??
      defaultBackbone(ctx.profile.name);
    const seeds = seedsFlag(parsed, ctx.seed);
    for (const trainSeed of seeds) {
      for (const name of model === "all" ? MODEL_NAMES : [model]) {
        // each seed its own cache record (train:<model>@<seed> after the first), as in `all`
        await runStage(trainStage(name, seedSuffix(trainSeed, seeds)), ctx, {
          backbone,
          trainSeed,
          backend,
          resume: Boolean(parsed.values.resume),
          skipBadImages: Boolean(parsed.values["skip-bad-images"]),
          schedule,
          ...decodeWorkersFlag(parsed),
          ...(parsed.values["max-steps"] !== undefined
            ? { maxSteps: intFlag(parsed, "max-steps") }
            : {}),
          force: Boolean(parsed.values.force),
        });
      }
    }
  });
}
