/**
 * `deno task align:gwot`: unsupervised Gromov–Wasserstein alignment of every model's concept RDM
 * with the human RDM (ε sweep × initial plans, minimum-GWD and highest-matching-rate solutions,
 * matching rates with chance levels, RSA alongside, the untrained-network baseline) →
 * outputs/tables/gwot.arrow, gwot_summary.arrow, gwot/plans/.
 */
import { GWOT_FLAGS, gwotOptionsFromArgs } from "../src/align/gwot_cli.ts";
import { gwotRuns, gwotTargetsFromTables } from "../src/align/gwot_units.ts";
import { runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { runStages } from "../src/pipeline/stage.ts";
import { contextFromFlags, STAGE_FLAGS } from "../src/pipeline/stage_cli.ts";

/** Command line of the GWOT stage. */
export const spec: TaskSpec = {
  name: "align:gwot",
  summary: "GWOT between every model's concept RDM and the human RDM (needs `deno task all`)",
  flags: { ...STAGE_FLAGS, ...GWOT_FLAGS },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const options = gwotOptionsFromArgs(parsed);
    const ctx = await contextFromFlags(parsed);
    // one stage run per model, the untrained networks', then align:gwot joins them (each cached)
    const runs = gwotRuns(options, await gwotTargetsFromTables(ctx, options));
    await runStages(runs, ctx, { force: Boolean(parsed.values.force) });
  });
}
