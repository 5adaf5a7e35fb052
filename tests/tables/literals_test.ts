/**
 * Tables have one home (issue 15): outside `src/tables/` (and `src/io/`, which builds Arrow
 * columns and files) no code in `src/`, `tasks/` or `perf/` touches Arrow columns by name
 * (`getChild`) or builds a table (`makeTable`), and outside `src/tables/` no code spells a table
 * file name (`.arrow`) in a string: they come from `src/tables/names.ts`. Comments and
 * documentation may name files.
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";

/** The TypeScript files below a folder. */
async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

/** Lines of code: comment lines and the text after `//` dropped. */
export function codeLines(text: string): string[] {
  return text.split("\n").map((line) => {
    const t = line.trim();
    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
    return line.replace(/\s\/\/ .*$/, "");
  });
}

/** The `file:line: code` of every code line matching `pattern` outside the `allowed` folders. */
async function findings(pattern: RegExp, allowed: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of ["src", "tasks", "perf"]) {
    for await (const file of sources(join(REPO_ROOT, folder))) {
      const rel = relative(REPO_ROOT, file).replaceAll("\\", "/");
      if (allowed.some((a) => rel.startsWith(a))) continue;
      codeLines(await Deno.readTextFile(file)).forEach((line, i) => {
        if (pattern.test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return found;
}

/** A string or template literal holding `.arrow`. */
export const ARROW_LITERAL = /["'`][^"'`]*\.arrow/;
/** A call that reads an Arrow column by name or builds a table. */
export const ARROW_ACCESS = /\b(getChild|makeTable)\s*\(/;

Deno.test("the patterns find what they look for, and skip comments", () => {
  assert.ok(ARROW_LITERAL.test(`join(dir, "benchmark.arrow")`));
  assert.ok(ARROW_LITERAL.test("`embeddings/${stem}.arrow`"));
  assert.ok(!ARROW_LITERAL.test(`tablePath(dir, TABLE.benchmark)`));
  assert.ok(ARROW_ACCESS.test(`t.getChild("a")!`) && ARROW_ACCESS.test(`makeTable({`));
  assert.deepEqual(codeLines(` * see "benchmark.arrow"\n// "x.arrow"\nf("y.arrow")`), [
    "",
    "",
    `f("y.arrow")`,
  ]);
});

Deno.test("no getChild/makeTable outside src/tables and src/io", async () => {
  const found = await findings(ARROW_ACCESS, ["src/tables/", "src/io/"]);
  assert.deepEqual(found, [], `Arrow column access outside src/tables:\n${found.join("\n")}`);
});

Deno.test("no .arrow file name literal outside src/tables", async () => {
  const found = await findings(ARROW_LITERAL, ["src/tables/"]);
  assert.deepEqual(found, [], `table file names spelled out:\n${found.join("\n")}`);
});
