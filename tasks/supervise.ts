/**
 * `deno run -A tasks/supervise.ts <deno subcommand and arguments…>`: run that Deno command as a
 * child process and, when it dies by a signal (a crash inside TensorFlow's native code), say so
 * and what to try instead of ending silently. deno.json runs the model tasks and the test suite
 * through it; see `src/pipeline/supervise.ts`.
 */
import { superviseDeno } from "../src/pipeline/supervise.ts";

if (import.meta.main) {
  if (Deno.args.length === 0) {
    console.error(
      "usage: deno run -A tasks/supervise.ts <deno subcommand> [args…]\n" +
        "  e.g. deno run -A tasks/supervise.ts run -A tasks/train.ts --model baseline",
    );
    Deno.exit(2);
  }
  Deno.exit(await superviseDeno(Deno.args));
}
