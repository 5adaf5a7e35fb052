/**
 * Web Worker of {@link humanSimilarityFromEmbedding}: builds the same row kernel as the calling
 * thread on the shared table and result, claims rows i through a shared atomic counter and
 * fills their upper part.
 */
/// <reference lib="deno.worker" />
import { createHumanSimilarityRowKernel, type HumanSimilarityTask } from "./similarity.ts";

self.onmessage = (event: MessageEvent<{ task: HumanSimilarityTask; next: Int32Array }>) => {
  const { task, next } = event.data;
  try {
    const n = task.n;
    const fillRow = createHumanSimilarityRowKernel(task);
    for (let i = Atomics.add(next, 0, 1); i < n - 1; i = Atomics.add(next, 0, 1)) {
      fillRow(i);
      self.postMessage({ type: "progress", pairs: n - 1 - i });
    }
    self.postMessage({ type: "done" });
  } catch (error) {
    self.postMessage({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
};
