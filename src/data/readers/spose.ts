/**
 * Whitespace-separated numeric matrices such as `spose49/spose_embedding_49d_sorted.txt`
 * (1854 × 49, one concept per line in canonical order, trailing spaces allowed).
 */
import { InputError } from "../../io/errors.ts";
import type { Matrix } from "../../metrics/types.ts";
import { badCell, readText, splitLines, splitWhitespace, strictNumber } from "./text.ts";

/** Options of {@link readSposeEmbedding}. */
export interface SposeOptions {
  /** Expected number of rows (e.g. 1854); checked when given. */
  rows?: number;
  /** Expected number of columns (e.g. 49); checked when given. */
  cols?: number;
  /**
   * How cells are separated: runs of spaces and tabs (`whitespace`, the default), commas
   * (`comma`; spaces around a cell are ignored), or `auto`: commas when the first line has one.
   */
  delimiter?: "whitespace" | "comma" | "auto";
}

/**
 * Parse a whitespace-separated (or, with `options.delimiter`, comma-separated) matrix without
 * header. Every line must have the same number of values (that of the first line, or
 * `options.cols`); a non-numeric, NaN or infinite cell throws an {@link InputError} naming its
 * line and 1-based column.
 */
export function parseSposeEmbedding(
  text: string,
  file: string,
  options: SposeOptions = {},
): Matrix {
  const lines = splitLines(text, file);
  if (lines.length === 0) {
    throw new InputError({ file, line: 1, expected: "a matrix row", found: "an empty file" });
  }
  const rows = lines.length;
  const comma = options.delimiter === "comma" ||
    (options.delimiter === "auto" && lines[0].text.includes(","));
  const split = comma ? splitComma : splitWhitespace;
  const separated = comma ? "comma-separated" : "whitespace-separated";
  let cols = options.cols ?? -1;
  let data = new Float64Array(0);
  for (let r = 0; r < rows; r++) {
    const { line, text: rowText } = lines[r];
    const cells = split(rowText);
    if (cols < 0) cols = cells.length;
    if (r === 0) data = new Float64Array(rows * cols);
    if (cells.length !== cols) {
      throw new InputError({
        file,
        line,
        expected: `${cols} ${separated} values${
          options.cols === undefined ? " (as on line " + lines[0].line + ")" : ""
        }`,
        found: `${cells.length}`,
      });
    }
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const s = cells[c];
      const v = strictNumber(s);
      if (Number.isNaN(v)) {
        throw badCell(s, { file, line, column: c + 1, expected: "a finite number" });
      }
      data[base + c] = v;
    }
  }
  if (options.rows !== undefined && rows !== options.rows) {
    throw new InputError({
      file,
      line: rows > options.rows ? lines[options.rows].line : lines[rows - 1].line + 1,
      expected: `${options.rows} rows`,
      found: `${rows}`,
    });
  }
  return { data, rows, cols };
}

function splitComma(text: string): string[] {
  return text.split(",").map((cell) => cell.trim());
}

/** Read a whitespace-separated matrix file; see {@link parseSposeEmbedding}. */
export async function readSposeEmbedding(
  path: string,
  options: SposeOptions = {},
): Promise<Matrix> {
  return parseSposeEmbedding(await readText(path), path, options);
}
