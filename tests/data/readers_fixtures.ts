/** Shared paths and assertions for the THINGS reader tests. */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { InputError } from "../../src/io/errors.ts";
import { ConceptIndex, readConceptIds } from "../../src/data/readers/mod.ts";

/** Folder of the embedded THINGS data bundle. */
export const DATA = fileURLToPath(new URL("../../data/embedded/things/", import.meta.url));

/** The THINGS-icons manifest. */
export const ICONS_MANIFEST = fileURLToPath(
  new URL("../../data/embedded/things-icons/manifest.csv", import.meta.url),
);

/** Path of a fixture in `tests/fixtures/things/`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/things/${name}`, import.meta.url));
}

/** The 10-concept fixture list (the first 10 THINGS concepts). */
export async function tenConcepts(): Promise<ConceptIndex> {
  const path = fixture("concepts10.txt");
  return new ConceptIndex(await readConceptIds(path), path);
}

/** The canonical 1854-concept list. */
export async function allConcepts(): Promise<ConceptIndex> {
  const path = `${DATA}concepts/unique_id.txt`;
  return new ConceptIndex(await readConceptIds(path, { count: 1854 }), path);
}

/**
 * Assert that `promise` rejects with an InputError whose message names `file` and, when
 * given, `line ${line}`, and matches `pattern`.
 */
export async function assertInputError(
  promise: Promise<unknown>,
  file: string,
  expect: { line?: number; pattern?: RegExp } = {},
): Promise<InputError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${caught}`);
  const message = caught.message;
  assert.ok(message.startsWith(`${file}: `), `message should start with the file: ${message}`);
  if (expect.line !== undefined) {
    assert.match(message, new RegExp(`: line ${expect.line}\\b`), message);
    assert.equal(caught.location.line, expect.line);
  }
  if (expect.pattern) assert.match(message, expect.pattern);
  return caught;
}

/** Assert that `fn` throws an InputError whose message matches `pattern`. */
export function assertThrowsInput(fn: () => unknown, pattern: RegExp): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail("expected an InputError, nothing was thrown");
}
