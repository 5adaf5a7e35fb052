/**
 * JSON text of the export's reports: two-space indentation, a final newline; non-finite numbers
 * (which JSON cannot hold) become null.
 *
 * @module
 */

/** JSON text of `value`. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
