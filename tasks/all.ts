/** `deno task all`: every stage in order; stages whose inputs did not change are skipped. */
import { dataStage } from "../src/data/stage.ts";
import { HUMAN_DEFAULTS, humanStage } from "../src/human/stage.ts";
import { intFlag, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { formatSeconds } from "../src/pipeline/progress.ts";
import { runStage, type StageResult } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";

/** Command line of the whole pipeline. */
export const spec: TaskSpec = {
  name: "all",
  summary: "Run the pipeline: data → human (later: train, embed, align, bench, figures, site). " +
    "Stages whose inputs, options and code are unchanged are skipped; --force reruns them.",
  flags: {
    ...STAGE_FLAGS,
    "limit-concepts": {
      type: "string",
      default: "0",
      description: "use only the first N concepts with images (fast end-to-end runs); 0 = all",
    },
    "skip-bad-images": { type: "boolean", default: false, description: "skip unreadable images" },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const start = performance.now();
    const ctx = await contextFromFlags(parsed);
    const force = Boolean(parsed.values.force);
    const results: [string, StageResult][] = [];
    results.push([
      "data",
      await runStage(dataStage, ctx, {
        limitConcepts: intFlag(parsed, "limit-concepts") ?? 0,
        skipBadImages: Boolean(parsed.values["skip-bad-images"]),
        force,
      }),
    ]);
    results.push(["human", await runStage(humanStage, ctx, { ...HUMAN_DEFAULTS, force })]);
    const skipped = results.filter(([, r]) => r.status === "skipped").length;
    console.error(
      `all: ${results.length} stages (${results.length - skipped} ran, ${skipped} skipped) in ` +
        `${formatSeconds((performance.now() - start) / 1000)}; tables in ${ctx.tables}`,
    );
  });
}
