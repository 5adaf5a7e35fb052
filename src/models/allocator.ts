/**
 * glibc `malloc` settings for the processes that run TensorFlow's native kernels.
 *
 * By default glibc serves every allocation above its mmap threshold (at most 32 MiB) with a fresh
 * `mmap` and hands it back with `munmap` when freed. A ResNet-50 batch allocates and frees
 * activation and scratch buffers of tens to hundreds of MB in every layer, so each of them is
 * page-faulted and zeroed again by the kernel, layer after layer, batch after batch. On the
 * 2-core development machine that made the ResNet-50 trunk at batch 32 run at 6.8 images/s;
 * with the two settings below the same pass runs at 39 images/s (`scratch` measurement recorded
 * in docs/performance.md), and the numbers stop varying from pass to pass.
 *
 * - `MALLOC_MMAP_MAX_=0`: large blocks come from the heap, so a freed block is reused by the next
 *   batch instead of being unmapped;
 * - `MALLOC_TRIM_THRESHOLD_=64 GiB`: free memory at the top of the heap is kept rather than given
 *   back to the kernel after every op.
 *
 * The cost: a process keeps its peak heap until it exits (its RSS does not shrink after a peak),
 * which is what a pipeline stage does anyway. The settings change no computed value. They only
 * take effect when set before a process starts, so `tasks/supervise.ts` (through which
 * `deno task` runs the model tasks, the pipeline and the tests) sets them for its child; values
 * set by the user win. Other C libraries (macOS, musl) ignore the variables.
 *
 * @module
 */

/** The glibc malloc tunables this project sets for model processes (values as strings). */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_MAX_: "0",
  MALLOC_TRIM_THRESHOLD_: String(64 * 1024 ** 3),
});

/**
 * The allocator variables to add to a child's environment: those of {@link ALLOCATOR_ENV} that
 * `env` (default: this process's environment) does not set already.
 */
export function allocatorEnv(
  env: Readonly<Record<string, string | undefined>> = processEnv(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) {
    if (env[name] === undefined) out[name] = value;
  }
  return out;
}

/**
 * Whether this process runs with the allocator settings (both variables set, to any value: a
 * user's own choice counts). False means large tensors are mapped and unmapped per op.
 */
export function allocatorTuned(
  env: Readonly<Record<string, string | undefined>> = processEnv(),
): boolean {
  return Object.keys(ALLOCATOR_ENV).every((name) => env[name] !== undefined);
}

/** This process's values of the allocator variables (all set when env access is denied). */
function processEnv(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(ALLOCATOR_ENV)) {
    try {
      out[name] = Deno.env.get(name);
    } catch {
      out[name] = ALLOCATOR_ENV[name]; // no --allow-env: nothing to add, nothing to say
    }
  }
  return out;
}
