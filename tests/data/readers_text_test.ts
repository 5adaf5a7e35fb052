import { strict as assert } from "node:assert";
import { assertThrowsInput } from "./readers_fixtures.ts";
import {
  parseFiniteNumber,
  parseInteger,
  parseOptionalNumber,
  parseTable,
  splitDelimited,
  splitLines,
  splitWhitespace,
  strictNumber,
} from "../../src/data/readers/text.ts";

const at = { file: "f.txt", line: 7 };

Deno.test("splitLines: CRLF, BOM, trailing blank lines, 1-based physical lines", () => {
  const lines = splitLines("\ufeffa\r\nb\nc\r\n\n  \n", "f.txt");
  assert.deepEqual(lines, [
    { line: 1, text: "a" },
    { line: 2, text: "b" },
    { line: 3, text: "c" },
  ]);
  assert.deepEqual(splitLines("", "f.txt"), []);
  assert.deepEqual(splitLines("x", "f.txt"), [{ line: 1, text: "x" }]);
});

Deno.test("splitLines: a blank line in the middle is an error naming its line", () => {
  assertThrowsInput(
    () => splitLines("a\nb\n\t\nc\n", "f.txt"),
    /^f\.txt: line 3: expected a data line .* found a blank line$/,
  );
});

Deno.test("splitWhitespace: runs of spaces and tabs, trailing spaces", () => {
  assert.deepEqual(splitWhitespace("  1 2\t\t3   "), ["1", "2", "3"]);
  assert.deepEqual(splitWhitespace(""), []);
  assert.deepEqual(splitWhitespace(" \t "), []);
});

Deno.test("splitDelimited: quotes, doubled quotes, empty fields", () => {
  assert.deepEqual(splitDelimited("a,b,,c,", ",", at), ["a", "b", "", "c", ""]);
  assert.deepEqual(splitDelimited('x,"a, b",y', ",", at), ["x", "a, b", "y"]);
  assert.deepEqual(splitDelimited('"he said ""hi""",2', ",", at), ['he said "hi"', "2"]);
  assert.deepEqual(splitDelimited('"a"\t""\t"b"', "\t", at), ["a", "", "b"]);
  assert.deepEqual(splitDelimited('"a",', ",", at), ["a", ""]);
  assert.deepEqual(splitDelimited('ab"c,d', ",", at), ['ab"c', "d"]);
  assert.deepEqual(splitDelimited("", ";", at), [""]);
});

Deno.test("splitDelimited: unterminated quote and text after a closing quote are errors", () => {
  assertThrowsInput(
    () => splitDelimited('a,"bc', ",", at),
    /^f\.txt: line 7, column 2: .*closing quote/,
  );
  assertThrowsInput(
    () => splitDelimited('"a"b,c', ",", at),
    /^f\.txt: line 7, column 1: .*delimiter/,
  );
});

Deno.test("strictNumber: decimal numbers only", () => {
  assert.equal(strictNumber("1.5"), 1.5);
  assert.equal(strictNumber("-2e-3"), -0.002);
  assert.equal(strictNumber("1244.0"), 1244);
  assert.equal(strictNumber(".5"), 0.5);
  for (
    const bad of ["", " ", "NaN", "nan", "Infinity", "-Infinity", "1e999", "0x10", "1a", "1,5"]
  ) {
    assert.ok(Number.isNaN(strictNumber(bad)), bad);
  }
});

Deno.test("parseFiniteNumber / parseOptionalNumber / parseInteger", () => {
  assert.equal(parseFiniteNumber("3.25", at), 3.25);
  assert.equal(parseOptionalNumber("", at), null);
  assert.equal(parseOptionalNumber("2", at), 2);
  assertThrowsInput(
    () => parseFiniteNumber("NaN", { ...at, column: "x" }),
    /^f\.txt: line 7, column x: expected a finite number, found "NaN"$/,
  );
  assert.equal(parseInteger("12.0", at), 12);
  assertThrowsInput(() => parseInteger("1.5", at), /line 7: expected an integer/);
  assertThrowsInput(() => parseInteger("-1", at, { min: 0 }), /expected an integer in \[0, /);
});

Deno.test("parseTable: header width is enforced on every row", () => {
  const table = parseTable("a;b\r\n1;2\r\n3;4\r\n", "t.csv", { delimiter: ";" });
  assert.deepEqual(table.header, ["a", "b"]);
  assert.deepEqual(table.records.map((r) => r.line), [2, 3]);
  assert.equal(table.endLine, 4);
  assertThrowsInput(
    () => parseTable("a;b\n1;2\n3\n", "t.csv", { delimiter: ";" }),
    /^t\.csv: line 3: expected 2 semicolon-separated fields .* found 1$/,
  );
  assertThrowsInput(() => parseTable("", "t.csv", { delimiter: ";" }), /^t\.csv: line 1: .*header/);
});
