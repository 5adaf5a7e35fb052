/** `deno task data`: concepts, images and image splits → outputs/tables/. */
import { dataStage } from "../src/data/stage.ts";
import { intFlag, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { runStage } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";
import { TABLE, tableFile } from "../src/tables/names.ts";

/** Command line of the data stage. */
export const spec: TaskSpec = {
  name: "data",
  summary:
    "Concepts (1,854 with WordNet ids, THINGSplus categories, ratings, size), image metadata " +
    `and stratified image splits → ${
      [TABLE.concepts, TABLE.images, TABLE.splits].map(tableFile).join(", ")
    }`,
  flags: {
    ...STAGE_FLAGS,
    "limit-concepts": {
      type: "string",
      default: "0",
      description: "keep only the first N concepts with images (canonical order); 0 = all",
    },
    "skip-bad-images": {
      type: "boolean",
      default: false,
      description: `skip unreadable images (listed in ${
        tableFile(TABLE.images)
      } metadata) instead of failing`,
    },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const ctx = await contextFromFlags(parsed);
    await runStage(dataStage, ctx, {
      limitConcepts: intFlag(parsed, "limit-concepts") ?? 0,
      skipBadImages: Boolean(parsed.values["skip-bad-images"]),
      force: Boolean(parsed.values.force),
    });
  });
}
