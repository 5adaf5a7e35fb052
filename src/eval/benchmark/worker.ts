/**
 * Web Worker of {@link runBenchmarkParallel}: runs one share of the models and posts the rows
 * and per-model details back.
 */
/// <reference lib="deno.worker" />
import { type BenchWorkerReply, type BenchWorkerRequest, runShare } from "./parallel.ts";

self.onmessage = async (event: MessageEvent<BenchWorkerRequest>) => {
  const post = (reply: BenchWorkerReply) => self.postMessage(reply);
  try {
    const result = await runShare(event.data, (message) => post({ type: "log", message }));
    post({ type: "done", result });
  } catch (error) {
    post({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
};
