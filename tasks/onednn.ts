/**
 * `deno task onednn [--reprobe] [--json]`: whether TensorFlow's oneDNN kernels are on for the
 * native backend on this machine, and why (the probe's cached verdict, or the user's
 * `TF_ENABLE_ONEDNN_OPTS`); `--reprobe` forgets the cached verdict and probes again.
 */
import { runTask, type TaskSpec } from "../src/pipeline/cli.ts";
import { cpuIdentity, decideOneDnn, describeOneDnn } from "../src/models/onednn.ts";

/** The `onednn` task's command line. */
export const ONEDNN_SPEC: TaskSpec = {
  name: "onednn",
  summary: "Say whether TensorFlow's oneDNN kernels are used on this machine and why: a probe " +
    "runs them once per CPU and TensorFlow build in a child process (oneDNN crashes on some " +
    "CPUs) and caches its verdict; TF_ENABLE_ONEDNN_OPTS=0|1 set by you wins.",
  flags: {
    reprobe: {
      type: "boolean",
      default: false,
      description: "forget the cached verdict for this CPU and TensorFlow build; probe again",
    },
    json: { type: "boolean", default: false, description: "print JSON" },
  },
  epilog: "The verdicts live in ~/.cache/human-things/tfjs-node/onednn/ (HT_TF_CACHE moves it).",
};

if (import.meta.main) {
  await runTask(ONEDNN_SPEC, async ({ values }) => {
    const log = (line: string) => console.error(line);
    let decision = await decideOneDnn({ log });
    if (values.reprobe && decision.verdictFile) {
      await Deno.remove(decision.verdictFile).catch(() => {});
      decision = await decideOneDnn({ log });
    }
    const cpu = await cpuIdentity();
    if (values.json) {
      console.log(JSON.stringify({ ...decision, cpu }, null, 2));
      return;
    }
    console.log(describeOneDnn(decision));
    if (decision.warning) console.log(`WARNING: ${decision.warning}`);
    console.log(`  CPU      ${cpu.model}, ${cpu.isa}, cache topology: ${cpu.cache}`);
    if (decision.verdictFile) console.log(`  verdict  ${decision.verdictFile}`);
  });
}
