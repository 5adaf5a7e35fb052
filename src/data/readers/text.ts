/**
 * Shared line and field splitting for the THINGS text readers.
 *
 * Policies (the same for every reader):
 * - Lines end in `\n` or `\r\n`; a UTF-8 byte-order mark at the start is ignored.
 * - Line numbers are 1-based physical line numbers.
 * - Blank (empty or whitespace-only) lines at the end of a file are ignored. A blank line
 *   followed by more content is an error: nothing is silently dropped.
 * - Delimited fields may be quoted (`"a, b"`, with `""` for a literal quote). A quoted field
 *   cannot span lines; an unterminated quote, or text between a closing quote and the next
 *   delimiter, is an error. A quote inside an unquoted field is kept as a literal character.
 * - Whitespace-separated files split on runs of spaces and tabs; leading and trailing
 *   whitespace is ignored (so trailing spaces are fine).
 */
import { describeValue, InputError } from "../../io/errors.ts";

/** One non-blank physical line of a text file. */
export interface TextLine {
  /** 1-based physical line number. */
  line: number;
  /** The line without its end-of-line characters. */
  text: string;
}

/** Where a cell sits in a file, for error messages. */
export interface CellLocation {
  /** Path of the file. */
  file: string;
  /** 1-based physical line number. */
  line: number;
  /** Column name (files with a header) or 1-based column index. */
  column?: string | number;
}

/**
 * Split `text` into its non-blank lines with their 1-based physical line numbers.
 * Trailing blank lines are dropped; a blank line before more content throws an
 * {@link InputError} naming its line.
 */
export function splitLines(text: string, file: string): TextLine[] {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const raw = (start ? text.slice(start) : text).split("\n");
  let last = raw.length - 1;
  while (last >= 0 && isBlank(raw[last])) last--;
  const lines: TextLine[] = new Array(last + 1);
  for (let i = 0; i <= last; i++) {
    let line = raw[i];
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (isBlank(line)) {
      throw new InputError({
        file,
        line: i + 1,
        expected: "a data line (blank lines are allowed only at the end of the file)",
        found: "a blank line",
      });
    }
    lines[i] = { line: i + 1, text: line };
  }
  return lines;
}

/** True when `s` is empty or only spaces, tabs and carriage returns. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Split a line on runs of spaces and tabs, ignoring leading and trailing whitespace. */
export function splitWhitespace(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (i < n && (c === 32 || c === 9)) c = text.charCodeAt(++i);
    if (i >= n) break;
    const begin = i;
    while (i < n && c !== 32 && c !== 9) c = text.charCodeAt(++i);
    out.push(text.slice(begin, i));
  }
  return out;
}

/**
 * Split one line into fields on a single-character `delimiter` (`,`, `\t`, `;`), with
 * quote handling as described in the module documentation. `where` names the line in errors.
 */
export function splitDelimited(
  text: string,
  delimiter: string,
  where: { file: string; line: number },
): string[] {
  if (text.indexOf('"') < 0) return text.split(delimiter);
  const d = delimiter.charCodeAt(0);
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (true) {
    if (text.charCodeAt(i) === 34) {
      // Quoted field.
      const opened = i;
      let value = "";
      let from = ++i;
      while (true) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          throw new InputError({
            file: where.file,
            line: where.line,
            column: out.length + 1,
            expected: "a closing quote before the end of the line",
            found: describeValue(text.slice(opened)),
          });
        }
        if (text.charCodeAt(q + 1) === 34) {
          value += text.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      out.push(value);
      if (i >= n) return out;
      if (text.charCodeAt(i) !== d) {
        throw new InputError({
          file: where.file,
          line: where.line,
          column: out.length,
          expected: `a delimiter ${JSON.stringify(delimiter)} after a closing quote`,
          found: describeValue(text.slice(i)),
        });
      }
      i++;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, next));
      i = next + 1;
    }
    if (i >= n) {
      out.push("");
      return out;
    }
  }
}

/** One data row of a {@link Table}. */
export interface TableRecord {
  /** 1-based physical line number. */
  line: number;
  /** The row's fields, as many as the header has. */
  fields: string[];
}

/** A delimited text file with a header row. */
export interface Table {
  /** Path of the file (for error messages). */
  file: string;
  /** Header fields. */
  header: string[];
  /** Line number of the header. */
  headerLine: number;
  /** Data rows in file order. */
  records: TableRecord[];
  /** Physical line just after the last data row (where a missing row would have been). */
  endLine: number;
}

/** Options of {@link parseTable}. */
export interface ParseTableOptions {
  /** Single-character field delimiter. */
  delimiter: string;
}

/**
 * Split a delimited text file with a header into records, checking that every row has exactly
 * as many fields as the header (a truncated or over-long row throws, naming its line).
 */
export function parseTable(text: string, file: string, options: ParseTableOptions): Table {
  const lines = splitLines(text, file);
  if (lines.length === 0) {
    throw new InputError({ file, line: 1, expected: "a header line", found: "an empty file" });
  }
  const { delimiter } = options;
  const header = splitDelimited(lines[0].text, delimiter, { file, line: lines[0].line });
  const width = header.length;
  const records: TableRecord[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const { line, text: rowText } = lines[i];
    const fields = splitDelimited(rowText, delimiter, { file, line });
    if (fields.length !== width) {
      throw new InputError({
        file,
        line,
        expected: `${width} ${delimiterName(delimiter)}-separated fields (as in the header)`,
        found: `${fields.length}`,
      });
    }
    records[i - 1] = { line, fields };
  }
  const endLine = lines.length ? lines[lines.length - 1].line + 1 : 1;
  return { file, header, headerLine: lines[0].line, records, endLine };
}

/**
 * The 0-based position of each named column in a table's header; throws an
 * {@link InputError} naming the header line when one is missing or appears twice.
 */
export function requireColumns<const K extends string>(
  table: Table,
  names: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) {
    const first = table.header.indexOf(name);
    if (first < 0 || table.header.indexOf(name, first + 1) >= 0) {
      throw new InputError({
        file: table.file,
        line: table.headerLine,
        expected: `exactly one column named ${JSON.stringify(name)} in the header`,
        found: first < 0 ? `header ${describeValue(table.header.join(", "))}` : "it twice",
      });
    }
    out[name] = first;
  }
  return out;
}

/** A readable name for a delimiter in messages. */
function delimiterName(delimiter: string): string {
  if (delimiter === "\t") return "tab";
  if (delimiter === ",") return "comma";
  if (delimiter === ";") return "semicolon";
  return JSON.stringify(delimiter);
}

/**
 * The value of a cell that holds a finite decimal number, else `NaN` (for blank cells, hex,
 * `NaN`, `Infinity`, trailing text). Cheap enough for per-cell use in large files.
 */
export function strictNumber(value: string): number {
  const n = value.length;
  if (n > 0 && n < 10) {
    // Fast path for plain non-negative integers (most triplet cells).
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const d = value.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n) return v;
  }
  const v = Number(value);
  // Number() accepts "", "0x10" and "Infinity"; parseFloat() disagrees on all of those.
  return v === parseFloat(value) && v - v === 0 ? v : NaN;
}

/** An {@link InputError} for a cell `value` that is not what `where.expected` says. */
export function badCell(value: string, where: CellLocation & { expected: string }): InputError {
  return new InputError({ ...where, found: describeValue(value) });
}

/**
 * Parse a cell as a finite decimal number (no hex, no `NaN`/`Infinity`, not blank);
 * throws an {@link InputError} naming the cell otherwise.
 */
export function parseFiniteNumber(value: string, where: CellLocation): number {
  const v = strictNumber(value);
  if (!Number.isNaN(v)) return v;
  throw badCell(value, { ...where, expected: "a finite number" });
}

/** Like {@link parseFiniteNumber}, but a blank cell gives `null`. */
export function parseOptionalNumber(value: string, where: CellLocation): number | null {
  return isBlank(value) ? null : parseFiniteNumber(value, where);
}

/** Bounds of {@link parseInteger} (inclusive). */
export interface IntegerBounds {
  /** Smallest allowed value (default -2^31). */
  min?: number;
  /** Largest allowed value (default 2^31 - 1). */
  max?: number;
}

/**
 * Parse a cell as an integer within `[min, max]`; integer-valued decimals such as `"1244.0"`
 * are accepted. Throws an {@link InputError} naming the cell otherwise.
 */
export function parseInteger(
  value: string,
  where: CellLocation,
  bounds: IntegerBounds = {},
): number {
  const min = bounds.min ?? -2147483648;
  const max = bounds.max ?? 2147483647;
  const v = strictNumber(value);
  if (Number.isInteger(v) && v >= min && v <= max) return v;
  throw badCell(value, { ...where, expected: `an integer in [${min}, ${max}]` });
}

/** Read a whole text file; a missing or unreadable file becomes an {@link InputError}. */
export async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError({ file: path, expected: "an existing file", found: "no such file" });
    }
    throw error;
  }
}
