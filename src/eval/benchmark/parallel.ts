/**
 * Run the benchmark over the models in parallel Web Workers (each loads the human data and its
 * share of the models and runs {@link runBenchmark} on the same concept space). Every metric of
 * a model depends only on the seed and the space, so the result does not depend on the number
 * of workers; rows come back in the order of the model list.
 *
 * @module
 */
import type { Profile } from "../../pipeline/profile.ts";
import { conceptSpace } from "./spec.ts";
import type { BenchGroup } from "./spec.ts";
import {
  loadBenchInputs,
  modelKey,
  prototypeConcepts,
  readConcepts,
  readModelList,
} from "./inputs.ts";
import { type BenchmarkResult, benchmarkSpace, runBenchmark } from "./run.ts";

/** Options of {@link runBenchmarkParallel}. */
export interface ParallelBenchOptions {
  profile: Profile;
  seed: number;
  groups: ReadonlySet<BenchGroup>;
  resamples: number;
  /** Worker count (default: the machine's cores, at most 4; 0 or 1 runs in this thread). */
  workers?: number;
  log?: (message: string) => void;
}

/** What the main thread sends a worker. */
export interface BenchWorkerRequest {
  tables: string;
  profile: Profile;
  seed: number;
  groups: BenchGroup[];
  resamples: number;
  space: Int32Array;
  keys: string[];
}

/** What a worker answers. */
export type BenchWorkerReply =
  | { type: "log"; message: string }
  | { type: "done"; result: Omit<BenchmarkResult, "space"> }
  | { type: "error"; message: string };

/** Run one worker's share (also used inline). */
export async function runShare(
  request: BenchWorkerRequest,
  log?: (message: string) => void,
): Promise<Omit<BenchmarkResult, "space">> {
  const keys = new Set(request.keys);
  const inputs = await loadBenchInputs(request.tables, {
    profile: request.profile,
    seed: request.seed,
    select: (k) => keys.has(k),
  });
  const nConcepts = inputs.concepts.ids.length;
  const { space: _space, ...rest } = runBenchmark(inputs, {
    groups: new Set(request.groups),
    seed: request.seed,
    resamples: request.resamples,
    space: conceptSpace(request.space, nConcepts),
    log,
  });
  return rest;
}

/** Run the benchmark of every model in `tables` across workers (see the module docs). */
export async function runBenchmarkParallel(
  tables: string,
  options: ParallelBenchOptions,
): Promise<BenchmarkResult> {
  const list = (await readModelList(tables)).map(modelKey);
  list.push(modelKey({ model: "spose49", seed: null }));
  const concepts = await readConcepts(tables);
  const common = await prototypeConcepts(tables, {
    primarySeed: options.seed,
    conceptIds: concepts.ids,
  });
  const space = common
    ? conceptSpace(common, concepts.ids.length)
    : benchmarkSpace(await loadBenchInputs(tables, { ...options, select: () => false }));
  const workers = Math.max(
    1,
    Math.min(options.workers ?? Math.min(4, navigator.hardwareConcurrency || 1), list.length),
  );
  const base = {
    tables,
    profile: options.profile,
    seed: options.seed,
    groups: [...options.groups],
    resamples: options.resamples,
    space: space.canonical,
  };
  // round-robin over the list (image models cost about the same; the SPoSE row is cheap)
  const shares = Array.from(
    { length: workers },
    (_, w) => list.filter((_, i) => i % workers === w),
  );
  const parts = workers === 1
    ? [await runShare({ ...base, keys: shares[0] }, options.log)]
    : await Promise.all(shares.map((keys) => inWorker({ ...base, keys }, options.log)));
  const rank = new Map(list.map((k, i) => [k, i]));
  const details = parts.flatMap((p) => p.details)
    .sort((a, b) => rank.get(modelKey(a))! - rank.get(modelKey(b))!);
  const rows = parts.flatMap((p) => p.rows)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank.get(modelKey(a.r))! - rank.get(modelKey(b.r))! || a.i - b.i)
    .map(({ r }) => r);
  return { rows, details, space, resamples: options.resamples };
}

/** Run a share in a new worker. */
function inWorker(
  request: BenchWorkerRequest,
  log?: (message: string) => void,
): Promise<Omit<BenchmarkResult, "space">> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    const finish = (f: () => void) => {
      worker.terminate();
      f();
    };
    worker.onmessage = (event: MessageEvent<BenchWorkerReply>) => {
      const msg = event.data;
      if (msg.type === "log") log?.(msg.message);
      else if (msg.type === "done") finish(() => resolve(msg.result));
      else finish(() => reject(new Error(`bench worker: ${msg.message}`)));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      finish(() => reject(new Error(`bench worker: ${event.message}`)));
    };
    worker.postMessage(request);
  });
}
