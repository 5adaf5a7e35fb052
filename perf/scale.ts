/**
 * `deno task perf:scale`: a measured cost model of the THINGS profile. Generates rehearsal sets
 * at a few sizes, sets each up as a THINGS data folder, runs the pipeline's stages on each as
 * separate child processes (wall time, CPU time, peak RSS of the process tree, bytes written),
 * reads the per-epoch training times from the training tables, fits `cost = a + b·x` per item
 * and extrapolates to the real set (26,107 images, 1,854 concepts) with the schedules of
 * src/train/configs/. Prints the tables and writes them as JSON and Markdown. See
 * docs/performance.md.
 *
 *   deno task perf:scale [--sizes 24x8,48x8,96x8] [--schedule-head 2] [--schedule-top 1]
 *     [--stages data,human,train,…] [--backbone resnet50] [--work DIR] [--keep]
 *
 * @module
 */
import { join, resolve } from "node:path";
import { exists } from "../src/io/files.ts";
import { modelJsonPath } from "../src/models/backbones.ts";
import { intFlag, runTask, type TaskSpec, UsageError } from "../src/pipeline/cli.ts";
import { formatCost } from "../src/pipeline/cost.ts";
import { REPO_ROOT } from "../src/pipeline/paths.ts";
import { tableFile, trainingTable } from "../src/tables/names.ts";
import { measureChild, type Measurement } from "./scale/measure.ts";
import type { SizeResult } from "./scale/model.ts";
import { setCounts, trainingRecord } from "./scale/observe.ts";
import { describeMachine, machine } from "./scale/machine.ts";
import { publish, type SavedRun } from "./scale/output.ts";
import {
  parseModels,
  parseSizes,
  parseStages,
  type SizeSpec,
  stageCommands,
  type StageDef,
} from "./scale/stages.ts";

/** Command line of `deno task perf:scale`. */
export const spec: TaskSpec = {
  name: "perf:scale",
  summary: "Measure the pipeline's stages (wall time, peak RSS, disk) on rehearsal sets of a " +
    "few sizes, fit cost = a + b·x per stage and extrapolate to the real THINGS set " +
    "(26,107 images, 1,854 concepts) with the training configs' schedules.",
  flags: {
    sizes: {
      type: "string",
      default: "24x8,48x8,96x8",
      description: "set sizes, CONCEPTSxIMAGES_PER_CONCEPT, comma-separated",
    },
    "schedule-head": {
      type: "string",
      default: "2",
      description: "head epochs of the measured training (--head-epochs)",
    },
    "schedule-top": {
      type: "string",
      default: "1",
      description: "top (layer4) epochs of the measured training (--layer4-epochs)",
    },
    "max-train-batches": {
      type: "string",
      default: "12",
      description: "cap the measured training at N batches per epoch (the fits use the images " +
        "actually trained per epoch, so the cap changes no extrapolation; without it " +
        "batch_prototype_triplets runs its things cap of 1,200 batches at every size); 0 = no cap",
    },
    stages: {
      type: "string",
      default: "all",
      description: "stages to measure: all, or a subset of data,human,train,embed,align_glocal," +
        "align_alignet,bench,align_gwot,figures,site (with their prerequisites; setup always runs)",
    },
    models: {
      type: "string",
      default: "all",
      description: "models to train: all or a comma-separated subset (baseline first; embed and " +
        "later stages need all)",
    },
    backbone: { type: "string", default: "resnet50", description: "backbone of the THINGS run" },
    "min-size": {
      type: "string",
      description: "smallest rehearsal image side in pixels (default: the rehearsal's, 500)",
    },
    "max-size": {
      type: "string",
      description: "largest rehearsal image side in pixels (default: the rehearsal's, 800)",
    },
    work: {
      type: "string",
      description: "work folder (rehearsal sets, data folders, outputs, logs; kept); default a " +
        "temporary folder, removed at the end unless --keep",
    },
    keep: { type: "boolean", default: false, description: "keep the temporary work folder" },
    out: { type: "string", default: "outputs", description: "output root of the reports" },
    json: { type: "string", description: "JSON report (default <out>/perf_scale.json)" },
    from: {
      type: "string",
      description: "measure nothing: fit and print the measurements of a saved JSON report again",
    },
    markdown: { type: "string", description: "Markdown tables (default <out>/perf_scale.md)" },
  },
  epilog:
    "Each stage runs as `deno run -A tasks/<stage>.ts --profile things --data-dir D --out O " +
    "…` with the options `deno task all` gives it (align:gwot: the quick sweep). Training uses a " +
    `short fixed schedule; per-epoch seconds come from <out>/tables/${
      tableFile(trainingTable("<model>"))
    } and ` +
    "are extrapolated per image trained, then multiplied by the configs' epochs (upper bounds: " +
    "early stopping). Tiny check (seconds to minutes):\n" +
    "  deno task perf:scale --sizes 8x3,16x3 --min-size 64 --max-size 96 \\\n" +
    "    --backbone mobilenet_v2_035 --stages data,human,train --models baseline \\\n" +
    "    --schedule-head 1 --schedule-top 1 --max-train-batches 2",
};

interface Options {
  sizes: SizeSpec[];
  stages: StageDef[];
  models: string[];
  backbone: string;
  schedule: string[];
  rehearsal: string[];
  rehearsalName: string;
  work?: string;
  keep: boolean;
  json: string;
  markdown: string;
  from?: string;
}

function options(values: Record<string, string | boolean | undefined>): Options {
  const parsed = { values, positionals: [] };
  const positive = (name: string) => {
    const v = intFlag(parsed, name);
    if (v !== undefined && v < 1) throw new UsageError(`--${name} must be ≥ 1, got ${v}`);
    return v;
  };
  const head = positive("schedule-head")!, top = positive("schedule-top")!;
  const batches = positive("max-train-batches");
  const minSize = positive("min-size"), maxSize = positive("max-size");
  const stages = parseStages(String(values.stages));
  const models = parseModels(String(values.models));
  if (models.length < 7 && stages.some((s) => s.needs.includes("train"))) {
    throw new UsageError("--models: embed and the stages after it need all seven models");
  }
  const out = String(values.out);
  return {
    sizes: parseSizes(String(values.sizes)),
    stages,
    models,
    backbone: String(values.backbone),
    schedule: [
      "--head-epochs",
      String(head),
      "--layer4-epochs",
      String(top),
      ...(batches !== undefined ? ["--max-train-batches", String(batches)] : []),
    ],
    rehearsal: [
      ...(minSize !== undefined ? ["--min-size", String(minSize)] : []),
      ...(maxSize !== undefined ? ["--max-size", String(maxSize)] : []),
    ],
    rehearsalName: `${minSize ?? "500"}-${maxSize ?? "800"}px`,
    work: values.work as string | undefined,
    keep: Boolean(values.keep),
    json: String(values.json ?? join(out, "perf_scale.json")),
    markdown: String(values.markdown ?? join(out, "perf_scale.md")),
    ...(values.from ? { from: String(values.from) } : {}),
  };
}

function progress(size: SizeSpec, name: string, m: Measurement, extra = ""): void {
  console.error(
    `[${size.label}] ${name}: ${m.code === 0 ? "" : `FAILED (exit ${m.code}) after `}` +
      `${formatCost(m.seconds, "seconds")} (CPU ${formatCost(m.cpuSeconds, "seconds")}), ` +
      `peak RSS ${formatCost(m.peakRssBytes, "bytes")}, +${formatCost(m.diskBytes, "bytes")}` +
      extra,
  );
}

/** Measure every stage at one size. */
async function measureSize(size: SizeSpec, o: Options, work: string): Promise<SizeResult> {
  const result: SizeResult = { size, runs: {}, training: {} };
  const rehearsal = join(work, `rehearsal-${size.label}-${o.rehearsalName}`);
  const root = join(work, size.label);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  const logs = join(root, "logs"), dataDir = join(root, "things"), out = join(root, "out");
  await Deno.mkdir(logs, { recursive: true });
  await Deno.mkdir(out, { recursive: true });
  const run = async (name: string, args: string[], watch: string, onLine?: (l: string) => void) => {
    console.error(`[${size.label}] ${name} …`);
    const m = await measureChild(args, {
      cwd: REPO_ROOT,
      watch,
      logFile: join(logs, `${name.replace(":", "_")}.log`),
      onLine,
    });
    if (m.code !== 0) {
      progress(size, name, m);
      console.error(m.tail.slice(-15).map((l) => `    ${l}`).join("\n"));
      result.failed = `${name} exited with ${m.code} (log: ${
        join(logs, name.replace(":", "_"))
      }.log)`;
    }
    return m;
  };
  const prep = await run("rehearsal", [
    "run",
    "-A",
    "tasks/rehearsal.ts",
    "--concepts",
    String(size.concepts),
    "--images-per-concept",
    String(size.perConcept),
    "--out",
    rehearsal,
    ...o.rehearsal,
  ], rehearsal);
  if (prep.code !== 0) return result;
  progress(size, "rehearsal (not part of the model)", prep);
  const setup = await run("setup", [
    "run",
    "-A",
    "tasks/setup.ts",
    "--profile",
    "things",
    "--images",
    "things",
    "--from",
    rehearsal,
    "--dest",
    dataDir,
    "--model",
    "none",
  ], dataDir);
  result.runs.setup = setup;
  if (setup.code !== 0) return result;
  progress(size, "setup", setup);
  const tables = join(out, "tables");
  for (const stage of o.stages) {
    const commands = stageCommands(stage, {
      dataDir,
      out,
      backbone: o.backbone,
      schedule: o.schedule,
    }, { models: o.models });
    for (const command of commands) {
      const trunkLines: string[] = [];
      const m = await run(command.name, command.args, out, (line) => {
        if (/^trunk \S+: \d+ images in/.test(line)) trunkLines.push(line);
      });
      result.runs[command.name] = m;
      if (m.code !== 0) return result;
      let extra = "";
      if (stage.name === "data") {
        result.counts = await setCounts(tables);
        const c = result.counts;
        extra =
          ` — ${c.images} images of ${c.concepts} concepts (train ${c.train}, val ${c.val}, ` +
          `test ${c.test})`;
      }
      if (stage.name === "human" && result.counts) {
        result.counts = await setCounts(tables);
        extra = ` — ${result.counts.triplets} usable training triplets`;
      }
      if (stage.name === "train") {
        const model = command.name.slice("train:".length);
        const record = await trainingRecord(tables, {
          model,
          log: trunkLines,
        });
        result.training[model] = record;
        extra = ` — ${record.epochs.map((e) => `${e.stage} ${e.seconds.toFixed(1)}s`).join(", ")}` +
          (record.trunkComputed ? `; trunk pass ${record.trunkSeconds.toFixed(1)}s` : "");
      }
      progress(size, command.name, m, extra);
    }
  }
  return result;
}

if (import.meta.main) {
  await runTask(spec, async (parsed) => {
    const o = options(parsed.values);
    if (o.from) {
      const saved = JSON.parse(await Deno.readTextFile(o.from)) as SavedRun;
      console.error(
        `perf:scale: the measurements of ${o.from} (${saved.generated}), fitted again`,
      );
      await publish(saved.sizes, { machine: saved.machine, run: saved.options, ...o });
      return;
    }
    if (!(await exists(modelJsonPath(o.backbone)))) {
      throw new UsageError(
        `no ${o.backbone} weights at ${modelJsonPath(o.backbone)}` +
          (o.backbone === "resnet50" ? " (run `deno task setup --model resnet50`)" : ""),
      );
    }
    const info = await machine();
    console.error(describeMachine(info));
    const temporary = o.work === undefined;
    const work = resolve(o.work ?? await Deno.makeTempDir({ prefix: "ht-scale-" }));
    await Deno.mkdir(work, { recursive: true });
    console.error(
      `perf:scale: sizes ${o.sizes.map((s) => s.label).join(", ")}; stages ` +
        `${o.stages.map((s) => s.name).join(", ")}; backbone ${o.backbone}; measured schedule ` +
        `${o.schedule.join(" ")}; work folder ${work}`,
    );
    const results: SizeResult[] = [];
    try {
      for (const size of o.sizes) results.push(await measureSize(size, o, work));
      await publish(results, {
        machine: info,
        run: {
          sizes: o.sizes.map((s) => s.label),
          stages: o.stages.map((s) => s.name),
          models: o.models,
          backbone: o.backbone,
          schedule: o.schedule,
          rehearsal: o.rehearsal,
        },
        json: o.json,
        markdown: o.markdown,
      });
      const failed = results.filter((r) => r.failed);
      if (failed.length) {
        throw new Error(failed.map((r) => `${r.size.label}: ${r.failed}`).join("\n"));
      }
    } finally {
      if (temporary && !o.keep) await Deno.remove(work, { recursive: true }).catch(() => {});
      else console.error(`perf:scale: work folder kept: ${work}`);
    }
  });
}
