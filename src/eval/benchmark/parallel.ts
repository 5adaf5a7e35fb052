/**
 * Run the benchmark over the models in parallel Web Workers. The main thread reads the human
 * data once and shares it with the workers (the similarity matrix through a
 * SharedArrayBuffer), then hands out one model at a time, the next to whichever worker is free,
 * and compares model pairs while the other models are still running. Every metric of a model
 * depends only on the seed and the space, so the result does not depend on the number of
 * workers or the order models finish in; rows come back in the order of the model list.
 *
 * @module
 */
import type { Profile } from "../../pipeline/profile.ts";
import { SPOSE49 } from "../../models/registry.ts";
import { type ComparisonRow, ComparisonTable, type ModelPair } from "./comparisons.ts";
import {
  type BenchConcepts,
  type BenchHuman,
  type BenchModel,
  modelKey,
  prototypeConcepts,
  readHuman,
  readImageModel,
  readModelList,
  readSposeModel,
} from "./inputs.ts";
import {
  type BenchContext,
  benchContext,
  benchmarkModel,
  type BenchmarkResult,
  type BenchmarkRow,
  benchmarkSpace,
  type BenchTimings,
  type ModelDetail,
  modelLine,
} from "./run.ts";
import { type BenchGroup, type ConceptSpace, conceptSpace } from "./spec.ts";
import { readConceptAttributes } from "../../tables/concepts.ts";
import type { ListedModel } from "../../tables/models.ts";

/** Options of {@link runBenchmarkParallel}. */
export interface ParallelBenchOptions {
  profile: Profile;
  seed: number;
  groups: ReadonlySet<BenchGroup>;
  resamples: number;
  /** Worker count (default: the machine's cores, at most 4; 0 or 1 runs in this thread). */
  workers?: number;
  /** Compare these model pairs as the models finish (see {@link ComparisonTable}). */
  compare?: { pairs: readonly ModelPair[]; permutations: number };
  log?: (message: string) => void;
}

/** Result of {@link runBenchmarkParallel}: the benchmark plus the inputs read on the way. */
export interface ParallelBenchResult extends BenchmarkResult {
  concepts: BenchConcepts;
  human: BenchHuman;
  /** The comparison table, when `compare` was given. */
  comparisons?: ComparisonRow[];
  /**
   * Seconds per phase summed over models (`load:model`, `specs:<part>`, `bootstrap:<metric>`)
   * and the main thread's `main:read_inputs`, `main:compare`.
   */
  timings: BenchTimings;
}

/** The setup a worker receives once. */
export interface BenchWorkerInit {
  type: "init";
  tables: string;
  seed: number;
  groups: BenchGroup[];
  resamples: number;
  retrievalGallery: readonly string[];
  space: Int32Array;
  concepts: BenchConcepts;
  human: BenchHuman;
}

/** One model to benchmark: an image model's row of the `models` table, or a model sent whole. */
export interface BenchJob {
  type: "job";
  key: string;
  row?: ListedModel;
  model?: BenchModel;
}

/** What the main thread sends a worker. */
export type BenchWorkerRequest = BenchWorkerInit | BenchJob | { type: "close" };

/** One benchmarked model: its rows, detail and seconds per phase. */
export interface ModelResult {
  key: string;
  rows: BenchmarkRow[];
  detail: ModelDetail;
  timings: BenchTimings;
}

/** What a worker answers. */
export type BenchWorkerReply =
  | { type: "log"; message: string }
  | ({ type: "model" } & ModelResult)
  | { type: "error"; message: string };

/** A worker's state: the shared context, built from the init message. */
export function workerContext(init: BenchWorkerInit): BenchContext {
  return benchContext({ concepts: init.concepts, human: init.human, models: [] }, {
    groups: new Set(init.groups),
    seed: init.seed,
    resamples: init.resamples,
    retrievalGallery: init.retrievalGallery,
    space: conceptSpace(init.space, init.concepts.ids.length),
  });
}

/** Benchmark one job (in a worker or inline). */
export async function runJob(
  job: BenchJob,
  options: { context: BenchContext; tables: string; seed: number },
): Promise<
  { model: BenchModel; rows: BenchmarkRow[]; detail: ModelDetail; timings: BenchTimings }
> {
  const { context } = options;
  const start = performance.now();
  const model = job.model ?? await readImageModel(options.tables, {
    ...job.row!,
    primarySeed: options.seed,
    index: new Map(context.inputs.concepts.ids.map((id, i) => [id, i])),
  });
  const loaded = (performance.now() - start) / 1000;
  const r = benchmarkModel(model, context);
  return { model, ...r, timings: { "load:model": loaded, ...r.timings } };
}

/** Copy of a Float64Array in shared memory (posted to workers without copying). */
function shared(data: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(data.byteLength));
  out.set(data);
  return out;
}

/** Add `seconds` to `timings[phase]`. */
function addSeconds(timings: BenchTimings, phase: string, seconds: number): void {
  timings[phase] = (timings[phase] ?? 0) + seconds;
}

/** Workers to start: the option, else the machine's cores up to 4, never more than the models. */
function workerCount(options: ParallelBenchOptions, models: number): number {
  return Math.max(
    1,
    Math.min(options.workers ?? Math.min(4, navigator.hardwareConcurrency || 1), models),
  );
}

/** Start `count` bench workers (none for one: the models then run in this thread). */
function startWorkers(count: number): Worker[] {
  return count > 1
    ? Array.from(
      { length: count },
      () => new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" }),
    )
    : [];
}

/** What the main thread reads once: concepts, human data, the SPoSE model and the space. */
interface MainInputs {
  concepts: BenchConcepts;
  human: BenchHuman;
  spose: BenchModel;
  space: ConceptSpace;
}

/** Read the shared inputs; the space is the concepts every model has prototypes of, if any. */
async function readInputs(tables: string, options: ParallelBenchOptions): Promise<MainInputs> {
  const concepts = await readConceptAttributes(tables);
  const human = await readHuman(tables, {
    profile: options.profile,
    seed: options.seed,
    conceptIds: concepts.ids,
  });
  const spose = await readSposeModel(options.profile);
  const common = await prototypeConcepts(tables, {
    primarySeed: options.seed,
    conceptIds: concepts.ids,
  });
  const space = common
    ? conceptSpace(common, concepts.ids.length)
    : benchmarkSpace({ concepts, human, models: [] });
  return { concepts, human, spose, space };
}

/** The init message of every worker (the human similarity in shared memory). */
function workerInit(
  tables: string,
  setup: { options: ParallelBenchOptions; inputs: MainInputs },
): BenchWorkerInit {
  const { options, inputs } = setup;
  return {
    type: "init",
    tables,
    seed: options.seed,
    groups: [...options.groups],
    resamples: options.resamples,
    retrievalGallery: options.profile.retrievalGallery,
    space: inputs.space.canonical,
    concepts: inputs.concepts,
    human: { ...inputs.human, similarity: shared(inputs.human.similarity) },
  };
}

/** Image models in list order (they cost about the same), the cheaper SPoSE row last. */
function benchJobs(list: NonNullable<BenchJob["row"]>[], spose: BenchModel): BenchJob[] {
  return [
    ...list.map((row): BenchJob => ({ type: "job", key: modelKey(row), row })),
    { type: "job", key: modelKey(spose), model: spose },
  ];
}

/** Collects model results and compares model pairs as they arrive (see {@link resultCollector}). */
interface ResultCollector {
  /** The results in arrival order. */
  results: ModelResult[];
  /** Take one model's result (and, with workers, compare the pairs it completes). */
  collect: (r: ModelResult) => void;
  /** Compare every pair still waiting. */
  finish: () => void;
}

/**
 * The collector of the models' results: adds their timings, hands their details to the
 * comparison table and, with workers, compares pairs one at a time between worker messages,
 * so no worker waits for a new job.
 */
function resultCollector(
  table: ComparisonTable | undefined,
  options: { timings: BenchTimings; parallel: boolean },
): ResultCollector {
  const { timings } = options;
  const results: ModelResult[] = [];
  const step = () => {
    const start = performance.now();
    const more = table!.step();
    addSeconds(timings, "main:compare", (performance.now() - start) / 1000);
    return more;
  };
  let comparing = false;
  const compareQueued = async () => {
    if (comparing || !table) return;
    comparing = true;
    while (step()) await new Promise((resolve) => setTimeout(resolve, 0));
    comparing = false;
  };
  const collect = (r: ModelResult) => {
    results.push(r);
    for (const [phase, seconds] of Object.entries(r.timings)) addSeconds(timings, phase, seconds);
    table?.add(r.detail);
    if (options.parallel) compareQueued();
  };
  const finish = () => {
    while (table && step());
  };
  return { results, collect, finish };
}

/** Benchmark the jobs one after the other in this thread, logging each model's line. */
async function runInline(
  jobs: BenchJob[],
  options: {
    init: BenchWorkerInit;
    collect: (r: ModelResult) => void;
    log?: (message: string) => void;
  },
): Promise<void> {
  const { init } = options;
  const context = workerContext(init);
  for (const job of jobs) {
    const start = performance.now();
    const r = await runJob(job, { context, tables: init.tables, seed: init.seed });
    options.log?.(modelLine(r.model, {
      metrics: r.detail.values.size,
      seconds: (performance.now() - start) / 1000,
    }));
    options.collect({ key: job.key, ...r });
  }
}

/** Run the benchmark of every model in `tables` across workers (see the module docs). */
export async function runBenchmarkParallel(
  tables: string,
  options: ParallelBenchOptions,
): Promise<ParallelBenchResult> {
  const list = await readModelList(tables);
  const order = [...list.map(modelKey), modelKey({ model: SPOSE49, seed: null })];
  const rank = new Map(order.map((k, i) => [k, i]));
  // start the workers first: they compile while the human data is read
  const workers = startWorkers(workerCount(options, order.length));
  const timings: BenchTimings = {};
  try {
    const readStart = performance.now();
    const inputs = await readInputs(tables, options);
    addSeconds(timings, "main:read_inputs", (performance.now() - readStart) / 1000);
    const init = workerInit(tables, { options, inputs });
    const jobs = benchJobs(list, inputs.spose);
    const table = options.compare
      ? new ComparisonTable(options.compare.pairs, {
        seed: options.seed,
        permutations: options.compare.permutations,
      })
      : undefined;
    const { results, collect, finish } = resultCollector(table, {
      timings,
      parallel: workers.length > 0,
    });
    if (workers.length === 0) await runInline(jobs, { init, collect, log: options.log });
    else await Promise.all(workers.map((w) => serve(w, { init, jobs, collect, log: options.log })));
    results.sort((a, b) => rank.get(a.key)! - rank.get(b.key)!);
    const details = results.map((r) => r.detail);
    finish();
    return {
      rows: results.flatMap((r) => r.rows),
      details,
      space: inputs.space,
      resamples: options.resamples,
      concepts: inputs.concepts,
      human: inputs.human,
      comparisons: table?.rows(details),
      timings,
    };
  } finally {
    for (const w of workers) w.terminate();
  }
}

/** Feed jobs from the shared queue to one worker until the queue is empty. */
function serve(
  worker: Worker,
  state: {
    init: BenchWorkerInit;
    jobs: BenchJob[];
    collect: (r: ModelResult) => void;
    log?: (message: string) => void;
  },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = () => {
      const job = state.jobs.shift();
      if (job) worker.postMessage(job satisfies BenchWorkerRequest);
      else {
        worker.postMessage({ type: "close" } satisfies BenchWorkerRequest);
        resolve();
      }
    };
    worker.onmessage = (event: MessageEvent<BenchWorkerReply>) => {
      const msg = event.data;
      if (msg.type === "log") state.log?.(msg.message);
      else if (msg.type === "model") {
        next();
        try {
          state.collect(msg);
        } catch (error) {
          reject(error);
        }
      } else reject(new Error(`bench worker: ${msg.message}`));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`bench worker: ${event.message}`));
    };
    worker.postMessage(state.init satisfies BenchWorkerRequest);
    next();
  });
}
