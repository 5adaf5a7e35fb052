/**
 * A condition the user can fix: a bad input file, a stage output that is missing or stale, an
 * unusable backend, a full disk. The task runner (`runTask`) prints its message as one line,
 * without a stack trace, and exits with code 2; anything else is a bug and keeps its stack.
 * Throw a subclass ({@link InputError}, {@link NeedsStageError}, …) or this class itself.
 */
export class UserError extends Error {
  /** Build from the message (one line that says what is wrong and what to do). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UserError";
  }
}

/**
 * A stage's input is missing, stale or from another run: names the file (or what is wrong with
 * it) and the command that makes it right.
 */
export class NeedsStageError extends UserError {
  /** The command that fixes it (`deno task data`). */
  readonly fix: string;

  /** Build from what is wrong and the command that fixes it. */
  constructor(problem: string, fix: string) {
    super(`${problem}: run \`${fix}\``);
    this.name = "NeedsStageError";
    this.fix = fix;
  }
}

/** Where in an input file a problem was found. */
export interface InputLocation {
  /** 1-based line number (text files). */
  line?: number;
  /** 1-based data row (after any header), when it differs from the line. */
  row?: number;
  /** Column name or 1-based index. */
  column?: string | number;
  /** Byte offset (binary files). */
  offset?: number;
  /** Entry name inside an archive or a variable inside a MATLAB file. */
  entry?: string;
}

/** Options of {@link InputError}. */
export interface InputErrorOptions extends InputLocation {
  /** Path of the offending file. */
  file: string;
  /** What the reader expected. */
  expected: string;
  /** What it found instead. */
  found: string;
}

/**
 * A problem with an input file: names the file, the place (line/row/column or byte offset)
 * and what was expected versus found, so a user can fix the file.
 */
export class InputError extends UserError {
  /** Path of the offending file. */
  readonly file: string;
  /** Where in the file. */
  readonly location: InputLocation;
  /** What the reader expected. */
  readonly expected: string;
  /** What it found instead. */
  readonly found: string;

  /** Build the error from file, location, expected and found. */
  constructor(options: InputErrorOptions) {
    const { file, expected, found, ...location } = options;
    super(`${file}${formatLocation(location)}: expected ${expected}, found ${found}`);
    this.name = "InputError";
    this.file = file;
    this.location = location;
    this.expected = expected;
    this.found = found;
  }
}

/** Format a location as `:line 3, column 2` style suffix (empty when nothing is known). */
export function formatLocation(location: InputLocation): string {
  const parts: string[] = [];
  if (location.entry !== undefined) parts.push(`entry ${location.entry}`);
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column !== undefined) parts.push(`column ${location.column}`);
  if (location.offset !== undefined) parts.push(`byte ${location.offset}`);
  return parts.length ? `: ${parts.join(", ")}` : "";
}

/** Show a found value compactly in an error message (quoted, truncated). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
