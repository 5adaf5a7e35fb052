/**
 * `deno task status`: where a pipeline run submitted with `deno task all --executor slurm`
 * stands, one line per unit (src/executor/status.ts).
 */
import { parseTaskArgs, runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { contextFromFlags } from "../src/pipeline/stage_cli.ts";
import { plannedBackend } from "../src/train/cli.ts";
import { pipelineUnits } from "../src/executor/units.ts";
import { readSubmission } from "../src/executor/slurm.ts";
import { formatStatus, slurmStatus } from "../src/executor/status.ts";
import { UserError } from "../src/io/errors.ts";
import { spec as allSpec } from "./all.ts";

/** Command line of the status view. */
export const spec: TaskSpec = {
  name: "status",
  summary: "Show where a SLURM run stands: each unit done, running, pending, failed (exit code " +
    "and the last line of its log), cancelled or not run, from squeue/sacct and the stage cache.",
  flags: {
    out: { type: "string", default: "outputs", description: "output root of the run" },
  },
};

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const out = String(parsed.values.out);
    const record = await readSubmission(out);
    if (!record) {
      throw new UserError(
        `no SLURM submission in ${out} (.cache/slurm/jobs.json): submit one with ` +
          "`deno task all --executor slurm`",
      );
    }
    const args = parseTaskArgs(allSpec, [...record.argv, "--out", record.out]);
    const ctx = await contextFromFlags(args, { readOnly: true });
    const units = await pipelineUnits(args, { ...ctx, log: () => {} }, {
      backend: await plannedBackend(args),
    });
    const command = ["deno", "task", "all", ...record.command].join(" ");
    console.log(formatStatus(await slurmStatus(units, ctx), command));
  });
}
