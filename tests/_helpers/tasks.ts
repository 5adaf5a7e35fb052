/** Run a `tasks/*.ts` CLI as a subprocess (as `deno task <name>` would) and capture its output. */
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Output of a task run. */
export interface TaskOutput {
  code: number;
  /** The signal that killed the task (`SIGFPE`, …), if one did. */
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `deno run -A tasks/<task>.ts args…` in the repository root, with `options.env` added to
 * this process's environment and the variables in `options.unset` removed from it.
 */
export async function runTaskCli(
  task: string,
  args: string[],
  options: { env?: Record<string, string>; unset?: string[] } = {},
): Promise<TaskOutput> {
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1", ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tasks/${task}.ts`, ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** The sanity photos (scikit-image sample data) with known ImageNet labels. */
export const PHOTOS = {
  chelsea: `${ROOT}tests/fixtures/photos/chelsea.png`,
  coffee: `${ROOT}tests/fixtures/photos/coffee.png`,
};
