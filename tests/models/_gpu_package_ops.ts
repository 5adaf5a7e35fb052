/**
 * Child process of tests/models/gpu_package_test.ts: `--backend gpu` (tfjs-node-gpu) against the
 * cpu backend, with `HT_GPU_ALLOW_CPU=1` set by the parent so that a machine without a GPU runs
 * the GPU build's CPU kernels. In its own process because tfjs-node and tfjs-node-gpu both
 * register as `tensorflow` and cannot share one. Prints one JSON line.
 */
import { checkNativeAgainstCpu } from "../_helpers/native_ops.ts";

const { selection, checked } = await checkNativeAgainstCpu("gpu");
console.log(JSON.stringify({ selection, checked }));
