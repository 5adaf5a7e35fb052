import { parseArgs } from "node:util";
import { isNoSpaceError } from "../io/disk.ts";
import { InputError, UserError } from "../io/errors.ts";
import { producerHint } from "../tables/artifacts.ts";

/** One command-line flag of a task. */
export interface FlagSpec {
  /** `string` flags take a value; `boolean` flags do not. */
  type: "string" | "boolean";
  /** What the flag does (shown by `--help`). */
  description: string;
  /** Default value (as typed on the command line for string flags). */
  default?: string | boolean;
  /** Allowed values for a string flag. */
  choices?: readonly string[];
  /** Single-letter alias. */
  short?: string;
}

/** Description of a task's command line. */
export interface TaskSpec {
  /** Task name as in `deno task <name>`. */
  name: string;
  /** One-line summary. */
  summary: string;
  /** Usage line after the task name, e.g. `[options] IMAGE...`. */
  usage?: string;
  /** More text after the flag list (examples, outputs). */
  epilog?: string;
  /** Flags; `--help` is added automatically. */
  flags: Record<string, FlagSpec>;
}

/** Parsed flags and positionals. */
export interface ParsedArgs {
  /** Flag values by name (strings or booleans; unset flags without a default are absent). */
  values: Record<string, string | boolean | undefined>;
  /** Positional arguments. */
  positionals: string[];
}

/** Flags most stages share. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  profile: {
    type: "string",
    default: "embedded",
    choices: ["embedded", "things"],
    description: "data profile: the embedded default or the real THINGS data (after `setup`)",
  },
  seed: { type: "string", default: "7", description: "random seed (splits, shuffles, sampling)" },
  out: { type: "string", default: "outputs", description: "output root folder" },
  force: { type: "boolean", default: false, description: "rerun even when inputs are unchanged" },
};

/** Thrown for a bad command line; the runner prints it with the usage hint. */
export class UsageError extends UserError {
  /** Build from a message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Render `--help` text for a task. */
export function helpText(spec: TaskSpec): string {
  const lines = [
    `deno task ${spec.name} ${spec.usage ?? "[options]"}`,
    "",
    spec.summary,
    "",
    "Options:",
  ];
  const entries = Object.entries({
    ...spec.flags,
    help: { type: "boolean", description: "show this help" } as FlagSpec,
  });
  for (const [name, flag] of entries) {
    const left = `  ${flag.short ? `-${flag.short}, ` : ""}--${name}${
      flag.type === "string" ? " VALUE" : ""
    }`;
    const extra = [
      flag.choices ? `one of ${flag.choices.join("|")}` : "",
      flag.default !== undefined && flag.default !== false ? `default ${flag.default}` : "",
    ].filter(Boolean).join("; ");
    lines.push(`${left.padEnd(30)} ${flag.description}${extra ? ` (${extra})` : ""}`);
  }
  if (spec.epilog) lines.push("", spec.epilog);
  return lines.join("\n");
}

/** Parse `args` against the spec; throws {@link UsageError} on unknown flags or bad choices. */
export function parseTaskArgs(spec: TaskSpec, args: string[]): ParsedArgs {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | boolean }
  > = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = {
      type: flag.type,
      ...(flag.short ? { short: flag.short } : {}),
      ...(flag.default !== undefined ? { default: flag.default } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    const value = parsed.values[name];
    if (flag.choices && typeof value === "string" && !flag.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${flag.choices.join(", ")}, got "${value}"`);
    }
  }
  return { values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals };
}

/** Read an integer flag, with a clear error when it is not one. */
export function intFlag(parsed: ParsedArgs, name: string): number | undefined {
  const raw = parsed.values[name];
  if (raw === undefined || raw === false) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  return value;
}

/** Read a number flag, with a clear error when it is not one. */
export function numberFlag(parsed: ParsedArgs, name: string): number | undefined {
  const raw = parsed.values[name];
  if (raw === undefined || raw === false) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  return value;
}

/**
 * The message of a missing-file error, with the stage that writes the file when it is a pipeline
 * table ({@link producerHint}): a `Deno.errors.NotFound` (`stat '…/tables/images.arrow'`) or an
 * {@link InputError} that found no file.
 */
export function withProducer(error: Error): string {
  let path: string | undefined;
  if (error instanceof InputError && error.found === "no file") path = error.file;
  else if (error instanceof Deno.errors.NotFound) path = /'([^']+)'/.exec(error.message)?.[1];
  const hint = path ? producerHint(path) : undefined;
  return hint ? `${error.message} (${hint})` : error.message;
}

/**
 * Run a task's main function: handles `--help`, prints usage errors and every other
 * {@link UserError} (bad input files, missing or stale stage outputs, an unusable backend, a
 * full disk) as one clear line on stderr with exit code 2; anything unexpected is a bug and is
 * printed with its stack, exit code 1.
 */
export async function runTask(
  spec: TaskSpec,
  main: (parsed: ParsedArgs) => Promise<void>,
  options: { args?: string[] } = {},
): Promise<void> {
  const args = options.args ?? Deno.args;
  try {
    const parsed = parseTaskArgs(spec, args);
    if (parsed.values.help) {
      console.log(helpText(spec));
      return;
    }
    await main(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `${spec.name}: ${error.message}\nRun \`deno task ${spec.name} --help\` for usage.`,
      );
      Deno.exit(2);
    }
    if (error instanceof UserError || error instanceof Deno.errors.NotFound) {
      console.error(`${spec.name}: ${withProducer(error)}`);
      Deno.exit(2);
    }
    if (isNoSpaceError(error)) {
      console.error(
        `${spec.name}: the disk is full (${(error as Error).message}). Outputs are written ` +
          "atomically, so no half-written table or checkpoint was kept; free some space and " +
          "run the same command again (finished stages are skipped).",
      );
      Deno.exit(2);
    }
    console.error(
      `${spec.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    Deno.exit(1);
  }
}
