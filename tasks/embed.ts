/** `deno task embed`: embeddings of every image for every trained model (and the ImageNet backbone). */
import {
  intFlag,
  type ParsedArgs,
  runTask,
  type TaskSpec,
  UsageError,
} from "../src/pipeline/cli.ts";
import { runStages } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import {
  decodeWorkersFlag,
  ensureNativeBackend,
  MODEL_FLAGS,
  seedsFlag,
  trainingBackend,
} from "../src/train/cli.ts";
import { MODEL_NAMES } from "../src/train/config.ts";
import { embedRuns } from "../src/train/embed_stage.ts";
import { defaultBackbone } from "../src/train/stage.ts";
import { TABLE, tableFile } from "../src/tables/names.ts";

/** Command line of the embed stage. */
export const spec: TaskSpec = {
  name: "embed",
  summary: "Penultimate embeddings (and L2-normalised copies) of every image for every model, " +
    `concept prototypes, and ${tableFile(TABLE.models)} → outputs/tables/embeddings/`,
  flags: {
    ...STAGE_FLAGS,
    ...MODEL_FLAGS,
    "skip-bad-images": {
      type: "boolean",
      default: false,
      description: "skip images that fail to decode",
    },
    "batch-size": {
      type: "string",
      description: "images per forward pass (memory against speed; default 128)",
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const ctx = await contextFromFlags(parsed);
    await ensureNativeBackend(parsed, ctx.log);
    const backend = await trainingBackend(parsed);
    // one stage run per model and seed, then embed joins their rows (each cached)
    const runs = embedRuns({
      backbone: (parsed.values.backbone as string | undefined) ?? defaultBackbone(ctx.profile.name),
      seeds: seedsFlag(parsed, ctx.seed),
      models: [...MODEL_NAMES],
      backend,
      skipBadImages: Boolean(parsed.values["skip-bad-images"]),
      ...decodeWorkersFlag(parsed),
      ...(parsed.values["batch-size"] !== undefined ? { batchSize: batchSize(parsed) } : {}),
    });
    await runStages(runs, ctx, { force: Boolean(parsed.values.force) });
  });
}

function batchSize(parsed: ParsedArgs): number {
  const n = intFlag(parsed, "batch-size")!;
  if (n < 1) throw new UsageError(`--batch-size must be ≥ 1, got ${n}`);
  return n;
}
