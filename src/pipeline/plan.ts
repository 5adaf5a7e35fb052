/**
 * Dry runs: what `runStage` would do for each stage of a pipeline — skip it (cache hit), run it
 * (and why), or stop at it (a missing input) — computed from the same cache key, without
 * running or writing anything.
 *
 * @module
 */
import { relative } from "node:path";
import { InputError } from "../io/errors.ts";
import { exists } from "../io/files.ts";
import { REPO_ROOT } from "./paths.ts";
import { formatSeconds } from "./progress.ts";
import {
  type CacheRecord,
  outputsIntact,
  readRecord,
  recordPath,
  type Stage,
  type StageContext,
  stageKey,
} from "./stage.ts";

/** What a dry run says about one stage. */
export interface StagePlan {
  /** Stage name. */
  stage: string;
  /** `skip` (up to date), `run`, or `blocked` (an input is missing and no stage makes it). */
  action: "skip" | "run" | "blocked";
  /** Why, in a few words. */
  reason: string;
  /** Number of input files. */
  inputs: number;
  /** Output files (relative to the repository root). */
  outputs: string[];
  /** Seconds the stage took when it last ran, if known. */
  lastSeconds?: number;
  /** Estimated seconds from a cost model, for a stage that never ran here (see `estimate`). */
  estimatedSeconds?: number;
}

/** Options of a {@link Planner}. */
export interface PlannerOptions {
  /**
   * Estimated seconds of a stage that never ran in this output folder (a perf:scale cost
   * model; see src/pipeline/estimate.ts), or undefined when there is none.
   */
  estimate?: (stage: string) => number | undefined;
  /** Where the estimates come from, for the plan's last line. */
  estimateSource?: string;
}

/** Tracks, across the stages of one plan, which files earlier stages will rewrite. */
export class Planner {
  /** Output path → name of the stage that will (re)write it. */
  readonly pending = new Map<string, string>();
  /** The plans so far. */
  readonly plans: StagePlan[] = [];
  /** How stages that never ran are estimated. */
  readonly options: PlannerOptions;

  /** A planner; `options.estimate` adds estimated times for stages never timed here. */
  constructor(options: PlannerOptions = {}) {
    this.options = options;
  }

  /**
   * Plan one stage with the options it would run with (`force` plans a run). Errors that name a
   * missing input (the THINGS data not set up yet) make the stage `blocked`.
   */
  async add<O extends Record<string, unknown>>(
    stage: Stage<O>,
    ctx: StageContext,
    options: O & { force?: boolean },
  ): Promise<StagePlan> {
    const plan = await this.#plan(stage, ctx, options);
    if (plan.action === "run" && plan.lastSeconds === undefined) {
      const seconds = this.options.estimate?.(stage.name);
      if (seconds !== undefined) plan.estimatedSeconds = seconds;
    }
    this.plans.push(plan);
    if (plan.action !== "skip") {
      for (const output of stage.outputs(ctx, withoutForce(options) as O)) {
        this.pending.set(output, stage.name);
      }
    }
    return plan;
  }

  async #plan<O extends Record<string, unknown>>(
    stage: Stage<O>,
    ctx: StageContext,
    options: O & { force?: boolean },
  ): Promise<StagePlan> {
    const stageOptions = withoutForce(options) as O;
    const outputs = stage.outputs(ctx, stageOptions);
    const base = { stage: stage.name, outputs: outputs.map((p) => relative(REPO_ROOT, p)) };
    const record = await readRecord(recordPath(ctx, stage.name));
    const last = record?.seconds !== undefined ? { lastSeconds: record.seconds } : {};
    const stopped = this.plans.find((p) => p.action === "blocked");
    if (stopped) {
      return {
        ...base,
        ...last,
        action: "blocked",
        reason: `not reached (the run stops at ${stopped.stage})`,
        inputs: 0,
      };
    }
    let inputs: string[];
    try {
      inputs = await stage.inputs(ctx, stageOptions);
    } catch (error) {
      if (!(error instanceof InputError || error instanceof Deno.errors.NotFound)) throw error;
      const upstream = [...new Set(this.pending.values())];
      if (upstream.length > 0) {
        return { ...base, ...last, action: "run", reason: `after ${upstream.at(-1)}`, inputs: 0 };
      }
      return { ...base, ...last, action: "blocked", reason: error.message, inputs: 0 };
    }
    const after = new Set<string>();
    for (const input of inputs) {
      const maker = this.pending.get(input);
      if (maker !== undefined) after.add(maker);
      else if (!(await exists(input))) {
        return {
          ...base,
          ...last,
          action: "blocked",
          reason: `missing input ${relative(REPO_ROOT, input)}`,
          inputs: inputs.length,
        };
      }
    }
    if (after.size > 0) {
      return {
        ...base,
        ...last,
        action: "run",
        reason: `inputs rewritten by ${listNames([...after])}`,
        inputs: inputs.length,
      };
    }
    if (options.force) {
      return { ...base, ...last, action: "run", reason: "--force", inputs: inputs.length };
    }
    const hashes = await ctx.hasher.hashAll(inputs);
    const { key, parts } = await stageKey(stage as unknown as Stage<never>, ctx, {
      stageOptions,
      inputs: hashes,
    });
    if (record && record.key === key && (await outputsIntact(ctx, outputs, record))) {
      return { ...base, ...last, action: "skip", reason: "up to date", inputs: inputs.length };
    }
    return {
      ...base,
      ...last,
      action: "run",
      reason: whyRun(record, key, parts),
      inputs: inputs.length,
    };
  }
}

function withoutForce<O extends Record<string, unknown>>(options: O & { force?: boolean }) {
  const { force: _force, ...rest } = options;
  return rest;
}

/** Why a stage with this record would run. */
function whyRun(
  record: CacheRecord | undefined,
  key: string,
  parts: Awaited<ReturnType<typeof stageKey>>["parts"],
): string {
  if (!record) return "never ran here";
  if (record.key === key) return "its outputs changed since it wrote them";
  const old = record.parts;
  if (!old) return "cache key changed";
  const changed: string[] = [];
  if (old.version !== parts.version) changed.push("pipeline version");
  if (old.code !== parts.code) changed.push("code");
  if (old.profile !== parts.profile) changed.push("profile");
  if (old.seed !== parts.seed) changed.push("seed");
  if (old.options !== parts.options) changed.push("options");
  const inputChanges =
    Object.keys({ ...old.inputs, ...parts.inputs }).filter((k) => old.inputs[k] !== parts.inputs[k])
      .length;
  if (inputChanges > 0) changed.push(`${inputChanges} input file${inputChanges > 1 ? "s" : ""}`);
  return changed.length ? `changed: ${changed.join(", ")}` : "cache key changed";
}

/**
 * The plan as text: one line per stage, then a total of the known times (last runs here, and
 * estimates where `options.estimateSource` says where they come from).
 */
export function formatPlan(plans: StagePlan[], options: { estimateSource?: string } = {}): string {
  const width = Math.max(...plans.map((p) => p.stage.length), 5) + 2;
  const lines = [
    `  ${"stage".padEnd(width)}${"action".padEnd(8)}${"in → out".padEnd(12)}${
      "took".padEnd(14)
    }why`,
  ];
  lines.push(...plans.map((p) => {
    const time = p.lastSeconds !== undefined
      ? `${formatSeconds(p.lastSeconds)} last`
      : p.estimatedSeconds !== undefined
      ? `~${formatSeconds(p.estimatedSeconds)} est.`
      : "";
    const reason = p.action === "blocked" && p.reason.length > 70
      ? `${p.reason.slice(0, 67)}...`
      : p.reason;
    const files = `${p.inputs} → ${p.outputs.length}`;
    return `  ${p.stage.padEnd(width)}${p.action.padEnd(8)}${files.padEnd(12)}${
      time.padEnd(14)
    }${reason}`;
  }));
  const run = plans.filter((p) => p.action === "run");
  const known = run.filter((p) => p.lastSeconds !== undefined);
  const total = known.reduce((sum, p) => sum + p.lastSeconds!, 0);
  const guessed = run.filter((p) =>
    p.lastSeconds === undefined && p.estimatedSeconds !== undefined
  );
  const guess = guessed.reduce((sum, p) => sum + p.estimatedSeconds!, 0);
  const unknown = run.length - known.length - guessed.length;
  const blocked = plans.find((p) => p.action === "blocked");
  const parts = [
    ...(known.length ? [`about ${formatSeconds(total)} by the last runs`] : []),
    ...(guessed.length
      ? [`~${formatSeconds(guess)} estimated for ${guessed.length} never run here`]
      : []),
    ...(unknown ? [`${unknown} never timed here`] : []),
  ];
  const estimate = run.length === 0
    ? ""
    : known.length === 0 && guessed.length === 0
    ? "; no earlier timings in this output folder"
    : `; ${parts.join(" + ")}`;
  lines.push(
    `  ${run.length} to run, ${plans.filter((p) => p.action === "skip").length} up to date` +
      (blocked ? `, blocked at ${blocked.stage}` : "") + estimate,
  );
  if (blocked) lines.push(`  ${blocked.stage}: ${blocked.reason}`);
  if (guessed.length && options.estimateSource) lines.push(`  est.: ${options.estimateSource}`);
  return lines.join("\n");
}

/** `a, b and 3 more`. */
function listNames(names: string[]): string {
  return names.length <= 3
    ? names.join(", ")
    : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}
