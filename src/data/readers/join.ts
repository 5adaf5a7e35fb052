/**
 * Joining file rows to the canonical concept order, either by position (the file's uniqueID
 * column must equal the concept list in order) or by uniqueID (every concept exactly once).
 */
import { describeValue, InputError } from "../../io/errors.ts";
import type { ConceptIndex } from "./concepts.ts";

/**
 * Check that a file's uniqueIDs equal the concept list in order. `ids[r]` was read at
 * `lines[r]`; the error names the line of the first mismatch, or `endLine` when rows are
 * missing.
 */
export function checkConceptOrder(
  concepts: ConceptIndex,
  rows: { ids: readonly string[]; lines: readonly number[] },
  where: { file: string; column: string; endLine: number },
): void {
  const { ids, lines } = rows;
  const n = Math.min(ids.length, concepts.size);
  for (let r = 0; r < n; r++) {
    if (ids[r] === concepts.ids[r]) continue;
    throw new InputError({
      file: where.file,
      line: lines[r],
      column: where.column,
      expected: `${describeValue(concepts.ids[r])} (concept ${r + 1} in ${concepts.source})`,
      found: describeValue(ids[r]),
    });
  }
  if (ids.length !== concepts.size) {
    const extra = ids.length > concepts.size;
    throw new InputError({
      file: where.file,
      line: extra ? lines[concepts.size] : where.endLine,
      expected: `${concepts.size} concept rows (one per concept in ${concepts.source})`,
      found: extra ? `more rows (${ids.length})` : `only ${ids.length} (file ends)`,
    });
  }
}

/**
 * Places rows of a file keyed by uniqueID onto concept rows: unknown and duplicate ids throw
 * as they are met, and {@link ConceptJoin.finish} throws when concepts are missing.
 */
export class ConceptJoin {
  readonly #concepts: ConceptIndex;
  readonly #file: string;
  readonly #column: string;
  readonly #lineOf: Int32Array;

  /** Start a join of `file` (uniqueIDs in `column`) onto `concepts`. */
  constructor(concepts: ConceptIndex, where: { file: string; column: string }) {
    this.#concepts = concepts;
    this.#file = where.file;
    this.#column = where.column;
    this.#lineOf = new Int32Array(concepts.size);
  }

  /** 0-based concept row of `id`, read at `line`; throws for an unknown or repeated id. */
  place(id: string, line: number): number {
    const row = this.#concepts.indexOf(id, { file: this.#file, line, column: this.#column });
    const first = this.#lineOf[row];
    if (first !== 0) {
      throw new InputError({
        file: this.#file,
        line,
        column: this.#column,
        expected: "each uniqueID once",
        found: `${describeValue(id)} again (first at line ${first})`,
      });
    }
    this.#lineOf[row] = line;
    return row;
  }

  /** Throw an {@link InputError} listing the first few concepts never placed. */
  finish(): void {
    const missing: string[] = [];
    let count = 0;
    for (let r = 0; r < this.#lineOf.length; r++) {
      if (this.#lineOf[r] !== 0) continue;
      if (missing.length < 5) missing.push(this.#concepts.ids[r]);
      count++;
    }
    if (count === 0) return;
    throw new InputError({
      file: this.#file,
      column: this.#column,
      expected: `a row for every concept in ${this.#concepts.source}`,
      found: `${count} missing (${missing.join(", ")}${count > missing.length ? ", ..." : ""})`,
    });
  }
}
