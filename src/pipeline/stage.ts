/**
 * Pipeline stages with a cache: a stage records the hashes of its inputs, options and the
 * pipeline code; when they are unchanged and its outputs are intact, it is skipped.
 */
import { join, relative } from "node:path";
import { removeStaleTemps, writeFileAtomic } from "../io/atomic.ts";
import { sha256Hex, stableStringify } from "../io/hash.ts";
import { codeHash, FileHasher } from "./fingerprint.ts";
import { outputPaths, pipelineVersion, REPO_ROOT } from "./paths.ts";
import type { Profile } from "./profile.ts";

/** What every stage gets: where to write, the profile, the seed, and shared services. */
export interface StageContext {
  /** Output root (absolute). */
  out: string;
  /** Tables folder (absolute). */
  tables: string;
  /** Data profile. */
  profile: Profile;
  /** Random seed. */
  seed: number;
  /** Pipeline version (for table metadata). */
  version: string;
  /** File hasher with a persistent memo. */
  hasher: FileHasher;
  /** Log a line (stderr). */
  log: (message: string) => void;
}

/** A pipeline stage. */
export interface Stage<O extends Record<string, unknown> = Record<string, unknown>> {
  /** Name, as in `deno task <name>`. */
  name: string;
  /**
   * Module URLs that implement the stage (usually its own `import.meta.url`): the code hash in
   * its cache key covers the files they reach, so unrelated code changes do not rerun it.
   * Without it, all of src/ and tasks/ count.
   */
  modules?: string[];
  /** Input files the result depends on (absolute paths). */
  inputs(ctx: StageContext, options: O): Promise<string[]>;
  /** Output files (absolute paths) the stage writes. */
  outputs(ctx: StageContext, options: O): string[];
  /** Do the work; returns a one-line summary. */
  run(ctx: StageContext, options: O): Promise<string>;
}

/** Result of {@link runStage}. */
export interface StageResult {
  /** Whether the stage ran or was skipped. */
  status: "ran" | "skipped";
  /** Summary line. */
  summary: string;
  /** Seconds taken. */
  seconds: number;
}

/** What a stage's cache record holds (`<out>/.cache/stages/<stage>.json`). */
export interface CacheRecord {
  /** Hash over everything below. */
  key: string;
  /** Output hashes when written. */
  outputs: Record<string, string>;
  /** Summary line. */
  summary: string;
  /** The parts of the key (to say what changed); absent in records of older versions. */
  parts?: KeyParts;
  /** Seconds the stage took. */
  seconds?: number;
}

/** The parts of a stage's cache key. */
export interface KeyParts {
  /** Pipeline version. */
  version: string;
  /** Hash of the stage's code. */
  code: string;
  /** Profile name. */
  profile: string;
  /** Pipeline seed. */
  seed: number;
  /** Hash of the stage options. */
  options: string;
  /** Input hashes by path. */
  inputs: Record<string, string>;
}

/**
 * Stage options that change how a stage runs but not what it writes (`decodeWorkers`, the
 * image-decoding concurrency of `--num-workers`; `resume`, continuing a training from its
 * checkpoints, which gives the same weights bit for bit): left out of the cache key and of the
 * tables' metadata.
 */
export const RUNTIME_OPTIONS: readonly string[] = ["decodeWorkers", "resume"];

/** The options that make up a stage's cache key (all but {@link RUNTIME_OPTIONS}). */
export function keyedOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([k]) => !RUNTIME_OPTIONS.includes(k)));
}

/** The cache key of a stage run: its parts and their hash. */
export async function stageKey(
  stage: Stage<never>,
  ctx: StageContext,
  options: { stageOptions: Record<string, unknown>; inputs: Record<string, string> },
): Promise<{ key: string; parts: KeyParts }> {
  const code = await codeHash(stage.modules);
  const stageOptions = keyedOptions(options.stageOptions);
  const key = sha256Hex(stableStringify({
    stage: stage.name,
    version: ctx.version,
    code,
    profile: ctx.profile.name,
    seed: ctx.seed,
    options: stageOptions,
    inputs: options.inputs,
  }));
  return {
    key,
    parts: {
      version: ctx.version,
      code,
      profile: ctx.profile.name,
      seed: ctx.seed,
      options: sha256Hex(stableStringify(stageOptions)),
      inputs: options.inputs,
    },
  };
}

/** Path of a stage's cache record. */
export function recordPath(ctx: StageContext, stageName: string): string {
  return join(ctx.out, ".cache", "stages", `${stageName}.json`);
}

/** Build a stage context for an output root, profile and seed. */
export async function createContext(
  profile: Profile,
  options: { out: string; seed: number; quiet?: boolean; readOnly?: boolean },
): Promise<StageContext> {
  const paths = outputPaths(options.out);
  if (!options.readOnly) await Deno.mkdir(paths.cache, { recursive: true });
  const hasher = await new FileHasher(join(paths.cache, "file-hashes.json")).load();
  return {
    out: paths.root,
    tables: paths.tables,
    profile,
    seed: options.seed,
    version: await pipelineVersion(),
    hasher,
    log: options.quiet ? () => {} : (message) => console.error(message),
  };
}

/**
 * Run a stage unless its cache record matches (same inputs, options, seed, profile and code, and
 * outputs unchanged since it wrote them). `force` reruns regardless.
 */
export async function runStage<O extends Record<string, unknown>>(
  stage: Stage<O>,
  ctx: StageContext,
  options: O & { force?: boolean },
): Promise<StageResult> {
  const start = performance.now();
  const { force, ...stageOptions } = options;
  const inputs = await ctx.hasher.hashAll(await stage.inputs(ctx, stageOptions as unknown as O));
  const { key, parts } = await stageKey(stage as unknown as Stage<never>, ctx, {
    stageOptions,
    inputs,
  });
  const path = recordPath(ctx, stage.name);
  const outputs = stage.outputs(ctx, stageOptions as unknown as O);
  if (!force) {
    const record = await readRecord(path);
    if (record && record.key === key && (await outputsIntact(ctx, outputs, record))) {
      await ctx.hasher.save();
      const seconds = (performance.now() - start) / 1000;
      ctx.log(`${stage.name}: up to date, skipped (${record.summary})`);
      return { status: "skipped", summary: record.summary, seconds };
    }
  }
  for (const dir of new Set(outputs.map((p) => join(p, "..")))) await removeStaleTemps(dir);
  ctx.log(`${stage.name}: running`);
  const summary = await stage.run(ctx, stageOptions as unknown as O);
  const seconds = (performance.now() - start) / 1000;
  const record: CacheRecord = {
    key,
    outputs: await ctx.hasher.hashAll(outputs),
    summary,
    parts,
    seconds,
  };
  await writeFileAtomic(path, JSON.stringify(record, null, 2));
  await ctx.hasher.save();
  ctx.log(`${stage.name}: done in ${seconds.toFixed(1)}s (${summary})`);
  return { status: "ran", summary, seconds };
}

/**
 * One stage run of a sequence (`deno task embed`'s per-model runs and their join, the units of
 * `deno task all`): its id, the stage and the options it runs with.
 */
export interface StageRun {
  /** Id (the stage's name for a unit of `deno task all`, e.g. `embed:baseline`). */
  id: string;
  /** The stage. */
  stage: Stage<never>;
  /** Its options (without `force`). */
  options: Record<string, unknown>;
}

/** Run stage runs one after another ({@link runStage} each); their results by id. */
export async function runStages(
  runs: readonly StageRun[],
  ctx: StageContext,
  options: { force: boolean },
): Promise<[string, StageResult][]> {
  const results: [string, StageResult][] = [];
  for (const run of runs) {
    const stage = run.stage as unknown as Stage<Record<string, unknown>>;
    results.push([run.id, await runStage(stage, ctx, { ...run.options, force: options.force })]);
  }
  return results;
}

/** A stage's cache record, or undefined when there is none (or it is unreadable). */
export async function readRecord(path: string): Promise<CacheRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as CacheRecord;
  } catch {
    return undefined;
  }
}

/** Whether every output still has the hash the record holds. */
export async function outputsIntact(
  ctx: StageContext,
  outputs: string[],
  record: CacheRecord,
): Promise<boolean> {
  for (const path of outputs) {
    const rel = relative(REPO_ROOT, path);
    try {
      if ((await ctx.hasher.hash(path)) !== record.outputs[rel]) return false;
    } catch {
      return false;
    }
  }
  return true;
}
