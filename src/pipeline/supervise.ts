/**
 * Running a Deno command in a child process so that its death by a signal is reported.
 *
 * A crash inside native code (TensorFlow's kernels: SIGFPE, SIGSEGV, SIGILL, …) kills a process
 * before it can print anything; `deno task` then ends with exit code 128 + n and no message.
 * The model tasks and the test run therefore go through `tasks/supervise.ts`, which runs the
 * real command as a child with the same standard streams and, when the child dies by a signal,
 * prints what happened and what to try, then exits with the child's code.
 *
 * The child also gets the glibc malloc settings of `src/models/allocator.ts` (unless the user
 * set them), which make TensorFlow's convolutions several times faster on Linux.
 *
 * @module
 */
import { allocatorEnv } from "../models/allocator.ts";

/** Signals by which native code crashes (as opposed to being stopped from outside). */
export const CRASH_SIGNALS: readonly string[] = [
  "SIGFPE",
  "SIGSEGV",
  "SIGILL",
  "SIGBUS",
  "SIGABRT",
  "SIGTRAP",
  "SIGSYS",
];

/** Signals a user or a job system stops a process with: no message needed. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE"];

/** A short name for a supervised command: `backbone` for `run -A tasks/backbone.ts`. */
export function commandLabel(args: readonly string[]): string {
  if (args[0] === "run") {
    const script = args.slice(1).find((a) => !a.startsWith("-"));
    if (script) return script.replace(/^.*\//, "").replace(/\.[jt]s$/, "");
  }
  return `deno ${args[0] ?? ""}`.trim();
}

/**
 * The message for a child that died by `signal`, or undefined when no message is due (a stop
 * signal such as SIGINT from Ctrl-C).
 */
export function signalMessage(label: string, signal: string): string | undefined {
  if (STOP_SIGNALS.includes(signal)) return undefined;
  if (signal === "SIGKILL") {
    return `${label}: killed by SIGKILL before it could report anything: usually the system ran ` +
      "out of memory (see `dmesg`), or something outside stopped it. Completed stages are " +
      "cached; rerunning the same command continues.";
  }
  const crash = CRASH_SIGNALS.includes(signal);
  return [
    `${label}: killed by ${signal}${
      crash ? ", a crash inside native code (most likely the TensorFlow library)" : ""
    }; the process could not report it itself.`,
    "  If the `backend:` line above says `oneDNN on`, rerun with TF_ENABLE_ONEDNN_OPTS=0 " +
    "(and report the CPU: oneDNN's probe passed on it); otherwise try --backend wasm.",
    label.startsWith("deno test")
      ? "  The test run ended without its summary: the last test named above is the one that died."
      : "  Completed stages are cached, so rerunning the same command continues where it stopped.",
  ].join("\n");
}

/** Options of {@link superviseDeno}. */
export interface SuperviseOptions {
  /** Where the message goes (default `console.error`). */
  log?: (line: string) => void;
  /** Extra environment of the child. */
  env?: Record<string, string>;
}

/**
 * Run `deno <args…>` as a child with inherited standard streams and return the exit code to
 * exit with (the child's; 128 + n for a signal). SIGTERM and SIGHUP sent to this process are
 * passed on to the child; SIGINT from the terminal reaches the child by itself (same process
 * group), so this process ignores it and waits for the child.
 */
export async function superviseDeno(
  args: readonly string[],
  options: SuperviseOptions = {},
): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    // glibc malloc tuned for TensorFlow's large per-op buffers (src/models/allocator.ts)
    env: { ...allocatorEnv(), ...options.env },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forwarded: [Deno.Signal, () => void][] = [];
  const forward = (signal: Deno.Signal) => {
    const handler = () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    };
    try {
      Deno.addSignalListener(signal, handler);
      forwarded.push([signal, handler]);
    } catch { /* not supported on this platform */ }
  };
  forward("SIGTERM");
  forward("SIGHUP");
  const ignoreInt = () => {};
  try {
    Deno.addSignalListener("SIGINT", ignoreInt);
  } catch { /* not supported */ }
  const status = await child.status;
  for (const [signal, handler] of forwarded) Deno.removeSignalListener(signal, handler);
  try {
    Deno.removeSignalListener("SIGINT", ignoreInt);
  } catch { /* not added */ }
  if (status.signal) {
    const message = signalMessage(commandLabel(args), status.signal);
    if (message) log(message);
  }
  return status.code;
}
