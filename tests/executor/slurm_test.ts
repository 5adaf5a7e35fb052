/**
 * The SLURM executor without a cluster: the pipeline's unit graph (order, dependencies, no two
 * concurrent units writing one file), the jobs' command lines and `sbatch` arguments, the
 * `--dry-run` script, what a resubmission keeps, and the status lines.
 */
import { strict as assert } from "node:assert";
import { parseTaskArgs } from "../../src/pipeline/cli.ts";
import { contextFromFlags } from "../../src/pipeline/stage_cli.ts";
import { spec as allSpec } from "../../tasks/all.ts";
import {
  ancestors,
  checkGraph,
  concurrentClashes,
  type PipelineUnit,
  pipelineUnits,
  unitResources,
} from "../../src/executor/units.ts";
import {
  decide,
  dryRunScript,
  jobFlags,
  sbatchArgs,
  shellQuote,
  type SubmissionRecord,
} from "../../src/executor/slurm.ts";
import { formatStatus, unitStatus } from "../../src/executor/status.ts";
import type { StagePlan } from "../../src/pipeline/plan.ts";
import { MODEL_NAMES } from "../../src/train/config.ts";

async function units(args: string[] = []) {
  const out = await Deno.makeTempDir({ prefix: "ht-slurm-units-" });
  const parsed = parseTaskArgs(allSpec, [...args, "--out", out]);
  const ctx = await contextFromFlags(parsed, { readOnly: true });
  const list = await pipelineUnits(parsed, { ...ctx, log: () => {} }, { backend: "tensorflow" });
  return { list, ctx, out };
}

const plan = (action: StagePlan["action"], reason = "why"): StagePlan => ({
  stage: "x",
  action,
  reason,
  inputs: 0,
  outputs: [],
});

/** The unit with id `id` of a list. */
function find(list: PipelineUnit[], id: string): PipelineUnit {
  const unit = list.find((u) => u.id === id);
  assert.ok(unit, `unit ${id}`);
  return unit;
}

/** The ids a unit waits for. */
function after(list: PipelineUnit[], id: string): string[] {
  return find(list, id).after;
}

Deno.test("units: the stage order of deno task all, waits that follow the data flow", async () => {
  const { list, ctx, out } = await units(["--seeds", "7,8"]);
  try {
    const ids = list.map((u) => u.id);
    assert.deepEqual(ids.slice(0, 3), ["data", "human", "train:baseline"]);
    assert.deepEqual(ids.slice(ids.indexOf("embed")), [
      "embed",
      "align:glocal",
      "align:alignet",
      "bench",
      "align:gwot:baseline",
      "align:gwot:baseline@8",
      "align:gwot:joint_matrix_alignment",
      "align:gwot:joint_matrix_alignment@8",
      "align:gwot:untrained",
      "align:gwot",
      "figures",
      "site",
    ]);
    assert.equal(ids.filter((id) => id.startsWith("train:")).length, 2 * MODEL_NAMES.length);
    assert.ok(ids.includes("train:baseline@8"));
    // one embedding unit per model and seed (the ImageNet backbone once), each after its
    // model's training; embed joins them
    const embedUnits = ids.filter((id) => id.startsWith("embed:"));
    assert.equal(embedUnits.length, 1 + 2 * MODEL_NAMES.length);
    assert.deepEqual(after(list, "embed:imagenet"), ["train:baseline"]);
    assert.deepEqual(after(list, "embed:matrix_control@8"), ["train:matrix_control@8"]);
    assert.deepEqual(after(list, "embed"), embedUnits);
    assert.ok(ancestors(list, "embed").has("train:high_pressure_triplets@8"));
    // GWOT: one unit per analysed model and seed (the quick sweep's two models), the untrained
    // networks', then align:gwot joins them; an image model's unit does not wait for alignment
    assert.deepEqual(after(list, "align:gwot:baseline@8"), ["embed"]);
    assert.deepEqual(after(list, "align:gwot:untrained"), ["embed"]);
    assert.deepEqual(
      after(list, "align:gwot"),
      ids.filter((id) => id.startsWith("align:gwot:")),
    );
    assert.deepEqual(after(list, "figures"), ["bench", "align:gwot"]);
    // the units that run the network get GPUs; the joins do not and ask for little
    for (const id of ["embed:baseline", "align:gwot:baseline", "align:gwot:untrained"]) {
      assert.ok(find(list, id).resources.models, `${id} runs the network`);
    }
    for (const id of ["embed", "align:gwot"]) assert.ok(!find(list, id).resources.models, id);
    assert.equal(unitResources("embed:baseline@8", "things").memoryGB, 11);
    assert.equal(unitResources("embed", "things").memoryGB, 2);
    const variant = list.find((u) => u.id === "train:matrix_control@8")!;
    assert.deepEqual(variant.after, ["human", "train:baseline@8"]);
    assert.ok(ancestors(list, "site").has("data"));
    assert.ok(!ancestors(list, "align:glocal").has("align:alignet"));
    assert.deepEqual(concurrentClashes(list, ctx), [], "no two concurrent units write one file");
    checkGraph(list);
    const broken = [list[1], list[0]];
    assert.throws(() => checkGraph(broken), /human waits for data, which does not come before/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("jobFlags: the executor's flags are left out, everything else is kept", () => {
  assert.deepEqual(
    jobFlags([
      "--executor",
      "slurm",
      "--limit-concepts",
      "40",
      "--partition=gpu",
      "--gpus-per-job",
      "1",
      "--wait",
      "--time",
      "1:00:00",
      "--dry-run",
      "--seed",
      "3",
      "--out",
      "x",
      "--force",
    ]),
    ["--limit-concepts", "40", "--seed", "3", "--force"],
  );
  assert.equal(shellQuote("a b'c"), `'a b'"'"'c'`);
  assert.equal(shellQuote("--unit"), "--unit");
});

Deno.test("sbatchArgs: resources, dependencies, GPUs only for model units, the unit's command", async () => {
  const { list, out } = await units();
  try {
    const settings = { gpusPerJob: 1, wait: false, out, flags: ["--limit-concepts", "40"] };
    const train = sbatchArgs(list.find((u) => u.id === "train:baseline")!, ["11"], {
      ...settings,
      partition: "gpu",
      time: "2:00:00",
    });
    assert.ok(train.includes("--dependency=afterok:11"));
    assert.ok(train.includes("--gpus=1") && train.includes("--partition=gpu"));
    assert.ok(train.includes("--time=2:00:00") && train.includes("--kill-on-invalid-dep=yes"));
    const wrap = train.find((a) => a.startsWith("--wrap="))!;
    assert.match(wrap, /tasks\/all\.ts --unit train:baseline --out \S+ --limit-concepts 40$/);
    const data = sbatchArgs(list[0], [], settings);
    assert.ok(!data.some((a) => a.startsWith("--gpus") || a.startsWith("--dependency")));
    assert.ok(data.includes("--cpus-per-task=1") && data.includes("--mem=4G"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("decide and --dry-run: cached units are not submitted, live jobs are kept", async () => {
  const { list, out } = await units();
  try {
    const small: PipelineUnit[] = list.slice(0, 4); // data, human, train:baseline, a variant
    const record: SubmissionRecord = {
      argv: [],
      command: [],
      out,
      jobs: {
        "human": { jobId: "5", after: [], log: "", submitted: "" },
        "train:baseline": { jobId: "6", after: ["5"], log: "", submitted: "" },
      },
    };
    const states = new Map([["5", { state: "COMPLETED", reason: "" }], [
      "6",
      { state: "RUNNING", reason: "" },
    ]]);
    const decisions = decide(small, [plan("skip"), plan("skip"), plan("run"), plan("run")], {
      record,
      states,
    });
    assert.deepEqual(decisions.map((d) => d.action), ["cached", "cached", "queued", "submit"]);
    assert.equal(decisions[2].jobId, "6");
    assert.throws(
      () => decide(small.slice(0, 1), [plan("blocked", "no THINGS data")], { states }),
      /data cannot run: no THINGS data/,
    );
    const script = dryRunScript(decisions, { gpusPerJob: 0, wait: false, out, flags: [] });
    assert.match(script, /# data: cached, not submitted/);
    assert.match(script, /# train:baseline: job 6 RUNNING, kept/);
    const line = script.split("\n").find((l) => l.startsWith("JOB_train_"))!;
    assert.match(line, /--dependency=afterok:6 /, "waits for the kept job");
    assert.equal(script.split("\n").filter((l) => l.includes("sbatch")).length, 1);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("status: one clear line per unit and what to do next", () => {
  const job = (jobId: string) => ({ jobId, after: [], log: "", submitted: "" });
  const s = [
    unitStatus("data", plan("skip"), {
      record: job("1"),
      state: { state: "COMPLETED", reason: "" },
    }),
    unitStatus("human", plan("run"), {
      record: job("2"),
      state: { state: "RUNNING", reason: "", nodes: "n1" },
    }),
    unitStatus("embed", plan("run"), {
      record: job("3"),
      state: { state: "PENDING", reason: "Dependency" },
    }),
    unitStatus("bench", plan("run"), {
      record: job("4"),
      state: { state: "FAILED", reason: "NonZeroExitCode", exitCode: "2:0" },
      logLine: "bench: benchmark.arrow: row 3 …",
    }),
    unitStatus("figures", plan("run"), {
      record: job("5"),
      state: { state: "CANCELLED", reason: "DependencyNeverSatisfied" },
    }),
    unitStatus("site", plan("run"), {
      record: job("6"),
      state: { state: "CANCELLED", reason: "" },
    }),
    unitStatus("align:gwot", plan("run"), {
      record: job("7"),
      state: { state: "NODE_FAIL", reason: "" },
    }),
  ];
  assert.deepEqual(s.map((x) => x.status), [
    "done",
    "running",
    "pending",
    "failed",
    "not run",
    "cancelled",
    "failed",
  ]);
  assert.match(s[1].detail, /job 2 RUNNING on n1/);
  assert.match(s[3].detail, /job 4 FAILED exit 2:0 \(NonZeroExitCode\): bench: benchmark\.arrow/);
  const text = formatStatus(s, "deno task all --executor slurm");
  assert.match(
    text.split("\n")[0],
    /^status: 1 done, 1 running, 1 pending, 2 failed, 1 cancelled, 1 not run; run the same command again to resubmit the 4 unit/,
  );
  const done = formatStatus([s[0]], "x");
  assert.match(done, /every unit is done/);
});
