/**
 * Subprocesses of `deno task setup:tf`: run a command with a time limit, the tail of its output
 * for error messages, and where a command is on PATH.
 *
 * @module
 */
import { join } from "node:path";

/** Output of a subprocess. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** stdout and stderr, interleaved as they came. */
  out: string;
  /** Whether it was killed for running past its `timeoutS`. */
  timedOut: boolean;
}

/** Run a command, capturing stdout+stderr together, killing it after `timeoutS`. */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutS?: number } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = options.timeoutS
    ? setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, options.timeoutS * 1000)
    : undefined;
  const dec = new TextDecoder();
  let out = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += dec.decode(chunk, { stream: true });
  };
  const [status] = await Promise.all([child.status, drain(child.stdout), drain(child.stderr)]);
  clearTimeout(timer);
  return { code: status.code, out, timedOut };
}

/** Last `n` non-empty lines of a text, indented, for error messages. */
export function tail(text: string, n = 25): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-n).map((l) => `    ${l}`).join("\n");
}

/** Where `cmd` is on PATH, or undefined. */
export async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const p = join(dir, cmd);
    try {
      const info = await Deno.stat(p);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return p;
    } catch { /* not here */ }
  }
  return undefined;
}
