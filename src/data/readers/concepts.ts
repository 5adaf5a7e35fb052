/**
 * The canonical THINGS concept order (`concepts/unique_id.txt`) and a lookup from uniqueID to
 * row. Row i of every 1854-row matrix is concept i in this order. Never sort concept names.
 */
import { describeValue, InputError, type InputLocation } from "../../io/errors.ts";
import { readText, splitLines } from "./text.ts";

/** Where a uniqueID was read, for {@link ConceptIndex.indexOf} errors. */
export interface ConceptLookupLocation extends InputLocation {
  /** File the uniqueID came from (defaults to the concept list's source). */
  file?: string;
}

/** The canonical concept order with a fast uniqueID → 0-based row lookup. */
export class ConceptIndex {
  /** uniqueIDs in canonical order. */
  readonly ids: readonly string[];
  /** Where the ids came from (used in error messages). */
  readonly source: string;
  readonly #rows: Map<string, number>;

  /**
   * Index `ids` (in canonical order, never sorted). Throws an {@link InputError} for an empty
   * id, one with whitespace inside, or a duplicate.
   */
  constructor(ids: readonly string[], source = "<concept ids>") {
    this.source = source;
    this.ids = Object.freeze([...ids]);
    this.#rows = new Map();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkConceptId(id, { file: source, line: i + 1 });
      const previous = this.#rows.get(id);
      if (previous !== undefined) {
        throw new InputError({
          file: source,
          line: i + 1,
          expected: "unique concept ids",
          found: `${describeValue(id)} again (first at line ${previous + 1})`,
        });
      }
      this.#rows.set(id, i);
    }
  }

  /** Number of concepts. */
  get size(): number {
    return this.ids.length;
  }

  /** True when `id` is a known uniqueID. */
  has(id: string): boolean {
    return this.#rows.has(id);
  }

  /** 0-based row of `id`, or -1 when unknown. */
  tryIndexOf(id: string): number {
    return this.#rows.get(id) ?? -1;
  }

  /**
   * 0-based row of `id`; throws an {@link InputError} (at `where`, naming the id) when the id
   * is not in the concept list.
   */
  indexOf(id: string, where: ConceptLookupLocation = {}): number {
    const row = this.#rows.get(id);
    if (row !== undefined) return row;
    const { file, ...location } = where;
    throw new InputError({
      ...location,
      file: file ?? this.source,
      expected: `a uniqueID from the concept list (${this.size} concepts in ${this.source})`,
      found: describeValue(id),
    });
  }
}

/** Concepts given as a {@link ConceptIndex} or as ids in canonical order. */
export type ConceptSource = ConceptIndex | readonly string[];

/** A {@link ConceptIndex} for `concepts` (returned as is when it already is one). */
export function toConceptIndex(concepts: ConceptSource): ConceptIndex {
  return concepts instanceof ConceptIndex ? concepts : new ConceptIndex(concepts);
}

/** Options of {@link readConceptIds}. */
export interface ConceptIdsOptions {
  /** Expected number of ids (e.g. 1854); checked when given. */
  count?: number;
}

/**
 * Parse a concept list (one uniqueID per line, canonical order): ids must be non-empty,
 * contain no whitespace, and be unique; blank lines only at the end.
 */
export function parseConceptIds(
  text: string,
  file: string,
  options: ConceptIdsOptions = {},
): string[] {
  const lines = splitLines(text, file);
  const ids = lines.map(({ text }) => text);
  new ConceptIndex(ids, file); // validates each id and uniqueness, naming the line
  if (options.count !== undefined && ids.length !== options.count) {
    throw new InputError({
      file,
      line: ids.length < options.count ? ids.length + 1 : options.count + 1,
      expected: `${options.count} concept ids`,
      found: `${ids.length}`,
    });
  }
  return ids;
}

/** Read the concept list at `path` (e.g. `concepts/unique_id.txt`); see {@link parseConceptIds}. */
export async function readConceptIds(
  path: string,
  options: ConceptIdsOptions = {},
): Promise<string[]> {
  return parseConceptIds(await readText(path), path, options);
}

/** Read the concept list at `path` and index it. */
export async function readConceptIndex(
  path: string,
  options: ConceptIdsOptions = {},
): Promise<ConceptIndex> {
  return new ConceptIndex(await readConceptIds(path, options), path);
}

/** Throw an {@link InputError} at `where` unless `id` is non-empty and has no whitespace. */
export function checkConceptId(id: string, where: { file: string; line: number }): void {
  if (id.length > 0 && !/\s/.test(id)) return;
  throw new InputError({
    ...where,
    expected: "a non-empty uniqueID without whitespace",
    found: describeValue(id),
  });
}
