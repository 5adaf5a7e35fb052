/**
 * The error of a failed `deno task setup:tf` step.
 *
 * @module
 */

/** A failed step, with how to fix it. */
export class SetupTfError extends Error {
  /** The step that failed. */
  readonly step: string;
  /** What to do about it. */
  readonly hint: string;

  /** Build from the failed step, what failed, and the fix. */
  constructor(step: string, message: string, hint: string) {
    super(`${step}: ${message}`);
    this.name = "SetupTfError";
    this.step = step;
    this.hint = hint;
  }
}
