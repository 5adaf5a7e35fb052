/**
 * Function length (issue 15: every stage's `run` reads as its plan): no function in `src/` or
 * `tasks/` is longer than 80 lines, from its first line to its last. Prints the
 * longest, so a report shows how close the code is to the rule.
 */
import { strict as assert } from "node:assert";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { longFunctions } from "../_helpers/function_length.ts";

/** The rule. */
const LIMIT = 80;

/** The TypeScript files below a folder. */
async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) await sources(path, out);
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

Deno.test(`functions in src/ and tasks/: none over ${LIMIT} lines`, async () => {
  const files: string[] = [];
  for (const folder of ["src", "tasks"]) await sources(join(REPO_ROOT, folder), files);
  // measure from 60 lines up, so the report names the longest even when all are within the rule
  const long = await longFunctions(files, 60);
  const where = (f: (typeof long)[number]) =>
    `${relative(REPO_ROOT, f.file)}:${f.line} ${f.name} (${f.lines})`;
  console.log(`  longest: ${long.slice(0, 5).map(where).join(", ") || "none over 60 lines"}`);
  const over = long.filter((f) => f.lines > LIMIT).map(where);
  assert.deepEqual(over, [], `functions over ${LIMIT} lines:\n${over.join("\n")}`);
});

Deno.test("the length measure counts a function's lines from first to last", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ht-fnlen-" });
  try {
    const file = join(dir, "sample.ts");
    const body = Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join("\n");
    await Deno.writeTextFile(
      file,
      `export function long(): void {\n${body}\n}\nconst short = () => 1;\nexport { short };\n`,
    );
    const found = await longFunctions([file], LIMIT);
    assert.deepEqual(found.map((f) => [f.name, f.line, f.lines]), [["long", 1, 83]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
