/** Run a `tasks/*.ts` CLI as a subprocess (as `deno task <name>` would) and capture its output. */
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Output of a task run. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `deno run -A tasks/<task>.ts args…` in the repository root. */
export async function runTaskCli(
  task: string,
  args: string[],
  options: { env?: Record<string, string> } = {},
): Promise<TaskOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tasks/${task}.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The sanity photos (scikit-image sample data) with known ImageNet labels. */
export const PHOTOS = {
  chelsea: `${ROOT}tests/fixtures/photos/chelsea.png`,
  coffee: `${ROOT}tests/fixtures/photos/coffee.png`,
};
