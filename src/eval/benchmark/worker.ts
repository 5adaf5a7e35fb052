/**
 * Web Worker of {@link runBenchmarkParallel}: takes the shared setup once, then benchmarks one
 * model per job message and posts its rows and detail back.
 */
/// <reference lib="deno.worker" />
import type { BenchContext } from "./run.ts";
import {
  type BenchWorkerInit,
  type BenchWorkerReply,
  type BenchWorkerRequest,
  runJob,
  workerContext,
} from "./parallel.ts";
import { modelLine } from "./run.ts";

let init: BenchWorkerInit | undefined;
let context: BenchContext | undefined;

self.onmessage = async (event: MessageEvent<BenchWorkerRequest>) => {
  const post = (reply: BenchWorkerReply) => self.postMessage(reply);
  const msg = event.data;
  try {
    if (msg.type === "init") {
      init = msg;
      context = workerContext(msg);
    } else if (msg.type === "job") {
      const start = performance.now();
      const r = await runJob(msg, { context: context!, tables: init!.tables, seed: init!.seed });
      post({
        type: "log",
        message: modelLine(r.model, {
          metrics: r.detail.values.size,
          seconds: (performance.now() - start) / 1000,
        }),
      });
      post({ type: "model", key: msg.key, rows: r.rows, detail: r.detail, timings: r.timings });
    } else self.close();
  } catch (error) {
    post({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
};
