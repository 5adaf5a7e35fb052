/**
 * Odd-one-out triplet files, as a struct of arrays with 0-based concept rows.
 *
 * Formats (whitespace-separated, no header):
 * - `zero-based` (`thingsdata_*_10*.txt`, `2171trials_humans.txt`): `i j k [subject]`,
 *   0-based; columns 0 and 1 are the pair kept together and column 2 is the odd one out.
 *   Integer-valued decimals such as `1244.0` are accepted. All rows have the column count
 *   of the first row (3 or 4).
 * - `noise-ceiling` (`triplets_noiseceiling.csv`, tab-separated despite its name):
 *   `i j k choice subject`, 1-based, `choice` ∈ {1,2,3} is the position of the odd one out;
 *   the other two stay in their original order as the kept pair.
 * Auto-detection looks at the first line: 5 columns with column 4 ∈ {1,2,3} is
 * `noise-ceiling`, 3 or 4 columns is `zero-based`, anything else is an error.
 */
import { describeValue, InputError } from "../../io/errors.ts";
import type { Triplets as MetricTriplets } from "../../metrics/types.ts";
import { badCell, readText, splitLines, splitWhitespace, strictNumber } from "./text.ts";

/** How a triplet file encodes its rows. */
export type TripletFormat = "zero-based" | "noise-ceiling";

/**
 * Triplets read from a file: the metrics' struct of arrays (0-based concept rows; `(a, b)` kept
 * together, `odd` the odd one out, optional `subject`) plus the file format they came from.
 */
export interface Triplets extends MetricTriplets {
  /** Format of the source. */
  format: TripletFormat;
}

/** Options of {@link readTriplets}. */
export interface TripletReadOptions {
  /** Number of concepts; 0-based indices must lie in [0, nConcepts). */
  nConcepts: number;
  /** File format (default "auto": detected from the first line). */
  format?: "auto" | TripletFormat;
}

/**
 * Parse a triplet file (see the module documentation for the formats). Every problem —
 * wrong column count (including a truncated last line), non-numeric or non-integer cell,
 * NaN, index out of range, repeated concept within a triplet, bad choice — throws an
 * {@link InputError} naming the line (and column where it applies).
 */
export function parseTriplets(text: string, file: string, options: TripletReadOptions): Triplets {
  const { nConcepts } = options;
  const lines = splitLines(text, file);
  if (lines.length === 0) {
    throw new InputError({ file, line: 1, expected: "triplet rows", found: "an empty file" });
  }
  const first = splitWhitespace(lines[0].text);
  const format = detectFormat(first, options.format ?? "auto", { file, line: lines[0].line });
  const width = format === "noise-ceiling" ? 5 : first.length;
  const hasSubject = width >= 4;
  const n = lines.length;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const odd = new Int32Array(n);
  const subject = hasSubject ? new Int32Array(n) : undefined;
  const base = format === "noise-ceiling" ? 1 : 0;
  const indexExpected = `an integer concept index in [${base}, ${nConcepts - 1 + base}]`;
  const ijk = [0, 0, 0];

  for (let t = 0; t < n; t++) {
    const { line, text: rowText } = lines[t];
    const cells = splitWhitespace(rowText);
    if (cells.length !== width) {
      throw new InputError({
        file,
        line,
        expected: `${width} whitespace-separated values (${layout(format, width)})`,
        found: `${cells.length}${cells.length < width ? " (truncated row?)" : ""}`,
      });
    }
    for (let c = 0; c < 3; c++) {
      const v = strictNumber(cells[c]) - base;
      if (!(Number.isInteger(v) && v >= 0 && v < nConcepts)) {
        throw badCell(cells[c], { file, line, column: c + 1, expected: indexExpected });
      }
      ijk[c] = v;
    }
    if (ijk[0] === ijk[1] || ijk[1] === ijk[2] || ijk[0] === ijk[2]) {
      throw new InputError({
        file,
        line,
        expected: "three different concepts in a triplet",
        found: describeValue(cells.slice(0, 3).join(" ")),
      });
    }
    if (format === "noise-ceiling") {
      const choice = strictNumber(cells[3]);
      if (choice !== 1 && choice !== 2 && choice !== 3) {
        throw badCell(
          cells[3],
          { file, line, column: 4, expected: "a choice (odd-one-out position) 1, 2 or 3" },
        );
      }
      const o = choice - 1;
      odd[t] = ijk[o];
      a[t] = ijk[o === 0 ? 1 : 0];
      b[t] = ijk[o === 2 ? 1 : 2];
    } else {
      a[t] = ijk[0];
      b[t] = ijk[1];
      odd[t] = ijk[2];
    }
    if (subject) {
      const col = width - 1;
      const s = strictNumber(cells[col]);
      if (!(Number.isInteger(s) && s >= 0 && s <= 2147483647)) {
        throw badCell(
          cells[col],
          { file, line, column: col + 1, expected: "a non-negative integer subject id" },
        );
      }
      subject[t] = s;
    }
  }
  return subject ? { a, b, odd, subject, n, format } : { a, b, odd, n, format };
}

/** Read a triplet file; see {@link parseTriplets}. */
export async function readTriplets(path: string, options: TripletReadOptions): Promise<Triplets> {
  return parseTriplets(await readText(path), path, options);
}

/** Columns of {@link tripletsFromArrays}: 0-based concept rows. */
export interface TripletColumns {
  /** First concept of the kept pair. */
  a: ArrayLike<number>;
  /** Second concept of the kept pair. */
  b: ArrayLike<number>;
  /** The odd one out. */
  odd: ArrayLike<number>;
  /** Optional participant ids. */
  subject?: ArrayLike<number>;
}

/** Options of {@link tripletsFromArrays}. */
export interface TripletArraysOptions {
  /** Number of concepts; indices must lie in [0, nConcepts). */
  nConcepts: number;
  /** Recorded format (default "zero-based"). */
  format?: TripletFormat;
  /** Name used as the "file" in errors (default "<arrays>"). */
  source?: string;
}

/**
 * Build validated {@link Triplets} from 0-based columns (copied into Int32Arrays): equal
 * lengths, integer indices in range, three different concepts per triplet; errors name the
 * 1-based row.
 */
export function tripletsFromArrays(
  columns: TripletColumns,
  options: TripletArraysOptions,
): Triplets {
  const file = options.source ?? "<arrays>";
  const n = columns.a.length;
  const names = ["a", "b", "odd", "subject"] as const;
  for (const name of names) {
    const col = columns[name];
    if (col && col.length !== n) {
      throw new InputError({
        file,
        column: name,
        expected: `${n} values (as in column a)`,
        found: `${col.length}`,
      });
    }
  }
  const inputs = [columns.a, columns.b, columns.odd];
  const out = [new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < 3; c++) {
      const v = inputs[c][t];
      if (!(Number.isInteger(v) && v >= 0 && v < options.nConcepts)) {
        throw new InputError({
          file,
          row: t + 1,
          column: names[c],
          expected: `an integer concept index in [0, ${options.nConcepts - 1}]`,
          found: describeValue(v),
        });
      }
      out[c][t] = v;
    }
    if (out[0][t] === out[1][t] || out[1][t] === out[2][t] || out[0][t] === out[2][t]) {
      throw new InputError({
        file,
        row: t + 1,
        expected: "three different concepts in a triplet",
        found: `${out[0][t]} ${out[1][t]} ${out[2][t]}`,
      });
    }
  }
  const result: Triplets = {
    a: out[0],
    b: out[1],
    odd: out[2],
    n,
    format: options.format ?? "zero-based",
  };
  if (columns.subject) {
    const subject = new Int32Array(n);
    for (let t = 0; t < n; t++) {
      const s = columns.subject[t];
      if (!(Number.isInteger(s) && s >= 0 && s <= 2147483647)) {
        throw new InputError({
          file,
          row: t + 1,
          column: "subject",
          expected: "a non-negative integer subject id",
          found: describeValue(s),
        });
      }
      subject[t] = s;
    }
    result.subject = subject;
  }
  return result;
}

/** Decide the format from the first row's cells. */
function detectFormat(
  first: string[],
  requested: "auto" | TripletFormat,
  where: { file: string; line: number },
): TripletFormat {
  const width = first.length;
  if (requested === "auto") {
    if (width === 5 && [1, 2, 3].includes(strictNumber(first[3]))) return "noise-ceiling";
    if (width === 3 || width === 4) return "zero-based";
  } else if (requested === "noise-ceiling" ? width === 5 : width === 3 || width === 4) {
    return requested;
  }
  throw new InputError({
    ...where,
    expected: requested === "noise-ceiling"
      ? "5 columns (1-based i j k choice subject)"
      : requested === "zero-based"
      ? "3 or 4 columns (0-based i j k [subject])"
      : "3 or 4 columns (0-based i j k [subject]) or 5 columns with a choice 1-3 in column 4 " +
        "(1-based i j k choice subject)",
    found: `${width} columns: ${describeValue(first.join(" "))}`,
  });
}

/** Column layout text for messages. */
function layout(format: TripletFormat, width: number): string {
  if (format === "noise-ceiling") return "1-based i j k choice subject";
  return width === 4 ? "0-based i j k subject" : "0-based i j k";
}
